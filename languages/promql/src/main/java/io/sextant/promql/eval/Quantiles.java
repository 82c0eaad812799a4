package io.sextant.promql.eval;

import java.util.Arrays;

/** Prometheus' {@code quantile} over a set of floats (used by the aggregation and by quantile_over_time). */
public final class Quantiles {
    private Quantiles() {}

    /**
     * The φ-quantile of {@code values[0, n)} by linear interpolation between closest ranks, as Prometheus
     * computes it: NaN for no values or a NaN φ, −Inf below 0, +Inf above 1; NaNs sort before every number.
     * Sorts the array range in place.
     */
    public static double quantile(double phi, double[] values, int n) {
        if (n == 0 || Double.isNaN(phi)) {
            return Double.NaN;
        }
        if (phi < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (phi > 1) {
            return Double.POSITIVE_INFINITY;
        }
        sortNaNFirst(values, n);
        double rank = phi * (n - 1);
        int lo = (int) Math.max(0, Math.floor(rank));
        int hi = Math.min(n - 1, lo + 1);
        double weight = rank - Math.floor(rank);
        return values[lo] * (1 - weight) + values[hi] * weight;
    }

    /** Sorts ascending with NaNs first (Go's float sort order); {@link Arrays#sort} puts them last. */
    static void sortNaNFirst(double[] values, int n) {
        Arrays.sort(values, 0, n);
        int nans = 0;
        while (nans < n && Double.isNaN(values[n - 1 - nans])) {
            nans++;
        }
        if (nans > 0 && nans < n) {
            System.arraycopy(values, 0, values, nans, n - nans);
            Arrays.fill(values, 0, nans, Double.NaN);
        }
    }
}
