package io.sextant.promql.eval;

/**
 * {@code histogram_quantile} over classic buckets ({@code le}-labelled counters) of one series group at one
 * step, as Prometheus computes it: sort by upper bound, require a +Inf bucket, merge equal bounds, smooth
 * float noise (relative difference ≤ 1e-12), force monotonic counts, then interpolate linearly inside the
 * bucket that holds the rank. Reusable: {@link #reset()}, {@link #add} the buckets, {@link #quantile}.
 */
public final class BucketQuantile {
    private static final double PRECISION_TOLERANCE = 1e-12;

    private double[] upper = new double[16];
    private double[] count = new double[16];
    private int n;

    /** Set by {@link #quantile}: counts had to be raised to make them monotonic. */
    private boolean forcedMonotonic;

    private double forcedLowestBound;
    private double forcedHighestBound;
    private double forcedMaxDiff;

    public void reset() {
        n = 0;
    }

    public void add(double upperBound, double bucketCount) {
        if (n == upper.length) {
            upper = java.util.Arrays.copyOf(upper, 2 * n);
            count = java.util.Arrays.copyOf(count, 2 * n);
        }
        upper[n] = upperBound;
        count[n++] = bucketCount;
    }

    public int size() {
        return n;
    }

    public double quantile(double q) {
        forcedMonotonic = false;
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (n == 0) {
            return Double.NaN;
        }
        sortByUpperBound();
        if (upper[n - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        coalesce();
        correctPrecisionErrors();
        ensureMonotonic();
        if (n < 2) {
            return Double.NaN;
        }
        double observations = count[n - 1];
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int b = firstAtLeast(rank);
        if (b == n - 1) {
            return upper[n - 2];
        }
        if (b == 0 && upper[0] <= 0) {
            return upper[0];
        }
        double start = 0;
        double c = count[b];
        if (b > 0) {
            start = upper[b - 1];
            c -= count[b - 1];
            rank -= count[b - 1];
        }
        return start + (upper[b] - start) * (rank / c);
    }

    /**
     * {@code histogram_fraction}: the share of observations between {@code lower} and {@code upper}, by linear
     * interpolation inside buckets (0 is the lowest bucket's lower bound unless its upper bound is ≤ 0, then
     * −Inf); a bucket with an infinite bound is not interpolated: it lies wholly on its finite side.
     */
    public double fraction(double lower, double upper) {
        if (n == 0) {
            return Double.NaN;
        }
        sortByUpperBound();
        if (this.upper[n - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        coalesce();
        double total = count[n - 1];
        if (total == 0 || Double.isNaN(lower) || Double.isNaN(upper)) {
            return Double.NaN;
        }
        if (lower >= upper) {
            return 0;
        }
        double rank = 0;
        double lowerRank = 0;
        double upperRank = 0;
        boolean lowerSet = false;
        boolean upperSet = false;
        for (int i = 0; i < n; i++) {
            double lowerBound = i == 0 ? (this.upper[0] <= 0 ? Double.NEGATIVE_INFINITY : 0) : this.upper[i - 1];
            double upperBound = this.upper[i];
            double inBucket = count[i] - (i == 0 ? 0 : count[i - 1]);
            if (!lowerSet && lowerBound >= lower) {
                lowerRank = rank;
                lowerSet = true;
            }
            if (!upperSet && lowerBound >= upper) {
                upperRank = rank;
                upperSet = true;
            }
            if (lowerSet && upperSet) {
                break;
            }
            if (!lowerSet && lowerBound < lower && upperBound > lower) {
                lowerRank = rank + share(inBucket, lowerBound, upperBound, lower);
                lowerSet = true;
            }
            if (!upperSet && lowerBound < upper && upperBound > upper) {
                upperRank = rank + share(inBucket, lowerBound, upperBound, upper);
                upperSet = true;
            }
            if (lowerSet && upperSet) {
                break;
            }
            rank += inBucket;
        }
        if (!lowerSet || lowerRank > total) {
            lowerRank = total;
        }
        if (!upperSet || upperRank > total) {
            upperRank = total;
        }
        return (upperRank - lowerRank) / total;
    }

    /** The part of a bucket's observations below {@code v}. */
    private static double share(double inBucket, double lowerBound, double upperBound, double v) {
        if (Double.isInfinite(upperBound)) {
            return 0;
        }
        if (Double.isInfinite(lowerBound)) {
            return inBucket;
        }
        return inBucket * (v - lowerBound) / (upperBound - lowerBound);
    }

    public boolean forcedMonotonic() {
        return forcedMonotonic;
    }

    /** The lowest upper bound whose count was raised (valid when {@link #forcedMonotonic()}). */
    public double forcedLowestBound() {
        return forcedLowestBound;
    }

    public double forcedHighestBound() {
        return forcedHighestBound;
    }

    /** The largest amount a count was raised by. */
    public double forcedMaxDiff() {
        return forcedMaxDiff;
    }

    /** Insertion sort: a histogram has a few dozen buckets at most. */
    private void sortByUpperBound() {
        for (int i = 1; i < n; i++) {
            double u = upper[i];
            double c = count[i];
            int j = i - 1;
            while (j >= 0 && upper[j] > u) {
                upper[j + 1] = upper[j];
                count[j + 1] = count[j];
                j--;
            }
            upper[j + 1] = u;
            count[j + 1] = c;
        }
    }

    private void coalesce() {
        int o = 0;
        for (int i = 1; i < n; i++) {
            if (upper[i] == upper[o]) {
                count[o] += count[i];
            } else {
                o++;
                upper[o] = upper[i];
                count[o] = count[i];
            }
        }
        n = o + 1;
    }

    private void correctPrecisionErrors() {
        double prev = count[0];
        for (int i = 1; i < n; i++) {
            double cur = count[i];
            double delta = Math.abs(cur - prev);
            if (delta == 0) {
                continue;
            }
            if (delta / cur <= PRECISION_TOLERANCE) {
                count[i] = prev;
            } else {
                prev = cur;
            }
        }
    }

    private void ensureMonotonic() {
        double max = count[0];
        for (int i = 1; i < n; i++) {
            if (count[i] > max) {
                max = count[i];
            } else if (count[i] < max) {
                double diff = max - count[i];
                if (!forcedMonotonic) {
                    forcedMonotonic = true;
                    forcedLowestBound = upper[i];
                    forcedMaxDiff = diff;
                }
                forcedHighestBound = upper[i];
                forcedMaxDiff = Math.max(forcedMaxDiff, diff);
                count[i] = max;
            }
        }
    }

    /** The first bucket in {@code [0, n − 1)} whose count reaches {@code rank}, or {@code n − 1}. */
    private int firstAtLeast(double rank) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (count[mid] >= rank) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
