package io.sextant.bench.load;

import io.sextant.ingest.remotewrite.proto.Label;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.xerial.snappy.Snappy;

/**
 * Every remote-write request of a run, encoded before sending starts: for each connection (shard) the full
 * HTTP/1.1 request bytes (request line, headers, snappy-compressed protobuf body) in send order.
 *
 * <p>Shaped like Prometheus' remote-write queue: series are assigned to shards by a hash of the series, each
 * shard batches its samples in scrape order into requests of at most {@code samplesPerRequest} samples, and
 * every sample is its own {@code TimeSeries} entry with the full, sorted label set. A series' samples thus
 * always travel through the same connection in time order.
 */
public final class RequestPlan {
    public static final String USER_AGENT = "sextant-bench-remote-write/0.1";

    final int connections;
    final List<List<byte[]>> requests = new ArrayList<>();
    final List<int[]> samplesPerReq = new ArrayList<>();
    final List<long[]> minTsPerReq = new ArrayList<>();
    long totalSamples;
    long totalRequests;
    long bodyBytes;
    long uncompressedBytes;
    long requestBytes;
    long firstTs = Long.MAX_VALUE;
    long lastTs = Long.MIN_VALUE;
    private Semaphore inFlight;

    private RequestPlan(int connections) {
        this.connections = connections;
    }

    /** Shard of a series, like Prometheus' hash-of-series-ref sharding. */
    static int shardOf(int series, int connections) {
        long h = series * 0x9E3779B97F4A7C15L;
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        return (int) Long.remainderUnsigned(h, connections);
    }

    /**
     * Encodes the whole run.
     *
     * @param endMs newest allowed timestamp; the data spans {@code steps} scrapes ending before it
     */
    public static RequestPlan build(
            Fleet fleet,
            int steps,
            long intervalMs,
            long endMs,
            int connections,
            int samplesPerRequest,
            String hostHeader,
            String path,
            int compressThreads) {
        RequestPlan plan = new RequestPlan(connections);
        int n = fleet.seriesCount();
        int[] shard = new int[n];
        for (int s = 0; s < n; s++) {
            shard[s] = shardOf(s, connections);
        }
        long base = endMs - (long) steps * intervalMs;
        int[] order = fleet.targetsByOffset();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, compressThreads), r -> {
            Thread t = new Thread(r, "compress");
            t.setDaemon(true);
            return t;
        });
        List<List<Future<byte[]>>> pending = new ArrayList<>();
        plan.inFlight = new Semaphore(4 * Math.max(1, compressThreads));
        Batch[] batches = new Batch[connections];
        for (int c = 0; c < connections; c++) {
            plan.requests.add(new ArrayList<>());
            pending.add(new ArrayList<>());
            batches[c] = new Batch(samplesPerRequest);
        }
        List<List<Integer>> counts = new ArrayList<>();
        List<List<Long>> mins = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            counts.add(new ArrayList<>());
            mins.add(new ArrayList<>());
        }
        String head = "POST " + path + " HTTP/1.1\r\n"
                + "Host: " + hostHeader + "\r\n"
                + "User-Agent: " + USER_AGENT + "\r\n"
                + "Content-Encoding: snappy\r\n"
                + "Content-Type: application/x-protobuf\r\n"
                + "X-Prometheus-Remote-Write-Version: 0.1.0\r\n"
                + "Content-Length: ";
        try {
            for (int step = 0; step < steps; step++) {
                fleet.step();
                for (int t : order) {
                    long ts = base + (long) step * intervalMs + fleet.targetOffsetMs(t) + fleet.jitterMs(t);
                    plan.firstTs = Math.min(plan.firstTs, ts);
                    plan.lastTs = Math.max(plan.lastTs, ts);
                    int first = fleet.targetFirstSeries(t);
                    int last = first + fleet.targetSeriesCount(t);
                    for (int s = first; s < last; s++) {
                        int c = shard[s];
                        Batch b = batches[c];
                        b.add(fleet.labelBytes(s), ts, fleet.value(s));
                        if (b.samples == samplesPerRequest) {
                            plan.flush(b, c, pool, pending, counts, mins, head);
                        }
                    }
                }
            }
            for (int c = 0; c < connections; c++) {
                if (batches[c].samples > 0) {
                    plan.flush(batches[c], c, pool, pending, counts, mins, head);
                }
            }
            for (int c = 0; c < connections; c++) {
                List<byte[]> out = plan.requests.get(c);
                for (Future<byte[]> f : pending.get(c)) {
                    byte[] r = f.get();
                    out.add(r);
                    plan.requestBytes += r.length;
                }
                plan.samplesPerReq.add(
                        counts.get(c).stream().mapToInt(Integer::intValue).toArray());
                plan.minTsPerReq.add(
                        mins.get(c).stream().mapToLong(Long::longValue).toArray());
                plan.totalRequests += out.size();
            }
        } catch (Exception e) {
            throw new IllegalStateException("pre-encoding failed", e);
        } finally {
            pool.shutdownNow();
        }
        return plan;
    }

    private void flush(
            Batch b,
            int c,
            ExecutorService pool,
            List<List<Future<byte[]>>> pending,
            List<List<Integer>> counts,
            List<List<Long>> mins,
            String head) {
        byte[] raw = b.out.toByteArray();
        totalSamples += b.samples;
        uncompressedBytes += raw.length;
        counts.get(c).add(b.samples);
        mins.get(c).add(b.minTs);
        inFlight.acquireUninterruptibly();
        pending.get(c).add(pool.submit(() -> {
            try {
                return compressRequest(raw, head);
            } finally {
                inFlight.release();
            }
        }));
        b.reset();
    }

    private byte[] compressRequest(byte[] raw, String head) {
        {
            byte[] comp = new byte[Snappy.maxCompressedLength(raw.length)];
            int len;
            try {
                len = Snappy.compress(raw, 0, raw.length, comp, 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] h = (head + len + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] req = Arrays.copyOf(h, h.length + len);
            System.arraycopy(comp, 0, req, h.length, len);
            synchronized (this) {
                bodyBytes += len;
            }
            return req;
        }
    }

    /** One shard's request being filled. */
    private static final class Batch {
        final ProtoOut out;
        final ProtoOut sample = new ProtoOut(32);
        int samples;
        long minTs = Long.MAX_VALUE;

        Batch(int samplesPerRequest) {
            out = new ProtoOut(samplesPerRequest * 400);
        }

        void add(byte[] labels, long ts, double value) {
            sample.reset();
            sample.tag(1, 1);
            sample.fixed64(Double.doubleToRawLongBits(value));
            sample.tag(2, 0);
            sample.varint(ts);
            int sampleLen = sample.size();
            int tsLen = labels.length + 1 + ProtoOut.varintSize(sampleLen) + sampleLen;
            out.tag(1, 2); // WriteRequest.timeseries
            out.varint(tsLen);
            out.bytes(labels, 0, labels.length);
            out.tag(2, 2); // TimeSeries.samples
            out.varint(sampleLen);
            out.bytes(sample.array(), 0, sampleLen);
            samples++;
            minTs = Math.min(minTs, ts);
        }

        void reset() {
            out.reset();
            samples = 0;
            minTs = Long.MAX_VALUE;
        }
    }

    // ------------------------------------------------------------------ self-check

    /**
     * Decodes requests with the generated protobuf classes and checks the encoding: sample counts, sorted
     * labels, no duplicate label names, one sample per entry. Returns the number of requests checked.
     */
    int verify(int perConnection) {
        int checked = 0;
        for (int c = 0; c < connections; c++) {
            List<byte[]> reqs = requests.get(c);
            int[] counts = samplesPerReq.get(c);
            for (int i = 0; i < Math.min(perConnection, reqs.size()); i++) {
                int idx = (i == 0) ? 0 : (int) ((long) i * (reqs.size() - 1) / Math.max(1, perConnection - 1));
                byte[] r = reqs.get(idx);
                int bodyStart = indexOf(r, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) + 4;
                try {
                    byte[] raw = Snappy.uncompress(Arrays.copyOfRange(r, bodyStart, r.length));
                    WriteRequest wr = WriteRequest.parseFrom(raw);
                    if (wr.getTimeseriesCount() != counts[idx]) {
                        throw new IllegalStateException("request " + c + "/" + idx + " has " + wr.getTimeseriesCount()
                                + " series, expected " + counts[idx]);
                    }
                    for (TimeSeries ts : wr.getTimeseriesList()) {
                        if (ts.getSamplesCount() != 1) {
                            throw new IllegalStateException("expected one sample per entry");
                        }
                        String prev = null;
                        for (Label l : ts.getLabelsList()) {
                            if (prev != null && prev.compareTo(l.getName()) >= 0) {
                                throw new IllegalStateException("labels not sorted/unique: " + ts.getLabelsList());
                            }
                            prev = l.getName();
                        }
                        if (ts.getLabelsCount() < 8 || ts.getLabelsCount() > 12) {
                            throw new IllegalStateException("label count " + ts.getLabelsCount());
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("request does not decode", e);
                }
                checked++;
            }
        }
        return checked;
    }

    private static int indexOf(byte[] a, byte[] pat) {
        outer:
        for (int i = 0; i + pat.length <= a.length; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (a[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
