package io.sextant.storage.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.telemetry.Telemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorTest {
    private static final long HOUR = 3600_000L;

    @TempDir
    Path dir;

    /** The model: series → timestamp → value bits, as every read must see it. */
    private final TreeMap<Labels, TreeMap<Long, Long>> model = new TreeMap<>();

    /**
     * A level-0 block of 15-minute pieces of 30 series starting at {@code from}; {@code seed} varies values. When
     * {@code resend} is set, half the samples repeat timestamps already written (same values, as a resending
     * client would), which compaction must write once.
     */
    private BlockMeta flushBlock(BlockStore store, long from, long to, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Series> series = new ArrayList<>();
        for (int s = 0; s < 30; s++) {
            Labels labels = Labels.of("__name__", "m" + (s % 3), "i", Integer.toString(s));
            TreeMap<Long, Long> expected = model.computeIfAbsent(labels, k -> new TreeMap<>());
            List<Long> ts = new ArrayList<>();
            for (long t = from + s * 100 + r.nextInt(50); t < to; t += 15_000 + r.nextInt(-3, 4)) {
                ts.add(t);
            }
            long[] t = new long[ts.size()];
            double[] v = new double[ts.size()];
            for (int i = 0; i < t.length; i++) {
                t[i] = ts.get(i);
                Long known = expected.get(t[i]);
                v[i] = known != null
                        ? Double.longBitsToDouble(known)
                        : s % 5 == 0 ? r.nextDouble() : Math.round(r.nextGaussian() * 1e4) / 100.0;
                expected.put(t[i], Double.doubleToRawLongBits(v[i]));
            }
            if (t.length > 0) {
                series.add(new Series(labels, new Samples(t, v, t.length)));
            }
        }
        series.sort((a, b) -> SeriesOrder.COMPARATOR.compare(a.labels(), b.labels()));
        BlockMeta m = BlockWriter.write(
                store.tenantDir("t"), store.newBlockId("t"), 0, BlockWriter.Options.FLUSH, series.iterator());
        store.publish("t", List.of(m), Set.of());
        return m;
    }

    private void assertMatchesModel(BlockStore store) {
        List<Series> all = store.select("t", List.of(), Long.MIN_VALUE, Long.MAX_VALUE, SelectHints.SAMPLES);
        assertThat(all).extracting(Series::labels).containsExactlyElementsOf(model.keySet());
        for (Series s : all) {
            TreeMap<Long, Long> expected = model.get(s.labels());
            assertThat(s.samples().count()).isEqualTo(expected.size());
            int i = 0;
            for (var e : expected.entrySet()) {
                assertThat(s.samples().timestamps()[i]).isEqualTo(e.getKey());
                assertThat(Double.doubleToRawLongBits(s.samples().values()[i])).isEqualTo(e.getValue());
                i++;
            }
        }
    }

    @Test
    void flushedBlocksBecomeOneBlockPerWindowAndLevel() throws IOException {
        long base = 1000 * 48 * HOUR; // aligned to every window
        try (BlockStore store = BlockStore.open(dir)) {
            // 14 hours of 15-minute flushes: windows of 2h (7 of them) and 12h (one complete, one not)
            for (long t = base; t < base + 14 * HOUR; t += HOUR / 4) {
                flushBlock(store, t, t + HOUR / 4, t);
            }
            Compactor compactor = new Compactor(store, new Telemetry());
            List<Compactor.Compaction> done = compactor.run(tenant -> base + 14 * HOUR);
            // 7 compactions into 2h blocks, then one of the first six into a 12h block
            assertThat(done).hasSize(8);
            assertThat(store.blocks("t")).extracting(BlockMeta::level).containsExactly(2, 1);
            assertThat(store.blocks("t").get(0).minTime()).isGreaterThanOrEqualTo(base);
            assertThat(store.blocks("t").get(0).maxTime()).isLessThan(base + 12 * HOUR);
            assertMatchesModel(store);
            assertThat(compactor.run(tenant -> base + 14 * HOUR)).isEmpty();
            try (Stream<Path> files = Files.list(store.tenantDir("t"))) {
                assertThat(files).hasSize(3); // two blocks and the catalog
            }
        }
        try (BlockStore reopened = BlockStore.open(dir)) {
            assertMatchesModel(reopened);
        }
    }

    @Test
    void lateAndResentSamplesAreMergedIntoTheWindowsBlockOnce() {
        long base = 2000 * 48 * HOUR;
        try (BlockStore store = BlockStore.open(dir)) {
            flushBlock(store, base, base + HOUR, 1);
            flushBlock(store, base + HOUR, base + 2 * HOUR, 2);
            Compactor compactor = new Compactor(store, new Telemetry());
            assertThat(compactor.run(tenant -> base + 2 * HOUR)).hasSize(1);
            long before = store.blocks("t").get(0).samples();
            // a late flush into the compacted window: new samples, and resent copies of old ones
            flushBlock(store, base + HOUR / 2, base + HOUR, 3);
            flushBlock(store, base, base + 2 * HOUR, 4);
            List<Compactor.Compaction> merged = compactor.run(tenant -> base + 2 * HOUR);
            assertThat(merged).singleElement().satisfies(c -> assertThat(c.inputs())
                    .hasSize(3));
            long distinct = model.values().stream().mapToLong(TreeMap::size).sum();
            assertThat(store.blocks("t")).singleElement().satisfies(b -> {
                assertThat(b.level()).isEqualTo(1);
                assertThat(b.samples()).isEqualTo(distinct).isGreaterThan(before);
            });
            assertMatchesModel(store);
        }
    }

    @Test
    void windowsThatMayStillReceiveFlushesWait() {
        long base = 3000 * 48 * HOUR;
        try (BlockStore store = BlockStore.open(dir)) {
            flushBlock(store, base, base + HOUR, 1);
            flushBlock(store, base + HOUR, base + 2 * HOUR - 60_000, 2);
            Compactor compactor = new Compactor(store, new Telemetry());
            assertThat(compactor.run(tenant -> base + 2 * HOUR - 1)).isEmpty();
            assertThat(compactor.run(tenant -> base + 2 * HOUR)).hasSize(1);
            // a single block in a complete window is left as it is
            flushBlock(store, base + 2 * HOUR, base + 3 * HOUR, 3);
            assertThat(compactor.run(tenant -> base + 4 * HOUR)).isEmpty();
            assertMatchesModel(store);
        }
    }
}
