package io.sextant.storage.head;

import io.sextant.storage.Exemplar;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.index.PostingsIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Everything the head keeps for one tenant. Mutations happen under the store's commit lock (one writer);
 * reads come from any thread: the series array is published through a volatile field, the index and the
 * key cache have their own read paths, each series publishes its own samples (see {@link MemSeries}), and
 * the sealed samples live in the tenant's Arrow {@link SealedArena}.
 */
final class TenantHead {
    final String tenant;
    final PostingsIndex index = new PostingsIndex();
    final SeriesKeyCache keyCache = new SeriesKeyCache();
    private final Map<Labels, MemSeries> byLabels = new HashMap<>();
    private final Map<String, String> symbols = new HashMap<>();
    private volatile long symbolBytes;
    private volatile MemSeries[] series = new MemSeries[1024];
    private volatile int seriesCount;
    private volatile int maxRef = -1;
    // The newest sample time ever appended; only grows. Written under the commit lock.
    private volatile long maxTime = Long.MIN_VALUE;
    // Samples older than this have been flushed (late ones may have arrived since). Maintenance thread only.
    long flushedBefore = Long.MIN_VALUE;
    private final Map<String, Set<MetricMetadata>> metadata = new ConcurrentHashMap<>();
    private final ExemplarRing exemplars;
    final SealedArena arena;

    TenantHead(String tenant, int exemplarCapacity, BufferAllocator allocator) {
        this.tenant = tenant;
        this.exemplars = new ExemplarRing(exemplarCapacity);
        this.arena = new SealedArena(allocator, SealedArena.BATCH_ROWS);
    }

    MemSeries byLabels(Labels labels) {
        return byLabels.get(labels);
    }

    /** Creates a series with the next free ref. Caller holds the commit lock and checked it is new. */
    MemSeries create(Labels labels) {
        return createWithRef(maxRef + 1, labels);
    }

    /**
     * Creates (or, on replay, finds) the series {@code ref}. Returns null if {@code ref} is taken by other
     * labels, which only a damaged log can cause.
     */
    MemSeries createWithRef(int ref, Labels labels) {
        MemSeries existing = byLabels.get(labels);
        if (existing != null) {
            return existing.ref == ref ? existing : null;
        }
        MemSeries[] arr = series;
        if (ref < arr.length && arr[ref] != null) {
            return null;
        }
        if (ref >= arr.length) {
            arr = Arrays.copyOf(arr, Math.max(ref + 1, arr.length * 2));
        }
        MemSeries s = new MemSeries(ref, intern(labels), arena);
        arr[ref] = s;
        series = arr;
        byLabels.put(s.labels, s);
        index.add(ref, s.labels);
        seriesCount++;
        if (ref > maxRef) {
            maxRef = ref;
        }
        return s;
    }

    /** Shares the strings of label sets across series: values like job names repeat thousands of times. */
    private Labels intern(Labels labels) {
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < labels.size(); i++) {
            b.add(symbol(labels.name(i)), symbol(labels.value(i)));
        }
        return b.build();
    }

    private String symbol(String s) {
        String existing = symbols.putIfAbsent(s, s);
        if (existing == null) {
            symbolBytes += 48 + s.length();
            return s;
        }
        return existing;
    }

    MemSeries get(int ref) {
        MemSeries[] arr = series;
        return ref >= 0 && ref < arr.length ? arr[ref] : null;
    }

    int seriesCount() {
        return seriesCount;
    }

    long maxTime() {
        return maxTime;
    }

    void noteMaxTime(long t) {
        if (t > maxTime) {
            maxTime = t;
        }
    }

    int maxRef() {
        return maxRef;
    }

    void addMetadata(MetricMetadata m) {
        metadata.computeIfAbsent(
                        m.metricFamilyName(), k -> java.util.Collections.synchronizedSet(new LinkedHashSet<>()))
                .add(m);
    }

    Map<String, List<MetricMetadata>> metadata() {
        Map<String, List<MetricMetadata>> out = new java.util.TreeMap<>();
        metadata.forEach((k, v) -> {
            synchronized (v) {
                out.put(k, List.copyOf(v));
            }
        });
        return out;
    }

    /** Adds an exemplar unless it is not newer than the series' last one; returns whether it was kept. */
    boolean addExemplar(MemSeries s, Exemplar e) {
        if (e.timestampMs() <= s.lastExemplarTs) {
            return false;
        }
        s.lastExemplarTs = e.timestampMs();
        exemplars.add(s.ref, e);
        return true;
    }

    ExemplarRing exemplars() {
        return exemplars;
    }

    long estimateBytes() {
        long bytes = index.sizeInBytes() + keyCache.sizeInBytes() + series.length * 8L;
        MemSeries[] arr = series;
        for (MemSeries s : arr) {
            if (s != null) {
                bytes += 64 + s.sampleBytes() + 16L * s.labels.size();
            }
        }
        return bytes + symbolBytes + arena.allocatedBytes();
    }

    List<MemSeries> allSeries() {
        List<MemSeries> out = new ArrayList<>(seriesCount);
        for (MemSeries s : series) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** A bounded ring of the newest exemplars of a tenant, like Prometheus' circular exemplar storage. */
    static final class ExemplarRing {
        private final int[] refs;
        private final Exemplar[] items;
        private int next;
        private int size;

        ExemplarRing(int capacity) {
            refs = new int[capacity];
            items = new Exemplar[capacity];
        }

        synchronized void add(int ref, Exemplar e) {
            if (items.length == 0) {
                return;
            }
            refs[next] = ref;
            items[next] = e;
            next = (next + 1) % items.length;
            size = Math.min(size + 1, items.length);
        }

        /** Exemplars of the given refs within the range, by ref, oldest first. */
        synchronized Map<Integer, List<Exemplar>> collect(
                org.roaringbitmap.RoaringBitmap selected, long mint, long maxt) {
            Map<Integer, List<Exemplar>> out = new HashMap<>();
            int start = (next - size + items.length) % Math.max(1, items.length);
            for (int i = 0; i < size; i++) {
                int at = (start + i) % items.length;
                Exemplar e = items[at];
                if (e.timestampMs() >= mint && e.timestampMs() <= maxt && selected.contains(refs[at])) {
                    out.computeIfAbsent(refs[at], k -> new ArrayList<>()).add(e);
                }
            }
            return out;
        }

        synchronized List<Map.Entry<Integer, Exemplar>> all() {
            List<Map.Entry<Integer, Exemplar>> out = new ArrayList<>(size);
            int start = (next - size + items.length) % Math.max(1, items.length);
            for (int i = 0; i < size; i++) {
                int at = (start + i) % items.length;
                out.add(Map.entry(refs[at], items[at]));
            }
            return out;
        }
    }
}
