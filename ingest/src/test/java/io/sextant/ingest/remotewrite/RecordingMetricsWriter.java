package io.sextant.ingest.remotewrite;

import io.sextant.storage.AppendResult;
import io.sextant.storage.Exemplar;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.MetricsWriter;
import io.sextant.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test double of the store for decoder and handler tests. It models only what the remote-write path
 * depends on: wire key to series ref resolution (a new series' key becomes an alias on commit), label set to
 * ref identity, and a record of every committed sample, exemplar and metadata entry. A sample older than
 * the newest one of its series is rejected as out of order so partial failures can be exercised; nothing
 * else of the real store (durability, retention, duplicate handling) is modelled.
 */
final class RecordingMetricsWriter implements MetricsWriter {
    record StoredSample(Labels series, long timestamp, long valueBits) {}

    record StoredExemplar(Labels series, Exemplar exemplar) {}

    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();

    @Override
    public Tenant tenant(String tenant) {
        return tenants.computeIfAbsent(tenant, t -> new Tenant());
    }

    static class Tenant implements TenantWriter {
        private final Map<ByteBuffer, Integer> refsByKey = new HashMap<>();
        private final Map<ByteBuffer, Long> hashesByKey = new HashMap<>();
        private final Map<Labels, Integer> refsByLabels = new HashMap<>();
        private final List<Labels> labelsByRef = new ArrayList<>();
        private final Map<Integer, Long> maxTimestamp = new HashMap<>();
        final List<StoredSample> samples = new ArrayList<>();
        final List<StoredExemplar> exemplars = new ArrayList<>();
        final List<MetricMetadata> metadata = new ArrayList<>();
        /** Samples of the most recent commit only. */
        List<StoredSample> lastCommit = List.of();

        int seriesRefCalls;
        int seriesRefHits;
        int resolvedEntries;
        int newEntries;
        int commits;
        RuntimeException failNextCommit;

        @Override
        public synchronized int seriesRef(byte[] key, int off, int len, long hash) {
            seriesRefCalls++;
            ByteBuffer k = ByteBuffer.wrap(Arrays.copyOfRange(key, off, off + len));
            Long known = hashesByKey.putIfAbsent(k, hash);
            if (known != null && known != hash) {
                throw new AssertionError("same key bytes hashed to " + known + " and " + hash);
            }
            Integer ref = refsByKey.get(k);
            if (ref == null) {
                return -1;
            }
            seriesRefHits++;
            return ref;
        }

        @Override
        public synchronized AppendResult commit(WriteBatch batch) {
            commits++;
            if (failNextCommit != null) {
                RuntimeException e = failNextCommit;
                failNextCommit = null;
                throw e;
            }
            int[] refs = new int[batch.seriesCount()];
            int newSeries = 0;
            for (int e = 0; e < batch.seriesCount(); e++) {
                Labels labels = batch.labels(e);
                if (labels == null) {
                    resolvedEntries++;
                    refs[e] = batch.ref(e);
                    continue;
                }
                newEntries++;
                Integer ref = refsByLabels.get(labels);
                if (ref == null) {
                    ref = labelsByRef.size();
                    labelsByRef.add(labels);
                    refsByLabels.put(labels, ref);
                    newSeries++;
                }
                refs[e] = ref;
                if (batch.hasKey(e)) {
                    int o = batch.keyOffset(e);
                    ByteBuffer k = ByteBuffer.wrap(Arrays.copyOfRange(batch.keyArena(), o, o + batch.keyLength(e)));
                    refsByKey.put(k, ref);
                    hashesByKey.put(k, batch.keyHash(e));
                }
            }
            List<StoredSample> committed = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            int outOfOrder = 0;
            for (int i = 0; i < batch.sampleCount(); i++) {
                int ref = refs[batch.sampleSeries(i)];
                long ts = batch.timestamp(i);
                Long max = maxTimestamp.get(ref);
                if (max != null && ts < max) {
                    outOfOrder++;
                    errors.add("out of order sample for series " + labelsByRef.get(ref) + " at " + ts);
                    continue;
                }
                maxTimestamp.put(ref, ts);
                committed.add(new StoredSample(labelsByRef.get(ref), ts, Double.doubleToRawLongBits(batch.value(i))));
            }
            samples.addAll(committed);
            lastCommit = committed;
            for (WriteBatch.EntryExemplar ee : batch.exemplars()) {
                exemplars.add(new StoredExemplar(labelsByRef.get(refs[ee.entry()]), ee.exemplar()));
            }
            metadata.addAll(batch.metadata());
            return new AppendResult(
                    committed.size(), 0, outOfOrder, 0, 0, 0, batch.exemplars().size(), 0, newSeries, errors);
        }

        synchronized List<Labels> series() {
            return List.copyOf(labelsByRef);
        }

        synchronized Map<ByteBuffer, Labels> keys() {
            Map<ByteBuffer, Labels> out = new HashMap<>();
            refsByKey.forEach((k, ref) -> out.put(k, labelsByRef.get(ref)));
            return out;
        }

        synchronized List<StoredSample> samplesOf(Labels series) {
            return samples.stream().filter(s -> s.series().equals(series)).toList();
        }
    }
}
