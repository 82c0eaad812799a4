package io.sextant.promql.parser;

import io.sextant.storage.text.GoFloat;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;

/** Go's number parsing and formatting where PromQL exposes it: literals, {@code %g}, {@code %f}. */
public final class GoNumbers {
    private static final BigInteger MAX_INT64 = BigInteger.valueOf(Long.MAX_VALUE);

    private GoNumbers() {}

    /**
     * The value of a NUMBER token as Prometheus computes it: {@code strconv.ParseInt(s, 0, 64)} first (so
     * {@code 010} is octal 8 and {@code 0x1f} is hex), then {@code strconv.ParseFloat(s, 64)}.
     *
     * @throws IllegalArgumentException with Go's {@code strconv.ParseFloat} error text
     */
    public static double parseLiteral(String s) {
        Long asInt = parseIntBase0(s);
        if (asInt != null) {
            return asInt;
        }
        return parseFloat(s);
    }

    /** {@code strconv.ParseInt(s, 0, 64)} for unsigned input, or null on any error. */
    static Long parseIntBase0(String s) {
        int base = 10;
        int i = 0;
        if (s.length() >= 2 && s.charAt(0) == '0') {
            char p = Character.toLowerCase(s.charAt(1));
            if (p == 'x') {
                base = 16;
                i = 2;
            } else if (p == 'o') {
                base = 8;
                i = 2;
            } else if (p == 'b') {
                base = 2;
                i = 2;
            } else {
                base = 8;
                i = 1;
            }
        }
        if (s.indexOf('_') >= 0 && !underscoreOk(s)) {
            return null;
        }
        String digits = s.substring(i).replace("_", "");
        if (digits.isEmpty()) {
            // "0" alone is octal zero; "0x" alone is invalid
            return i == 1 ? 0L : null;
        }
        BigInteger v;
        try {
            v = new BigInteger(digits, base);
        } catch (NumberFormatException e) {
            return null;
        }
        if (v.signum() < 0 || v.compareTo(MAX_INT64) > 0 || digits.charAt(0) == '+' || digits.charAt(0) == '-') {
            return null;
        }
        return v.longValue();
    }

    /**
     * {@code strconv.ParseFloat(s, 64)}: decimal with optional sign, fraction, exponent and {@code _} digit
     * separators, {@code inf}/{@code infinity}/{@code nan} in any case, and hex floats with a {@code p} exponent.
     *
     * @throws IllegalArgumentException {@code strconv.ParseFloat: parsing "s": invalid syntax} or {@code value
     *     out of range}
     */
    public static double parseFloat(String s) {
        String body = s;
        boolean negative = false;
        if (!body.isEmpty() && (body.charAt(0) == '+' || body.charAt(0) == '-')) {
            negative = body.charAt(0) == '-';
            body = body.substring(1);
        }
        String lower = body.toLowerCase(Locale.ROOT);
        if (lower.equals("inf") || lower.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (lower.equals("nan") && body.length() == s.length()) {
            return Double.NaN;
        }
        if (body.indexOf('_') >= 0 && !underscoreOk(s)) {
            throw syntax(s);
        }
        String plain = body.replace("_", "");
        double v;
        if (lower.startsWith("0x")) {
            if (!plain.matches("0[xX](?:[0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)[pP][+-]?[0-9]+")) {
                throw syntax(s);
            }
            v = Double.parseDouble(plain);
        } else {
            if (!plain.matches("(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?")) {
                throw syntax(s);
            }
            v = new BigDecimal(plain).doubleValue();
        }
        if (Double.isInfinite(v)) {
            throw new IllegalArgumentException(
                    "strconv.ParseFloat: parsing " + GoText.quote(s) + ": value out of range");
        }
        return negative ? -v : v;
    }

    private static IllegalArgumentException syntax(String s) {
        return new IllegalArgumentException("strconv.ParseFloat: parsing " + GoText.quote(s) + ": invalid syntax");
    }

    /** Go's rule for {@code _} separators: only between digits, or right after a base prefix. */
    private static boolean underscoreOk(String s) {
        char saw = '^';
        int i = 0;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            s = s.substring(1);
        }
        boolean hex = false;
        if (s.length() >= 2 && s.charAt(0) == '0' && "box".indexOf(Character.toLowerCase(s.charAt(1))) >= 0) {
            i = 2;
            saw = '0';
            hex = Character.toLowerCase(s.charAt(1)) == 'x';
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            char l = Character.toLowerCase(c);
            if ((c >= '0' && c <= '9') || (hex && l >= 'a' && l <= 'f')) {
                saw = '0';
                continue;
            }
            if (c == '_') {
                if (saw != '0') {
                    return false;
                }
                saw = '_';
                continue;
            }
            if (saw == '_') {
                return false;
            }
            saw = '!';
        }
        return saw != '_';
    }

    /** Go's {@code %g} / {@code %v} of a float64: shortest digits, exponent form below 1e-4 and from 1e6. */
    public static String formatG(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFloat.formatFixed(v);
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        }
        StringBuilder e = new StringBuilder();
        GoFloat.append(e, v, true);
        int x = Integer.parseInt(e.substring(e.indexOf("e") + 1));
        // Go uses %e when the exponent is < -4 or >= the precision, which is 6 for shortest formatting.
        if (x < -4 || x >= 6) {
            return e.toString();
        }
        return GoFloat.formatFixed(v);
    }

    /** Go's {@code %f}: six decimals, correctly rounded; {@code +Inf}, {@code -Inf}, {@code NaN}. */
    public static String formatF(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFloat.formatFixed(v);
        }
        String s = new BigDecimal(v).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        if ((v < 0 || (v == 0 && 1 / v < 0)) && !s.startsWith("-")) {
            s = "-" + s;
        }
        return s;
    }
}
