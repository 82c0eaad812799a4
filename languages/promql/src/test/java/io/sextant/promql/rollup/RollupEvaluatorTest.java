package io.sextant.promql.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.promql.eval.RangeFunction;
import io.sextant.promql.rollup.RollupEvaluator.Outcome;
import io.sextant.storage.Samples;
import io.sextant.storage.rollup.RollupSeries;
import io.sextant.storage.rollup.Rollups;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RollupEvaluatorTest {
    private static final long R = Rollups.FIVE_MINUTES_MS;
    private static final long S = 1000;

    private final RollupEvaluator evaluator = new RollupEvaluator();
    private final double[] out = new double[1];

    private static RollupSeries rollups(long[] t, double[] v) {
        return Rollups.build(new Samples(t, v, t.length), R);
    }

    private Outcome apply(RangeFunction f, RollupSeries s, long end, long range) {
        out[0] = -12345;
        return evaluator.apply(f, s, end, range, out, 0);
    }

    private double value(RangeFunction f, RollupSeries s, long end, long range) {
        assertThat(apply(f, s, end, range)).as(f.name()).isEqualTo(Outcome.POINT);
        return out[0];
    }

    @Test
    void exactFunctionsAreTheOnesBucketsCanAnswer() {
        assertThat(RollupEvaluator.exactFunctions())
                .containsExactlyInAnyOrderElementsOf(EnumSet.of(
                        RangeFunction.COUNT_OVER_TIME,
                        RangeFunction.SUM_OVER_TIME,
                        RangeFunction.AVG_OVER_TIME,
                        RangeFunction.MIN_OVER_TIME,
                        RangeFunction.MAX_OVER_TIME,
                        RangeFunction.STDDEV_OVER_TIME,
                        RangeFunction.STDVAR_OVER_TIME,
                        RangeFunction.RATE,
                        RangeFunction.INCREASE,
                        RangeFunction.DELTA,
                        RangeFunction.RESETS,
                        RangeFunction.PRESENT_OVER_TIME,
                        RangeFunction.FIRST_OVER_TIME,
                        RangeFunction.LAST_OVER_TIME,
                        RangeFunction.TS_OF_FIRST_OVER_TIME,
                        RangeFunction.TS_OF_LAST_OVER_TIME));
        RollupSeries s = rollups(new long[] {S, 2 * S}, new double[] {1, 2});
        for (RangeFunction f : EnumSet.complementOf(EnumSet.copyOf(RollupEvaluator.exactFunctions()))) {
            assertThat(RollupEvaluator.isExact(f)).as(f.name()).isFalse();
            assertThatThrownBy(() -> apply(f, s, R, R))
                    .as(f.name())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not answered exactly");
        }
    }

    @Test
    void misalignedWindowsAreRejected() {
        RollupSeries s = rollups(new long[] {S, 2 * S}, new double[] {1, 2});
        assertThatThrownBy(() -> apply(RangeFunction.COUNT_OVER_TIME, s, R + 1, R))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not aligned to the rollup resolution 300000 ms");
        assertThatThrownBy(() -> apply(RangeFunction.COUNT_OVER_TIME, s, 2 * R, R + 60 * S))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> apply(RangeFunction.COUNT_OVER_TIME, s, 2 * R, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> apply(RangeFunction.COUNT_OVER_TIME, s, -R - 1, R))
                .isInstanceOf(IllegalArgumentException.class);
        RollupSeries hourly = Rollups.coarsen(s, Rollups.ONE_HOUR_MS);
        assertThatThrownBy(() -> apply(RangeFunction.COUNT_OVER_TIME, hourly, R, Rollups.ONE_HOUR_MS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(apply(RangeFunction.COUNT_OVER_TIME, s, -R, R)).isEqualTo(Outcome.NO_POINT);
        assertThat(value(RangeFunction.COUNT_OVER_TIME, hourly, Rollups.ONE_HOUR_MS, Rollups.ONE_HOUR_MS))
                .isEqualTo(2);
    }

    @Test
    void counterResetsAcrossBucketsCountOnlyInsideTheWindow() {
        // 10 at 1m, 20 at 5m | reset | 5 at 6m, 15 at 10m: the boundary reset adds 20 over (0, 10m], but over
        // (5m, 10m] it lies between the window's first sample and the one before, outside the window.
        RollupSeries s = rollups(new long[] {60 * S, R, R + 60 * S, 2 * R}, new double[] {10, 20, 5, 15});
        // change 15 − 10 + 20 = 25 over 540 s of samples; 60 s to the start is within 1.1 intervals, and the
        // zero point (540 · 10/25 s back) is further: extrapolated over 600 s.
        assertThat(value(RangeFunction.INCREASE, s, 2 * R, 2 * R)).isEqualTo(25 * (600.0 / 540));
        assertThat(value(RangeFunction.RATE, s, 2 * R, 2 * R)).isEqualTo(25 * (600.0 / 540 / 600));
        assertThat(value(RangeFunction.RESETS, s, 2 * R, 2 * R)).isEqualTo(1);
        // change 10 over 240 s, 60 s to the start: extrapolated over 300 s.
        assertThat(value(RangeFunction.INCREASE, s, 2 * R, R)).isEqualTo(12.5);
        assertThat(value(RangeFunction.RESETS, s, 2 * R, R)).isZero();
        // delta ignores the reset: 15 − 10, extrapolated as a gauge.
        assertThat(value(RangeFunction.DELTA, s, 2 * R, 2 * R)).isEqualTo(5 * (600.0 / 540));
        assertThat(value(RangeFunction.FIRST_OVER_TIME, s, 2 * R, 2 * R)).isEqualTo(10);
        assertThat(value(RangeFunction.LAST_OVER_TIME, s, 2 * R, 2 * R)).isEqualTo(15);
        assertThat(value(RangeFunction.TS_OF_FIRST_OVER_TIME, s, 2 * R, R)).isEqualTo(360);
        assertThat(value(RangeFunction.TS_OF_LAST_OVER_TIME, s, 2 * R, R)).isEqualTo(600);
    }

    @Test
    void emptyWindowsAndSingleSamplesHaveNoPoint() {
        RollupSeries s = rollups(new long[] {R}, new double[] {3});
        assertThat(apply(RangeFunction.SUM_OVER_TIME, s, 2 * R, R)).isEqualTo(Outcome.NO_POINT);
        assertThat(apply(RangeFunction.RATE, s, R, R)).isEqualTo(Outcome.NO_POINT);
        assertThat(apply(RangeFunction.DELTA, s, 3 * R, 3 * R)).isEqualTo(Outcome.NO_POINT);
        assertThat(value(RangeFunction.PRESENT_OVER_TIME, s, R, R)).isEqualTo(1);
        assertThat(value(RangeFunction.SUM_OVER_TIME, s, 3 * R, 3 * R)).isEqualTo(3);
        assertThat(value(RangeFunction.STDDEV_OVER_TIME, s, R, R)).isZero();
    }

    @Test
    void minAndMaxKeepTheEarlierOfEqualZerosAndSkipNaN() {
        RollupSeries zeros = rollups(new long[] {S, R + S}, new double[] {0.0, -0.0});
        assertThat(Double.doubleToRawLongBits(value(RangeFunction.MIN_OVER_TIME, zeros, 2 * R, 2 * R)))
                .isEqualTo(Double.doubleToRawLongBits(0.0));
        RollupSeries negativeFirst = rollups(new long[] {S, R + S}, new double[] {-0.0, 0.0});
        assertThat(Double.doubleToRawLongBits(value(RangeFunction.MAX_OVER_TIME, negativeFirst, 2 * R, 2 * R)))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        RollupSeries nan = rollups(new long[] {S, R + S, R + 2 * S}, new double[] {Double.NaN, 4, Double.NaN});
        assertThat(value(RangeFunction.MIN_OVER_TIME, nan, 2 * R, 2 * R)).isEqualTo(4);
        assertThat(value(RangeFunction.MAX_OVER_TIME, nan, R, R)).isNaN();
    }

    @Test
    void handsBackWhatItCannotGuarantee() {
        RollupSeries extreme = rollups(new long[] {S, R + S}, new double[] {1e300, 1e300});
        assertThat(apply(RangeFunction.SUM_OVER_TIME, extreme, 2 * R, 2 * R)).isEqualTo(Outcome.NEEDS_RAW);
        assertThat(apply(RangeFunction.AVG_OVER_TIME, extreme, 2 * R, 2 * R)).isEqualTo(Outcome.NEEDS_RAW);
        assertThat(apply(RangeFunction.STDVAR_OVER_TIME, extreme, 2 * R, 2 * R)).isEqualTo(Outcome.NEEDS_RAW);
        assertThat(value(RangeFunction.COUNT_OVER_TIME, extreme, 2 * R, 2 * R)).isEqualTo(2);
        assertThat(value(RangeFunction.MAX_OVER_TIME, extreme, 2 * R, 2 * R)).isEqualTo(1e300);

        // σ ≈ 0.5 at 1e15: Prometheus' own variance keeps about one digit there.
        RollupSeries noisy = rollups(
                new long[] {S, 2 * S, R + S, R + 2 * S}, new double[] {1e15, 1e15 + 1, 1e15 + 0.5, 1e15 - 0.125});
        assertThat(apply(RangeFunction.STDDEV_OVER_TIME, noisy, 2 * R, 2 * R)).isEqualTo(Outcome.NEEDS_RAW);
        assertThat(apply(RangeFunction.STDDEV_OVER_TIME, noisy, 2 * R, R)).isEqualTo(Outcome.NEEDS_RAW);

        // Equal values and non-finite ones are exact however large: 0 and NaN both ways.
        RollupSeries constant = rollups(new long[] {S, R + S}, new double[] {1e15, 1e15});
        assertThat(Double.doubleToRawLongBits(value(RangeFunction.STDVAR_OVER_TIME, constant, 2 * R, 2 * R)))
                .isZero();
        RollupSeries infinite = rollups(new long[] {S, R + S}, new double[] {1e15, Double.POSITIVE_INFINITY});
        assertThat(value(RangeFunction.STDDEV_OVER_TIME, infinite, 2 * R, 2 * R))
                .isNaN();
        assertThat(value(RangeFunction.SUM_OVER_TIME, infinite, 2 * R, 2 * R)).isEqualTo(Double.POSITIVE_INFINITY);
    }
}
