package io.sextant.promql.eval;

/**
 * The few numeric operations where Go's {@code math} package, and therefore Prometheus, differs from Java.
 */
public final class GoMath {
    private GoMath() {}

    /** Go's {@code math.Pow}: unlike {@link Math#pow}, {@code 1^y} is 1 and {@code (-1)^±Inf} is 1. */
    public static double pow(double x, double y) {
        if (x == 1) {
            return 1;
        }
        if (x == -1 && Double.isInfinite(y)) {
            return 1;
        }
        return Math.pow(x, y);
    }

    /** Go's {@code math.Round}: half away from zero ({@link Math#round} rounds half up). */
    public static double round(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return x;
        }
        double t = Math.floor(Math.abs(x) + 0.5);
        // Above 2^52 every double is an integer: adding 0.5 could round the sum up to the next one.
        if (Math.abs(x) >= 0x1p52) {
            t = Math.abs(x);
        }
        return Math.copySign(t, x);
    }
}
