package io.sextant.storage.numeric;

/**
 * Kahan–Neumaier compensated summation, step for step as Prometheus does it (its {@code kahansum.Inc}): an
 * infinite running sum drops the compensation, and the result is {@code sum + c} unless the sum is infinite.
 * Mutable and reusable, so kernels sum without allocating.
 *
 * <p>It lives in storage because rollup buckets keep the {@code (sum, c)} pair that PromQL's range functions
 * would have reached over the bucket's samples.
 */
public final class KahanSum {
    private double sum;
    private double c;

    public void reset() {
        sum = 0;
        c = 0;
    }

    public void set(double sum, double c) {
        this.sum = sum;
        this.c = c;
    }

    public void add(double x) {
        double t = sum + x;
        if (Double.isInfinite(t)) {
            c = 0;
        } else if (Math.abs(sum) >= Math.abs(x)) {
            c += (sum - t) + x;
        } else {
            c += (x - t) + sum;
        }
        sum = t;
    }

    /**
     * Adds another compensated sum: its running sum as one compensated step, its compensation straight into
     * ours (it is already the small part), except once our sum is infinite, which keeps no compensation.
     */
    public void add(double otherSum, double otherCompensation) {
        add(otherSum);
        if (!Double.isInfinite(sum)) {
            c += otherCompensation;
        }
    }

    /** The running sum without its compensation. */
    public double sum() {
        return sum;
    }

    public double compensation() {
        return c;
    }

    public double result() {
        return Double.isInfinite(sum) ? sum : sum + c;
    }
}
