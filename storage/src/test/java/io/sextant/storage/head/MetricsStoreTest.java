package io.sextant.storage.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.AppendResult;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Exemplar;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.Samples;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.SextantException;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.telemetry.Telemetry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsStoreTest {
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(NOW);
    private MetricsStore store;

    private MetricsStore open() {
        store = MetricsStore.open(StoreOptions.defaults(dir), new Telemetry(), clock::get);
        store.replay();
        return store;
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static Labels series(String name, String... more) {
        Labels.Builder b = Labels.builder().set("__name__", name);
        for (int i = 0; i < more.length; i += 2) {
            b.set(more[i], more[i + 1]);
        }
        return b.build();
    }

    private AppendResult write(String tenant, Labels labels, long... tsAndValueBits) {
        WriteBatch b = new WriteBatch();
        int e = b.addNewSeries(labels, null, 0, 0, 0);
        for (int i = 0; i < tsAndValueBits.length; i += 2) {
            b.addSample(e, tsAndValueBits[i], Double.longBitsToDouble(tsAndValueBits[i + 1]));
        }
        return store.tenant(tenant).commit(b);
    }

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    private List<Series> all(String tenant) {
        return store.select(tenant, List.of(), Long.MIN_VALUE, Long.MAX_VALUE, SelectHints.SAMPLES);
    }

    @Test
    void commitSelectAndTenantIsolation() {
        open();
        AppendResult r = write("a", series("up", "job", "x"), NOW, bits(1), NOW + 15_000, bits(0));
        assertThat(r.acceptedSamples()).isEqualTo(2);
        assertThat(r.newSeries()).isEqualTo(1);
        write("b", series("up", "job", "y"), NOW, bits(5));
        List<Series> a = all("a");
        assertThat(a).hasSize(1);
        assertThat(a.get(0).labels()).isEqualTo(series("up", "job", "x"));
        assertThat(a.get(0).samples().count()).isEqualTo(2);
        assertThat(all("b").get(0).labels().get("job")).isEqualTo("y");
        assertThat(all("nobody")).isEmpty();
        assertThat(store.labelValues("a", "job", List.of(), Long.MIN_VALUE, Long.MAX_VALUE))
                .containsExactly("x");
    }

    @Test
    void sampleRulesReportSeriesAndTimestamp() {
        open();
        Labels l = series("temp", "room", "1");
        write("t", l, NOW, bits(1));
        AppendResult r = write(
                "t",
                l,
                NOW,
                bits(1), // exact duplicate: ignored silently
                NOW,
                bits(2), // same timestamp, other value
                NOW - Duration.ofMinutes(11).toMillis(),
                bits(3), // beyond the 10m window
                NOW - Duration.ofMinutes(5).toMillis(),
                bits(4), // inside the window
                NOW - Duration.ofDays(16).toMillis(),
                bits(5), // beyond retention
                NOW + Duration.ofMinutes(11).toMillis(),
                bits(6)); // too far ahead
        assertThat(r.acceptedSamples()).isEqualTo(1);
        assertThat(r.duplicatesIgnored()).isEqualTo(1);
        assertThat(r.duplicateTimestamp()).isEqualTo(1);
        assertThat(r.outOfOrder()).isEqualTo(1);
        assertThat(r.tooOld()).isEqualTo(1);
        assertThat(r.tooFarInFuture()).isEqualTo(1);
        assertThat(r.errors()).hasSize(4);
        assertThat(r.errors())
                .allSatisfy(m -> assertThat(m).contains("temp{room=\"1\"}").contains("timestamp "));
        assertThat(r.errors()).anySatisfy(m -> assertThat(m).startsWith("duplicate sample for timestamp"));
        assertThat(r.errors()).anySatisfy(m -> assertThat(m).contains(Long.toString(NOW - 660_000)));
        Samples s = all("t").get(0).samples();
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.values()[0]).isEqualTo(4.0);
    }

    @Test
    void backfillInTimeOrderWorksForOldData() {
        open();
        Labels l = series("backfill");
        long yesterday = NOW - Duration.ofDays(1).toMillis();
        for (int i = 0; i < 100; i++) {
            assertThat(write("t", l, yesterday + i * 15_000L, bits(i)).acceptedSamples())
                    .isEqualTo(1);
        }
        assertThat(all("t").get(0).samples().count()).isEqualTo(100);
    }

    @Test
    void wireKeyResolvesAfterFirstCommit() {
        open();
        byte[] key = "raw-label-bytes".getBytes(StandardCharsets.UTF_8);
        assertThat(store.tenant("t").seriesRef(key, 0, key.length, 7)).isEqualTo(-1);
        WriteBatch b = new WriteBatch();
        int e = b.addNewSeries(series("m"), key, 0, key.length, 7);
        b.addSample(e, NOW, 1);
        store.tenant("t").commit(b);
        int ref = store.tenant("t").seriesRef(key, 0, key.length, 7);
        assertThat(ref).isGreaterThanOrEqualTo(0);
        b.clear();
        b.addSample(b.addResolvedSeries(ref), NOW + 1000, 2);
        assertThat(store.tenant("t").commit(b).acceptedSamples()).isEqualTo(1);
        assertThat(all("t").get(0).samples().count()).isEqualTo(2);
    }

    @Test
    void restartReplaysEverythingBitExactly() {
        open();
        Random random = new Random(7);
        double stale = Double.longBitsToDouble(Samples.STALE_NAN_BITS);
        for (int round = 0; round < 50; round++) {
            WriteBatch b = new WriteBatch();
            for (int s = 0; s < 20; s++) {
                int e = b.addNewSeries(series("m" + (s % 4), "i", Integer.toString(s)), null, 0, 0, 0);
                double v =
                        switch (random.nextInt(6)) {
                            case 0 -> stale;
                            case 1 -> Double.POSITIVE_INFINITY;
                            case 2 -> Double.NaN;
                            default -> random.nextGaussian();
                        };
                b.addSample(e, NOW - 600_000 + round * 1000L, v);
                if (round % 10 == 0) {
                    b.addExemplar(
                            e, new Exemplar(Labels.of("trace_id", "t" + round), v, NOW - 600_000 + round * 1000L));
                }
            }
            b.addMetadata(new MetricMetadata("m0", MetricMetadata.Type.GAUGE, "help text", "seconds"));
            store.tenant(round % 2 == 0 ? "even" : "odd").commit(b);
        }
        List<Series> before = new ArrayList<>(all("even"));
        before.addAll(all("odd"));
        var exemplarsBefore = store.exemplars("even", List.of(), Long.MIN_VALUE, Long.MAX_VALUE);
        store.close();

        open();
        List<Series> after = new ArrayList<>(all("even"));
        after.addAll(all("odd"));
        assertSameSeries(after, before);
        assertThat(store.exemplars("even", List.of(), Long.MIN_VALUE, Long.MAX_VALUE))
                .isEqualTo(exemplarsBefore);
        assertThat(store.metadata("odd").get("m0"))
                .containsExactly(new MetricMetadata("m0", MetricMetadata.Type.GAUGE, "help text", "seconds"));
    }

    @Test
    void checkpointTruncatesWalAndKeepsData() {
        open();
        for (int round = 0; round < 200; round++) {
            WriteBatch b = new WriteBatch();
            for (int s = 0; s < 50; s++) {
                b.addSample(
                        b.addNewSeries(series("c", "s", Integer.toString(s)), null, 0, 0, 0),
                        NOW - 3_000_000 + round * 15_000L,
                        round);
            }
            store.tenant("t").commit(b);
        }
        List<Series> before = all("t");
        store.checkpoint();
        // written after the checkpoint: must come back from the segment
        write("t", series("after"), NOW, bits(42));
        store.close();
        open();
        List<Series> after = all("t");
        assertThat(after).hasSize(before.size() + 1);
        assertSameSeries(
                store.select(
                        "t",
                        List.of(Matcher.equal("__name__", "c")),
                        Long.MIN_VALUE,
                        Long.MAX_VALUE,
                        SelectHints.SAMPLES),
                before);
        assertThat(store.select(
                        "t", List.of(Matcher.equal("__name__", "after")), 0, Long.MAX_VALUE, SelectHints.SAMPLES))
                .hasSize(1);
    }

    @Test
    void writesBeforeReplayAreRefused() {
        store = MetricsStore.open(StoreOptions.defaults(dir), new Telemetry(), clock::get);
        assertThatThrownBy(() -> write("t", series("x"), NOW, bits(1)))
                .isInstanceOf(SextantException.class)
                .extracting(e -> ((SextantException) e).code())
                .isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void secondStoreOnSameDirectoryIsRefused() {
        open();
        assertThatThrownBy(() -> MetricsStore.open(StoreOptions.defaults(dir), new Telemetry(), clock::get))
                .isInstanceOf(SextantException.class)
                .hasMessageContaining("in use");
    }

    @Test
    void labelQueriesRespectTimeRangeAndMatchers() {
        open();
        write("t", series("old", "env", "prod"), NOW - 100_000, bits(1));
        write("t", series("new", "env", "dev", "zone", "eu"), NOW, bits(1));
        assertThat(store.labelNames("t", List.of(), NOW - 1000, NOW)).containsExactly("__name__", "env", "zone");
        assertThat(store.labelValues("t", "env", List.of(), NOW - 200_000, NOW - 50_000))
                .containsExactly("prod");
        assertThat(store.labelValues("t", "__name__", List.of(List.of(Matcher.equal("env", "dev"))), 0, Long.MAX_VALUE))
                .containsExactly("new");
        assertThat(store.select(
                        "t",
                        List.of(Matcher.of(Matcher.Type.REGEX, "zone", "")),
                        0,
                        Long.MAX_VALUE,
                        SelectHints.LABELS_ONLY))
                .extracting(Series::labels)
                .containsExactly(series("old", "env", "prod"));
    }

    private static void assertSameSeries(List<Series> actual, List<Series> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Series a = actual.get(i);
            Series e = expected.get(i);
            assertThat(a.labels()).isEqualTo(e.labels());
            assertThat(a.samples().count()).isEqualTo(e.samples().count());
            for (int j = 0; j < e.samples().count(); j++) {
                assertThat(a.samples().timestamps()[j]).isEqualTo(e.samples().timestamps()[j]);
                assertThat(Double.doubleToRawLongBits(a.samples().values()[j]))
                        .isEqualTo(Double.doubleToRawLongBits(e.samples().values()[j]));
            }
        }
    }
}
