package io.sextant.promql.eval;

/**
 * The "natural" string order of sort_by_label: runs of digits compare by numeric value (leading zeros
 * skipped, a longer run is larger), everything else byte by byte.
 */
final class NaturalOrder {
    private NaturalOrder() {}

    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (isDigit(x) && isDigit(y)) {
                int si = i;
                int sj = j;
                while (si < a.length() && a.charAt(si) == '0') {
                    si++;
                }
                while (sj < b.length() && b.charAt(sj) == '0') {
                    sj++;
                }
                int ei = si;
                int ej = sj;
                while (ei < a.length() && isDigit(a.charAt(ei))) {
                    ei++;
                }
                while (ej < b.length() && isDigit(b.charAt(ej))) {
                    ej++;
                }
                if (ei - si != ej - sj) {
                    return Integer.compare(ei - si, ej - sj);
                }
                int c = a.substring(si, ei).compareTo(b.substring(sj, ej));
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
                continue;
            }
            if (x != y) {
                return LabelOrder.compareBytes(String.valueOf(x), String.valueOf(y));
            }
            i++;
            j++;
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
