package io.sextant.bench;

import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.remotewrite.RemoteWriteDecoder;
import io.sextant.ingest.remotewrite.proto.Label;
import io.sextant.ingest.remotewrite.proto.Sample;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import io.sextant.storage.AppendResult;
import io.sextant.storage.MetricsWriter.TenantWriter;
import io.sextant.storage.WriteBatch;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xerial.snappy.Snappy;

/**
 * Steady-state remote-write decoding: a request of {@value #SERIES} series with one sample each and ten
 * labels shaped like node-exporter and kube-state-metrics series, every series already known to the store.
 * Operations are samples, so the score is samples/s and {@code gc.alloc.rate.norm} is bytes per sample.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RemoteWriteDecodeBenchmark {
    static final int SERIES = 2_000;

    private byte[] raw;
    private byte[] compressed;
    private byte[] buffer;
    private RemoteWriteDecoder decoder;
    private WriteBatch batch;
    private KnownSeries store;

    @Setup
    public void setup() throws IOException {
        raw = request().toByteArray();
        compressed = Snappy.compress(raw);
        buffer = new byte[raw.length];
        decoder = new RemoteWriteDecoder(IngestLimits.DEFAULTS);
        batch = new WriteBatch();
        store = new KnownSeries(4 * SERIES);
        decoder.decode(raw, 0, raw.length, store, batch);
        store.learn(batch);
        batch.clear();
        decoder.decode(raw, 0, raw.length, store, batch);
        for (int e = 0; e < batch.seriesCount(); e++) {
            if (batch.labels(e) != null) {
                throw new IllegalStateException("series " + e + " did not resolve by its wire key");
            }
        }
        if (batch.seriesCount() != SERIES || batch.sampleCount() != SERIES) {
            throw new IllegalStateException("decoded " + batch.seriesCount() + " series");
        }
        System.out.printf(
                "%nrequest: %d series, %d bytes protobuf, %d bytes snappy%n", SERIES, raw.length, compressed.length);
    }

    @Benchmark
    @OperationsPerInvocation(SERIES)
    public int decompressAndDecode() throws IOException {
        int length = Snappy.uncompress(compressed, 0, compressed.length, buffer, 0);
        batch.clear();
        decoder.decode(buffer, 0, length, store, batch);
        return batch.sampleCount();
    }

    @Benchmark
    @OperationsPerInvocation(SERIES)
    public int decode() {
        batch.clear();
        decoder.decode(raw, 0, raw.length, store, batch);
        return batch.sampleCount();
    }

    static WriteRequest request() {
        List<String> nodeMetrics = List.of(
                "node_cpu_seconds_total",
                "node_network_receive_bytes_total",
                "node_filesystem_avail_bytes",
                "node_disk_io_time_seconds_total");
        List<String> kubeMetrics = List.of(
                "kube_pod_container_status_restarts_total",
                "kube_pod_container_resource_requests",
                "container_memory_working_set_bytes",
                "container_cpu_usage_seconds_total");
        WriteRequest.Builder request = WriteRequest.newBuilder();
        long timestamp = 1_730_000_000_000L;
        for (int i = 0; i < SERIES; i++) {
            TimeSeries.Builder ts = TimeSeries.newBuilder();
            if (i % 2 == 0) {
                int host = i / 16;
                String name = nodeMetrics.get(i / 2 % nodeMetrics.size());
                add(ts, "__name__", name);
                add(ts, "cluster", "prod-eu-west-1");
                add(ts, "container", "node-exporter");
                add(ts, "cpu", Integer.toString(i / 2 % 8));
                add(ts, "endpoint", "http-metrics");
                add(ts, "instance", "10.42." + host / 250 + "." + host % 250 + ":9100");
                add(ts, "job", "node-exporter");
                add(ts, "mode", List.of("idle", "user", "system", "iowait").get(i / 8 % 4));
                add(ts, "namespace", "monitoring");
                add(ts, "pod", "node-exporter-" + Integer.toString(host * 7919 % 46656, 36));
            } else {
                int pod = i / 8;
                add(ts, "__name__", kubeMetrics.get(i / 2 % kubeMetrics.size()));
                add(ts, "cluster", "prod-eu-west-1");
                add(ts, "container", "api-server-" + pod % 5);
                add(ts, "instance", "10.42.7.12:8080");
                add(ts, "job", "kube-state-metrics");
                add(ts, "namespace", "team-" + pod % 12);
                add(ts, "node", "ip-10-42-" + pod % 40 + "-17.eu-west-1.compute.internal");
                add(ts, "pod", "api-server-7d9f8c6b5-" + Integer.toString(pod * 104729 % 60466176, 36));
                add(ts, "service", "kube-state-metrics");
                add(ts, "uid", "3f2b1c4d-5e6f-4a7b-8c9d-" + String.format("%012x", pod * 2654435761L));
            }
            ts.addSamples(Sample.newBuilder().setTimestamp(timestamp + i % 15).setValue(i * 1.37 + 0.25));
            request.addTimeseries(ts);
        }
        return request.build();
    }

    private static void add(TimeSeries.Builder ts, String name, String value) {
        ts.addLabels(Label.newBuilder().setName(name).setValue(value));
    }

    /** The store's key lookup reduced to an open-addressing table over the keys of known series. */
    static final class KnownSeries implements TenantWriter {
        private final long[] hashes;
        private final byte[][] keys;
        private final int[] refs;
        private final int mask;

        KnownSeries(int capacity) {
            int size = Integer.highestOneBit(capacity) * 2;
            hashes = new long[size];
            keys = new byte[size][];
            refs = new int[size];
            mask = size - 1;
        }

        void learn(WriteBatch batch) {
            for (int e = 0; e < batch.seriesCount(); e++) {
                if (!batch.hasKey(e)) {
                    continue;
                }
                int slot = (int) batch.keyHash(e) & mask;
                while (keys[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                int off = batch.keyOffset(e);
                keys[slot] = Arrays.copyOfRange(batch.keyArena(), off, off + batch.keyLength(e));
                hashes[slot] = batch.keyHash(e);
                refs[slot] = e;
            }
        }

        @Override
        public int seriesRef(byte[] key, int off, int len, long hash) {
            for (int slot = (int) hash & mask; keys[slot] != null; slot = (slot + 1) & mask) {
                byte[] k = keys[slot];
                if (hashes[slot] == hash && Arrays.equals(k, 0, k.length, key, off, off + len)) {
                    return refs[slot];
                }
            }
            return -1;
        }

        @Override
        public AppendResult commit(WriteBatch batch) {
            throw new UnsupportedOperationException("decode-only benchmark");
        }
    }
}
