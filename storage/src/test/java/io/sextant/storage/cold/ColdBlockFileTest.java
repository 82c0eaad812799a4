package io.sextant.storage.cold;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import io.sextant.storage.rollup.RollupSeries;
import io.sextant.storage.rollup.Rollups;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A block file of several pages per column reads back the series a query asks for, and only those. */
class ColdBlockFileTest {
    @TempDir
    Path dir;

    @Test
    void readsTheSelectedSeriesAcrossPageBoundaries() {
        SplittableRandom r = new SplittableRandom(5);
        List<LabeledRollup> written = new ArrayList<>();
        Path file = dir.resolve("b.parquet");
        try (ColdBlockFile.Writer w = new ColdBlockFile.Writer(file)) {
            for (int s = 0; s < 250; s++) {
                // Series of different lengths, some with counter resets and some without any bucket.
                int n = s % 17 == 0 ? 0 : r.nextInt(1, 400);
                long[] t = new long[n];
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    t[i] = (i + 1) * 60_000L + s;
                    v[i] = r.nextInt(10) == 0 ? r.nextInt(5) : i * 3.5;
                }
                LabeledRollup lr = new LabeledRollup(
                        Labels.of("__name__", "m", "i", String.format("%03d", s)),
                        Rollups.build(new Samples(t, v, n), Rollups.FIVE_MINUTES_MS));
                written.add(lr);
                w.add(lr);
            }
            assertThat(w.finish().series()).isEqualTo(250);
        }
        List<Labels> table = ColdBlockFile.readLabels(file);
        assertThat(table)
                .containsExactlyElementsOf(
                        written.stream().map(LabeledRollup::labels).toList());

        BitSet rows = new BitSet();
        for (int row : new int[] {0, 17, 98, 99, 100, 101, 150, 199, 200, 249}) {
            rows.set(row);
        }
        List<LabeledRollup> got = ColdBlockFile.read(file, Rollups.FIVE_MINUTES_MS, table, rows);
        assertThat(got)
                .extracting(LabeledRollup::labels)
                .containsExactlyElementsOf(rows.stream().mapToObj(table::get).toList());
        for (int k = 0, row = rows.nextSetBit(0); row >= 0; k++, row = rows.nextSetBit(row + 1)) {
            assertBitForBit(got.get(k).rollup(), written.get(row).rollup());
        }
        assertThat(ColdBlockFile.read(file, Rollups.FIVE_MINUTES_MS, table, new BitSet()))
                .isEmpty();
    }

    /**
     * Random selections: ranges that end inside a page and resume pages later, whole skipped pages, single rows.
     * parquet-java's column reader over filtered pages has been seen returning the unselected rest of a page for
     * the next selected row, so every shape of selection is read back against what was written.
     */
    @Test
    void randomSelectionsReadBackBitForBit() {
        SplittableRandom r = new SplittableRandom(11);
        List<LabeledRollup> written = new ArrayList<>();
        Path file = dir.resolve("random.parquet");
        try (ColdBlockFile.Writer w = new ColdBlockFile.Writer(file)) {
            for (int s = 0; s < 1_000; s++) {
                int n = r.nextInt(0, 60);
                long[] t = new long[n];
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    t[i] = (i + 1) * 45_000L + s;
                    v[i] = r.nextInt(8) == 0 ? r.nextInt(3) : i * 1.25 + s;
                }
                LabeledRollup lr = new LabeledRollup(
                        Labels.of("__name__", "m", "i", String.format("%04d", s)),
                        Rollups.build(new Samples(t, v, n), Rollups.FIVE_MINUTES_MS));
                written.add(lr);
                w.add(lr);
            }
            w.finish();
        }
        List<Labels> table = ColdBlockFile.readLabels(file);
        for (int trial = 0; trial < 200; trial++) {
            BitSet rows = new BitSet();
            int ranges = r.nextInt(1, 12);
            for (int k = 0; k < ranges; k++) {
                int from = r.nextInt(0, 1_000);
                rows.set(from, Math.min(1_000, from + r.nextInt(1, 40)));
            }
            List<LabeledRollup> got = ColdBlockFile.read(file, Rollups.FIVE_MINUTES_MS, table, rows);
            assertThat(got)
                    .extracting(LabeledRollup::labels)
                    .containsExactlyElementsOf(
                            rows.stream().mapToObj(table::get).toList());
            for (int k = 0, row = rows.nextSetBit(0); row >= 0; k++, row = rows.nextSetBit(row + 1)) {
                assertBitForBit(got.get(k).rollup(), written.get(row).rollup());
            }
        }
    }

    @Test
    void everySeriesReadsBackBitForBit() {
        Path file = dir.resolve("all.parquet");
        RollupSeries special = Rollups.build(
                new Samples(
                        new long[] {1, 2, 3, 300_001},
                        new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0, 1e300},
                        4),
                Rollups.FIVE_MINUTES_MS);
        LabeledRollup lr = new LabeledRollup(Labels.of("__name__", "x"), special);
        try (ColdBlockFile.Writer w = new ColdBlockFile.Writer(file)) {
            w.add(lr);
            w.finish();
        }
        List<Labels> table = ColdBlockFile.readLabels(file);
        BitSet all = new BitSet();
        all.set(0);
        assertBitForBit(
                ColdBlockFile.read(file, Rollups.FIVE_MINUTES_MS, table, all)
                        .get(0)
                        .rollup(),
                special);
    }

    private static void assertBitForBit(RollupSeries got, RollupSeries want) {
        assertThat(got.resolutionMs()).isEqualTo(want.resolutionMs());
        assertThat(got.ends()).containsExactly(want.ends());
        assertThat(got.counts()).containsExactly(want.counts());
        assertThat(got.firstTimes()).containsExactly(want.firstTimes());
        assertThat(got.lastTimes()).containsExactly(want.lastTimes());
        assertThat(got.resetOffsets()).containsExactly(want.resetOffsets());
        assertThat(got.extreme()).containsExactly(want.extreme());
        assertThat(bits(got.sums())).containsExactly(bits(want.sums()));
        assertThat(bits(got.sumCompensations())).containsExactly(bits(want.sumCompensations()));
        assertThat(bits(got.mins())).containsExactly(bits(want.mins()));
        assertThat(bits(got.maxs())).containsExactly(bits(want.maxs()));
        assertThat(bits(got.means())).containsExactly(bits(want.means()));
        assertThat(bits(got.m2s())).containsExactly(bits(want.m2s()));
        assertThat(bits(got.firstValues())).containsExactly(bits(want.firstValues()));
        assertThat(bits(got.lastValues())).containsExactly(bits(want.lastValues()));
        assertThat(bits(got.resetValues())).containsExactly(bits(want.resetValues()));
    }

    private static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
