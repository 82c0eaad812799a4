package io.sextant.promql.eval;

import io.sextant.promql.parser.GoText;
import io.sextant.storage.Labels;
import java.util.Comparator;

/** Prometheus' ordering of label sets (byte-wise UTF-8, name then value, shorter prefix first) and label-set rules. */
final class LabelOrder {
    private LabelOrder() {}

    static final Comparator<Labels> BYTEWISE = (a, b) -> {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = compareBytes(a.name(i), b.name(i));
            if (c != 0) {
                return c;
            }
            c = compareBytes(a.value(i), b.value(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    /**
     * UTF-16 order differs from UTF-8 byte order only around surrogates (non-BMP characters, and the
     * surrogate-escaped raw bytes PromQL strings may hold); compare bytes only then.
     */
    static int compareBytes(String x, String y) {
        if (isBmpOnly(x) && isBmpOnly(y)) {
            return x.compareTo(y);
        }
        return java.util.Arrays.compareUnsigned(GoText.utf8(x), GoText.utf8(y));
    }

    /** {@code labels} restricted to {@code names} ({@code only}) or without them and without {@code __name__}. */
    static Labels project(Labels labels, boolean only, java.util.Set<String> names) {
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            boolean listed = names.contains(name);
            if (only ? listed : !listed && !name.equals(Labels.METRIC_NAME)) {
                b.add(name, labels.value(i));
            }
        }
        return b.build();
    }

    private static boolean isBmpOnly(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A label name PromQL accepts (count_values, label_replace): non-empty, valid UTF-8 (no escaped bytes). */
    static boolean isValidName(String s) {
        return !s.isEmpty() && GoText.isValidUtf8(s);
    }
}
