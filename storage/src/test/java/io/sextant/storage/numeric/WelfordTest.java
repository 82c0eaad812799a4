package io.sextant.storage.numeric;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WelfordTest {
    @Test
    void mergedBucketsKeepTheDigitsASumOfSquaresLoses() {
        // A gauge at 1e8 moving by about 100: the variance is ~1e4 while the squares are ~1e16 each.
        SplittableRandom r = new SplittableRandom(11);
        double[] x = new double[600];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1e8 + r.nextGaussian() * 100;
        }
        Welford sequential = new Welford();
        for (double v : x) {
            sequential.add(v);
        }
        Welford merged = new Welford();
        Welford bucket = new Welford();
        double sum = 0;
        double squares = 0;
        for (int from = 0; from < x.length; from += 20) {
            bucket.reset();
            for (int i = from; i < from + 20; i++) {
                bucket.add(x[i]);
                sum += x[i];
                squares += x[i] * x[i];
            }
            merged.merge(bucket.count(), bucket.mean(), bucket.m2());
        }
        double exact = exactVariance(x);
        double naive = (squares - sum * sum / x.length) / x.length;
        assertThat(relative(sequential.variance(), exact)).isLessThan(1e-10);
        assertThat(relative(merged.variance(), exact)).isLessThan(1e-10);
        assertThat(relative(naive, exact)).as("naive Σx² − (Σx)²/n").isGreaterThan(1e-4);
        assertThat(merged.count()).isEqualTo(600);
        assertThat(merged.mean()).isCloseTo(sequential.mean(), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void mergingIntoNothingTakesTheRunAsIs() {
        Welford w = new Welford();
        w.merge(3, Double.POSITIVE_INFINITY, Double.NaN);
        assertThat(w.mean()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(w.m2()).isNaN();
        w.reset();
        w.merge(2, 5, 8);
        assertThat(w.variance()).isEqualTo(4);
        w.merge(2, 7, 0);
        // values {3, 7} and {7, 7}: mean 6, M2 = 8 + 0 + 2² · 2·2/4
        assertThat(w.mean()).isEqualTo(6);
        assertThat(w.m2()).isEqualTo(12);
    }

    @Test
    void anyNonFiniteValueMakesTheVarianceNaN() {
        for (double special : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            Welford w = new Welford();
            w.add(1);
            w.add(special);
            w.add(2);
            assertThat(w.variance()).as("with %s", special).isNaN();
        }
    }

    private static double exactVariance(double[] x) {
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        for (double v : x) {
            sum = sum.add(new java.math.BigDecimal(v));
        }
        java.math.BigDecimal n = java.math.BigDecimal.valueOf(x.length);
        java.math.BigDecimal mean = sum.divide(n, java.math.MathContext.DECIMAL128);
        java.math.BigDecimal squares = java.math.BigDecimal.ZERO;
        for (double v : x) {
            java.math.BigDecimal d = new java.math.BigDecimal(v).subtract(mean);
            squares = squares.add(d.multiply(d));
        }
        return squares.divide(n, java.math.MathContext.DECIMAL128).doubleValue();
    }

    private static double relative(double a, double b) {
        return Math.abs(a - b) / Math.abs(b);
    }
}
