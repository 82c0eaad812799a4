package io.sextant.promql.eval;

import io.sextant.storage.numeric.KahanSum;

/** Prometheus' mean: a compensated sum while it stays finite, then an incremental mean (avoids overflow). */
public final class Averages {
    private Averages() {}

    /** The mean of {@code v[from, to)} (non-empty) exactly as avg_over_time and the avg aggregation compute it. */
    static double mean(double[] v, int from, int to, KahanSum sum) {
        Mean m = new Mean(sum);
        for (int k = from; k < to; k++) {
            m.add(v[k]);
        }
        return m.result();
    }

    /**
     * The mean from a compensated sum (one that did not overflow from finite values): each part divided on its
     * own, as Prometheus does. The rollup evaluator calls it with the sum merged from buckets.
     */
    public static double fromSum(double sum, double compensation, double count) {
        return sum / count + compensation / count;
    }

    /**
     * A running mean. {@code avg(huge, huge)} stays {@code huge} instead of overflowing to +Inf: once the
     * sum would overflow, it switches to updating the mean itself.
     */
    static final class Mean {
        private final KahanSum sum;
        private double count;
        private double mean;
        private double meanC;
        private boolean incremental;

        Mean(KahanSum sum) {
            this.sum = sum;
            sum.reset();
        }

        void add(double x) {
            count++;
            if (!incremental) {
                double before = sum.sum();
                double beforeC = sum.compensation();
                sum.add(x);
                // The first value is always taken as is (even ±Inf), so the division below never sees count 0.
                if (count == 1 || !Double.isInfinite(sum.sum())) {
                    return;
                }
                incremental = true;
                mean = before / (count - 1);
                meanC = beforeC / (count - 1);
            }
            // Once incremental, the running sum is no longer needed: it serves as the step's accumulator.
            double q = (count - 1) / count;
            sum.set(q * mean, q * meanC);
            sum.add(x / count);
            mean = sum.sum();
            meanC = sum.compensation();
        }

        double result() {
            return incremental ? mean + meanC : fromSum(sum.sum(), sum.compensation(), count);
        }
    }
}
