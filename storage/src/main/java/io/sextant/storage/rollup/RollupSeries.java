package io.sextant.storage.rollup;

import static java.util.Objects.requireNonNull;

/**
 * One series' rollup buckets at one resolution R, in columns: bucket {@code i} ends at {@code ends[i]} (a multiple
 * of R since the epoch, ascending) and covers the samples with timestamps in {@code (ends[i] − R, ends[i]]}, left
 * open like Prometheus 3's range windows, so a window {@code (t − k·R, t]} with {@code t} a multiple of R is
 * exactly the union of k buckets. Only buckets with at least one sample are kept; staleness markers are not
 * samples here (range selectors drop them).
 *
 * <p>Each column is what some range function needs from a bucket to answer a window exactly (see {@link
 * Rollups} for how they are built and merged):
 *
 * <ul>
 *   <li>{@code counts}: samples in the bucket.
 *   <li>{@code sums}, {@code sumCompensations}: the Kahan–Neumaier pair {@code sum_over_time} reaches over the
 *       bucket's samples in time order. Keeping the compensation lets a window add bucket sums with the error of
 *       one compensated sum, so it agrees with the raw sum to a few units in the last place.
 *   <li>{@code mins}, {@code maxs}: the folds of {@code min_over_time}/{@code max_over_time} (NaN only when every
 *       sample is NaN).
 *   <li>{@code means}, {@code m2s}: the Welford mean and sum of squared deviations of {@code stddev_over_time};
 *       see {@link io.sextant.storage.numeric.Welford} for why not a sum of squares.
 *   <li>{@code firstTimes}, {@code firstValues}, {@code lastTimes}, {@code lastValues}: the bucket's first and last
 *       samples, for the extrapolation of rate/increase/delta and for resets across bucket boundaries.
 *   <li>{@code resetOffsets}, {@code resetValues}: the value before each counter reset inside the bucket, in time
 *       order; bucket {@code i}'s are {@code resetValues[resetOffsets[i] .. resetOffsets[i + 1])}. Prometheus
 *       computes an increase as {@code (last − first) + p₁ + p₂ + …} in that order, so keeping the p's (resets are
 *       rare: usually none per bucket) rather than one per-bucket increase reproduces its rounding exactly.
 *   <li>{@code extreme}: the bucket holds a finite value outside the magnitudes where sums and variances over
 *       buckets are guaranteed to agree with the raw ones ({@link Rollups#isExtreme}).
 * </ul>
 *
 * <p>The arrays belong to the record; nobody changes them after construction.
 */
public record RollupSeries(
        long resolutionMs,
        long[] ends,
        int[] counts,
        double[] sums,
        double[] sumCompensations,
        double[] mins,
        double[] maxs,
        double[] means,
        double[] m2s,
        long[] firstTimes,
        double[] firstValues,
        long[] lastTimes,
        double[] lastValues,
        int[] resetOffsets,
        double[] resetValues,
        boolean[] extreme) {
    public RollupSeries {
        requireNonNull(ends, "ends is null");
        requireNonNull(counts, "counts is null");
        requireNonNull(sums, "sums is null");
        requireNonNull(sumCompensations, "sumCompensations is null");
        requireNonNull(mins, "mins is null");
        requireNonNull(maxs, "maxs is null");
        requireNonNull(means, "means is null");
        requireNonNull(m2s, "m2s is null");
        requireNonNull(firstTimes, "firstTimes is null");
        requireNonNull(firstValues, "firstValues is null");
        requireNonNull(lastTimes, "lastTimes is null");
        requireNonNull(lastValues, "lastValues is null");
        requireNonNull(resetOffsets, "resetOffsets is null");
        requireNonNull(resetValues, "resetValues is null");
        requireNonNull(extreme, "extreme is null");
        if (resolutionMs <= 0) {
            throw new IllegalArgumentException("resolution must be positive, got " + resolutionMs);
        }
        int n = ends.length;
        if (counts.length != n
                || sums.length != n
                || sumCompensations.length != n
                || mins.length != n
                || maxs.length != n
                || means.length != n
                || m2s.length != n
                || firstTimes.length != n
                || firstValues.length != n
                || lastTimes.length != n
                || lastValues.length != n
                || extreme.length != n
                || resetOffsets.length != n + 1) {
            throw new IllegalArgumentException("columns of different lengths for " + n + " buckets");
        }
        if (resetOffsets[0] != 0 || resetOffsets[n] != resetValues.length) {
            throw new IllegalArgumentException("reset offsets do not span the reset values");
        }
        for (int i = 0; i < n; i++) {
            if (Math.floorMod(ends[i], resolutionMs) != 0 || (i > 0 && ends[i] <= ends[i - 1])) {
                throw new IllegalArgumentException(
                        "bucket ends must be ascending multiples of the resolution, got " + ends[i] + " at " + i);
            }
            if (counts[i] <= 0) {
                throw new IllegalArgumentException("empty bucket at " + ends[i]);
            }
            if (firstTimes[i] <= ends[i] - resolutionMs || lastTimes[i] < firstTimes[i] || lastTimes[i] > ends[i]) {
                throw new IllegalArgumentException("first/last sample outside the bucket ending at " + ends[i]);
            }
            if (resetOffsets[i + 1] < resetOffsets[i]) {
                throw new IllegalArgumentException("reset offsets decrease at " + i);
            }
        }
    }

    /** Buckets. */
    public int size() {
        return ends.length;
    }

    /** The index of the first bucket ending after {@code t}, or {@link #size()} if none. */
    public int firstEndingAfter(long t) {
        int lo = 0;
        int hi = ends.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] > t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
