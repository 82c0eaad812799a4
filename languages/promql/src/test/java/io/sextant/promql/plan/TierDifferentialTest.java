package io.sextant.promql.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.connectors.TierScans;
import io.sextant.connectors.TieredStore;
import io.sextant.planner.RollupChoice;
import io.sextant.planner.Tiering;
import io.sextant.promql.eval.Engine;
import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.eval.QueryResult;
import io.sextant.promql.eval.QueryValue;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.promql.parser.PromQLParser;
import io.sextant.storage.Labels;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.cold.ColdOptions;
import io.sextant.storage.cold.ColdStore;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.object.LocalDirObjectStore;
import io.sextant.storage.telemetry.Telemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same queries over data spread across the tiers — rollups in the cold tier, compacted and flushed warm blocks,
 * the head — answer as evaluating everything from raw samples in memory: bit for bit where the rollup arithmetic
 * is the raw one, within 1e-9 relative for sums and variances. Windows straddle the cold/warm and warm/hot
 * boundaries, and counters reset exactly on window edges. The test fails if no query was answered from rollups.
 */
class TierDifferentialTest {
    private static final long HOUR = 3_600_000L;
    private static final long BASE = Math.floorDiv(1_700_000_000_000L, 48 * HOUR) * 48 * HOUR;
    private static final long END = BASE + 5 * 24 * HOUR + 3 * HOUR;
    private static final long HEAD_FROM = END - 3 * HOUR;

    @TempDir
    Path dir;

    private static final List<String> FUNCTIONS = List.of(
            "count_over_time",
            "sum_over_time",
            "avg_over_time",
            "min_over_time",
            "max_over_time",
            "stddev_over_time",
            "stdvar_over_time",
            "rate",
            "increase",
            "delta",
            "resets",
            "present_over_time",
            "first_over_time",
            "last_over_time",
            "ts_of_first_over_time",
            "ts_of_last_over_time");

    /** Writes {@code [from, to)}: counters resetting on every 12h edge, gauges of several magnitudes. */
    private static void write(MetricsStore store, long from, long to) {
        for (long chunk = from; chunk < to; chunk += HOUR) {
            WriteBatch b = new WriteBatch();
            for (int s = 0; s < 8; s++) {
                Labels labels = Labels.of("__name__", s < 4 ? "req_total" : "load", "i", Integer.toString(s));
                int e = b.addNewSeries(labels, null, 0, 0, 0);
                for (long t = chunk + (s % 2) * 13_000; t < Math.min(chunk + HOUR, to); t += 60_000) {
                    SplittableRandom r = new SplittableRandom(t * 31 + s);
                    double v;
                    if (s < 4) {
                        long sinceReset = Math.floorMod(t, 12 * HOUR);
                        v = (sinceReset / 60_000) * (s + 1) + r.nextInt(3);
                    } else {
                        v = r.nextGaussian() * Math.pow(100, s - 4) + 1000;
                    }
                    b.addSample(e, t, v);
                }
            }
            store.tenant("t").commit(b);
        }
    }

    @Test
    void tieredAnswersEqualRawAnswers() throws Exception {
        StoreOptions tieredOptions =
                StoreOptions.defaults(dir.resolve("tiered")).withFlush(Duration.ofMinutes(15), Long.MAX_VALUE);
        try (MetricsStore raw =
                        MetricsStore.open(StoreOptions.defaults(dir.resolve("raw")), new Telemetry(), () -> END);
                MetricsStore tiered = MetricsStore.open(tieredOptions, new Telemetry(), () -> END);
                LocalDirObjectStore objects = LocalDirObjectStore.open(dir.resolve("objects"));
                ColdStore cold =
                        ColdStore.open(objects, ColdOptions.defaults(dir.resolve("scratch")), new Telemetry())) {
            raw.replay();
            tiered.replay();
            write(raw, BASE, END);
            write(tiered, BASE, HEAD_FROM);
            tiered.flush(MetricsStore.FlushTrigger.ALL);
            write(tiered, HEAD_FROM, END);
            tiered.compact();
            cold.build("t", tiered.blocks());
            assertThat(cold.blocks("t", 3_600_000L)).isNotEmpty();
            assertThat(tiered.blocks().blocks("t")).isNotEmpty();
            assertThat(tiered.stats().samples()).isPositive();

            TieredStore tiers = new TieredStore(tiered, cold);
            Engine engine = new Engine(EngineOptions.DEFAULTS);
            List<String> queries = new ArrayList<>();
            for (String f : FUNCTIONS) {
                queries.add(f + "(req_total[1h])");
                queries.add(f + "(load[6h])");
            }
            queries.add("sum by (__name__) (rate(req_total[1h]))");
            queries.add("max_over_time(load[1h] offset 1h)");
            int rollups = 0;
            int compared = 0;
            long[][] grids = {
                {BASE + HOUR, END, 6 * HOUR}, {BASE + 12 * HOUR, END, HOUR}, {BASE + 25 * HOUR, END - HOUR, 30 * 60_000}
            };
            for (String q : queries) {
                var parsed = PromQLParser.parse(q, ParserOptions.ALL);
                for (long[] g : grids) {
                    for (RollupChoice.MaxResolution max : RollupChoice.MaxResolution.values()) {
                        QueryResult want = engine.range(raw, "t", parsed, g[0], g[1], g[2]);
                        Tiering tiering =
                                Tiering.of(tiers.watermarks("t"), new TierScans(tiers), tiers.resolutions(), max);
                        QueryResult got = engine.range(tiers, "t", parsed, g[0], g[1], g[2], tiering);
                        if (got.annotations().stream().anyMatch(a -> a.text().contains("rollups for"))) {
                            rollups++;
                        }
                        assertSame(q + " " + max + " step " + g[2], got.value(), want.value());
                        compared++;
                    }
                }
            }
            System.out.println("Tier differential: " + compared + " evaluations, " + rollups
                    + " answered from rollups, all equal to the raw answers");
            assertThat(rollups).isGreaterThan(queries.size());
        }
    }

    private static void assertSame(String what, QueryValue got, QueryValue want) {
        assertThat(got).isInstanceOf(QueryValue.Matrix.class);
        var g = (QueryValue.Matrix) got;
        var w = (QueryValue.Matrix) want;
        assertThat(g.series())
                .as(what)
                .extracting(s -> s.labels())
                .containsExactlyElementsOf(
                        w.series().stream().map(s -> s.labels()).toList());
        for (int i = 0; i < w.series().size(); i++) {
            var gs = g.series().get(i);
            var ws = w.series().get(i);
            assertThat(gs.timestamps()).as(what).containsExactly(ws.timestamps());
            for (int k = 0; k < ws.values().length; k++) {
                double a = gs.values()[k];
                double b = ws.values()[k];
                if (Double.isNaN(b)) {
                    assertThat(a).as(what).isNaN();
                } else if (a != b) {
                    assertThat(Math.abs(a - b))
                            .as(what + " at " + ws.timestamps()[k])
                            .isLessThanOrEqualTo(Math.abs(b) * 1e-9);
                }
            }
        }
    }
}
