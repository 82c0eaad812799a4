package io.sextant.bench;

import io.sextant.bench.load.Fleet;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.telemetry.Telemetry;
import io.sextant.storage.wal.WalOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Memory per active series and per sample of the metrics head (heap plus the Arrow memory of sealed
 * samples), and WAL bytes per sample on disk.
 *
 * <p>For each series count: build the fleet (excluded from the measurement), measure used heap after three
 * {@code System.gc()}, write 2 h of 15 s scrapes through {@code MetricsStore} in batches of 2000 samples (as
 * remote-write requests arrive), measure again, add the Arrow allocator's bytes, and compare with the store's
 * own estimate
 * ({@code stats().estimatedBytes()}). The series-only cost is measured separately by writing a single
 * scrape into a fresh store. The WAL is synced in batches (1 s) rather than per commit: it changes how
 * long the run takes, not what is on disk.
 *
 * <p>usage: {@code java -Xmx8g --add-opens=java.base/java.nio=ALL-UNNAMED -cp bench/target/sextant-bench.jar
 * io.sextant.bench.HeadMemoryBenchmark
 * [--series 10000,100000] [--duration 2h] [--seed 42]}
 */
public final class HeadMemoryBenchmark {
    private HeadMemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        String seriesList = "10000,100000";
        long durationMs = 2 * 3_600_000L;
        long seed = 42;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--series" -> seriesList = args[i + 1];
                case "--duration" -> durationMs = io.sextant.bench.load.RemoteWriteLoad.durationMsOf(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long intervalMs = 15_000;
        int steps = (int) (durationMs / intervalMs);
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.out.printf(
                Locale.ROOT,
                "JVM %s, max heap %,d MB, GC %s%n",
                System.getProperty("java.vm.version"),
                Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        for (String sc : seriesList.split(",")) {
            int series = Integer.parseInt(sc.trim());
            // series only: one scrape
            Measure one = run(mem, seed, series, 1, intervalMs);
            Measure full = run(mem, seed, series, steps, intervalMs);
            double perSeries = (double) one.bytes() / series;
            double perSample = (double) (full.bytes() - one.bytes()) / (full.samples - one.samples);
            System.out.printf(
                    Locale.ROOT,
                    "series %,d, %d scrapes: %,d samples (%d rejected) written in %.1f s (%,.0f samples/s)%n"
                            + "  memory: %,d MB measured = %,d MB heap (MemoryMXBean) + %,d MB Arrow (allocator),"
                            + " %,d MB estimated by the store (%.2fx)%n"
                            + "  per active series (1 scrape): %,.0f bytes measured, %,.0f estimated%n"
                            + "  per sample (marginal, full - 1 scrape): %.2f bytes; all-in per sample %.2f bytes%n"
                            + "  WAL on disk: %,d MB = %.2f bytes/sample%n",
                    series,
                    steps,
                    full.samples,
                    full.rejected,
                    full.writeSeconds,
                    full.samples / full.writeSeconds,
                    full.bytes() >> 20,
                    full.heapBytes >> 20,
                    full.arrowBytes >> 20,
                    full.estimated >> 20,
                    (double) full.estimated / full.bytes(),
                    perSeries,
                    (double) one.estimated / series,
                    perSample,
                    (double) full.bytes() / full.samples,
                    full.walBytes >> 20,
                    (double) full.walBytes / full.samples);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT {\"bench\":\"head_memory\",\"series\":%d,\"scrapes\":%d,\"samples\":%d,\"rejected\":%d,"
                            + "\"heap_bytes\":%d,\"arrow_bytes\":%d,\"estimated_bytes\":%d,\"bytes_per_series_1scrape\":%.0f,"
                            + "\"bytes_per_sample_marginal\":%.2f,\"bytes_per_sample_allin\":%.2f,"
                            + "\"wal_bytes\":%d,\"wal_bytes_per_sample\":%.2f,\"write_s\":%.1f}%n",
                    series,
                    steps,
                    full.samples,
                    full.rejected,
                    full.heapBytes,
                    full.arrowBytes,
                    full.estimated,
                    perSeries,
                    perSample,
                    (double) full.bytes() / full.samples,
                    full.walBytes,
                    (double) full.walBytes / full.samples,
                    full.writeSeconds);
        }
    }

    record Measure(
            long samples,
            long rejected,
            long heapBytes,
            long arrowBytes,
            long estimated,
            long walBytes,
            double writeSeconds) {
        long bytes() {
            return heapBytes + arrowBytes;
        }
    }

    static Measure run(MemoryMXBean mem, long seed, int series, int steps, long intervalMs) throws Exception {
        Path dir = Files.createTempDirectory("sextant-headmem");
        try {
            Fleet fleet = new Fleet(seed, series, intervalMs);
            long before = usedAfterGc(mem);
            StoreOptions opts = StoreOptions.defaults(dir).withWalSync(WalOptions.SyncPolicy.BATCH_INTERVAL);
            MetricsStore store = MetricsStore.open(opts, new Telemetry());
            try {
                store.replay();
                StoreFeeder.Fed fed =
                        StoreFeeder.feed(store, "default", fleet, steps, intervalMs, System.currentTimeMillis(), 2000);
                long after = usedAfterGc(mem);
                MetricsStore.HeadStats stats = store.stats();
                long wal = store.walDiskBytes();
                return new Measure(
                        fed.samples(),
                        fed.rejected(),
                        after - before,
                        stats.arrowBytes(),
                        stats.estimatedBytes(),
                        wal,
                        fed.seconds());
            } finally {
                store.close();
            }
        } finally {
            deleteTree(dir);
        }
    }

    static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
