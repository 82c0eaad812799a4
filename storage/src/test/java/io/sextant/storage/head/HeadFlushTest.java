package io.sextant.storage.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.RetentionPolicy;
import io.sextant.storage.Samples;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.block.BlockMeta;
import io.sextant.storage.telemetry.Telemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flushing the head into warm blocks: what moves, what stays, and that reads and replay see each sample once. */
class HeadFlushTest {
    /** 2023-11-14T22:13:20Z; flush windows and intervals are aligned to the epoch, not to this. */
    private static final long NOW = 1_700_000_000_000L;

    private static final long START = NOW - 3 * 3600_000L;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(NOW);
    private MetricsStore store;

    private MetricsStore open() {
        store = MetricsStore.open(StoreOptions.defaults(dir), new Telemetry(), clock::get);
        store.replay();
        return store;
    }

    private void reopen() {
        store.close();
        open();
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** 20 series scraped every 15 s from START to NOW, with counters, gauges, NaN and stale markers. */
    private void writeFleet() {
        SplittableRandom r = new SplittableRandom(7);
        for (long t = START; t <= NOW; t += 15_000) {
            WriteBatch b = new WriteBatch();
            for (int s = 0; s < 20; s++) {
                int e = b.addNewSeries(
                        Labels.of("__name__", s % 2 == 0 ? "requests_total" : "temperature", "instance", "i" + s),
                        null,
                        0,
                        0,
                        0);
                double v =
                        switch (s % 4) {
                            case 0 -> (t - START) / 15_000 * 7.0;
                            case 1 -> Math.round(r.nextGaussian() * 1000) / 100.0;
                            case 2 -> r.nextInt(100) == 0 ? Double.longBitsToDouble(Samples.STALE_NAN_BITS) : t % 1000;
                            default -> r.nextInt(100) == 0 ? Double.NaN : r.nextDouble();
                        };
                b.addSample(e, t + s, v);
            }
            assertThat(store.tenant("acme").commit(b).acceptedSamples()).isEqualTo(20);
        }
    }

    private List<Series> all() {
        return store.select("acme", List.of(), Long.MIN_VALUE, Long.MAX_VALUE, SelectHints.SAMPLES);
    }

    private static void assertSame(List<Series> actual, List<Series> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Samples a = actual.get(i).samples();
            Samples e = expected.get(i).samples();
            assertThat(actual.get(i).labels()).isEqualTo(expected.get(i).labels());
            assertThat(a.count()).as("%s", expected.get(i).labels()).isEqualTo(e.count());
            for (int k = 0; k < e.count(); k++) {
                assertThat(a.timestamps()[k]).isEqualTo(e.timestamps()[k]);
                assertThat(Double.doubleToRawLongBits(a.values()[k]))
                        .isEqualTo(Double.doubleToRawLongBits(e.values()[k]));
            }
        }
    }

    private long headSamples() {
        return store.stats().samples();
    }

    @Test
    void scheduledFlushMovesCompleteIntervalsPastTheOutOfOrderWindow() {
        open();
        writeFleet();
        List<Series> before = all();
        assertThat(store.flushDue()).contains(MetricsStore.FlushTrigger.SCHEDULED);
        // one interval past the head's oldest sample per flush, as the background job calls it while due
        List<MetricsStore.TenantFlush> flushed = new ArrayList<>();
        while (store.flushDue().isPresent()) {
            flushed.addAll(store.flush(MetricsStore.FlushTrigger.SCHEDULED));
        }
        long interval = 15 * 60_000L;
        long cutoff = Math.floorDiv(NOW + 19 - 10 * 60_000L, interval) * interval;
        assertThat(flushed).hasSize((int) ((cutoff - Math.floorDiv(START, interval) * interval) / interval));
        assertThat(flushed.get(flushed.size() - 1).cutoff()).isEqualTo(cutoff);
        for (int i = 0; i < flushed.size(); i++) {
            MetricsStore.TenantFlush f = flushed.get(i);
            long from = i == 0 ? Long.MIN_VALUE : flushed.get(i - 1).cutoff();
            assertThat(f.blocks()).allSatisfy(b -> {
                assertThat(b.minTime()).isGreaterThanOrEqualTo(from);
                assertThat(b.maxTime()).isLessThan(f.cutoff());
                // blocks never span a 2h window
                assertThat(Math.floorDiv(b.minTime(), HeadFlush.WINDOW_MS))
                        .isEqualTo(Math.floorDiv(b.maxTime(), HeadFlush.WINDOW_MS));
            });
        }
        long inBlocks = store.blocks().blocks("acme").stream()
                .mapToLong(BlockMeta::samples)
                .sum();
        long total = before.stream().mapToLong(s -> s.samples().count()).sum();
        assertThat(inBlocks + headSamples()).isEqualTo(total);
        assertThat(store.selectHead("acme", List.of(), Long.MIN_VALUE, cutoff - 1, SelectHints.SAMPLES))
                .isEmpty();
        assertSame(all(), before);
        assertThat(store.flushDue()).isEmpty();

        reopen();
        assertSame(all(), before);
        assertThat(headSamples()).isEqualTo(total - inBlocks);
    }

    @Test
    void flushAllEmptiesTheHeadAndReplayDoesNotBringSamplesBack() {
        open();
        writeFleet();
        List<Series> before = all();
        store.flush(MetricsStore.FlushTrigger.ALL);
        assertThat(headSamples()).isZero();
        assertSame(all(), before);
        List<Matcher> one = List.of(Matcher.equal("instance", "i3"));
        long mint = START + 3600_000L;
        long maxt = START + 5400_000L;
        List<Series> expected = new ArrayList<>();
        for (Series s : before) {
            if (s.labels().get("instance").equals("i3")) {
                Samples all = s.samples();
                long[] t = new long[all.count()];
                double[] v = new double[all.count()];
                int n = 0;
                for (int i = 0; i < all.count(); i++) {
                    if (all.timestamps()[i] >= mint && all.timestamps()[i] <= maxt) {
                        t[n] = all.timestamps()[i];
                        v[n++] = all.values()[i];
                    }
                }
                expected.add(new Series(s.labels(), new Samples(t, v, n)));
            }
        }
        assertSame(store.select("acme", one, mint, maxt, SelectHints.SAMPLES), expected);
        assertThat(expected.get(0).samples().count()).isEqualTo(120);

        reopen();
        assertThat(headSamples()).isZero();
        assertSame(all(), before);
    }

    @Test
    void lateSamplesAfterAFlushLandInTheHeadAndTheNextBlock() {
        open();
        writeFleet();
        store.flush(MetricsStore.FlushTrigger.ALL);
        Labels labels = Labels.of("__name__", "requests_total", "instance", "i0");
        WriteBatch late = new WriteBatch();
        int e = late.addNewSeries(labels, null, 0, 0, 0);
        // between two flushed samples, within the out-of-order window of the series' newest one
        late.addSample(e, NOW - 60_000 + 7_000, 42);
        // a flushed timestamp again, with the same value: Prometheus accepts it as a duplicate
        late.addSample(e, NOW, (NOW - START) / 15_000 * 7.0);
        assertThat(store.tenant("acme").commit(late).acceptedSamples()).isEqualTo(2);
        List<Series> merged =
                store.select("acme", List.of(Matcher.equal("instance", "i0")), NOW - 120_000, NOW, SelectHints.SAMPLES);
        assertThat(merged).singleElement().satisfies(s -> {
            assertThat(s.samples().count()).isEqualTo(10);
            assertThat(s.samples().timestamps()).contains(NOW - 60_000 + 7_000);
        });
        List<Series> before = all();
        store.flush(MetricsStore.FlushTrigger.ALL);
        assertThat(store.blocks().blocks("acme")).hasSizeGreaterThan(2);
        assertSame(all(), before);
        reopen();
        assertSame(all(), before);
    }

    @Test
    void retentionDeletesExactlyTheBlocksItHasPassedPerTenant() {
        open();
        writeFleet();
        WriteBatch b = new WriteBatch();
        int e = b.addNewSeries(Labels.of("__name__", "up"), null, 0, 0, 0);
        b.addSample(e, START, 1);
        store.tenant("other").commit(b);
        store.flush(MetricsStore.FlushTrigger.ALL);
        List<BlockMeta> acme = store.blocks().blocks("acme");
        // 2h windows: the fleet's 3 hours (plus 19 ms) fall into two or three blocks
        assertThat(acme).hasSizeGreaterThan(1);
        long retention = StoreOptions.defaults(dir).retention().toMillis();
        // just past the first block's newest sample: only that block (and tenant other's, as old) expires
        clock.set(acme.get(0).maxTime() + retention + 1);
        List<MetricsStore.RetentionResult> deleted = store.enforceRetention();
        assertThat(deleted).extracting(MetricsStore.RetentionResult::tenant).containsExactlyInAnyOrder("acme", "other");
        assertThat(store.blocks().blocks("acme")).containsExactlyElementsOf(acme.subList(1, acme.size()));
        assertThat(store.blocks().blocks("other")).isEmpty();
        long cut = acme.get(1).minTime();
        for (Series s : all()) {
            assertThat(s.samples().timestamps()[0]).isGreaterThanOrEqualTo(cut);
        }
        assertThat(store.enforceRetention()).isEmpty();
        reopen();
        assertThat(store.blocks().blocks("acme")).containsExactlyElementsOf(acme.subList(1, acme.size()));
    }

    @Test
    void perTenantRawRetentionDeletesEachTenantsExpiredBlocksOnly() {
        open();
        writeFleet();
        WriteBatch b = new WriteBatch();
        int e = b.addNewSeries(Labels.of("__name__", "up"), null, 0, 0, 0);
        b.addSample(e, START, 1);
        store.tenant("other").commit(b);
        store.flush(MetricsStore.FlushTrigger.ALL);
        List<BlockMeta> acme = store.blocks().blocks("acme");
        List<BlockMeta> other = store.blocks().blocks("other");
        assertThat(acme).hasSizeGreaterThan(1);
        // now is one hour past acme's first block; acme keeps 1h of raw data plus a minute, other only 30m
        long now = acme.get(0).maxTime() + 3_600_000 + 1;
        clock.set(now);
        Duration longDefault = Duration.ofDays(400);
        RetentionPolicy policy = RetentionPolicy.of(longDefault, longDefault, longDefault)
                .withTenants(RetentionPolicy.parseOverrides("acme:raw=1h;other:raw=30m,1h=2y"));
        List<MetricsStore.RetentionResult> deleted = store.enforceRetention(policy);
        assertThat(deleted).extracting(MetricsStore.RetentionResult::tenant).containsExactlyInAnyOrder("acme", "other");
        assertThat(deleted)
                .filteredOn(r -> r.tenant().equals("acme"))
                .singleElement()
                .satisfies(r -> assertThat(r.deleted()).containsExactly(acme.get(0)));
        assertThat(store.blocks().blocks("acme")).containsExactlyElementsOf(acme.subList(1, acme.size()));
        assertThat(store.blocks().blocks("other")).isEmpty();
        assertThat(other).isNotEmpty();
        // with the default for everyone nothing more expires
        assertThat(store.enforceRetention(RetentionPolicy.of(longDefault, longDefault, longDefault)))
                .isEmpty();
    }

    @Test
    void tenantsFlushIndependently() {
        open();
        writeFleet();
        WriteBatch b = new WriteBatch();
        int e = b.addNewSeries(Labels.of("__name__", "up"), null, 0, 0, 0);
        b.addSample(e, NOW, 1);
        store.tenant("other").commit(b);
        store.flush(MetricsStore.FlushTrigger.SCHEDULED);
        assertThat(store.blocks().blocks("other")).isEmpty();
        assertThat(store.blocks().blocks("acme")).isNotEmpty();
        assertThat(store.select("other", List.of(), 0, Long.MAX_VALUE, SelectHints.SAMPLES))
                .hasSize(1);
        assertThat(store.select("nobody", List.of(), 0, Long.MAX_VALUE, SelectHints.SAMPLES))
                .isEmpty();
    }
}
