package io.sextant.server.api;

/**
 * Prometheus' {@code U__} value-encoding escape for label names in URL paths ({@code model.UnescapeName} with
 * {@code ValueEncodingEscaping}): after the prefix, {@code __} is an underscore and {@code _<hex>_} a code
 * point, so {@code U__http_2e_status} is {@code http.status}. A malformed name is returned unchanged, as
 * Prometheus does.
 */
final class LabelNames {
    private LabelNames() {}

    static String unescape(String name) {
        if (!name.startsWith("U__")) {
            return name;
        }
        String s = name.substring(3);
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '_') {
                out.append(c);
                continue;
            }
            i++;
            if (i >= s.length()) {
                return name;
            }
            if (s.charAt(i) == '_') {
                out.append('_');
                continue;
            }
            int codePoint = 0;
            int digits = 0;
            while (true) {
                if (i >= s.length() || digits >= 6) {
                    return name;
                }
                char h = s.charAt(i);
                if (h == '_') {
                    break;
                }
                int d = Character.digit(h, 16);
                if (d < 0) {
                    return name;
                }
                codePoint = codePoint * 16 + d;
                digits++;
                i++;
            }
            if (!Character.isValidCodePoint(codePoint) || (codePoint >= 0xD800 && codePoint < 0xE000)) {
                return name;
            }
            out.appendCodePoint(codePoint);
        }
        return out.toString();
    }
}
