package io.sextant.promql.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Cases from Prometheus' histograms.test ({@code testhistogram_bucket} at 50m) plus the special cases. */
class BucketQuantileTest {
    private static BucketQuantile buckets(double... upperAndCount) {
        BucketQuantile b = new BucketQuantile();
        for (int i = 0; i < upperAndCount.length; i += 2) {
            b.add(upperAndCount[i], upperAndCount[i + 1]);
        }
        return b;
    }

    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void interpolatesInsideTheBucketHoldingTheRank() {
        // given out of order, as label order would deliver them
        // Same IEEE arithmetic as Prometheus (0.1 + 0.1 × 0.5 = 0.15000000000000002); the corpus compares
        // with a relative tolerance of 1e-6.
        assertThat(buckets(1, 110, INF, 120, 0.1, 50, 0.2, 70).quantile(0.5)).isEqualTo(0.1 + 0.1 * 0.5);
        assertThat(buckets(0.1, 50, 0.2, 70, 1, 110, INF, 120).quantile(0.8)).isCloseTo(0.72, within(1e-12));
        assertThat(buckets(-0.2, 10, -0.1, 20, 0.3, 20, INF, 30).quantile(0.5)).isCloseTo(-0.15, within(1e-12));
        // in the +Inf bucket: the highest finite bound
        assertThat(buckets(-0.2, 10, -0.1, 20, 0.3, 20, INF, 30).quantile(0.8)).isEqualTo(0.3);
    }

    @Test
    void specialCases() {
        assertThat(buckets(1, 1, INF, 2).quantile(Double.NaN)).isNaN();
        assertThat(buckets(1, 1, INF, 2).quantile(-0.1)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(buckets(1, 1, INF, 2).quantile(1.1)).isEqualTo(INF);
        assertThat(buckets(1, 1, 2, 2).quantile(0.5)).as("no +Inf bucket").isNaN();
        assertThat(buckets(INF, 2).quantile(0.5)).as("a single bucket").isNaN();
        assertThat(buckets(1, 0, INF, 0).quantile(0.5)).as("no observations").isNaN();
        assertThat(buckets(-1, 5, INF, 10).quantile(0.2))
                .as("lowest bound ≤ 0 is returned")
                .isEqualTo(-1);
    }

    @Test
    void mergesEqualBoundsAndForcesMonotonicity() {
        BucketQuantile b = buckets(1, 5, 1, 5, 2, 8, 3, 6, INF, 10);
        // 1 → 10 after merging; 2 → 8 and 3 → 6 are raised to 10; rank 5 falls in the first bucket
        assertThat(b.quantile(0.5)).isEqualTo(0.5);
        assertThat(b.forcedMonotonic()).isTrue();
        assertThat(b.forcedLowestBound()).isEqualTo(2);
        assertThat(b.forcedHighestBound()).isEqualTo(3);
        assertThat(b.forcedMaxDiff()).isEqualTo(4);
        BucketQuantile noisy = buckets(1, 1000, 2, 1000 - 1e-10, INF, 1000);
        noisy.quantile(0.5);
        assertThat(noisy.forcedMonotonic())
                .as("float noise is smoothed silently")
                .isFalse();
    }
}
