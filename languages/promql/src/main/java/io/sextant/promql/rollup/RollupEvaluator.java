package io.sextant.promql.rollup;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.eval.Averages;
import io.sextant.promql.eval.Extrapolation;
import io.sextant.promql.eval.RangeFunction;
import io.sextant.storage.numeric.KahanSum;
import io.sextant.storage.numeric.RangeRules;
import io.sextant.storage.numeric.Welford;
import io.sextant.storage.rollup.RollupSeries;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Answers range functions over a plain range selector ({@code f(x[k·R])}, no {@code anchored}/{@code smoothed})
 * from a series' rollup buckets of resolution R instead of its raw samples, with the semantics of {@link
 * RangeFunction}: the window {@code (end − range, end]}, with {@code end} and {@code range} multiples of R, is the
 * union of the buckets ending in it, so the window's samples are exactly the buckets' samples.
 *
 * <p>Counts, minima, maxima, first/last samples, resets and hence rate, increase and delta come out bit for bit
 * as from the raw samples: the arithmetic is the same, in the same order. Sums, means and variances add the
 * buckets' partial results instead of the samples, so they agree within 1e-9 relative, and only where that is
 * guaranteed: a window with an {@linkplain RollupSeries#extreme() extreme} bucket, or a variance too small for
 * its values' magnitude (see {@link #CONDITION_LIMIT}), is answered {@link Outcome#NEEDS_RAW}.
 *
 * <p>Not thread-safe: it reuses its accumulators, so that evaluating allocates nothing.
 */
public final class RollupEvaluator {
    /** What {@link #apply} found for a window. */
    public enum Outcome {
        /** The value is in {@code out[i]}. */
        POINT,
        /** The series has no output here, as from the raw samples (empty window, or rate with one sample). */
        NO_POINT,
        /** The rollups cannot guarantee the raw answer here: evaluate this window from raw samples. */
        NEEDS_RAW
    }

    /**
     * The functions answered from rollups. The others need what buckets do not keep: irate and idelta the last
     * two samples; changes a count of value changes; deriv and predict_linear regression sums taken against the
     * window's first sample time or the evaluation time; quantile_over_time and mad_over_time the distribution;
     * ts_of_min/max_over_time the time of the extreme; double_exponential_smoothing every sample in turn.
     */
    private static final Set<RangeFunction> EXACT = Collections.unmodifiableSet(EnumSet.of(
            RangeFunction.COUNT_OVER_TIME,
            RangeFunction.SUM_OVER_TIME,
            RangeFunction.AVG_OVER_TIME,
            RangeFunction.MIN_OVER_TIME,
            RangeFunction.MAX_OVER_TIME,
            RangeFunction.STDDEV_OVER_TIME,
            RangeFunction.STDVAR_OVER_TIME,
            RangeFunction.RATE,
            RangeFunction.INCREASE,
            // delta is rate's formula without resets: first and last samples, their times and the count suffice.
            RangeFunction.DELTA,
            RangeFunction.RESETS,
            RangeFunction.PRESENT_OVER_TIME,
            RangeFunction.FIRST_OVER_TIME,
            RangeFunction.LAST_OVER_TIME,
            RangeFunction.TS_OF_FIRST_OVER_TIME,
            RangeFunction.TS_OF_LAST_OVER_TIME));

    /**
     * The largest {@code max|value| / σ} for which a variance is answered from rollups. Prometheus' Welford update
     * rounds its running mean to a double, off by up to 2^-52·max|value|, and that error reaches M2 at first order:
     * at most about √2·2^-51·max|value|/σ relative to it. Merging buckets makes errors of the same kind (each
     * bucket's own Welford run, then the rounded means in the merge), at most about 3·2^-51·max|value|/σ, so the
     * two answers differ by less than 9·2^-52·max|value|/σ, below 1e-9 up to this limit (random and patterned data
     * differ by about 3·2^-52·max|value|/σ). Beyond it even Prometheus' own answer has lost that many digits (a
     * gauge at 1e15 moving by 1 keeps about one), so only the raw samples, in Prometheus' order, reproduce it.
     */
    static final double CONDITION_LIMIT = 0x1p18;

    private final KahanSum sum = new KahanSum();
    private final Welford variance = new Welford();

    /** Whether {@link #apply} answers {@code f} (over a plain range selector). */
    public static boolean isExact(RangeFunction f) {
        return EXACT.contains(f);
    }

    /** The functions {@link #isExact} accepts. */
    public static Set<RangeFunction> exactFunctions() {
        return EXACT;
    }

    /**
     * Evaluates {@code f} over the window {@code (windowEnd − rangeMs, windowEnd]} of {@code series} into {@code
     * out[i]}. {@code windowEnd} is the step time minus any offset; it and {@code rangeMs} must be multiples of the
     * series' resolution, and {@code f} one of {@link #exactFunctions()}.
     *
     * @throws IllegalArgumentException if the window is not aligned to the resolution or {@code f} is not exact
     */
    public Outcome apply(RangeFunction f, RollupSeries series, long windowEnd, long rangeMs, double[] out, int i) {
        requireNonNull(f, "f is null");
        requireNonNull(series, "series is null");
        requireNonNull(out, "out is null");
        if (!isExact(f)) {
            throw new IllegalArgumentException(f + " is not answered exactly from rollups");
        }
        long resolution = series.resolutionMs();
        if (rangeMs <= 0 || rangeMs % resolution != 0 || Math.floorMod(windowEnd, resolution) != 0) {
            throw new IllegalArgumentException("window (" + (windowEnd - rangeMs) + ", " + windowEnd
                    + "] is not aligned to the rollup resolution " + resolution + " ms");
        }
        int from = series.firstEndingAfter(windowEnd - rangeMs);
        int to = series.firstEndingAfter(windowEnd);
        if (from == to) {
            return Outcome.NO_POINT;
        }
        switch (f) {
            case COUNT_OVER_TIME -> out[i] = count(series, from, to);
            case PRESENT_OVER_TIME -> out[i] = 1;
            case FIRST_OVER_TIME -> out[i] = series.firstValues()[from];
            case LAST_OVER_TIME -> out[i] = series.lastValues()[to - 1];
            case TS_OF_FIRST_OVER_TIME -> out[i] = series.firstTimes()[from] / 1000.0;
            case TS_OF_LAST_OVER_TIME -> out[i] = series.lastTimes()[to - 1] / 1000.0;
            case MIN_OVER_TIME -> out[i] = min(series, from, to);
            case MAX_OVER_TIME -> out[i] = max(series, from, to);
            case RESETS -> out[i] = resets(series, from, to);
            case SUM_OVER_TIME, AVG_OVER_TIME -> {
                if (hasExtreme(series, from, to)) {
                    return Outcome.NEEDS_RAW;
                }
                sum.reset();
                for (int b = from; b < to; b++) {
                    sum.add(series.sums()[b], series.sumCompensations()[b]);
                }
                out[i] = f == RangeFunction.SUM_OVER_TIME
                        ? sum.result()
                        : Averages.fromSum(sum.sum(), sum.compensation(), count(series, from, to));
            }
            case STDDEV_OVER_TIME, STDVAR_OVER_TIME -> {
                if (hasExtreme(series, from, to)) {
                    return Outcome.NEEDS_RAW;
                }
                variance.reset();
                for (int b = from; b < to; b++) {
                    variance.merge(series.counts()[b], series.means()[b], series.m2s()[b]);
                }
                if (illConditioned(series, from, to)) {
                    return Outcome.NEEDS_RAW;
                }
                double v = variance.variance();
                out[i] = f == RangeFunction.STDDEV_OVER_TIME ? Math.sqrt(v) : v;
            }
            case RATE, INCREASE, DELTA -> {
                long samples = count(series, from, to);
                if (samples < 2) {
                    return Outcome.NO_POINT;
                }
                boolean isCounter = f != RangeFunction.DELTA;
                double first = series.firstValues()[from];
                out[i] = Extrapolation.extrapolate(
                        isCounter ? counterChange(series, from, to) : series.lastValues()[to - 1] - first,
                        first,
                        series.firstTimes()[from],
                        series.lastTimes()[to - 1],
                        samples,
                        windowEnd - rangeMs,
                        windowEnd,
                        rangeMs / 1000.0,
                        isCounter,
                        f == RangeFunction.RATE);
            }
            default -> throw new IllegalStateException("exact function without a rollup kernel: " + f);
        }
        return Outcome.POINT;
    }

    private static long count(RollupSeries s, int from, int to) {
        long n = 0;
        for (int b = from; b < to; b++) {
            n += s.counts()[b];
        }
        return n;
    }

    private static double min(RollupSeries s, int from, int to) {
        double best = s.mins()[from];
        for (int b = from + 1; b < to; b++) {
            best = RangeRules.min(best, s.mins()[b]);
        }
        return best;
    }

    private static double max(RollupSeries s, int from, int to) {
        double best = s.maxs()[from];
        for (int b = from + 1; b < to; b++) {
            best = RangeRules.max(best, s.maxs()[b]);
        }
        return best;
    }

    private static boolean hasExtreme(RollupSeries s, int from, int to) {
        for (int b = from; b < to; b++) {
            if (s.extreme()[b]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the merged variance may differ from Prometheus' by more than 1e-9 relative. All values equal gives
     * exactly 0 both ways, and a NaN M2 (a NaN or infinite value) gives NaN both ways.
     */
    private boolean illConditioned(RollupSeries s, int from, int to) {
        double lo = min(s, from, to);
        double hi = max(s, from, to);
        double largest = Math.max(Math.abs(lo), Math.abs(hi));
        return lo != hi && largest * largest * variance.count() > CONDITION_LIMIT * CONDITION_LIMIT * variance.m2();
    }

    /**
     * The counter's change over the window as Prometheus sums it: {@code last − first}, then the value before each
     * reset in time order, whether inside a bucket or between two (the samples either side of a boundary are
     * consecutive). A reset between the window's first bucket and the one before is outside the window.
     */
    private static double counterChange(RollupSeries s, int from, int to) {
        double change = s.lastValues()[to - 1] - s.firstValues()[from];
        for (int b = from; b < to; b++) {
            if (b > from && RangeRules.isCounterReset(s.lastValues()[b - 1], s.firstValues()[b])) {
                change += s.lastValues()[b - 1];
            }
            for (int r = s.resetOffsets()[b]; r < s.resetOffsets()[b + 1]; r++) {
                change += s.resetValues()[r];
            }
        }
        return change;
    }

    private static int resets(RollupSeries s, int from, int to) {
        int resets = s.resetOffsets()[to] - s.resetOffsets()[from];
        for (int b = from + 1; b < to; b++) {
            if (RangeRules.isCounterReset(s.lastValues()[b - 1], s.firstValues()[b])) {
                resets++;
            }
        }
        return resets;
    }
}
