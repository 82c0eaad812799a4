package io.sextant.storage.rollup;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.Samples;
import io.sextant.storage.numeric.KahanSum;
import io.sextant.storage.numeric.RangeRules;
import io.sextant.storage.numeric.Welford;
import java.util.Arrays;
import java.util.List;

/**
 * Builds {@link RollupSeries}: from raw samples, with the very kernels PromQL's range functions run over a
 * window, so a window of one bucket gets the same bits as from the raw samples; or from a finer resolution, by
 * the merges a window over several buckets uses.
 */
public final class Rollups {
    public static final long FIVE_MINUTES_MS = 300_000;
    public static final long ONE_HOUR_MS = 3_600_000;

    /**
     * Magnitudes {@code |v|} in {@code [2^-480, 2^481)} (or 0) are ordinary. Within them no running sum or sum of
     * squared deviations over fewer than 2^60 samples overflows or falls into subnormals, so where and in which
     * order the raw and the bucketed computations add cannot make one of them infinite or lose all precision.
     */
    private static final int ORDINARY_EXPONENT = 480;

    private Rollups() {}

    /** The end of the bucket at {@code resolutionMs} that holds a sample at {@code t}: the first multiple ≥ t. */
    public static long bucketEnd(long t, long resolutionMs) {
        return (Math.floorDiv(t - 1, resolutionMs) + 1) * resolutionMs;
    }

    /** A finite, non-zero value outside the ordinary magnitudes (see {@link RollupSeries#extreme()}). */
    public static boolean isExtreme(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return false;
        }
        int exponent = Math.getExponent(v);
        return exponent > ORDINARY_EXPONENT || exponent < -ORDINARY_EXPONENT;
    }

    /** The buckets of {@code raw} (timestamps strictly increasing) at {@code resolutionMs}. */
    public static RollupSeries build(Samples raw, long resolutionMs) {
        requireNonNull(raw, "raw is null");
        checkResolution(resolutionMs);
        long[] t = raw.timestamps();
        double[] v = raw.values();
        Columns out = new Columns(raw.count(), resolutionMs);
        KahanSum sum = new KahanSum();
        Welford variance = new Welford();
        long end = Long.MIN_VALUE;
        long previous = Long.MIN_VALUE;
        for (int k = 0; k < raw.count(); k++) {
            if (k > 0 && t[k] <= previous) {
                throw new IllegalArgumentException("timestamps not increasing at " + t[k]);
            }
            previous = t[k];
            double value = v[k];
            if (Samples.isStaleNaN(value)) {
                continue;
            }
            long bucket = bucketEnd(t[k], resolutionMs);
            if (bucket != end) {
                if (end != Long.MIN_VALUE) {
                    out.close(sum, variance);
                }
                end = bucket;
                sum.reset();
                variance.reset();
                out.open(end, t[k], value);
            } else {
                out.extend(t[k], value);
            }
            sum.add(value);
            variance.add(value);
        }
        if (end != Long.MIN_VALUE) {
            out.close(sum, variance);
        }
        return out.series();
    }

    /**
     * The buckets of {@code fine} merged into the coarser {@code resolutionMs} (a multiple of the fine one).
     * Counts, minima, maxima, first and last samples, resets and the extreme flags come out exactly as {@link
     * #build} makes them from the raw samples; sums, means and M2s as a window over the fine buckets would merge
     * them, agreeing with the raw ones to the same precision.
     */
    public static RollupSeries coarsen(RollupSeries fine, long resolutionMs) {
        requireNonNull(fine, "fine is null");
        checkResolution(resolutionMs);
        if (resolutionMs % fine.resolutionMs() != 0) {
            throw new IllegalArgumentException(
                    "resolution " + resolutionMs + " is not a multiple of " + fine.resolutionMs());
        }
        Columns out = new Columns(fine.size(), resolutionMs);
        KahanSum sum = new KahanSum();
        Welford variance = new Welford();
        int i = 0;
        while (i < fine.size()) {
            long end = bucketEnd(fine.ends()[i], resolutionMs);
            sum.reset();
            variance.reset();
            out.open(end, fine, i);
            mergeInto(fine, i, sum, variance);
            for (i++; i < fine.size() && fine.ends()[i] <= end; i++) {
                out.merge(fine, i);
                mergeInto(fine, i, sum, variance);
            }
            out.close(sum, variance);
        }
        return out.series();
    }

    /**
     * One series' rollups from time-adjacent sources (blocks of adjacent windows, or buckets built from raw samples
     * before and after them) as one, in the order given. Sources split at a window boundary W share at most the
     * bucket ending at W (one holds its samples before W, the next the sample at W); that pair is merged as {@link
     * #coarsen} merges fine buckets, so the result is the one {@link #build} makes from all the raw samples.
     *
     * @throws IllegalArgumentException if the parts differ in resolution or overlap beyond a shared bucket
     */
    public static RollupSeries concat(List<RollupSeries> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        long resolution = parts.get(0).resolutionMs();
        int capacity = 0;
        for (RollupSeries p : parts) {
            if (p.resolutionMs() != resolution) {
                throw new IllegalArgumentException("rollups of resolutions " + resolution + " and " + p.resolutionMs()
                        + " cannot be concatenated");
            }
            capacity += p.size();
        }
        Columns out = new Columns(capacity, resolution);
        KahanSum sum = new KahanSum();
        Welford variance = new Welford();
        long end = Long.MIN_VALUE;
        for (RollupSeries p : parts) {
            for (int i = 0; i < p.size(); i++) {
                long e = p.ends()[i];
                if (e == end) {
                    out.merge(p, i);
                } else {
                    if (e < end) {
                        throw new IllegalArgumentException("rollups overlap at the bucket ending at " + e);
                    }
                    if (end != Long.MIN_VALUE) {
                        out.close(sum, variance);
                    }
                    end = e;
                    sum.reset();
                    variance.reset();
                    out.open(e, p, i);
                }
                mergeInto(p, i, sum, variance);
            }
        }
        if (end != Long.MIN_VALUE) {
            out.close(sum, variance);
        }
        return out.series();
    }

    private static void mergeInto(RollupSeries s, int i, KahanSum sum, Welford variance) {
        sum.add(s.sums()[i], s.sumCompensations()[i]);
        variance.merge(s.counts()[i], s.means()[i], s.m2s()[i]);
    }

    private static void checkResolution(long resolutionMs) {
        if (resolutionMs <= 0) {
            throw new IllegalArgumentException("resolution must be positive, got " + resolutionMs);
        }
    }

    /** The columns being filled, one open bucket at a time, sized for at most {@code capacity} buckets. */
    private static final class Columns {
        private final long resolutionMs;
        private int size;
        private final long[] ends;
        private final int[] counts;
        private final double[] sums;
        private final double[] sumCompensations;
        private final double[] mins;
        private final double[] maxs;
        private final double[] means;
        private final double[] m2s;
        private final long[] firstTimes;
        private final double[] firstValues;
        private final long[] lastTimes;
        private final double[] lastValues;
        private final int[] resetOffsets;
        private final boolean[] extreme;
        private double[] resetValues = new double[8];
        private int resets;

        Columns(int capacity, long resolutionMs) {
            this.resolutionMs = resolutionMs;
            ends = new long[capacity];
            counts = new int[capacity];
            sums = new double[capacity];
            sumCompensations = new double[capacity];
            mins = new double[capacity];
            maxs = new double[capacity];
            means = new double[capacity];
            m2s = new double[capacity];
            firstTimes = new long[capacity];
            firstValues = new double[capacity];
            lastTimes = new long[capacity];
            lastValues = new double[capacity];
            resetOffsets = new int[capacity + 1];
            extreme = new boolean[capacity];
        }

        /** Starts a bucket with one raw sample. */
        void open(long end, long t, double v) {
            ends[size] = end;
            counts[size] = 1;
            mins[size] = v;
            maxs[size] = v;
            firstTimes[size] = t;
            firstValues[size] = v;
            lastTimes[size] = t;
            lastValues[size] = v;
            extreme[size] = isExtreme(v);
        }

        /** Adds the next raw sample to the open bucket. */
        void extend(long t, double v) {
            appendResetIf(lastValues[size], v);
            counts[size]++;
            mins[size] = RangeRules.min(mins[size], v);
            maxs[size] = RangeRules.max(maxs[size], v);
            lastTimes[size] = t;
            lastValues[size] = v;
            extreme[size] |= isExtreme(v);
        }

        /** Starts a bucket with fine bucket {@code i}. */
        void open(long end, RollupSeries fine, int i) {
            ends[size] = end;
            counts[size] = fine.counts()[i];
            mins[size] = fine.mins()[i];
            maxs[size] = fine.maxs()[i];
            firstTimes[size] = fine.firstTimes()[i];
            firstValues[size] = fine.firstValues()[i];
            lastTimes[size] = fine.lastTimes()[i];
            lastValues[size] = fine.lastValues()[i];
            extreme[size] = fine.extreme()[i];
            appendResets(fine, i);
        }

        /** Adds the next fine bucket {@code i} to the open bucket. */
        void merge(RollupSeries fine, int i) {
            // The samples either side of the fine boundary are consecutive, as in the raw run.
            appendResetIf(lastValues[size], fine.firstValues()[i]);
            appendResets(fine, i);
            counts[size] = Math.addExact(counts[size], fine.counts()[i]);
            mins[size] = RangeRules.min(mins[size], fine.mins()[i]);
            maxs[size] = RangeRules.max(maxs[size], fine.maxs()[i]);
            lastTimes[size] = fine.lastTimes()[i];
            lastValues[size] = fine.lastValues()[i];
            extreme[size] |= fine.extreme()[i];
        }

        /** Ends the open bucket with the sum and variance accumulated over it. */
        void close(KahanSum sum, Welford variance) {
            sums[size] = sum.sum();
            sumCompensations[size] = sum.compensation();
            means[size] = variance.mean();
            m2s[size] = variance.m2();
            size++;
            resetOffsets[size] = resets;
        }

        private void appendResetIf(double prev, double cur) {
            if (RangeRules.isCounterReset(prev, cur)) {
                appendReset(prev);
            }
        }

        private void appendResets(RollupSeries fine, int i) {
            for (int r = fine.resetOffsets()[i]; r < fine.resetOffsets()[i + 1]; r++) {
                appendReset(fine.resetValues()[r]);
            }
        }

        private void appendReset(double prev) {
            if (resets == resetValues.length) {
                resetValues = Arrays.copyOf(resetValues, 2 * resets);
            }
            resetValues[resets++] = prev;
        }

        RollupSeries series() {
            return new RollupSeries(
                    resolutionMs,
                    Arrays.copyOf(ends, size),
                    Arrays.copyOf(counts, size),
                    Arrays.copyOf(sums, size),
                    Arrays.copyOf(sumCompensations, size),
                    Arrays.copyOf(mins, size),
                    Arrays.copyOf(maxs, size),
                    Arrays.copyOf(means, size),
                    Arrays.copyOf(m2s, size),
                    Arrays.copyOf(firstTimes, size),
                    Arrays.copyOf(firstValues, size),
                    Arrays.copyOf(lastTimes, size),
                    Arrays.copyOf(lastValues, size),
                    Arrays.copyOf(resetOffsets, size + 1),
                    Arrays.copyOf(resetValues, resets),
                    Arrays.copyOf(extreme, size));
        }
    }
}
