package io.sextant.storage.head;

import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import java.util.Arrays;

/**
 * One series of the head: its labels and its samples in two parallel primitive arrays sorted by timestamp.
 * Appends come from the single committing thread; reads copy under the same monitor, so a reader never sees
 * a half-shifted array during an out-of-order insert.
 */
final class MemSeries {
    static final int APPENDED = 0;
    static final int DUPLICATE_IGNORED = 1;
    static final int OUT_OF_ORDER = 2;
    static final int DUPLICATE_TIMESTAMP = 3;

    final int ref;
    final Labels labels;
    private long[] timestamps;
    private double[] values;
    private int count;
    long lastExemplarTs = Long.MIN_VALUE;

    MemSeries(int ref, Labels labels) {
        this.ref = ref;
        this.labels = labels;
        this.timestamps = new long[4];
        this.values = new double[4];
    }

    /**
     * Adds a sample. A sample older than the newest one is accepted only within {@code oooWindowMs} of it;
     * {@code Long.MAX_VALUE} accepts any (replay).
     */
    synchronized int append(long t, double v, long oooWindowMs) {
        int n = count;
        if (n == 0 || t > timestamps[n - 1]) {
            ensureCapacity(n + 1);
            timestamps[n] = t;
            values[n] = v;
            count = n + 1;
            return APPENDED;
        }
        int pos = Arrays.binarySearch(timestamps, 0, n, t);
        if (pos >= 0) {
            return Double.doubleToRawLongBits(values[pos]) == Double.doubleToRawLongBits(v)
                    ? DUPLICATE_IGNORED
                    : DUPLICATE_TIMESTAMP;
        }
        if (oooWindowMs != Long.MAX_VALUE && t < timestamps[n - 1] - oooWindowMs) {
            return OUT_OF_ORDER;
        }
        int insert = -pos - 1;
        ensureCapacity(n + 1);
        System.arraycopy(timestamps, insert, timestamps, insert + 1, n - insert);
        System.arraycopy(values, insert, values, insert + 1, n - insert);
        timestamps[insert] = t;
        values[insert] = v;
        count = n + 1;
        return APPENDED;
    }

    /** The newest timestamp, or {@code Long.MIN_VALUE} when empty. */
    synchronized long maxTime() {
        return count == 0 ? Long.MIN_VALUE : timestamps[count - 1];
    }

    synchronized long minTime() {
        return count == 0 ? Long.MAX_VALUE : timestamps[0];
    }

    synchronized boolean overlaps(long mint, long maxt) {
        if (count == 0 || timestamps[0] > maxt || timestamps[count - 1] < mint) {
            return false;
        }
        int from = lowerBound(mint);
        return from < count && timestamps[from] <= maxt;
    }

    /** A copy of the samples in {@code [mint, maxt]}. */
    synchronized Samples copy(long mint, long maxt) {
        int from = lowerBound(mint);
        int to = from;
        while (to < count && timestamps[to] <= maxt) {
            to++;
        }
        int n = to - from;
        if (n == 0) {
            return Samples.EMPTY;
        }
        return new Samples(Arrays.copyOfRange(timestamps, from, to), Arrays.copyOfRange(values, from, to), n);
    }

    synchronized int count() {
        return count;
    }

    /** Drops samples older than {@code minT}; returns how many were dropped. */
    synchronized int truncateBefore(long minT) {
        int drop = lowerBound(minT);
        if (drop == 0) {
            return 0;
        }
        int keep = count - drop;
        int cap = Math.max(4, keep + (keep >> 2));
        long[] t = new long[cap];
        double[] v = new double[cap];
        System.arraycopy(timestamps, drop, t, 0, keep);
        System.arraycopy(values, drop, v, 0, keep);
        timestamps = t;
        values = v;
        count = keep;
        return drop;
    }

    /** Bytes held by the sample arrays (capacity, not count). */
    synchronized long sampleBytes() {
        return 16L * timestamps.length;
    }

    private int lowerBound(long t) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timestamps[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void ensureCapacity(int needed) {
        if (needed > timestamps.length) {
            int cap = Math.max(needed, timestamps.length + (timestamps.length >> 1) + 1);
            timestamps = Arrays.copyOf(timestamps, cap);
            values = Arrays.copyOf(values, cap);
        }
    }
}
