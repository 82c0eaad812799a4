package io.sextant.promql.eval;

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
}
