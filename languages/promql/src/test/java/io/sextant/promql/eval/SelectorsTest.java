package io.sextant.promql.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Samples;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * Kernel checks on cases taken from Prometheus' functions.test (values at a 5m load interval, evaluated at
 * 50m). The full corpus runs through the engine; these pin the kernels on their own.
 */
class SelectorsTest {
    private static final long MIN = 60_000;

    /** Series notation {@code a+bxN a'+b'xN' …} at a 5m interval. */
    private static Samples series(double... startIncCount) {
        int n = 0;
        for (int k = 2; k < startIncCount.length; k += 3) {
            n += (int) startIncCount[k] + 1;
        }
        long[] t = new long[n];
        double[] v = new double[n];
        int o = 0;
        for (int k = 0; k < startIncCount.length; k += 3) {
            for (int j = 0; j <= (int) startIncCount[k + 2]; j++) {
                t[o] = o * 5 * MIN;
                v[o++] = startIncCount[k] + j * startIncCount[k + 1];
            }
        }
        return new Samples(t, v, n);
    }

    private static double at(RangeFunction f, Samples s, long evalMs, long rangeMs, double param) {
        double[] out = new double[1];
        BitSet present = new BitSet();
        Selectors.range(
                f,
                s,
                StepGrid.instant(evalMs),
                0,
                rangeMs,
                300_000,
                new Window(),
                new double[] {param},
                null,
                out,
                present);
        assertThat(present.get(0)).as("output present").isTrue();
        return out[0];
    }

    @Test
    void increaseExtrapolatesAndCorrectsResets() {
        assertThat(at(RangeFunction.INCREASE, series(0, 10, 10), 50 * MIN, 50 * MIN, 0))
                .isEqualTo(100);
        assertThat(at(RangeFunction.INCREASE, series(0, 18, 5, 0, 18, 5), 50 * MIN, 50 * MIN, 0))
                .isEqualTo(160);
        assertThat(at(RangeFunction.INCREASE, series(10, 10, 10), 50 * MIN, 50 * MIN, 0))
                .isEqualTo(100);
        assertThat(at(RangeFunction.INCREASE, series(1, 10, 10), 50 * MIN, 50 * MIN, 0))
                .isEqualTo(100);
    }

    @Test
    void regressionFunctions() {
        Samples s = series(0, 10, 4, 0, 10, 5);
        assertThat(at(RangeFunction.DERIV, s, 50 * MIN, 100 * MIN, 0)).isEqualTo(0.010606060606060607);
        assertThat(at(RangeFunction.PREDICT_LINEAR, s, 50 * MIN, 50 * MIN, 3600))
                .isEqualTo(70);
    }

    @Test
    void changesTreatsNaNRunsAsUnchanged() {
        long[] t = {0, 5 * MIN, 10 * MIN};
        assertThat(at(
                        RangeFunction.CHANGES,
                        new Samples(t, new double[] {Double.NaN, Double.NaN, Double.NaN}, 3),
                        15 * MIN,
                        20 * MIN,
                        0))
                .isEqualTo(0);
        assertThat(at(RangeFunction.CHANGES, new Samples(t, new double[] {0, Double.NaN, 0}, 3), 15 * MIN, 20 * MIN, 0))
                .isEqualTo(2);
    }

    @Test
    void windowsAreLeftOpenAndStaleMarkersHideInstantValues() {
        Samples s = new Samples(
                new long[] {0, 60_000, 120_000},
                new double[] {1, 2, Double.longBitsToDouble(Samples.STALE_NAN_BITS)},
                3);
        double[] out = new double[4];
        BitSet present = new BitSet();
        // steps at 0, 60s, 120s, 180s with a 5m lookback: the stale marker at 120s hides the series
        Selectors.instant(s, new StepGrid(0, 180_000, 60_000), 0, 300_000, false, out, present, null);
        assertThat(present.stream().toArray()).containsExactly(0, 1);
        assertThat(out[1]).isEqualTo(2);
        // a sample exactly lookback old is outside the left-open window
        BitSet later = new BitSet();
        Selectors.instant(
                new Samples(new long[] {0}, new double[] {7}, 1),
                new StepGrid(299_000, 300_000, 1_000),
                0,
                300_000,
                false,
                new double[2],
                later,
                null);
        assertThat(later.stream().toArray()).containsExactly(0);
        // the count over (0, 120s] holds the samples at 60s and 120s, minus the stale marker
        assertThat(at(RangeFunction.COUNT_OVER_TIME, Selectors.withoutStaleMarkers(s), 120_000, 120_000, 0))
                .isEqualTo(1);
    }

    @Test
    void quantileSortsNaNFirstAndAvgAvoidsOverflow() {
        assertThat(Quantiles.quantile(0.5, new double[] {1, Double.NaN, 0}, 3)).isEqualTo(0);
        double huge = Double.MAX_VALUE;
        Samples s = new Samples(new long[] {1000, 2000}, new double[] {huge, huge}, 2);
        assertThat(at(RangeFunction.AVG_OVER_TIME, s, 2000, 10_000, 0)).isEqualTo(huge);
        assertThat(at(RangeFunction.SUM_OVER_TIME, s, 2000, 10_000, 0)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void goMathDiffersFromJavaWhereGoDoes() {
        assertThat(GoMath.pow(1, Double.NaN)).isEqualTo(1);
        assertThat(GoMath.pow(-1, Double.POSITIVE_INFINITY)).isEqualTo(1);
        assertThat(GoMath.round(-2.5)).isEqualTo(-3);
        assertThat(GoMath.round(2.5)).isEqualTo(3);
    }
}
