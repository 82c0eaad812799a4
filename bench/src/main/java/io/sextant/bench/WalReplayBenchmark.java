package io.sextant.bench;

import io.sextant.bench.load.Fleet;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.telemetry.Telemetry;
import io.sextant.storage.wal.WalOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * WAL replay speed: writes about 10 M samples of the benchmark fleet (20,834 series x 480 scrapes at 15 s,
 * node_exporter and service series, batches of 2000 samples) through {@code MetricsStore}, closes it, then
 * times {@code MetricsStore.open} + {@code replay()} three times (a fresh store each time, the previous one
 * closed), reporting samples/s and WAL MB/s of each repeat.
 *
 * <p>The WAL files are in the OS page cache during replay (they were just written; dropping the cache
 * would disturb everyone else on a shared machine), so this measures decode + apply, not disk reads. The
 * first repeat also pays for JIT warm-up.
 *
 * <p>usage: {@code java -Xmx4g --add-opens=java.base/java.nio=ALL-UNNAMED -cp bench/target/sextant-bench.jar
 * io.sextant.bench.WalReplayBenchmark
 * [--samples 10000000] [--repeats 3] [--seed 42] [--sync fsync|batch]}
 */
public final class WalReplayBenchmark {
    private WalReplayBenchmark() {}

    public static void main(String[] args) throws Exception {
        long target = 10_000_000;
        int repeats = 3;
        long seed = 42;
        WalOptions.SyncPolicy sync = WalOptions.SyncPolicy.BATCH_INTERVAL;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--samples" -> target = Long.parseLong(args[i + 1]);
                case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--sync" ->
                    sync = args[i + 1].equals("fsync")
                            ? WalOptions.SyncPolicy.FSYNC
                            : WalOptions.SyncPolicy.BATCH_INTERVAL;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long intervalMs = 15_000;
        int steps = 480;
        int series = (int) ((target + steps - 1) / steps);
        Path dir = Files.createTempDirectory("sextant-walreplay");
        try {
            StoreOptions opts = StoreOptions.defaults(dir).withWalSync(sync);
            StoreFeeder.Fed fed;
            long walBytes;
            try (MetricsStore store = MetricsStore.open(opts, new Telemetry())) {
                store.replay();
                fed = StoreFeeder.feed(
                        store,
                        "default",
                        new Fleet(seed, series, intervalMs),
                        steps,
                        intervalMs,
                        System.currentTimeMillis(),
                        2000);
                walBytes = store.walDiskBytes();
            }
            System.out.printf(
                    Locale.ROOT,
                    "wrote %,d samples of %,d series in %,d batches in %.1f s (WAL sync %s): WAL %,d MB (%.2f bytes/sample)%n",
                    fed.samples(),
                    series,
                    fed.batches(),
                    fed.seconds(),
                    sync,
                    walBytes >> 20,
                    (double) walBytes / fed.samples());
            for (int r = 1; r <= repeats; r++) {
                System.gc();
                long t0 = System.nanoTime();
                long samples;
                long seriesCount;
                try (MetricsStore store = MetricsStore.open(opts, new Telemetry())) {
                    store.replay();
                    double s = (System.nanoTime() - t0) / 1e9;
                    MetricsStore.HeadStats st = store.stats();
                    samples = st.samples();
                    seriesCount = st.series();
                    System.out.printf(
                            Locale.ROOT,
                            "replay %d: %.2f s, %,d samples, %,d series: %,.0f samples/s, %.1f MB/s of WAL%n",
                            r,
                            s,
                            samples,
                            seriesCount,
                            samples / s,
                            walBytes / 1e6 / s);
                    System.out.printf(
                            Locale.ROOT,
                            "RESULT {\"bench\":\"wal_replay\",\"repeat\":%d,\"seconds\":%.3f,\"samples\":%d,"
                                    + "\"series\":%d,\"wal_bytes\":%d,\"samples_per_s\":%.0f,\"wal_mb_per_s\":%.1f}%n",
                            r,
                            s,
                            samples,
                            seriesCount,
                            walBytes,
                            samples / s,
                            walBytes / 1e6 / s);
                    if (samples != fed.samples()) {
                        System.out.println("WARNING: replay restored " + samples + " samples, wrote " + fed.samples());
                    }
                }
            }
        } finally {
            HeadMemoryBenchmark.deleteTree(dir);
        }
    }
}
