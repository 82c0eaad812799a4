package io.sextant.storage.numeric;

/**
 * A running population variance as Prometheus' {@code stddev_over_time}/{@code stdvar_over_time} compute it:
 * Welford's update with a Kahan-compensated mean and a Kahan-compensated sum of squared deviations (M2).
 * Mutable and reusable.
 *
 * <p>Rollup buckets keep {@code (count, mean, M2)}, not a sum of squares: {@code Σx² − (Σx)²/n} cancels
 * catastrophically when the variance is far below the squared mean (a gauge at 1e9 moving by 1 keeps no
 * correct digit), while M2 holds the deviations themselves. {@link #merge} folds in another run's triple with
 * Chan, Golub and LeVeque's pairwise formula, whose error stays of the order of the inputs' own.
 */
public final class Welford {
    private final KahanSum mean = new KahanSum();
    private final KahanSum m2 = new KahanSum();
    private double count;

    public void reset() {
        count = 0;
        mean.reset();
        m2.reset();
    }

    public void add(double v) {
        count++;
        double delta = v - mean();
        mean.add(delta / count);
        m2.add(delta * (v - mean()));
    }

    /** Folds in a run of {@code n > 0} values with mean {@code otherMean} and M2 {@code otherM2}. */
    public void merge(double n, double otherMean, double otherM2) {
        if (count == 0) {
            // Taken as is: the general formula would compute 0 · mean², which is NaN for an infinite mean.
            count = n;
            mean.set(otherMean, 0);
            m2.set(otherM2, 0);
            return;
        }
        double total = count + n;
        double delta = otherMean - mean();
        double merged = mean() + delta * (n / total);
        double deviations = m2() + otherM2 + delta * delta * (count * n / total);
        count = total;
        mean.set(merged, 0);
        m2.set(deviations, 0);
    }

    public double count() {
        return count;
    }

    public double mean() {
        return mean.sum() + mean.compensation();
    }

    /** The sum of squared deviations from the mean. */
    public double m2() {
        return m2.sum() + m2.compensation();
    }

    /** The population variance; NaN once any value was NaN or infinite. */
    public double variance() {
        return m2() / count;
    }
}
