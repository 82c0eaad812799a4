package io.sextant.storage.cold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.Samples;
import io.sextant.storage.Series;
import io.sextant.storage.SextantException;
import io.sextant.storage.block.BlockMeta;
import io.sextant.storage.block.BlockStore;
import io.sextant.storage.block.BlockWriter;
import io.sextant.storage.object.FlakyObjectStore;
import io.sextant.storage.object.ForwardingObjectStore;
import io.sextant.storage.object.InProcessS3;
import io.sextant.storage.object.LocalDirObjectStore;
import io.sextant.storage.object.ObjectInfo;
import io.sextant.storage.object.ObjectStore;
import io.sextant.storage.object.S3ObjectStore;
import io.sextant.storage.rollup.RollupSeries;
import io.sextant.storage.rollup.Rollups;
import io.sextant.storage.telemetry.Telemetry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cold tier against a real warm block store and real object stores (a local directory and an in-process
 * S3-compatible server): its rollups are the ones built from all the raw samples at once, across window edges,
 * and builds, rebuilds, retention and a failing store leave a consistent catalog.
 */
class ColdStoreTest {
    private static final long HOUR = 3_600_000L;
    /** A multiple of 2 days, so windows of every compaction level are aligned to it. */
    private static final long BASE = Math.floorDiv(1_700_000_000_000L, 48 * HOUR) * 48 * HOUR;

    private static InProcessS3 s3;

    @TempDir
    Path dir;

    /** What the warm tier holds: series → timestamp → value. */
    private final TreeMap<Labels, TreeMap<Long, Double>> raw = new TreeMap<>();

    @BeforeAll
    static void startS3() throws Exception {
        s3 = InProcessS3.start();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    /**
     * A level-1 (2h) block for window {@code w}: counters with a reset at the window's first sample, gauges of
     * random magnitude, a NaN, ±Inf (−Inf on the window's edge), a stale marker; samples every minute on the minute, so one falls exactly on each
     * window edge.
     */
    private BlockMeta window(BlockStore store, int w, long seed) {
        long from = BASE + w * 2 * HOUR;
        SplittableRandom r = new SplittableRandom(seed);
        List<Series> series = new ArrayList<>();
        for (int s = 0; s < 12; s++) {
            Labels labels = Labels.of("__name__", s < 6 ? "c_total" : "g", "i", Integer.toString(s));
            TreeMap<Long, Double> model = raw.computeIfAbsent(labels, k -> new TreeMap<>());
            List<Long> ts = new ArrayList<>();
            List<Double> vs = new ArrayList<>();
            double counter = model.isEmpty() ? 0 : model.lastEntry().getValue();
            for (long t = from + (s % 3) * 7_000; t < from + 2 * HOUR; t += 60_000) {
                double v;
                if (s < 6) {
                    counter = t == from && s % 2 == 0 ? r.nextInt(5) : counter + r.nextInt(100);
                    v = counter;
                } else if (s == 11 && t == from + 30 * 60_000) {
                    v = Double.NaN;
                } else if (s == 10 && t == from + 45 * 60_000) {
                    v = Double.longBitsToDouble(Samples.STALE_NAN_BITS);
                } else if (s == 9 && t == from + 20 * 60_000) {
                    v = Double.POSITIVE_INFINITY;
                } else if (s == 8 && t == from) {
                    v = Double.NEGATIVE_INFINITY;
                } else {
                    v = r.nextGaussian() * Math.pow(10, s - 6);
                }
                ts.add(t);
                vs.add(v);
                model.put(t, v);
            }
            long[] t = ts.stream().mapToLong(Long::longValue).toArray();
            double[] v = vs.stream().mapToDouble(Double::doubleValue).toArray();
            series.add(new Series(labels, new Samples(t, v, t.length)));
        }
        series.sort(Comparator.comparing(Series::labels, io.sextant.storage.block.SeriesOrder.COMPARATOR));
        BlockMeta m = BlockWriter.write(
                store.tenantDir("t"), store.newBlockId("t"), 1, BlockWriter.Options.COMPACTION, series.iterator());
        store.publish("t", List.of(m), Set.of());
        return m;
    }

    private RollupSeries expected(Labels labels, long resolution) {
        return expected(labels, resolution, Long.MIN_VALUE);
    }

    /** The rollup of the series' raw samples from {@code from} on. */
    private RollupSeries expected(Labels labels, long resolution, long from) {
        NavigableMap<Long, Double> m = raw.get(labels).tailMap(from, true);
        long[] t = m.keySet().stream().mapToLong(Long::longValue).toArray();
        double[] v = m.values().stream().mapToDouble(Double::doubleValue).toArray();
        return Rollups.build(new Samples(t, v, t.length), resolution);
    }

    private static void assertSameRollup(RollupSeries got, RollupSeries want) {
        assertThat(got.ends()).containsExactly(want.ends());
        assertThat(got.counts()).containsExactly(want.counts());
        assertThat(bits(got.mins())).containsExactly(bits(want.mins()));
        assertThat(bits(got.maxs())).containsExactly(bits(want.maxs()));
        assertThat(got.firstTimes()).containsExactly(want.firstTimes());
        assertThat(bits(got.firstValues())).containsExactly(bits(want.firstValues()));
        assertThat(got.lastTimes()).containsExactly(want.lastTimes());
        assertThat(bits(got.lastValues())).containsExactly(bits(want.lastValues()));
        assertThat(got.resetOffsets()).containsExactly(want.resetOffsets());
        assertThat(bits(got.resetValues())).containsExactly(bits(want.resetValues()));
        assertThat(got.extreme()).containsExactly(want.extreme());
        for (int i = 0; i < got.size(); i++) {
            assertClose(got.sums()[i] + got.sumCompensations()[i], want.sums()[i] + want.sumCompensations()[i]);
            assertClose(got.means()[i], want.means()[i]);
            assertClose(got.m2s()[i], want.m2s()[i]);
        }
    }

    private static void assertClose(double got, double want) {
        if (Double.isNaN(want)) {
            assertThat(got).isNaN();
        } else if (Double.isInfinite(want)) {
            assertThat(got).isEqualTo(want);
        } else {
            assertThat(got).isCloseTo(want, org.assertj.core.data.Offset.offset(Math.abs(want) * 1e-12 + 1e-300));
        }
    }

    private static long[] bits(double[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }

    private void assertMatchesRaw(ColdStore cold) {
        for (long res : cold.resolutions()) {
            List<LabeledRollup> got = cold.select("t", List.of(), BASE, BASE + 100 * HOUR, res);
            assertThat(got).extracting(LabeledRollup::labels).containsExactlyElementsOf(raw.keySet());
            for (LabeledRollup r : got) {
                assertSameRollup(r.rollup(), expected(r.labels(), res));
            }
        }
    }

    private ColdStore open(ObjectStore store) {
        return ColdStore.open(store, ColdOptions.defaults(dir.resolve("scratch")), new Telemetry());
    }

    private void buildAndCompare(ObjectStore objects) {
        try (BlockStore warm = BlockStore.open(dir.resolve("blocks"));
                ColdStore cold = open(objects)) {
            for (int w = 0; w < 3; w++) {
                window(warm, w, w);
            }
            List<ColdBlockMeta> built = cold.build("t", warm);
            assertThat(built).hasSize(6);
            assertThat(cold.blocks("t", Rollups.FIVE_MINUTES_MS))
                    .extracting(ColdBlockMeta::windowStart)
                    .containsExactly(BASE, BASE + 2 * HOUR, BASE + 4 * HOUR);
            assertMatchesRaw(cold);
            assertThat(cold.build("t", warm)).as("nothing changed").isEmpty();
            List<LabeledRollup> one =
                    cold.select("t", List.of(Matcher.equal("i", "3")), BASE, BASE + 3 * HOUR, Rollups.ONE_HOUR_MS);
            assertThat(one).extracting(r -> r.labels().get("i")).containsExactly("3");
            assertThat(one.get(0).rollup().ends()[0]).isEqualTo(BASE);
        }
        // a new store instance reads the catalog back from the object store
        try (ColdStore again = open(objects)) {
            assertThat(again.tenants()).containsExactly("t");
            assertMatchesRaw(again);
        }
    }

    @Test
    void rollupsFromALocalDirectoryStoreEqualTheRawBuild() {
        buildAndCompare(LocalDirObjectStore.open(dir.resolve("objects")));
    }

    @Test
    void rollupsFromAnS3CompatibleStoreEqualTheRawBuild() {
        buildAndCompare(S3ObjectStore.open(s3.settings(s3.createBucket(), "cold")));
    }

    @Test
    void lateSamplesRebuildTheirWindowAndAFailingStoreLeavesTheCatalogAsItWas() {
        FlakyObjectStore objects = new FlakyObjectStore(LocalDirObjectStore.open(dir.resolve("objects")), 0);
        try (BlockStore warm = BlockStore.open(dir.resolve("blocks"));
                ColdStore cold = open(objects)) {
            for (int w = 0; w < 3; w++) {
                window(warm, w, 10 + w);
            }
            cold.build("t", warm);
            List<ColdBlockMeta> before = cold.blocks("t", Rollups.ONE_HOUR_MS);
            // a late sample for window 1, flushed as a level-0 block beside the window's compacted one
            Labels late = Labels.of("__name__", "late", "i", "x");
            long t = BASE + 3 * HOUR + 30_000;
            raw.put(late, new TreeMap<>(Map.of(t, 42.0)));
            BlockMeta lateBlock = BlockWriter.write(
                    warm.tenantDir("t"),
                    warm.newBlockId("t"),
                    0,
                    BlockWriter.Options.FLUSH,
                    List.of(new Series(late, new Samples(new long[] {t}, new double[] {42.0}, 1)))
                            .iterator());
            warm.publish("t", List.of(lateBlock), Set.of());

            objects.failNext(1);
            assertThatThrownBy(() -> cold.build("t", warm))
                    .isInstanceOfSatisfying(
                            SextantException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXTERNAL_FAILURE));
            assertThat(cold.blocks("t", Rollups.ONE_HOUR_MS)).isEqualTo(before);
            assertThat(cold.select("t", List.of(Matcher.equal("__name__", "late")), BASE, t, Rollups.ONE_HOUR_MS))
                    .isEmpty();

            List<ColdBlockMeta> rebuilt = cold.build("t", warm);
            assertThat(rebuilt).extracting(ColdBlockMeta::windowStart).containsOnly(BASE + 2 * HOUR);
            assertThat(rebuilt).allSatisfy(b -> assertThat(b.sources()).contains(lateBlock.id()));
            assertMatchesRaw(cold);
            // the replaced blocks and the failed upload's orphans are gone: every object is listed
            List<String> keys = objects.list("").stream().map(ObjectInfo::key).toList();
            assertThat(keys).hasSize(1 + 3 * cold.resolutions().size());
        }
    }

    @Test
    void selectiveQueriesDecodeOnlyMatchingSeriesAndSkipBlocksWithoutThem() {
        CountingObjectStore objects = new CountingObjectStore(LocalDirObjectStore.open(dir.resolve("objects")));
        try (BlockStore warm = BlockStore.open(dir.resolve("blocks"))) {
            for (int w = 0; w < 3; w++) {
                window(warm, w, 30 + w);
            }
            try (ColdStore builder = open(objects)) {
                builder.build("t", warm);
            }
        }
        long res = Rollups.FIVE_MINUTES_MS;
        try (ColdStore cold = open(objects)) {
            List<Matcher> some = List.of(Matcher.of(Matcher.Type.REGEX, "i", "1|7|10"));
            List<LabeledRollup> got = cold.select("t", some, BASE, BASE + 100 * HOUR, res);
            assertThat(got)
                    .extracting(r -> r.labels().get("i"))
                    .as("sorted by labels")
                    .containsExactly("1", "10", "7");
            got.forEach(r -> assertSameRollup(r.rollup(), expected(r.labels(), res)));
            assertThat(objects.downloads).as("one download per block").isEqualTo(3);

            // The series tables are cached: a query matching nothing touches no block, another reads only buckets.
            assertThat(cold.select("t", List.of(Matcher.equal("__name__", "nope")), BASE, BASE + 100 * HOUR, res))
                    .isEmpty();
            assertThat(objects.downloads).isEqualTo(3);
            List<LabeledRollup> one =
                    cold.select("t", List.of(Matcher.equal("i", "9")), BASE + 2 * HOUR, BASE + 3 * HOUR, res);
            assertThat(objects.downloads).as("only the block of the range").isEqualTo(4);
            assertThat(one).hasSize(1);
            RollupSeries all = expected(one.get(0).labels(), res);
            RollupSeries window1 = one.get(0).rollup();
            // Window 1's block: its buckets end in [start, end], the first holding only the sample at its start.
            assertThat(window1.ends()[0]).isEqualTo(BASE + 2 * HOUR);
            assertThat(window1.ends()[window1.size() - 1]).isEqualTo(BASE + 4 * HOUR);
            int at = all.firstEndingAfter(BASE + 2 * HOUR);
            assertThat(window1.maxs()[5]).isEqualTo(all.maxs()[at + 4]);
        }
    }

    @Test
    void aBlockDeletedWhileAQueryReadsItIsReadFromTheNewCatalog() {
        CountingObjectStore objects = new CountingObjectStore(LocalDirObjectStore.open(dir.resolve("objects")));
        long res = Rollups.FIVE_MINUTES_MS;
        try (BlockStore warm = BlockStore.open(dir.resolve("blocks"));
                ColdStore cold = open(objects)) {
            for (int w = 0; w < 3; w++) {
                window(warm, w, 40 + w);
            }
            cold.build("t", warm);
            // Retention runs between the query listing the blocks and downloading the first one.
            objects.beforeDownload = () -> {
                objects.beforeDownload = () -> {};
                assertThat(cold.enforceRetention("t", res, BASE + 2 * HOUR)).hasSize(1);
            };
            List<LabeledRollup> got = cold.select("t", List.of(), BASE, BASE + 100 * HOUR, res);
            assertThat(got).extracting(LabeledRollup::labels).containsExactlyElementsOf(raw.keySet());
            // Window 0's buckets are gone: what is left is the rollup of the samples from window 1's start on.
            for (LabeledRollup r : got) {
                assertSameRollup(r.rollup(), expected(r.labels(), res, BASE + 2 * HOUR));
            }
        }
    }

    /** Counts downloads, to see which blocks a query reads, and runs a hook before each. */
    private static final class CountingObjectStore extends ForwardingObjectStore {
        int downloads;
        Runnable beforeDownload = () -> {};

        CountingObjectStore(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public boolean download(String key, Path target) {
            downloads++;
            beforeDownload.run();
            return super.download(key, target);
        }
    }

    @Test
    void retentionDeletesWholeWindowsOfOneResolution() {
        ObjectStore objects = LocalDirObjectStore.open(dir.resolve("objects"));
        try (BlockStore warm = BlockStore.open(dir.resolve("blocks"));
                ColdStore cold = open(objects)) {
            for (int w = 0; w < 3; w++) {
                window(warm, w, 20 + w);
            }
            cold.build("t", warm);
            // the limit falls inside window 2: only windows 0 and 1 have wholly expired
            List<ColdBlockMeta> deleted = cold.enforceRetention("t", Rollups.FIVE_MINUTES_MS, BASE + 4 * HOUR + 1);
            assertThat(deleted).extracting(ColdBlockMeta::windowStart).containsExactly(BASE, BASE + 2 * HOUR);
            assertThat(cold.blocks("t", Rollups.FIVE_MINUTES_MS))
                    .extracting(ColdBlockMeta::windowStart)
                    .containsExactly(BASE + 4 * HOUR);
            assertThat(cold.blocks("t", Rollups.ONE_HOUR_MS)).hasSize(3);
            assertThat(objects.list("").stream().map(ObjectInfo::key).filter(k -> k.contains("/5m/")))
                    .hasSize(1);
            assertThat(cold.enforceRetention("t", Rollups.FIVE_MINUTES_MS, BASE + 4 * HOUR + 1))
                    .isEmpty();
        }
    }
}
