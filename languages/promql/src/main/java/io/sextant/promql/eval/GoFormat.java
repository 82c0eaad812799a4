package io.sextant.promql.eval;

import io.sextant.storage.text.GoFloat;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Go's {@code fmt} verbs for floats, where Prometheus puts numbers into error and annotation texts. */
public final class GoFormat {
    private GoFormat() {}

    /** {@code %f}: six decimals, the exact binary value rounded half to even; {@code NaN}, {@code +Inf}. */
    public static String f(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "+Inf" : "-Inf";
        }
        String s = new BigDecimal(x).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        // BigDecimal drops the sign of a negative value that rounds to zero; Go keeps it.
        return x < 0 && !s.startsWith("-") ? "-" + s : s;
    }

    /**
     * {@code %g}: the shortest digits, in exponent form ({@code 1e+06}) when the decimal exponent is below −4
     * or at least 6, else plain.
     */
    public static String g(double x) {
        StringBuilder e = new StringBuilder(24);
        GoFloat.append(e, x, true);
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return e.toString();
        }
        int at = e.indexOf("e");
        int exp = Integer.parseInt(e.substring(at + 1));
        return exp < -4 || exp >= 6 ? e.toString() : GoFloat.formatFixed(x);
    }
}
