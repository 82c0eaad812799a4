package io.sextant.storage.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.Samples;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RollupsTest {
    private static final long R = Rollups.FIVE_MINUTES_MS;
    private static final double STALE = Double.longBitsToDouble(Samples.STALE_NAN_BITS);

    private static Samples samples(long[] t, double[] v) {
        return new Samples(t, v, t.length);
    }

    @Test
    void bucketsAreLeftOpenAndRightClosed() {
        assertThat(Rollups.bucketEnd(1, R)).isEqualTo(R);
        assertThat(Rollups.bucketEnd(R, R)).isEqualTo(R);
        assertThat(Rollups.bucketEnd(R + 1, R)).isEqualTo(2 * R);
        assertThat(Rollups.bucketEnd(0, R)).isZero();
        assertThat(Rollups.bucketEnd(-1, R)).isZero();
        assertThat(Rollups.bucketEnd(-R, R)).isEqualTo(-R);
        assertThat(Rollups.bucketEnd(-R - 1, R)).isEqualTo(-R);
        assertThat(Rollups.bucketEnd(-2 * R, R)).isEqualTo(-2 * R);
    }

    @Test
    void buildsEachColumnFromTheBucketsSamples() {
        // (0, 5m]: 3 samples, one reset (7 → 2); the sample at exactly 5m belongs here.
        // (5m, 10m]: only a staleness marker: no bucket.
        // (10m, 15m]: one sample, lower than the previous bucket's last: a reset across the boundary, not stored.
        // (15m, 20m]: NaN first, then numbers: min/max skip the NaN.
        long[] t = {60_000, 120_000, R, R + 1, 2 * R + 1, 3 * R + 10, 3 * R + 20, 4 * R};
        double[] v = {5, 7, 2, STALE, 1, Double.NaN, 4, -0.5};
        RollupSeries s = Rollups.build(samples(t, v), R);

        assertThat(s.resolutionMs()).isEqualTo(R);
        assertThat(s.ends()).containsExactly(R, 3 * R, 4 * R);
        assertThat(s.counts()).containsExactly(3, 1, 3);
        assertThat(s.mins()).containsExactly(2, 1, -0.5);
        assertThat(s.maxs()).containsExactly(7, 1, 4);
        assertThat(s.firstTimes()).containsExactly(60_000, 2 * R + 1, 3 * R + 10);
        assertThat(s.firstValues()[2]).isNaN();
        assertThat(s.lastTimes()).containsExactly(R, 2 * R + 1, 4 * R);
        assertThat(s.lastValues()).containsExactly(2, 1, -0.5);
        assertThat(s.resetOffsets()).containsExactly(0, 1, 1, 2);
        // 4 → -0.5 in the last bucket; NaN → 4 is not a reset (NaN never compares).
        assertThat(s.resetValues()).containsExactly(7, 4);
        assertThat(s.sums()[0] + s.sumCompensations()[0]).isEqualTo(14);
        assertThat(s.sums()[2]).isNaN();
        assertThat(s.means()[0]).isEqualTo(14 / 3.0);
        // Σ(x − 14/3)² over 5, 7, 2
        assertThat(s.m2s()[0]).isCloseTo(38 / 3.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.m2s()[2]).isNaN();
        assertThat(s.extreme()).containsExactly(false, false, false);
    }

    @Test
    void onlyStaleMarkersMakeNoBuckets() {
        RollupSeries s = Rollups.build(samples(new long[] {1, 2}, new double[] {STALE, STALE}), R);
        assertThat(s.size()).isZero();
        assertThat(s.resetOffsets()).containsExactly(0);
        assertThat(Rollups.build(Samples.EMPTY, R).size()).isZero();
    }

    @Test
    void extremeMarksMagnitudesOutsideTheOrdinaryRange() {
        assertThat(Rollups.isExtreme(1e300)).isTrue();
        assertThat(Rollups.isExtreme(-1e300)).isTrue();
        assertThat(Rollups.isExtreme(1e-300)).isTrue();
        assertThat(Rollups.isExtreme(Double.MIN_VALUE)).isTrue();
        assertThat(Rollups.isExtreme(0x1p480)).isFalse();
        assertThat(Rollups.isExtreme(0x1p481)).isTrue();
        assertThat(Rollups.isExtreme(0x1p-480)).isFalse();
        assertThat(Rollups.isExtreme(0x1p-481)).isTrue();
        assertThat(Rollups.isExtreme(1e15)).isFalse();
        assertThat(Rollups.isExtreme(0.0)).isFalse();
        assertThat(Rollups.isExtreme(-0.0)).isFalse();
        assertThat(Rollups.isExtreme(Double.POSITIVE_INFINITY)).isFalse();
        assertThat(Rollups.isExtreme(Double.NaN)).isFalse();
        RollupSeries s = Rollups.build(samples(new long[] {1, R + 1}, new double[] {1, 1e200}), R);
        assertThat(s.extreme()).containsExactly(false, true);
    }

    @Test
    void coarseningGivesTheBucketsBuiltFromRawSamples() {
        SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            Samples raw = randomSeries(r);
            RollupSeries fine = Rollups.build(raw, R);
            RollupSeries direct = Rollups.build(raw, Rollups.ONE_HOUR_MS);
            RollupSeries coarse = Rollups.coarsen(fine, Rollups.ONE_HOUR_MS);
            String where = "round " + round;
            assertThat(coarse.resolutionMs()).isEqualTo(direct.resolutionMs());
            assertThat(coarse.ends()).as(where).containsExactly(direct.ends());
            assertThat(coarse.counts()).as(where).containsExactly(direct.counts());
            assertThat(bits(coarse.mins())).as(where).containsExactly(bits(direct.mins()));
            assertThat(bits(coarse.maxs())).as(where).containsExactly(bits(direct.maxs()));
            assertThat(coarse.firstTimes()).as(where).containsExactly(direct.firstTimes());
            assertThat(bits(coarse.firstValues())).as(where).containsExactly(bits(direct.firstValues()));
            assertThat(coarse.lastTimes()).as(where).containsExactly(direct.lastTimes());
            assertThat(bits(coarse.lastValues())).as(where).containsExactly(bits(direct.lastValues()));
            assertThat(coarse.resetOffsets()).as(where).containsExactly(direct.resetOffsets());
            assertThat(bits(coarse.resetValues())).as(where).containsExactly(bits(direct.resetValues()));
            assertThat(coarse.extreme()).as(where).containsExactly(direct.extreme());
            for (int b = 0; b < direct.size(); b++) {
                // Merged partials: the same numbers to within a few units in the last place.
                assertClose(
                        coarse.sums()[b] + coarse.sumCompensations()[b],
                        direct.sums()[b] + direct.sumCompensations()[b],
                        where);
                assertClose(coarse.means()[b], direct.means()[b], where);
                assertClose(coarse.m2s()[b], direct.m2s()[b], where);
            }
        }
    }

    @Test
    void coarseningTheSameResolutionKeepsEveryColumn() {
        RollupSeries fine = Rollups.build(randomSeries(new SplittableRandom(3)), R);
        RollupSeries same = Rollups.coarsen(fine, R);
        assertThat(bits(same.sums())).containsExactly(bits(fine.sums()));
        assertThat(bits(same.sumCompensations())).containsExactly(bits(fine.sumCompensations()));
        assertThat(bits(same.means())).containsExactly(bits(fine.means()));
        assertThat(bits(same.m2s())).containsExactly(bits(fine.m2s()));
        assertThat(same.resetValues()).containsExactly(fine.resetValues());
    }

    @Test
    void concatenatingRollupsOfAdjacentRangesGivesTheRollupOfTheWholeRange() {
        SplittableRandom r = new SplittableRandom(11);
        for (int round = 0; round < 300; round++) {
            Samples raw = randomSeries(r);
            long first = raw.timestamps()[0];
            long last = raw.timestamps()[raw.count() - 1];
            // Windows are aligned to the resolution, but concat must hold at any cut; some cuts hit a sample.
            long cut1 = r.nextInt(3) == 0
                    ? raw.timestamps()[r.nextInt(raw.count())]
                    : Rollups.bucketEnd(r.nextLong(first - R, last + R), R);
            long cut2 = Math.max(cut1, Rollups.bucketEnd(r.nextLong(first - R, last + 2 * R), R));
            String where = "round " + round + ", cuts " + cut1 + " and " + cut2;
            long resolution = round % 2 == 0 ? R : Rollups.ONE_HOUR_MS;
            RollupSeries joined = Rollups.concat(List.of(
                    Rollups.build(slice(raw, Long.MIN_VALUE, cut1), resolution),
                    Rollups.build(slice(raw, cut1, cut2), resolution),
                    Rollups.build(slice(raw, cut2, Long.MAX_VALUE), resolution)));
            assertSameRollup(joined, Rollups.build(raw, resolution), 1e-12, where);
        }
    }

    @Test
    void concatenationMergesTheBucketSplitByASampleAndAResetExactlyAtTheCut() {
        long b = 12 * R;
        // The sample at b belongs to the bucket ending at b, whose other samples are in the first part; it is a
        // counter reset (9 → 1) inside that bucket, so its value before the reset must survive the merge.
        long[] t = {b - 200_000, b - 60_000, b, b + 60_000, b + R};
        double[] v = {5, 9, 1, 4, Double.POSITIVE_INFINITY};
        Samples raw = samples(t, v);
        RollupSeries before = Rollups.build(slice(raw, Long.MIN_VALUE, b), R);
        RollupSeries after = Rollups.build(slice(raw, b, Long.MAX_VALUE), R);
        assertThat(before.ends()).containsExactly(b);
        assertThat(after.ends()).containsExactly(b, b + R);
        assertThat(before.resetValues()).isEmpty();
        assertThat(after.resetValues()).isEmpty();

        RollupSeries joined = Rollups.concat(List.of(before, after));
        assertThat(joined.ends()).containsExactly(b, b + R);
        assertThat(joined.counts()).containsExactly(3, 2);
        assertThat(joined.resetOffsets()).containsExactly(0, 1, 1);
        assertThat(joined.resetValues()).containsExactly(9);
        assertThat(joined.firstValues()).containsExactly(5, 4);
        assertThat(joined.lastValues()).containsExactly(1, Double.POSITIVE_INFINITY);
        assertThat(joined.maxs()).containsExactly(9, Double.POSITIVE_INFINITY);
        assertSameRollup(joined, Rollups.build(raw, R), 1e-12, "reset at the cut");
        // A part without buckets (a block where the series had only stale markers) changes nothing.
        assertSameRollup(
                Rollups.concat(List.of(before, Rollups.build(Samples.EMPTY, R), after)), joined, 0, "empty part");
    }

    @Test
    void concatenationRejectsOverlapsAndMixedResolutions() {
        RollupSeries a = Rollups.build(samples(new long[] {1, R + 1}, new double[] {1, 2}), R);
        RollupSeries b = Rollups.build(samples(new long[] {R - 1}, new double[] {3}), R);
        assertThatThrownBy(() -> Rollups.concat(List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overlap");
        assertThatThrownBy(() -> Rollups.concat(List.of(a, Rollups.coarsen(a, Rollups.ONE_HOUR_MS))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resolutions");
        assertThatThrownBy(() -> Rollups.concat(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    /** The samples of {@code s} with timestamps in {@code [from, to)}. */
    private static Samples slice(Samples s, long from, long to) {
        long[] t = s.timestamps();
        int a = 0;
        while (a < s.count() && t[a] < from) {
            a++;
        }
        int z = a;
        while (z < s.count() && t[z] < to) {
            z++;
        }
        return new Samples(Arrays.copyOfRange(t, a, z), Arrays.copyOfRange(s.values(), a, z), z - a);
    }

    private static void assertSameRollup(RollupSeries got, RollupSeries want, double relative, String where) {
        assertThat(got.resolutionMs()).as(where).isEqualTo(want.resolutionMs());
        assertThat(got.ends()).as(where).containsExactly(want.ends());
        assertThat(got.counts()).as(where).containsExactly(want.counts());
        assertThat(bits(got.mins())).as(where).containsExactly(bits(want.mins()));
        assertThat(bits(got.maxs())).as(where).containsExactly(bits(want.maxs()));
        assertThat(got.firstTimes()).as(where).containsExactly(want.firstTimes());
        assertThat(bits(got.firstValues())).as(where).containsExactly(bits(want.firstValues()));
        assertThat(got.lastTimes()).as(where).containsExactly(want.lastTimes());
        assertThat(bits(got.lastValues())).as(where).containsExactly(bits(want.lastValues()));
        assertThat(got.resetOffsets()).as(where).containsExactly(want.resetOffsets());
        assertThat(bits(got.resetValues())).as(where).containsExactly(bits(want.resetValues()));
        assertThat(got.extreme()).as(where).containsExactly(want.extreme());
        for (int i = 0; i < want.size(); i++) {
            double sum = want.sums()[i] + want.sumCompensations()[i];
            assertWithin(got.sums()[i] + got.sumCompensations()[i], sum, relative * Math.abs(sum), where);
            assertWithin(got.means()[i], want.means()[i], relative * Math.abs(want.means()[i]), where);
            // Merging M2s adds count·δ² terms of the size of Σx², so M2 is only as exact as Σx² = M2 + count·mean²
            // allows: a gauge near 1000 with unit variance loses six digits of M2 in any summation order.
            double squares = Math.abs(want.m2s()[i]) + want.counts()[i] * want.means()[i] * want.means()[i];
            assertWithin(got.m2s()[i], want.m2s()[i], relative * squares, where);
        }
    }

    private static void assertWithin(double got, double want, double tolerance, String where) {
        if (Double.doubleToLongBits(got) == Double.doubleToLongBits(want)) {
            return;
        }
        assertThat(Math.abs(got - want)).as("%s: %s vs %s", where, got, want).isLessThanOrEqualTo(tolerance);
    }

    @Test
    void rejectsWhatItCannotBucket() {
        Samples s = samples(new long[] {1, 2}, new double[] {1, 2});
        assertThatThrownBy(() -> Rollups.build(s, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rollups.build(samples(new long[] {2, 2}, new double[] {1, 2}), R))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not increasing");
        RollupSeries fine = Rollups.build(s, R);
        assertThatThrownBy(() -> Rollups.coarsen(fine, R + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a multiple");
        assertThatThrownBy(() -> Rollups.coarsen(fine, -R)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void seriesChecksItsColumns() {
        RollupSeries ok = Rollups.build(samples(new long[] {1, R + 1}, new double[] {1, 2}), R);
        assertThatThrownBy(() -> withEnds(ok, new long[] {R, R + 7}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiples of the resolution");
        assertThatThrownBy(() -> withEnds(ok, new long[] {R, R}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ascending");
        assertThatThrownBy(() -> withEnds(ok, new long[] {R}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different lengths");
        assertThatThrownBy(() -> withEnds(ok, new long[] {2 * R, 3 * R}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the bucket");
        assertThat(ok.firstEndingAfter(0)).isZero();
        assertThat(ok.firstEndingAfter(R - 1)).isZero();
        assertThat(ok.firstEndingAfter(R)).isEqualTo(1);
        assertThat(ok.firstEndingAfter(2 * R)).isEqualTo(2);
    }

    private static RollupSeries withEnds(RollupSeries s, long[] ends) {
        return new RollupSeries(
                s.resolutionMs(),
                ends,
                s.counts(),
                s.sums(),
                s.sumCompensations(),
                s.mins(),
                s.maxs(),
                s.means(),
                s.m2s(),
                s.firstTimes(),
                s.firstValues(),
                s.lastTimes(),
                s.lastValues(),
                s.resetOffsets(),
                s.resetValues(),
                s.extreme());
    }

    /** A counter or a gauge at 1–60 s, with gaps, resets (some right after a 5m boundary), NaN, ±Inf and stale markers. */
    private static Samples randomSeries(SplittableRandom r) {
        int n = r.nextInt(1, 3000);
        long[] t = new long[n];
        double[] v = new double[n];
        boolean counter = r.nextBoolean();
        long time = r.nextLong(-3_600_000, 3_600_000);
        double value = r.nextDouble() * 1e6;
        for (int k = 0; k < n; k++) {
            time += r.nextInt(40) == 0 ? r.nextLong(R, 5 * R) : r.nextLong(1_000, 60_001);
            t[k] = time;
            if (counter) {
                boolean afterBoundary = k > 0 && Rollups.bucketEnd(t[k - 1], R) < time;
                value = (afterBoundary && r.nextInt(4) == 0) || r.nextInt(200) == 0
                        ? r.nextInt(10)
                        : value + r.nextDouble();
            } else {
                value = 1e3 + r.nextGaussian();
            }
            int special = r.nextInt(100);
            v[k] = special == 0 ? STALE : special == 1 ? Double.NaN : special == 2 ? Double.NEGATIVE_INFINITY : value;
        }
        return new Samples(t, v, n);
    }

    private static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToLongBits).toArray();
    }

    private static void assertClose(double a, double b, String where) {
        if (Double.doubleToLongBits(a) == Double.doubleToLongBits(b)) {
            return;
        }
        assertThat(Math.abs(a - b))
                .as("%s: %s vs %s", where, a, b)
                .isLessThanOrEqualTo(1e-9 * Math.max(Math.abs(a), Math.abs(b)));
    }
}
