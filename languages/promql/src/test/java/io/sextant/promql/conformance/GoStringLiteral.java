package io.sextant.promql.conformance;

import io.sextant.promql.parser.GoText;
import java.io.ByteArrayOutputStream;

/**
 * Go's {@code strconv.Unquote} for the string literals of {@code expect string} lines: {@code "…"} with Go
 * escapes or {@code `…`} raw. The result is a byte string, so bytes that are not valid UTF-8 come back
 * surrogate-escaped, as the engine's strings carry them (see {@link GoText}).
 */
final class GoStringLiteral {
    private GoStringLiteral() {}

    /** @throws IllegalArgumentException if {@code literal} is not exactly one valid Go string literal */
    static String unquote(String literal) {
        if (literal.length() < 2) {
            throw invalid(literal);
        }
        char quote = literal.charAt(0);
        String body = literal.substring(1, literal.length() - 1);
        if (literal.charAt(literal.length() - 1) != quote) {
            throw invalid(literal);
        }
        if (quote == '`') {
            if (body.indexOf('`') >= 0) {
                throw invalid(literal);
            }
            // Go drops carriage returns from raw strings.
            return body.replace("\r", "");
        }
        if (quote != '"' || body.indexOf('\n') >= 0) {
            throw invalid(literal);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == '"') {
                throw invalid(literal);
            }
            if (c != '\\') {
                int cp = body.codePointAt(i);
                out.writeBytes(GoText.utf8(new String(Character.toChars(cp))));
                i += Character.charCount(cp);
                continue;
            }
            if (i + 1 >= body.length()) {
                throw invalid(literal);
            }
            char e = body.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'a' -> out.write(0x07);
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(0x0B);
                case '\\', '"' -> out.write(e);
                case 'x' -> {
                    out.write((int) hex(literal, body, i, 2));
                    i += 2;
                }
                case 'u', 'U' -> {
                    int n = e == 'u' ? 4 : 8;
                    long cp = hex(literal, body, i, n);
                    if (cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
                        throw invalid(literal);
                    }
                    out.writeBytes(GoText.utf8(new String(Character.toChars((int) cp))));
                    i += n;
                }
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    if (i + 2 > body.length()) {
                        throw invalid(literal);
                    }
                    int v = 0;
                    for (int k = i - 1; k < i + 2; k++) {
                        int d = body.charAt(k) - '0';
                        if (d < 0 || d > 7) {
                            throw invalid(literal);
                        }
                        v = v * 8 + d;
                    }
                    if (v > 255) {
                        throw invalid(literal);
                    }
                    out.write(v);
                    i += 2;
                }
                default -> throw invalid(literal);
            }
        }
        byte[] b = out.toByteArray();
        return GoText.decode(b, 0, b.length);
    }

    private static long hex(String literal, String body, int from, int digits) {
        if (from + digits > body.length()) {
            throw invalid(literal);
        }
        long v = 0;
        for (int k = from; k < from + digits; k++) {
            int d = Character.digit(body.charAt(k), 16);
            if (d < 0) {
                throw invalid(literal);
            }
            v = v * 16 + d;
        }
        return v;
    }

    private static IllegalArgumentException invalid(String literal) {
        return new IllegalArgumentException("invalid Go string literal: " + literal);
    }
}
