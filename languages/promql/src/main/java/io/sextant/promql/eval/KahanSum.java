package io.sextant.promql.eval;

/**
 * Kahan–Neumaier compensated summation, step for step as Prometheus does it (its {@code kahansum.Inc}): an
 * infinite running sum drops the compensation, and the result is {@code sum + c} unless the sum is infinite.
 * Mutable and reusable, so kernels sum without allocating.
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
