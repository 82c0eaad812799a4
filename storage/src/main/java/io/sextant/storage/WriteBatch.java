package io.sextant.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A reusable, columnar batch of writes for one tenant, filled by a protocol decoder and handed to {@link
 * MetricsWriter.TenantWriter#commit}. Nothing in it is allocated per sample: series entries and samples live
 * in growable primitive arrays that survive {@link #clear()}.
 *
 * <p>Each series entry is either <em>resolved</em> (the decoder found the series by its wire key with
 * {@link MetricsWriter.TenantWriter#seriesRef}) or <em>new</em> (it carries validated {@link Labels} and,
 * optionally, the wire key bytes so later requests resolve it without parsing labels again).
 */
public final class WriteBatch {
    private int seriesCount;
    private int[] refs = new int[64];
    private Labels[] labels = new Labels[64];
    private int[] keyOffset = new int[64];
    private int[] keyLength = new int[64];
    private long[] keyHash = new long[64];
    private byte[] keyArena = new byte[4096];
    private int keyArenaUsed;

    private int sampleCount;
    private int[] sampleSeries = new int[256];
    private long[] timestamps = new long[256];
    private double[] values = new double[256];

    private final List<EntryExemplar> exemplars = new ArrayList<>();
    private final List<MetricMetadata> metadata = new ArrayList<>();

    /** An exemplar and the series entry it belongs to. */
    public record EntryExemplar(int entry, Exemplar exemplar) {}

    public void clear() {
        seriesCount = 0;
        keyArenaUsed = 0;
        sampleCount = 0;
        Arrays.fill(labels, null);
        exemplars.clear();
        metadata.clear();
    }

    /** Adds a series already known to the store; returns the entry index. */
    public int addResolvedSeries(int ref) {
        int e = nextEntry();
        refs[e] = ref;
        labels[e] = null;
        keyLength[e] = -1;
        return e;
    }

    /**
     * Adds a series the store may not know yet. {@code key} (may be null) is the sender's wire encoding of
     * the label set; it becomes an alias so the next request with the same bytes resolves directly.
     */
    public int addNewSeries(Labels seriesLabels, byte[] key, int off, int len, long hash) {
        int e = nextEntry();
        refs[e] = -1;
        labels[e] = seriesLabels;
        if (key == null) {
            keyLength[e] = -1;
        } else {
            if (keyArenaUsed + len > keyArena.length) {
                keyArena = Arrays.copyOf(keyArena, Math.max(keyArena.length * 2, keyArenaUsed + len));
            }
            System.arraycopy(key, off, keyArena, keyArenaUsed, len);
            keyOffset[e] = keyArenaUsed;
            keyLength[e] = len;
            keyHash[e] = hash;
            keyArenaUsed += len;
        }
        return e;
    }

    private int nextEntry() {
        if (seriesCount == refs.length) {
            int n = refs.length * 2;
            refs = Arrays.copyOf(refs, n);
            labels = Arrays.copyOf(labels, n);
            keyOffset = Arrays.copyOf(keyOffset, n);
            keyLength = Arrays.copyOf(keyLength, n);
            keyHash = Arrays.copyOf(keyHash, n);
        }
        return seriesCount++;
    }

    public void addSample(int entry, long timestampMs, double value) {
        if (sampleCount == timestamps.length) {
            int n = timestamps.length * 2;
            sampleSeries = Arrays.copyOf(sampleSeries, n);
            timestamps = Arrays.copyOf(timestamps, n);
            values = Arrays.copyOf(values, n);
        }
        sampleSeries[sampleCount] = entry;
        timestamps[sampleCount] = timestampMs;
        values[sampleCount] = value;
        sampleCount++;
    }

    public void addExemplar(int entry, Exemplar exemplar) {
        exemplars.add(new EntryExemplar(entry, exemplar));
    }

    public void addMetadata(MetricMetadata m) {
        metadata.add(m);
    }

    public int seriesCount() {
        return seriesCount;
    }

    public int sampleCount() {
        return sampleCount;
    }

    public boolean isEmpty() {
        return sampleCount == 0 && exemplars.isEmpty() && metadata.isEmpty() && seriesCount == 0;
    }

    public int ref(int entry) {
        return refs[entry];
    }

    /** Labels of a new entry, null for a resolved one. */
    public Labels labels(int entry) {
        return labels[entry];
    }

    public boolean hasKey(int entry) {
        return keyLength[entry] >= 0;
    }

    public byte[] keyArena() {
        return keyArena;
    }

    public int keyOffset(int entry) {
        return keyOffset[entry];
    }

    public int keyLength(int entry) {
        return keyLength[entry];
    }

    public long keyHash(int entry) {
        return keyHash[entry];
    }

    public int sampleSeries(int i) {
        return sampleSeries[i];
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    public double value(int i) {
        return values[i];
    }

    public List<EntryExemplar> exemplars() {
        return exemplars;
    }

    public List<MetricMetadata> metadata() {
        return metadata;
    }
}
