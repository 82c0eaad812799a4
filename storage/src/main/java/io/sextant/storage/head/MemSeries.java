package io.sextant.storage.head;

import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import java.util.Arrays;

/**
 * One series of the head: its labels and its samples sorted by timestamp in chunks of parallel primitive
 * arrays. Chunks grow 8 → 32 → 128 → 128 …, so appending never copies earlier samples (growing one array
 * would copy the whole series again and again) and a short series stays small. Appends come from the single
 * committing thread; reads copy under the same monitor, so a reader never sees a half-shifted chunk during
 * an out-of-order insert.
 */
final class MemSeries {
    static final int APPENDED = 0;
    static final int DUPLICATE_IGNORED = 1;
    static final int OUT_OF_ORDER = 2;
    static final int DUPLICATE_TIMESTAMP = 3;

    private static final int[] CAPACITIES = {8, 32};
    static final int MAX_CHUNK = 128;

    final int ref;
    final Labels labels;
    private long[][] times = new long[1][];
    private double[][] values = new double[1][];
    private int[] counts = new int[1];
    private int chunks;
    private int total;
    long lastExemplarTs = Long.MIN_VALUE;

    MemSeries(int ref, Labels labels) {
        this.ref = ref;
        this.labels = labels;
    }

    /**
     * Adds a sample. A sample older than the newest one is accepted only within {@code oooWindowMs} of it;
     * {@code Long.MAX_VALUE} accepts any (replay).
     */
    synchronized int append(long t, double v, long oooWindowMs) {
        if (total == 0 || t > newest()) {
            int c = chunks - 1;
            if (c < 0 || counts[c] == times[c].length) {
                c = addChunk(chunks, capacityOfNext());
            }
            int n = counts[c];
            times[c][n] = t;
            values[c][n] = v;
            counts[c] = n + 1;
            total++;
            return APPENDED;
        }
        int c = chunkFor(t);
        int pos = Arrays.binarySearch(times[c], 0, counts[c], t);
        if (pos >= 0) {
            return Double.doubleToRawLongBits(values[c][pos]) == Double.doubleToRawLongBits(v)
                    ? DUPLICATE_IGNORED
                    : DUPLICATE_TIMESTAMP;
        }
        if (oooWindowMs != Long.MAX_VALUE && t < newest() - oooWindowMs) {
            return OUT_OF_ORDER;
        }
        insert(c, -pos - 1, t, v);
        return APPENDED;
    }

    private long newest() {
        int c = chunks - 1;
        return times[c][counts[c] - 1];
    }

    private int capacityOfNext() {
        return chunks < CAPACITIES.length ? CAPACITIES[chunks] : MAX_CHUNK;
    }

    /** The chunk whose range holds {@code t}, or the first chunk whose first sample is after it. */
    private int chunkFor(long t) {
        int lo = 0;
        int hi = chunks - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid][counts[mid] - 1] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void insert(int c, int at, long t, double v) {
        if (counts[c] == times[c].length) {
            // Split a full chunk in two so the insert has room; late samples are rare, so this stays cheap.
            int n = counts[c];
            int half = n / 2;
            int next = addChunk(c + 1, Math.max(MAX_CHUNK, n));
            System.arraycopy(times[c], half, times[next], 0, n - half);
            System.arraycopy(values[c], half, values[next], 0, n - half);
            counts[next] = n - half;
            counts[c] = half;
            if (at > half) {
                c = next;
                at -= half;
            }
        }
        int n = counts[c];
        System.arraycopy(times[c], at, times[c], at + 1, n - at);
        System.arraycopy(values[c], at, values[c], at + 1, n - at);
        times[c][at] = t;
        values[c][at] = v;
        counts[c] = n + 1;
        total++;
    }

    /** Inserts an empty chunk at position {@code at}; returns it. */
    private int addChunk(int at, int capacity) {
        if (chunks == times.length) {
            int n = Math.max(4, chunks * 2);
            times = Arrays.copyOf(times, n);
            values = Arrays.copyOf(values, n);
            counts = Arrays.copyOf(counts, n);
        }
        System.arraycopy(times, at, times, at + 1, chunks - at);
        System.arraycopy(values, at, values, at + 1, chunks - at);
        System.arraycopy(counts, at, counts, at + 1, chunks - at);
        times[at] = new long[capacity];
        values[at] = new double[capacity];
        counts[at] = 0;
        chunks++;
        return at;
    }

    /** The newest timestamp, or {@code Long.MIN_VALUE} when empty. */
    synchronized long maxTime() {
        return total == 0 ? Long.MIN_VALUE : newest();
    }

    synchronized long minTime() {
        return total == 0 ? Long.MAX_VALUE : times[0][0];
    }

    synchronized boolean overlaps(long mint, long maxt) {
        if (total == 0 || times[0][0] > maxt || newest() < mint) {
            return false;
        }
        int c = chunkFor(mint);
        int i = lowerBound(times[c], counts[c], mint);
        return times[c][i] <= maxt;
    }

    /** A copy of the samples in {@code [mint, maxt]}. */
    synchronized Samples copy(long mint, long maxt) {
        if (total == 0 || times[0][0] > maxt || newest() < mint) {
            return Samples.EMPTY;
        }
        int first = chunkFor(mint);
        int from = lowerBound(times[first], counts[first], mint);
        int n = 0;
        for (int c = first; c < chunks; c++) {
            int start = c == first ? from : 0;
            int end = upperBound(times[c], counts[c], maxt);
            n += Math.max(0, end - start);
            if (end < counts[c]) {
                break;
            }
        }
        if (n == 0) {
            return Samples.EMPTY;
        }
        long[] t = new long[n];
        double[] v = new double[n];
        int o = 0;
        for (int c = first; c < chunks && o < n; c++) {
            int start = c == first ? from : 0;
            int len = Math.min(counts[c] - start, n - o);
            System.arraycopy(times[c], start, t, o, len);
            System.arraycopy(values[c], start, v, o, len);
            o += len;
        }
        return new Samples(t, v, n);
    }

    synchronized int count() {
        return total;
    }

    /** Drops samples older than {@code minT}; returns how many were dropped. */
    synchronized int truncateBefore(long minT) {
        if (total == 0 || times[0][0] >= minT) {
            return 0;
        }
        int dropped = 0;
        int whole = 0;
        while (whole < chunks && times[whole][counts[whole] - 1] < minT) {
            dropped += counts[whole];
            whole++;
        }
        if (whole > 0) {
            System.arraycopy(times, whole, times, 0, chunks - whole);
            System.arraycopy(values, whole, values, 0, chunks - whole);
            System.arraycopy(counts, whole, counts, 0, chunks - whole);
            Arrays.fill(times, chunks - whole, chunks, null);
            Arrays.fill(values, chunks - whole, chunks, null);
            chunks -= whole;
        }
        if (chunks > 0) {
            int cut = lowerBound(times[0], counts[0], minT);
            if (cut > 0) {
                int keep = counts[0] - cut;
                System.arraycopy(times[0], cut, times[0], 0, keep);
                System.arraycopy(values[0], cut, values[0], 0, keep);
                counts[0] = keep;
                dropped += cut;
            }
        }
        total -= dropped;
        return dropped;
    }

    /** Bytes held by the sample chunks (capacity, not count). */
    synchronized long sampleBytes() {
        long bytes = 0;
        for (int c = 0; c < chunks; c++) {
            bytes += 16L * times[c].length + 32;
        }
        return bytes;
    }

    private static int lowerBound(long[] a, int n, long t) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(long[] a, int n, long t) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
