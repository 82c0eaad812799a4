package io.sextant.promql.parser;

import java.io.ByteArrayOutputStream;

/** A test helper: Go's {@code strconv.Unquote} of a double-quoted string, into a surrogate-escaped String. */
final class GoUnquote {
    private GoUnquote() {}

    static String unquote(String quoted) {
        byte[] s = GoText.utf8(quoted);
        if (s.length < 2 || s[0] != '"' || s[s.length - 1] != '"') {
            throw new IllegalArgumentException("not a quoted string: " + quoted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 1; i < s.length - 1; i++) {
            if (s[i] != '\\') {
                out.write(s[i]);
                continue;
            }
            char e = (char) s[++i];
            switch (e) {
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'r' -> out.write('\r');
                case '\\', '"', '\'' -> out.write(e);
                case 'x' -> {
                    out.write(
                            Integer.parseInt(new String(s, i + 1, 2, java.nio.charset.StandardCharsets.US_ASCII), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unsupported escape \\" + e + " in " + quoted);
            }
        }
        byte[] b = out.toByteArray();
        return GoText.decode(b, 0, b.length);
    }
}
