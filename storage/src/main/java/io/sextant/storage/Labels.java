package io.sextant.storage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable label set, sorted by name, without duplicate names and without empty values (a label with
 * an empty value is the same as an absent label, as in Prometheus). Ordering between label sets is
 * Prometheus' {@code labels.Compare}: pairwise by name, then value, then by length.
 *
 * <p>Names follow Prometheus 3: any non-empty valid UTF-8 string is accepted; {@link
 * #isLegacyName(String)} tells whether a name also fits the classic {@code [a-zA-Z_][a-zA-Z0-9_]*}.
 */
public final class Labels implements Comparable<Labels> {
    public static final String METRIC_NAME = "__name__";
    public static final Labels EMPTY = new Labels(new String[0]);

    /** One name/value pair. */
    public record Label(String name, String value) {
        public Label {
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
        }
    }

    // names at even, values at odd positions
    private final String[] pairs;
    private int hash;
    private long hash64;
    private boolean hashed;

    private Labels(String[] pairs) {
        this.pairs = pairs;
    }

    /**
     * Builds a label set from alternating names and values, validating it.
     *
     * @throws SextantException {@link ErrorCode#BAD_DATA} naming the offending label
     */
    public static Labels of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("odd number of names and values");
        }
        return fromUnsorted(namesAndValues.clone(), namesAndValues.length / 2);
    }

    public static Labels fromMap(Map<String, String> map) {
        String[] pairs = new String[map.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            pairs[i++] = e.getKey();
            pairs[i++] = e.getValue();
        }
        return fromUnsorted(pairs, map.size());
    }

    /**
     * Validates and sorts {@code count} pairs stored in {@code pairs} (which this method may reorder and
     * keep). Empty values are dropped.
     */
    static Labels fromUnsorted(String[] pairs, int count) {
        for (int i = 0; i < count; i++) {
            String name = pairs[2 * i];
            String value = pairs[2 * i + 1];
            if (name == null || value == null) {
                throw new SextantException(ErrorCode.BAD_DATA, "label name or value is null");
            }
            if (name.isEmpty()) {
                throw new SextantException(
                        ErrorCode.BAD_DATA, "empty label name (value \"" + abbreviate(value) + "\")");
            }
        }
        boolean sorted = true;
        for (int i = 1; i < count && sorted; i++) {
            sorted = pairs[2 * i - 2].compareTo(pairs[2 * i]) < 0;
        }
        if (!sorted) {
            sortPairs(pairs, count);
        }
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (i > 0 && pairs[2 * i].equals(pairs[2 * i - 2])) {
                throw new SextantException(
                        ErrorCode.BAD_DATA, "duplicate label name \"" + abbreviate(pairs[2 * i]) + "\"");
            }
            if (!pairs[2 * i + 1].isEmpty()) {
                kept++;
            }
        }
        if (kept == count && pairs.length == 2 * count) {
            return new Labels(pairs);
        }
        String[] out = new String[2 * kept];
        int o = 0;
        for (int i = 0; i < count; i++) {
            if (!pairs[2 * i + 1].isEmpty()) {
                out[o++] = pairs[2 * i];
                out[o++] = pairs[2 * i + 1];
            }
        }
        return new Labels(out);
    }

    private static void sortPairs(String[] pairs, int count) {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> pairs[2 * a].compareTo(pairs[2 * b]));
        String[] copy = Arrays.copyOf(pairs, 2 * count);
        for (int i = 0; i < count; i++) {
            pairs[2 * i] = copy[2 * order[i]];
            pairs[2 * i + 1] = copy[2 * order[i] + 1];
        }
    }

    /** True if {@code name} matches {@code [a-zA-Z_][a-zA-Z0-9_]*}. */
    public static boolean isLegacyName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    public int size() {
        return pairs.length / 2;
    }

    public boolean isEmpty() {
        return pairs.length == 0;
    }

    public String name(int i) {
        return pairs[2 * i];
    }

    public String value(int i) {
        return pairs[2 * i + 1];
    }

    /** The value of {@code name}, or the empty string when absent (Prometheus semantics). */
    public String get(String name) {
        int lo = 0;
        int hi = size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = pairs[2 * mid].compareTo(name);
            if (c == 0) {
                return pairs[2 * mid + 1];
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return "";
    }

    public boolean has(String name) {
        return !get(name).isEmpty();
    }

    public String metricName() {
        return get(METRIC_NAME);
    }

    public void forEach(BiConsumer<String, String> consumer) {
        for (int i = 0; i < pairs.length; i += 2) {
            consumer.accept(pairs[i], pairs[i + 1]);
        }
    }

    public List<Label> asList() {
        List<Label> out = new ArrayList<>(size());
        forEach((n, v) -> out.add(new Label(n, v)));
        return out;
    }

    /** A builder that starts from this set. */
    public Builder toBuilder() {
        Builder b = new Builder();
        forEach(b::set);
        return b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A stable 64-bit hash of the label set (FNV-1a over names and values with separators), used for series
     * identity. Collisions are possible and are resolved by comparing the labels.
     */
    public long hash64() {
        if (!hashed) {
            long h = 0xcbf29ce484222325L;
            for (String s : pairs) {
                for (int i = 0; i < s.length(); i++) {
                    h ^= s.charAt(i);
                    h *= 0x100000001b3L;
                }
                h ^= 0xff;
                h *= 0x100000001b3L;
            }
            hash64 = h;
            hashed = true;
        }
        return hash64;
    }

    /**
     * Prometheus' {@code labels.Hash()}: XXH64 of {@code name 0xff value 0xff …} over the UTF-8 bytes, in label
     * order. PromQL's limit_ratio samples series by it, so the same series are picked as in Prometheus.
     */
    public long prometheusHash() {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(64);
        for (String s : pairs) {
            b.writeBytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            b.write(0xff);
        }
        return io.sextant.storage.hash.XxHash64.hash(b.toByteArray(), 0, b.size());
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            long l = hash64();
            h = (int) (l ^ (l >>> 32));
            hash = h;
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Labels other && Arrays.equals(pairs, other.pairs));
    }

    @Override
    public int compareTo(Labels o) {
        int n = Math.min(pairs.length, o.pairs.length);
        for (int i = 0; i < n; i += 2) {
            int c = pairs[i].compareTo(o.pairs[i]);
            if (c != 0) {
                return c;
            }
            c = pairs[i + 1].compareTo(o.pairs[i + 1]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pairs.length, o.pairs.length);
    }

    /** Prometheus text form, {@code {a="b", c="d"}}, with the metric name outside the braces if legacy. */
    @Override
    public String toString() {
        String name = metricName();
        return format(!name.isEmpty() && isLegacyName(name));
    }

    /**
     * Every label inside the braces, {@code {__name__="up", job="a"}}: Prometheus' {@code labels.String()},
     * which its error messages print.
     */
    public String toBracedString() {
        return format(false);
    }

    private String format(boolean nameOutside) {
        StringBuilder sb = new StringBuilder();
        String name = metricName();
        if (nameOutside) {
            sb.append(name);
        }
        sb.append('{');
        boolean first = true;
        for (int i = 0; i < pairs.length; i += 2) {
            if (nameOutside && pairs[i].equals(METRIC_NAME)) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            if (isLegacyName(pairs[i])) {
                sb.append(pairs[i]);
            } else {
                appendQuoted(sb, pairs[i]);
            }
            sb.append('=');
            appendQuoted(sb, pairs[i + 1]);
        }
        return sb.append('}').toString();
    }

    private static void appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        sb.append('"');
    }

    /** Collects pairs in any order; {@link #build()} validates and sorts them. Setting a name twice replaces. */
    public static final class Builder {
        private String[] pairs = new String[16];
        private int count;

        public Builder set(String name, String value) {
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
            for (int i = 0; i < count; i++) {
                if (pairs[2 * i].equals(name)) {
                    pairs[2 * i + 1] = value;
                    return this;
                }
            }
            return add(name, value);
        }

        /** Adds without replacing, so that {@link #build()} reports duplicates. */
        public Builder add(String name, String value) {
            if (2 * count + 2 > pairs.length) {
                pairs = Arrays.copyOf(pairs, pairs.length * 2);
            }
            pairs[2 * count] = name;
            pairs[2 * count + 1] = value;
            count++;
            return this;
        }

        public Builder remove(String name) {
            for (int i = 0; i < count; i++) {
                if (pairs[2 * i].equals(name)) {
                    System.arraycopy(pairs, 2 * i + 2, pairs, 2 * i, 2 * (count - i - 1));
                    count--;
                    return this;
                }
            }
            return this;
        }

        public int size() {
            return count;
        }

        public Builder reset() {
            count = 0;
            return this;
        }

        public Labels build() {
            return fromUnsorted(Arrays.copyOf(pairs, 2 * count), count);
        }
    }
}
