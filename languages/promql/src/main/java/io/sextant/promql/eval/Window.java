package io.sextant.promql.eval;

import io.sextant.storage.numeric.KahanSum;
import io.sextant.storage.numeric.Welford;

/**
 * What a range-vector function sees at one step for one series: the float samples {@code [from, to)} of
 * {@code t}/{@code v} that fall in the left-open window {@code (rangeStart, rangeEnd]}, and the step's scalar
 * arguments. One instance is refilled for every step, so evaluating a range function allocates nothing.
 */
public final class Window {
    /** Sample timestamps (ms), ascending; stale markers already removed. */
    public long[] t;

    public double[] v;
    public int from;
    public int to;

    /** Exclusive start of the window, ms: step time − offset − range. */
    public long rangeStart;

    /** Inclusive end of the window, ms: step time − offset. */
    public long rangeEnd;

    /** The step's evaluation time, ms (before any offset); {@code predict_linear} regresses against it. */
    public long evalTime;

    /** The selector's (or subquery's) range in seconds, without the offset. */
    public double rangeSeconds;

    /**
     * For {@code anchored}/{@code smoothed} range selectors: {@code [from, to)} then also holds the samples up to
     * a lookback before the window (and, smoothed, after it), which those functions read at the edges.
     */
    public io.sextant.promql.ast.RangeExtension extension = io.sextant.promql.ast.RangeExtension.NONE;

    /** The window end (ms, before offset) of every step under an {@code @} modifier, else Long.MIN_VALUE. */
    public long fixedEnd = Long.MIN_VALUE;

    /** Scalar arguments of the function at this step ({@code quantile_over_time}'s φ, …). */
    public double param0;

    public double param1;

    /** Set by the regression kernels: the intercept that goes with the slope they return. */
    double intercept;

    private final KahanSum[] sums = {new KahanSum(), new KahanSum(), new KahanSum(), new KahanSum()};
    private final Welford welford = new Welford();
    private double[] scratch = new double[16];

    public int size() {
        return to - from;
    }

    /** Reusable compensated sum number {@code k} (0–3), reset. */
    KahanSum kahan(int k) {
        KahanSum s = sums[k];
        s.reset();
        return s;
    }

    /** The reusable variance accumulator, reset. */
    Welford welford() {
        welford.reset();
        return welford;
    }

    /** The window's values copied into a reusable array that kernels may reorder. */
    double[] copyValues() {
        int n = size();
        if (scratch.length < n) {
            scratch = new double[Math.max(n, 2 * scratch.length)];
        }
        System.arraycopy(v, from, scratch, 0, n);
        return scratch;
    }
}
