package io.sextant.server.api;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;
import java.math.BigDecimal;

/**
 * Number formatting byte-identical to Prometheus' JSON API ({@code util/jsonutil/marshal.go}), which Grafana
 * and promql-compliance comparisons read.
 *
 * <ul>
 *   <li>Sample values: Go {@code strconv.AppendFloat(f, 'f', -1, 64)}, switching to {@code 'e'} when {@code
 *       |f| < 1e-6} or {@code |f| >= 1e21}; specials as {@code NaN}, {@code +Inf}, {@code -Inf}.
 *   <li>Timestamps (ms): whole seconds, then {@code .} and exactly three millisecond digits when the
 *       millisecond part is not zero; never an exponent.
 * </ul>
 *
 * <p>Go's {@code -1} precision means the shortest decimal that parses back to the same double; when several
 * have that length, the one closest to the exact binary value. Java 17's {@code Double.toString} is not
 * always shortest, so the digits come from the Schubfach algorithm (bundled with jackson-core, the same
 * algorithm as {@code Double.toString} since JDK 19). Schubfach returns at least two digits where one would
 * do ({@code 4.9E-324} for Go's {@code 5e-324}), so a two-digit result is checked for a one-digit one.
 */
public final class PromFormat {
    private PromFormat() {}

    /** The value as Prometheus writes it inside the JSON string (without the quotes). */
    public static String formatValue(double v) {
        StringBuilder sb = new StringBuilder(24);
        appendValue(sb, v);
        return sb.toString();
    }

    public static void appendValue(StringBuilder sb, double v) {
        if (appendSpecial(sb, v)) {
            return;
        }
        double abs = Math.abs(v);
        appendGo(sb, v, abs != 0 && (abs < 1e-6 || abs >= 1e21));
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent. */
    public static String formatPlain(double v) {
        StringBuilder sb = new StringBuilder(24);
        if (!appendSpecial(sb, v)) {
            appendGo(sb, v, false);
        }
        return sb.toString();
    }

    /** A millisecond timestamp as Prometheus' JSON number of seconds. */
    public static String formatTimestamp(long ms) {
        StringBuilder sb = new StringBuilder(24);
        appendTimestamp(sb, ms);
        return sb.toString();
    }

    public static void appendTimestamp(StringBuilder sb, long ms) {
        if (ms < 0) {
            sb.append('-');
        }
        // division before abs: -Long.MIN_VALUE would overflow
        sb.append(Math.abs(ms / 1000));
        long fraction = Math.abs(ms % 1000);
        if (fraction != 0) {
            sb.append('.');
            if (fraction < 100) {
                sb.append('0');
            }
            if (fraction < 10) {
                sb.append('0');
            }
            sb.append(fraction);
        }
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
