package io.sextant.bench;

import io.sextant.storage.Labels;
import io.sextant.storage.MetricsWriter.TenantWriter;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.telemetry.Telemetry;
import io.sextant.storage.wal.WalOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The store's share of ingest: committing a decoded batch of {@value #SERIES} known series (one sample each)
 * — validation, append to the head, WAL encoding and append, and the wait for durability — without HTTP or
 * protocol decoding. Run with several threads to see group commit share fsyncs. Operations are samples.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class HeadCommitBenchmark {
    static final int SERIES = 2_000;

    /** One store shared by all benchmark threads, on a fresh temporary directory. */
    @State(Scope.Benchmark)
    public static class Store {
        @Param({"FSYNC", "BATCH_INTERVAL"})
        public String sync;

        MetricsStore store;
        Path dir;
        final AtomicLong newest = new AtomicLong(1_700_000_000_000L);
        final AtomicInteger threads = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("sextant-commit-bench");
            StoreOptions options = StoreOptions.defaults(dir).withWalSync(WalOptions.SyncPolicy.valueOf(sync));
            // "now" follows the newest timestamp written so the retention and future checks pass
            store = MetricsStore.open(options, new Telemetry(), newest::get);
            store.replay();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            store.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Each thread owns its own series, so every thread writes in time order. */
    @State(Scope.Thread)
    public static class Writer {
        final WriteBatch batch = new WriteBatch();
        final int[] refs = new int[SERIES];
        TenantWriter tenant;
        long timestamp;

        @Setup(Level.Trial)
        public void create(Store s) {
            int thread = s.threads.getAndIncrement();
            tenant = s.store.tenant("bench");
            timestamp = s.newest.get();
            byte[][] keys = new byte[SERIES][];
            for (int i = 0; i < SERIES; i++) {
                Labels labels = Labels.of(
                        "__name__", "node_cpu_seconds_total",
                        "cpu", Integer.toString(i % 16),
                        "mode", "user",
                        "instance", "host-" + thread + "-" + (i / 16) + ":9100",
                        "job", "node",
                        "region", "eu-west-1");
                keys[i] = labels.toString().getBytes(StandardCharsets.UTF_8);
                batch.addSample(batch.addNewSeries(labels, keys[i], 0, keys[i].length, i), timestamp, i);
            }
            tenant.commit(batch);
            for (int i = 0; i < SERIES; i++) {
                refs[i] = tenant.seriesRef(keys[i], 0, keys[i].length, i);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(SERIES)
    public int commit(Store s, Writer w) {
        w.timestamp += 15_000;
        s.newest.accumulateAndGet(w.timestamp, Math::max);
        WriteBatch b = w.batch;
        b.clear();
        for (int i = 0; i < SERIES; i++) {
            b.addSample(b.addResolvedSeries(w.refs[i]), w.timestamp, i * 0.5);
        }
        return w.tenant.commit(b).acceptedSamples();
    }
}
