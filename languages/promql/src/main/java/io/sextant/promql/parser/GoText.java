package io.sextant.promql.parser;

import java.io.ByteArrayOutputStream;

/**
 * Go's string conventions, as PromQL needs them byte for byte: UTF-8 byte offsets, {@code strconv.Quote},
 * {@code %q} of a rune and {@code %#U}.
 *
 * <p>PromQL strings are byte strings: {@code "\xff"} is a one-byte value that is not valid UTF-8. In Java
 * {@code String}s such a byte {@code b} is carried as the lone low surrogate {@code (char) (0xDC00 | b)}
 * ("surrogate escape"), which no valid UTF-16 text contains. {@link #utf8} turns it back into the byte, and
 * {@link #quote} prints it as {@code \xNN}, as Go does for invalid bytes.
 */
public final class GoText {
    /** Go's {@code utf8.RuneError}. */
    static final int RUNE_ERROR = 0xFFFD;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoText() {}

    /** The UTF-8 bytes of {@code s}, with surrogate-escaped bytes restored. */
    public static byte[] utf8(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                appendUtf8(out, Character.toCodePoint(c, s.charAt(i + 1)));
                i += 2;
                continue;
            }
            if (c >= 0xDC80 && c <= 0xDCFF) {
                out.write(c & 0xFF);
            } else if (Character.isSurrogate(c)) {
                appendUtf8(out, RUNE_ERROR);
            } else {
                appendUtf8(out, c);
            }
            i++;
        }
        return out.toByteArray();
    }

    /** Decodes UTF-8, surrogate-escaping every byte that is not part of a valid sequence. */
    public static String decode(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; ) {
            long r = decodeRune(b, i, to);
            int rune = (int) r;
            int width = (int) (r >>> 32);
            if (rune == RUNE_ERROR && width == 1) {
                sb.append((char) (0xDC00 | (b[i] & 0xFF)));
            } else {
                sb.appendCodePoint(rune);
            }
            i += width;
        }
        return sb.toString();
    }

    /**
     * Go's {@code utf8.DecodeRune}: the rune in the low 32 bits, its width in the high 32 bits; an invalid or
     * truncated sequence is {@link #RUNE_ERROR} of width 1, and the end of input is -1 of width 0.
     */
    static long decodeRune(byte[] b, int i, int end) {
        if (i >= end) {
            return -1L & 0xFFFFFFFFL;
        }
        int b0 = b[i] & 0xFF;
        if (b0 < 0x80) {
            return pack(b0, 1);
        }
        int need;
        int min;
        int cp;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            need = 1;
            min = 0x80;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            need = 2;
            min = 0x800;
            cp = b0 & 0x0F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            need = 3;
            min = 0x10000;
            cp = b0 & 0x07;
        } else {
            return pack(RUNE_ERROR, 1);
        }
        if (i + need >= end) {
            return pack(RUNE_ERROR, 1);
        }
        for (int k = 1; k <= need; k++) {
            int bk = b[i + k] & 0xFF;
            if ((bk & 0xC0) != 0x80) {
                return pack(RUNE_ERROR, 1);
            }
            cp = (cp << 6) | (bk & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return pack(RUNE_ERROR, 1);
        }
        return pack(cp, need + 1);
    }

    private static long pack(int rune, int width) {
        return ((long) width << 32) | (rune & 0xFFFFFFFFL);
    }

    private static void appendUtf8(ByteArrayOutputStream out, int cp) {
        if (cp < 0x80) {
            out.write(cp);
        } else if (cp < 0x800) {
            out.write(0xC0 | (cp >> 6));
            out.write(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out.write(0xE0 | (cp >> 12));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        } else {
            out.write(0xF0 | (cp >> 18));
            out.write(0x80 | ((cp >> 12) & 0x3F));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        }
    }

    /** The number of UTF-8 bytes of {@code s}, which is what Go's {@code len} counts. */
    public static int byteLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (c >= 0xDC80 && c <= 0xDCFF) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Go's {@code strconv.Quote}. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        appendQuoted(sb, s, '"');
        return sb.toString();
    }

    static void appendQuoted(StringBuilder sb, String s, char quote) {
        sb.append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp >= 0xDC80 && cp <= 0xDCFF) {
                sb.append("\\x").append(HEX[(cp >> 4) & 0xF]).append(HEX[cp & 0xF]);
            } else if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                sb.append("\\ufffd");
            } else {
                appendEscapedRune(sb, cp, quote);
            }
        }
        sb.append(quote);
    }

    private static void appendEscapedRune(StringBuilder sb, int r, char quote) {
        if (r == quote || r == '\\') {
            sb.append('\\').append((char) r);
            return;
        }
        if (isPrint(r)) {
            sb.appendCodePoint(r);
            return;
        }
        switch (r) {
            case 0x07 -> sb.append("\\a");
            case '\b' -> sb.append("\\b");
            case '\f' -> sb.append("\\f");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            case 0x0B -> sb.append("\\v");
            default -> {
                if (r < ' ' || r == 0x7F) {
                    sb.append("\\x").append(HEX[(r >> 4) & 0xF]).append(HEX[r & 0xF]);
                } else if (r < 0x10000) {
                    sb.append("\\u");
                    for (int s = 12; s >= 0; s -= 4) {
                        sb.append(HEX[(r >> s) & 0xF]);
                    }
                } else {
                    sb.append("\\U");
                    for (int s = 28; s >= 0; s -= 4) {
                        sb.append(HEX[(r >> s) & 0xF]);
                    }
                }
            }
        }
    }

    /** Go's {@code %q} of a rune: {@code '}'}, {@code '\n'}, {@code '\''}. */
    public static String quoteRune(int r) {
        StringBuilder sb = new StringBuilder(8);
        sb.append('\'');
        appendEscapedRune(sb, r, '\'');
        return sb.append('\'').toString();
    }

    /** Go's {@code %#U}: {@code U+0063 'c'}, or just {@code U+000A} when the rune is not printable. */
    public static String formatU(int r) {
        String hex = Integer.toHexString(r).toUpperCase(java.util.Locale.ROOT);
        StringBuilder sb = new StringBuilder("U+");
        for (int i = hex.length(); i < 4; i++) {
            sb.append('0');
        }
        sb.append(hex);
        if (isPrint(r)) {
            sb.append(" '").appendCodePoint(r).append('\'');
        }
        return sb.toString();
    }

    /**
     * Go's {@code strconv.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. Java's
     * Unicode tables may differ from Go's for the newest code points, which only changes how those are quoted.
     */
    static boolean isPrint(int r) {
        if (r < 0x80) {
            return r >= 0x20 && r < 0x7F;
        }
        return switch (Character.getType(r)) {
            case Character.UPPERCASE_LETTER,
                    Character.LOWERCASE_LETTER,
                    Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER,
                    Character.OTHER_LETTER,
                    Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK,
                    Character.COMBINING_SPACING_MARK,
                    Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER,
                    Character.OTHER_NUMBER,
                    Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION,
                    Character.MATH_SYMBOL,
                    Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /** Whether {@code s} is valid UTF-8 once surrogate-escaped bytes are restored. */
    public static boolean isValidUtf8(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
