package io.sextant.storage.text;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;
import java.math.BigDecimal;

/**
 * Go's float formatting with precision {@code -1}, which Prometheus, its JSON API and OTLP translation use:
 * the shortest decimal that parses back to the same double and, when several have that length, the one
 * closest to the exact binary value. Every Sextant output that must match a Go server byte for byte formats
 * through here.
 *
 * <p>Java 17's {@code Double.toString} is not always shortest, so the digits come from the Schubfach
 * algorithm (bundled with jackson-core, the same algorithm as {@code Double.toString} since JDK 19).
 * Schubfach returns at least two digits where one would do ({@code 4.9E-324} for Go's {@code 5e-324}), so a
 * two-digit result is checked for a one-digit one.
 */
public final class GoFloat {
    private GoFloat() {}

    /**
     * {@code strconv.AppendFloat(v, 'f', -1, 64)} (never an exponent), or {@code 'e'} when {@code exponent};
     * specials as {@code NaN}, {@code +Inf}, {@code -Inf}.
     */
    public static void append(StringBuilder sb, double v, boolean exponent) {
        if (!appendSpecial(sb, v)) {
            appendGo(sb, v, exponent);
        }
    }

    /** {@code strconv.FormatFloat(v, 'f', -1, 64)}. */
    public static String formatFixed(double v) {
        StringBuilder sb = new StringBuilder(24);
        append(sb, v, false);
        return sb.toString();
    }

    /**
     * A finite double as Go's {@code encoding/json} writes it (the ES6 number format): plain between 1e-6
     * and 1e21, otherwise {@code 1.5e-7} / {@code 1e+21} (exponent without Go's two-digit padding).
     */
    public static String jsonNumber(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("JSON has no number for " + v);
        }
        double abs = Math.abs(v);
        StringBuilder sb = new StringBuilder(24);
        boolean exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
        appendGo(sb, v, exponent);
        if (exponent) {
            int e = sb.indexOf("e") + 2;
            if (sb.charAt(e) == '0') {
                sb.deleteCharAt(e);
            }
        }
        return sb.toString();
    }

    private static boolean appendSpecial(StringBuilder sb, double v) {
        if (Double.isNaN(v)) {
            sb.append("NaN");
        } else if (v == Double.POSITIVE_INFINITY) {
            sb.append("+Inf");
        } else if (v == Double.NEGATIVE_INFINITY) {
            sb.append("-Inf");
        } else {
            return false;
        }
        return true;
    }

    private static void appendGo(StringBuilder sb, double v, boolean exponent) {
        if (v < 0 || (v == 0 && 1 / v < 0)) {
            sb.append('-');
        }
        double abs = Math.abs(v);
        if (abs == 0) {
            sb.append('0');
            return;
        }
        Decimal d = shortest(abs);
        if (exponent) {
            appendExponent(sb, d);
        } else {
            appendFixed(sb, d);
        }
    }

    /** {@code 0.digits × 10^point}: digits without leading or trailing zeros. */
    private record Decimal(String digits, int point) {}

    private static Decimal shortest(double abs) {
        String s = DoubleToDecimal.toString(abs);
        int e = s.indexOf('E');
        int exp = e < 0 ? 0 : Integer.parseInt(s, e + 1, s.length(), 10);
        String mantissa = e < 0 ? s : s.substring(0, e);
        int dot = mantissa.indexOf('.');
        String raw = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int point = dot + exp;
        int start = 0;
        while (start < raw.length() - 1 && raw.charAt(start) == '0') {
            start++;
            point--;
        }
        int end = raw.length();
        while (end > start + 1 && raw.charAt(end - 1) == '0') {
            end--;
        }
        Decimal d = new Decimal(raw.substring(start, end), point);
        return d.digits.length() == 2 ? oneDigitIfExact(abs, d) : d;
    }

    private static Decimal oneDigitIfExact(double abs, Decimal two) {
        int first = two.digits.charAt(0) - '0';
        Decimal down = new Decimal(Integer.toString(first), two.point);
        Decimal up = first == 9 ? new Decimal("1", two.point + 1) : new Decimal(Integer.toString(first + 1), two.point);
        boolean downOk = parse(down) == abs;
        boolean upOk = parse(up) == abs;
        if (downOk && upOk) {
            BigDecimal exact = new BigDecimal(abs);
            BigDecimal dDown = exact.subtract(toBig(down)).abs();
            BigDecimal dUp = toBig(up).subtract(exact).abs();
            return dDown.compareTo(dUp) <= 0 ? down : up;
        }
        return downOk ? down : upOk ? up : two;
    }

    private static double parse(Decimal d) {
        return Double.parseDouble("0." + d.digits + "E" + d.point);
    }

    private static BigDecimal toBig(Decimal d) {
        return new BigDecimal("0." + d.digits + "E" + d.point);
    }

    private static void appendExponent(StringBuilder sb, Decimal d) {
        sb.append(d.digits.charAt(0));
        if (d.digits.length() > 1) {
            sb.append('.').append(d.digits, 1, d.digits.length());
        }
        int exp = d.point - 1;
        sb.append(exp < 0 ? "e-" : "e+");
        int abs = Math.abs(exp);
        if (abs < 10) {
            sb.append('0');
        }
        sb.append(abs);
    }

    private static void appendFixed(StringBuilder sb, Decimal d) {
        String digits = d.digits;
        int n = digits.length();
        int point = d.point;
        if (point <= 0) {
            sb.append("0.");
            sb.append("0".repeat(-point));
            sb.append(digits);
            return;
        }
        if (point >= n) {
            sb.append(digits);
            sb.append("0".repeat(point - n));
            return;
        }
        sb.append(digits, 0, point).append('.').append(digits, point, n);
    }
}
