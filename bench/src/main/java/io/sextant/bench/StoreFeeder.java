package io.sextant.bench;

import io.sextant.bench.load.Fleet;
import io.sextant.storage.AppendResult;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricsWriter;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.head.MetricsStore;

/**
 * Writes a {@link Fleet}'s scrapes into a {@link MetricsStore} the way the remote-write path does: batches of
 * up to {@code samplesPerBatch} samples, series resolved by their wire key (the protobuf label bytes) with
 * {@link MetricsWriter.TenantWriter#seriesRef}, new series carried as {@link Labels} plus key.
 */
final class StoreFeeder {
    private StoreFeeder() {}

    /** Totals of a feed. */
    record Fed(long samples, long rejected, long batches, double seconds) {}

    static Fed feed(
            MetricsStore store,
            String tenant,
            Fleet fleet,
            int steps,
            long intervalMs,
            long endMs,
            int samplesPerBatch) {
        MetricsWriter.TenantWriter writer = store.tenant(tenant);
        WriteBatch batch = new WriteBatch();
        int[] order = fleet.targetsByOffset();
        long base = endMs - (long) steps * intervalMs;
        long samples = 0;
        long rejected = 0;
        long batches = 0;
        long t0 = System.nanoTime();
        for (int step = 0; step < steps; step++) {
            fleet.step();
            for (int t : order) {
                long ts = base + (long) step * intervalMs + fleet.targetOffsetMs(t) + fleet.jitterMs(t);
                int first = fleet.targetFirstSeries(t);
                int last = first + fleet.targetSeriesCount(t);
                for (int s = first; s < last; s++) {
                    byte[] key = fleet.labelBytes(s);
                    long hash = hash(key);
                    int ref = writer.seriesRef(key, 0, key.length, hash);
                    int entry = ref >= 0
                            ? batch.addResolvedSeries(ref)
                            : batch.addNewSeries(Labels.of(fleet.labelPairs(s)), key, 0, key.length, hash);
                    batch.addSample(entry, ts, fleet.value(s));
                    if (batch.sampleCount() == samplesPerBatch) {
                        AppendResult r = writer.commit(batch);
                        samples += r.acceptedSamples();
                        rejected += r.rejectedSamples();
                        batches++;
                        batch.clear();
                    }
                }
            }
        }
        if (batch.sampleCount() > 0) {
            AppendResult r = writer.commit(batch);
            samples += r.acceptedSamples();
            rejected += r.rejectedSamples();
            batches++;
        }
        return new Fed(samples, rejected, batches, (System.nanoTime() - t0) / 1e9);
    }

    /** 64-bit FNV-1a over the key bytes, finished with a mixer. */
    static long hash(byte[] key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
