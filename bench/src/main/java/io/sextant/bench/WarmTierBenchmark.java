package io.sextant.bench;

import io.sextant.bench.load.CommandLine;
import io.sextant.bench.load.Fleet;
import io.sextant.bench.load.RemoteWriteLoad;
import io.sextant.storage.block.BlockMeta;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.telemetry.Telemetry;
import io.sextant.storage.wal.WalOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The warm tier on the {@code bench/} fleet's data: bytes per sample on disk after the head's flushes and after
 * compaction, flush and compaction times, and the head's size while data keeps arriving.
 *
 * <p>The fleet's scrapes are written through {@code MetricsStore} in remote-write-sized batches, in data time,
 * with the store's clock following the data. Every 15 minutes of data the background job's step runs (flush
 * when due, as {@code Sextant.maintain} does, then compaction). At the end the clock moves past the
 * out-of-order window so the last windows settle, a last flush and compaction run, and the catalog is read.
 *
 * <pre>
 * java -Xmx4g --add-opens=java.base/java.nio=ALL-UNNAMED -cp bench/target/sextant-bench.jar \
 *     io.sextant.bench.WarmTierBenchmark --series 10000 --duration 4h
 * </pre>
 */
public final class WarmTierBenchmark {
    private static final String USAGE =
            "usage: WarmTierBenchmark [--series N] [--duration 4h] [--seed N]" + " [--head-max-memory BYTES] [--dir D]";

    private WarmTierBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = CommandLine.parse(args, Set.of("help"), USAGE);
        if (o.containsKey("help")) {
            System.out.println(USAGE);
            return;
        }
        int series = Integer.parseInt(o.getOrDefault("series", "10000"));
        long durationMs = RemoteWriteLoad.durationMsOf(o.getOrDefault("duration", "4h"));
        long seed = Long.parseLong(o.getOrDefault("seed", "42"));
        long headMax = Long.parseLong(o.getOrDefault("head-max-memory", Long.toString(128L << 20)));
        Path dir = Files.createTempDirectory(Path.of(o.getOrDefault("dir", "/tmp")), "sextant-warm");
        long intervalMs = 15_000;
        int steps = (int) (durationMs / intervalMs);
        // data starts on a 2-day boundary, so windows of every level are whole
        long start = Math.floorDiv(
                        System.currentTimeMillis()
                                - durationMs
                                - Duration.ofDays(2).toMillis(),
                        172_800_000L)
                * 172_800_000L;
        AtomicLong clock = new AtomicLong(start);
        StoreOptions options = StoreOptions.defaults(dir)
                .withWalSync(WalOptions.SyncPolicy.BATCH_INTERVAL)
                .withFlush(Duration.ofMinutes(15), headMax);
        Fleet fleet = new Fleet(seed, series, intervalMs);
        long flushNanos = 0;
        long compactNanos = 0;
        int flushes = 0;
        long peakHead = 0;
        long peakUsedHeap = 0;
        long written = 0;
        long t0 = System.nanoTime();
        try (MetricsStore store = MetricsStore.open(options, new Telemetry(), clock::get)) {
            store.replay();
            int chunk = (int) (Duration.ofMinutes(15).toMillis() / intervalMs);
            for (int step = 0; step < steps; step += chunk) {
                int n = Math.min(chunk, steps - step);
                long end = start + (long) (step + n) * intervalMs;
                clock.set(end);
                written += StoreFeeder.feed(store, "default", fleet, n, intervalMs, end, 2000)
                        .samples();
                peakHead = Math.max(peakHead, store.stats().estimatedBytes());
                peakUsedHeap = Math.max(
                        peakUsedHeap,
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                var due = store.flushDue();
                if (due.isPresent()) {
                    long f = System.nanoTime();
                    store.flush(due.get());
                    flushNanos += System.nanoTime() - f;
                    flushes++;
                }
                long c = System.nanoTime();
                store.compact();
                compactNanos += System.nanoTime() - c;
            }
            List<BlockMeta> beforeFinal = store.blocks().blocks("default");
            clock.addAndGet(Duration.ofDays(3).toMillis());
            long f = System.nanoTime();
            store.flush(MetricsStore.FlushTrigger.ALL);
            flushNanos += System.nanoTime() - f;
            flushes++;
            long c = System.nanoTime();
            store.compact();
            compactNanos += System.nanoTime() - c;
            List<BlockMeta> blocks = store.blocks().blocks("default");
            long bytes = blocks.stream().mapToLong(BlockMeta::bytes).sum();
            long samples = blocks.stream().mapToLong(BlockMeta::samples).sum();
            long level0Bytes = beforeFinal.stream()
                    .filter(b -> b.level() == 0)
                    .mapToLong(BlockMeta::bytes)
                    .sum();
            long level0Samples = beforeFinal.stream()
                    .filter(b -> b.level() == 0)
                    .mapToLong(BlockMeta::samples)
                    .sum();
            System.out.printf(
                    Locale.ROOT,
                    "%,d series x %,d scrapes: %,d samples written in %.1f s; %d flushes %.1f s, compaction %.1f s%n"
                            + "  flushed (level-0) blocks before the end: %,d samples, %.3f B/sample%n"
                            + "  after flush + compaction: %d blocks (levels %s), %,d samples, %,d bytes = %.3f B/sample%n"
                            + "  head peak %,d MB (store estimate), used heap peak %,d MB%n",
                    series,
                    steps,
                    written,
                    (System.nanoTime() - t0) / 1e9,
                    flushes,
                    flushNanos / 1e9,
                    compactNanos / 1e9,
                    level0Samples,
                    (double) level0Bytes / Math.max(1, level0Samples),
                    blocks.size(),
                    blocks.stream().map(b -> Integer.toString(b.level())).toList(),
                    samples,
                    bytes,
                    (double) bytes / samples,
                    peakHead >> 20,
                    peakUsedHeap >> 20);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT {\"bench\":\"warm_tier\",\"series\":%d,\"scrapes\":%d,\"samples\":%d,\"blocks\":%d,"
                            + "\"bytes\":%d,\"bytes_per_sample\":%.4f,\"level0_bytes_per_sample\":%.4f,"
                            + "\"flush_s\":%.2f,\"compact_s\":%.2f,\"head_peak_bytes\":%d}%n",
                    series,
                    steps,
                    samples,
                    blocks.size(),
                    bytes,
                    (double) bytes / samples,
                    (double) level0Bytes / Math.max(1, level0Samples),
                    flushNanos / 1e9,
                    compactNanos / 1e9,
                    peakHead);
            Map<String, Long> columns = new java.util.TreeMap<>();
            for (BlockMeta b : blocks) {
                Path file = store.blocks().tenantDir("default").resolve(b.id()).resolve("samples.parquet");
                try (var r = org.apache.parquet.hadoop.ParquetFileReader.open(
                        new org.apache.parquet.io.LocalInputFile(file))) {
                    for (var g : r.getFooter().getBlocks()) {
                        for (var col : g.getColumns()) {
                            columns.merge(col.getPath().toDotString(), col.getTotalSize(), Long::sum);
                        }
                    }
                }
                columns.merge("(series.parquet)", Files.size(file.resolveSibling("series.parquet")), Long::sum);
            }
            columns.forEach((name, b) ->
                    System.out.printf(Locale.ROOT, "    %-18s %.3f B/sample%n", name, (double) b / samples));
            if (samples != written) {
                throw new IllegalStateException("blocks hold " + samples + " samples, " + written + " were written");
            }
        } finally {
            HeadMemoryBenchmark.deleteTree(dir);
        }
    }
}
