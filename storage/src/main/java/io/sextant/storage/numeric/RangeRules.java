package io.sextant.storage.numeric;

/**
 * Prometheus' per-sample rules for folding a range window: {@code min_over_time}/{@code max_over_time}'s choice
 * and what counts as a counter reset. Rollup buckets fold their samples, and windows fold buckets, with these
 * same rules, which is what makes the two agree bit for bit.
 */
public final class RangeRules {
    private RangeRules() {}

    /**
     * One step of {@code min_over_time}: a NaN is replaced by whatever follows, never replaces a number, and of
     * equal values ({@code -0.0 == 0.0}) the earlier stays. Folding is associative under these rules, so the
     * minimum of bucket minima is the window's minimum, down to the sign of a zero.
     */
    public static double min(double best, double cur) {
        return cur < best || Double.isNaN(best) ? cur : best;
    }

    /** One step of {@code max_over_time}, with {@link #min}'s NaN and tie rules. */
    public static double max(double best, double cur) {
        return cur > best || Double.isNaN(best) ? cur : best;
    }

    /** A value below its predecessor; a NaN on either side never compares, so is never a reset. */
    public static boolean isCounterReset(double prev, double cur) {
        return cur < prev;
    }
}
