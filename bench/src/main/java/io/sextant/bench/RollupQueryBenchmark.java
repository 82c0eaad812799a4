package io.sextant.bench;

import io.sextant.bench.load.CommandLine;
import io.sextant.bench.load.Fleet;
import io.sextant.connectors.TierScans;
import io.sextant.connectors.TieredStore;
import io.sextant.planner.RollupChoice;
import io.sextant.planner.Tiering;
import io.sextant.promql.eval.Engine;
import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.eval.QueryResult;
import io.sextant.promql.eval.QueryValue;
import io.sextant.promql.parser.ParsedQuery;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.promql.parser.PromQLParser;
import io.sextant.storage.block.BlockMeta;
import io.sextant.storage.cold.ColdBlockMeta;
import io.sextant.storage.cold.ColdOptions;
import io.sextant.storage.cold.ColdStore;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.object.LocalDirObjectStore;
import io.sextant.storage.telemetry.Telemetry;
import io.sextant.storage.wal.WalOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A month-long dashboard over the tiers: the {@code bench/} fleet's series backfilled for {@code --days} days
 * through {@code MetricsStore} (flushes and compactions as the background job runs them), rolled up into the cold
 * tier in a local object store, then 30-day panels at a 1h step evaluated with {@code max_source_resolution=auto}
 * (rollups) and {@code raw}, same data, same run. Reports the median latency of each, the ratio, the bytes of
 * the blocks each plan reads, and checks the answers agree (1e-9 relative).
 *
 * <pre>
 * java -Xmx6g --add-opens=java.base/java.nio=ALL-UNNAMED -cp bench/target/sextant-bench.jar \
 *     io.sextant.bench.RollupQueryBenchmark --series 1000 --days 30
 * </pre>
 */
public final class RollupQueryBenchmark {
    private static final String USAGE =
            "usage: RollupQueryBenchmark [--series N] [--days N] [--interval 60s] [--repeats N] [--dir D]";
    private static final long HOUR = 3_600_000L;

    private static final List<String> PANELS = List.of(
            "sum by (instance) (rate(node_network_receive_bytes_total[1h]))",
            "sum(increase(node_cpu_seconds_total[1h]))",
            "max_over_time(node_hwmon_temp_celsius[1h])",
            "avg_over_time(node_filesystem_avail_bytes[1h])",
            "count_over_time(node_disk_read_bytes_total[1h])");

    private RollupQueryBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = CommandLine.parse(args, Set.of("help"), USAGE);
        if (o.containsKey("help")) {
            System.out.println(USAGE);
            return;
        }
        int series = Integer.parseInt(o.getOrDefault("series", "1000"));
        int days = Integer.parseInt(o.getOrDefault("days", "30"));
        long intervalMs = io.sextant.bench.load.RemoteWriteLoad.durationMsOf(o.getOrDefault("interval", "60s"));
        int repeats = Integer.parseInt(o.getOrDefault("repeats", "5"));
        Path dir = Files.createTempDirectory(Path.of(o.getOrDefault("dir", "/tmp")), "sextant-rollup");
        long start = Math.floorDiv(
                        System.currentTimeMillis() - Duration.ofDays(days + 3).toMillis(), 48 * HOUR)
                * 48
                * HOUR;
        long end = start + days * 24 * HOUR;
        AtomicLong clock = new AtomicLong(start);
        StoreOptions options = StoreOptions.defaults(dir.resolve("data"))
                .withWalSync(WalOptions.SyncPolicy.BATCH_INTERVAL)
                .withFlush(Duration.ofMinutes(15), 128L << 20);
        Fleet fleet = new Fleet(42, series, intervalMs);
        long t0 = System.nanoTime();
        try (MetricsStore store = MetricsStore.open(options, new Telemetry(), clock::get);
                LocalDirObjectStore objects = LocalDirObjectStore.open(dir.resolve("objects"));
                ColdStore cold =
                        ColdStore.open(objects, ColdOptions.defaults(dir.resolve("scratch")), new Telemetry())) {
            store.replay();
            int chunk = (int) (2 * HOUR / intervalMs);
            long written = 0;
            for (long t = start; t < end; t += 2 * HOUR) {
                clock.set(t + 2 * HOUR);
                written += StoreFeeder.feed(store, "default", fleet, chunk, intervalMs, t + 2 * HOUR, 2000)
                        .samples();
                for (int i = 0; i < 64 && store.flushDue().isPresent(); i++) {
                    store.flush(store.flushDue().get());
                }
                store.compact();
            }
            clock.set(end + Duration.ofDays(3).toMillis());
            store.flush(MetricsStore.FlushTrigger.ALL);
            store.compact();
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            long c0 = System.nanoTime();
            cold.build("default", store.blocks());
            double coldSeconds = (System.nanoTime() - c0) / 1e9;
            List<BlockMeta> warm = store.blocks().blocks("default");
            long warmBytes = warm.stream().mapToLong(BlockMeta::bytes).sum();
            System.out.printf(
                    Locale.ROOT,
                    "%,d series, %d days every %d s: %,d samples written and flushed in %.1f s; warm %,d bytes in %d"
                            + " blocks; rollups built in %.1f s: 5m %,d bytes, 1h %,d bytes%n",
                    series,
                    days,
                    intervalMs / 1000,
                    written,
                    loadSeconds,
                    warmBytes,
                    warm.size(),
                    coldSeconds,
                    cold.blocks("default", 300_000L).stream()
                            .mapToLong(ColdBlockMeta::bytes)
                            .sum(),
                    cold.blocks("default", HOUR).stream()
                            .mapToLong(ColdBlockMeta::bytes)
                            .sum());

            TieredStore tiers = new TieredStore(store, cold);
            Engine engine = new Engine(EngineOptions.DEFAULTS);
            long qStart = start + HOUR;
            long qEnd = end;
            double sumRollup = 0;
            double sumRaw = 0;
            for (String panel : PANELS) {
                ParsedQuery q = PromQLParser.parse(panel, ParserOptions.ALL);
                double[] rollup = new double[repeats];
                double[] raw = new double[repeats];
                QueryResult fromRollups = null;
                QueryResult fromRaw = null;
                for (int i = -1; i < repeats; i++) {
                    // alternate so that drift on a shared machine hits both alike; i = -1 warms up
                    long a = System.nanoTime();
                    fromRollups = engine.range(
                            tiers, "default", q, qStart, qEnd, HOUR, tiering(tiers, RollupChoice.MaxResolution.AUTO));
                    long b = System.nanoTime();
                    fromRaw = engine.range(
                            tiers, "default", q, qStart, qEnd, HOUR, tiering(tiers, RollupChoice.MaxResolution.RAW));
                    long c = System.nanoTime();
                    if (i >= 0) {
                        rollup[i] = (b - a) / 1e6;
                        raw[i] = (c - b) / 1e6;
                    }
                }
                boolean usedRollups = fromRollups.annotations().stream()
                        .anyMatch(x -> x.text().contains("rollups for"));
                double maxRelative = compare(fromRollups.value(), fromRaw.value());
                double mr = median(rollup);
                double mw = median(raw);
                sumRollup += mr;
                sumRaw += mw;
                System.out.printf(
                        Locale.ROOT,
                        "  %-66s rollups %8.1f ms  raw %8.1f ms  x%5.1f  (1h rollups used: %s, max rel. diff %.1e)%n",
                        panel,
                        mr,
                        mw,
                        mw / mr,
                        usedRollups,
                        maxRelative);
            }
            long coldRead = cold.blocks("default", HOUR).stream()
                    .filter(b -> b.windowStart() <= qEnd && b.windowEnd() > qStart - HOUR)
                    .mapToLong(ColdBlockMeta::bytes)
                    .sum();
            long warmRead = warm.stream()
                    .filter(b -> b.overlaps(qStart - HOUR, qEnd))
                    .mapToLong(BlockMeta::bytes)
                    .sum();
            System.out.printf(
                    Locale.ROOT,
                    "sum of medians: rollups %.1f ms, raw %.1f ms, ratio x%.1f; bytes of the blocks a panel reads:"
                            + " rollups %,d (1h cold blocks), raw %,d (warm blocks), ratio x%.0f%n",
                    sumRollup,
                    sumRaw,
                    sumRaw / sumRollup,
                    coldRead,
                    warmRead,
                    (double) warmRead / coldRead);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT {\"bench\":\"rollup_query\",\"series\":%d,\"days\":%d,\"rollup_ms\":%.1f,\"raw_ms\":%.1f,"
                            + "\"rollup_bytes\":%d,\"raw_bytes\":%d}%n",
                    series,
                    days,
                    sumRollup,
                    sumRaw,
                    coldRead,
                    warmRead);
        } finally {
            HeadMemoryBenchmark.deleteTree(dir);
        }
    }

    private static Tiering tiering(TieredStore tiers, RollupChoice.MaxResolution max) {
        return Tiering.of(tiers.watermarks("default"), new TierScans(tiers), tiers.resolutions(), max);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The largest relative difference between two matrices, failing if their series or steps differ. */
    private static double compare(QueryValue a, QueryValue b) {
        var x = (QueryValue.Matrix) a;
        var y = (QueryValue.Matrix) b;
        if (x.series().size() != y.series().size()) {
            throw new IllegalStateException("rollups give " + x.series().size() + " series, raw "
                    + y.series().size());
        }
        double worst = 0;
        for (int i = 0; i < x.series().size(); i++) {
            var s = x.series().get(i);
            var t = y.series().get(i);
            if (!s.labels().equals(t.labels()) || !Arrays.equals(s.timestamps(), t.timestamps())) {
                throw new IllegalStateException("series " + t.labels() + " differ in labels or steps");
            }
            for (int k = 0; k < s.values().length; k++) {
                double d = Math.abs(s.values()[k] - t.values()[k]);
                if (d > 0) {
                    worst = Math.max(worst, d / Math.abs(t.values()[k]));
                }
            }
        }
        if (worst > 1e-9) {
            throw new IllegalStateException("rollup answers differ from raw by " + worst);
        }
        return worst;
    }
}
