package io.sextant.storage.head;

import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One series of the head: its labels and its samples.
 *
 * <p>New samples go into an <em>open chunk</em>, a primitive array of interleaved (timestamp, raw value bits)
 * pairs sorted by timestamp, which grows 8 → 32 → 128 pairs. A full open chunk is <em>sealed</em>: copied
 * into the tenant's Arrow record batches ({@link SealedArena}) as a <em>run</em> of rows, and then reused.
 * Runs are sorted inside but may overlap each other in time when out-of-order samples arrived.
 *
 * <p>Threads: one committing thread mutates (the store's commit lock, or replay); readers never lock. An
 * in-order append writes past the published count and then publishes the new count with a release store,
 * so it costs no fence and touches two cache lines: this object and the slot in the open chunk. Rewrites
 * of published pairs (seal, out-of-order insert, truncation) bump {@code version} around the change, and a
 * reader that saw it change retries (a sequence lock). The run list is copy-on-write except for appends.
 * A reader reads the open chunk before the runs, so a seal racing with it can show a sample twice, never
 * not at all; the merge drops the repeat.
 */
final class MemSeries {
    static final int APPENDED = 0;
    static final int DUPLICATE_IGNORED = 1;
    static final int OUT_OF_ORDER = 2;
    static final int DUPLICATE_TIMESTAMP = 3;

    /** Pairs in the open chunk when it is sealed. */
    static final int MAX_CHUNK = 128;

    private static final int FIRST_CAPACITY = 8;
    private static final long[] NO_PAIRS = new long[0];
    private static final VarHandle OPEN;
    private static final VarHandle OPEN_COUNT;
    private static final VarHandle VERSION;
    private static final VarHandle TOTAL;
    private static final VarHandle RUN_COUNT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            OPEN = l.findVarHandle(MemSeries.class, "open", long[].class);
            OPEN_COUNT = l.findVarHandle(MemSeries.class, "openCount", int.class);
            VERSION = l.findVarHandle(MemSeries.class, "version", int.class);
            TOTAL = l.findVarHandle(MemSeries.class, "total", int.class);
            RUN_COUNT = l.findVarHandle(Runs.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Sealed runs: append-only in place, replaced as a whole when they grow or are truncated. */
    private static final class Runs {
        static final Runs EMPTY = new Runs(0);

        final SealedArena.Batch[] batches;
        final int[] starts;
        final int[] lengths;
        final long[] minTimes;
        final long[] maxTimes;
        int count;

        Runs(int capacity) {
            batches = new SealedArena.Batch[capacity];
            starts = new int[capacity];
            lengths = new int[capacity];
            minTimes = new long[capacity];
            maxTimes = new long[capacity];
        }

        Runs copy(int capacity, int from, int to) {
            Runs r = new Runs(capacity);
            int n = to - from;
            System.arraycopy(batches, from, r.batches, 0, n);
            System.arraycopy(starts, from, r.starts, 0, n);
            System.arraycopy(lengths, from, r.lengths, 0, n);
            System.arraycopy(minTimes, from, r.minTimes, 0, n);
            System.arraycopy(maxTimes, from, r.maxTimes, 0, n);
            r.count = n;
            return r;
        }
    }

    final int ref;
    final Labels labels;
    private final SealedArena arena;
    long lastExemplarTs = Long.MIN_VALUE;

    // Committing thread only.
    private long foundBits;
    private long minT = Long.MAX_VALUE;
    private long maxT = Long.MIN_VALUE;

    // Published to readers as described above.
    private long[] open = NO_PAIRS;
    private int openCount;
    private int version;
    private int total;
    private volatile Runs runs = Runs.EMPTY;

    MemSeries(int ref, Labels labels, SealedArena arena) {
        this.ref = ref;
        this.labels = labels;
        this.arena = arena;
    }

    /**
     * Adds a sample. A sample older than the newest one is accepted only within {@code oooWindowMs} of it;
     * {@code Long.MAX_VALUE} accepts any (replay). Committing thread only.
     */
    int append(long t, double v, long oooWindowMs) {
        long bits = Double.doubleToRawLongBits(v);
        if (t > maxT) {
            int n = openCount;
            long[] o = open;
            if (2 * n == o.length) {
                o = makeRoom();
                n = openCount;
            }
            o[2 * n] = t;
            o[2 * n + 1] = bits;
            OPEN_COUNT.setRelease(this, n + 1);
            TOTAL.setRelease(this, total + 1);
            if (t < minT) {
                minT = t;
            }
            maxT = t;
            return APPENDED;
        }
        if (find(t)) {
            return foundBits == bits ? DUPLICATE_IGNORED : DUPLICATE_TIMESTAMP;
        }
        if (oooWindowMs != Long.MAX_VALUE && t < maxT - oooWindowMs) {
            return OUT_OF_ORDER;
        }
        insertOld(t, bits);
        return APPENDED;
    }

    /** Whether a sample at {@code t} exists; its raw value bits go to {@link #foundBits}. Committing thread only. */
    private boolean find(long t) {
        int at = lowerBound(open, openCount, t);
        if (at < openCount && open[2 * at] == t) {
            foundBits = open[2 * at + 1];
            return true;
        }
        Runs r = runs;
        for (int i = 0; i < r.count; i++) {
            if (r.minTimes[i] <= t && t <= r.maxTimes[i]) {
                SealedArena.Batch b = r.batches[i];
                int row = lowerBound(b, r.starts[i], r.starts[i] + r.lengths[i], t);
                if (b.timestamp(row) == t) {
                    foundBits = b.valueBits(row);
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Reads the fields and the open-chunk slot the next in-order append will use, to bring them into the
     * cache ({@link MetricsStore} does this for a whole batch before committing). Any thread; the value is
     * meaningless.
     */
    long touch() {
        long[] o = open;
        int n = openCount;
        return maxT + (2 * n < o.length ? o[2 * n] : n);
    }

    /** Makes room for one more pair in the open chunk: grows it, or seals it when it is full. */
    private long[] makeRoom() {
        int n = openCount;
        if (n < MAX_CHUNK) {
            // Readers read the count before the array, so the copy can be published without a version bump.
            long[] grown = Arrays.copyOf(open, 2 * (n == 0 ? FIRST_CAPACITY : Math.min(MAX_CHUNK, n * 4)));
            OPEN.setRelease(this, grown);
            return grown;
        }
        seal();
        return open;
    }

    /** Copies the open chunk into the arena as a new run and empties it. */
    private void seal() {
        int n = openCount;
        long[] o = open;
        int start = arena.append(o, 0, n);
        addRun(arena.current(), start, n, o[0], o[2 * n - 2]);
        int v = version;
        VERSION.setRelease(this, v + 1);
        VarHandle.storeStoreFence();
        OPEN_COUNT.setRelease(this, 0);
        VERSION.setRelease(this, v + 2);
    }

    private void addRun(SealedArena.Batch batch, int start, int length, long min, long max) {
        Runs r = runs;
        int c = r.count;
        if (c == r.batches.length) {
            r = r.copy(Math.max(4, c * 2), 0, c);
        }
        r.batches[c] = batch;
        r.starts[c] = start;
        r.lengths[c] = length;
        r.minTimes[c] = min;
        r.maxTimes[c] = max;
        RUN_COUNT.setRelease(r, c + 1);
        if (r != runs) {
            runs = r;
        }
    }

    /** Inserts a sample older than the newest (and not present) into the open chunk, keeping it sorted. */
    private void insertOld(long t, long bits) {
        if (2 * openCount == open.length) {
            makeRoom();
        }
        int n = openCount;
        long[] o = open;
        int at = lowerBound(o, n, t);
        int v = version;
        VERSION.setRelease(this, v + 1);
        VarHandle.storeStoreFence();
        System.arraycopy(o, 2 * at, o, 2 * at + 2, 2 * (n - at));
        o[2 * at] = t;
        o[2 * at + 1] = bits;
        OPEN_COUNT.setRelease(this, n + 1);
        VERSION.setRelease(this, v + 2);
        TOTAL.setRelease(this, total + 1);
        if (t < minT) {
            minT = t;
        }
    }

    /** The newest timestamp, or {@code Long.MIN_VALUE} when empty. Committing thread only. */
    long maxTime() {
        return maxT;
    }

    /** The oldest timestamp, or {@code Long.MAX_VALUE} when empty. Committing thread only. */
    long minTime() {
        return minT;
    }

    int count() {
        return (int) TOTAL.getAcquire(this);
    }

    /** Whether any sample lies in {@code [mint, maxt]}. */
    boolean overlaps(long mint, long maxt) {
        return read(mint, maxt, false) != null;
    }

    /** A copy of the samples in {@code [mint, maxt]}. */
    Samples copy(long mint, long maxt) {
        Samples s = read(mint, maxt, true);
        return s == null ? Samples.EMPTY : s;
    }

    /**
     * Reads the samples in the range: null when there are none, {@link Samples#EMPTY} when there are some but
     * {@code materialize} is false.
     */
    private Samples read(long mint, long maxt, boolean materialize) {
        var lock = arena.readLock();
        lock.lock();
        try {
            for (; ; ) {
                int v = (int) VERSION.getAcquire(this);
                if ((v & 1) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                int n = (int) OPEN_COUNT.getAcquire(this);
                long[] o = (long[]) OPEN.getAcquire(this);
                int from = lowerBound(o, n, mint);
                int to = upperBound(o, n, maxt);
                long[] openPart = materialize && to > from ? Arrays.copyOfRange(o, 2 * from, 2 * to) : NO_PAIRS;
                VarHandle.acquireFence();
                if ((int) VERSION.getOpaque(this) != v) {
                    continue;
                }
                Runs r = runs;
                int rc = (int) RUN_COUNT.getAcquire(r);
                return collect(r, rc, mint, maxt, openPart, to - from, materialize);
            }
        } finally {
            lock.unlock();
        }
    }

    private static Samples collect(
            Runs r, int rc, long mint, long maxt, long[] openPart, int openN, boolean materialize) {
        int segments = 0;
        int[] segRun = new int[rc];
        int[] segFrom = new int[rc];
        int[] segTo = new int[rc];
        int total = openN;
        for (int i = 0; i < rc; i++) {
            if (r.maxTimes[i] < mint || r.minTimes[i] > maxt) {
                continue;
            }
            SealedArena.Batch b = r.batches[i];
            int end = r.starts[i] + r.lengths[i];
            int from = lowerBound(b, r.starts[i], end, mint);
            int to = upperBoundRows(b, from, end, maxt);
            if (to > from) {
                segRun[segments] = i;
                segFrom[segments] = from;
                segTo[segments] = to;
                segments++;
                total += to - from;
            }
        }
        if (total == 0) {
            return null;
        }
        if (!materialize) {
            return Samples.EMPTY;
        }
        long[] t = new long[total];
        double[] val = new double[total];
        int n = 0;
        long last = Long.MIN_VALUE;
        boolean ordered = true;
        for (int s = 0; s < segments; s++) {
            SealedArena.Batch b = r.batches[segRun[s]];
            for (int row = segFrom[s]; row < segTo[s]; row++) {
                long ts = b.timestamp(row);
                ordered &= ts > last;
                last = ts;
                t[n] = ts;
                val[n++] = Double.longBitsToDouble(b.valueBits(row));
            }
        }
        for (int i = 0; i < openN; i++) {
            long ts = openPart[2 * i];
            ordered &= ts > last;
            last = ts;
            t[n] = ts;
            val[n++] = Double.longBitsToDouble(openPart[2 * i + 1]);
        }
        return ordered ? new Samples(t, val, n) : sortDistinct(t, val);
    }

    /**
     * Sorts samples gathered from overlapping runs and drops repeats of a timestamp (the same sample seen in
     * both the open chunk and the run it was just sealed into).
     */
    private static Samples sortDistinct(long[] t, double[] v) {
        Integer[] order = new Integer[t.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(t[a], t[b]));
        long[] st = new long[t.length];
        double[] sv = new double[t.length];
        int n = 0;
        for (int idx : order) {
            if (n > 0 && st[n - 1] == t[idx]) {
                continue;
            }
            st[n] = t[idx];
            sv[n++] = v[idx];
        }
        return new Samples(st, sv, n);
    }

    /**
     * Drops samples older than {@code minTime}; returns how many were dropped. The newest timestamp stays, so
     * the out-of-order window still measures from it after a flush took every sample. Committing thread only.
     */
    int truncateBefore(long minTime) {
        if (total == 0 || minT >= minTime) {
            return 0;
        }
        int dropped = 0;
        Runs r = runs;
        Runs kept = new Runs(Math.max(4, r.count));
        long newMin = Long.MAX_VALUE;
        for (int i = 0; i < r.count; i++) {
            if (r.maxTimes[i] < minTime) {
                dropped += r.lengths[i];
                continue;
            }
            int start = r.starts[i];
            int end = start + r.lengths[i];
            int from = r.minTimes[i] < minTime ? lowerBound(r.batches[i], start, end, minTime) : start;
            dropped += from - start;
            int k = kept.count++;
            kept.batches[k] = r.batches[i];
            kept.starts[k] = from;
            kept.lengths[k] = end - from;
            kept.minTimes[k] = r.batches[i].timestamp(from);
            kept.maxTimes[k] = r.maxTimes[i];
            newMin = Math.min(newMin, kept.minTimes[k]);
        }
        runs = kept;
        int n = openCount;
        int cut = lowerBound(open, n, minTime);
        if (cut > 0) {
            int v = version;
            VERSION.setRelease(this, v + 1);
            VarHandle.storeStoreFence();
            System.arraycopy(open, 2 * cut, open, 0, 2 * (n - cut));
            OPEN_COUNT.setRelease(this, n - cut);
            VERSION.setRelease(this, v + 2);
            dropped += cut;
        }
        if (openCount > 0) {
            newMin = Math.min(newMin, open[0]);
        }
        TOTAL.setRelease(this, total - dropped);
        minT = newMin;
        return dropped;
    }

    /** Heap bytes held for samples (the open chunk by capacity and the run list); the arena counts its own. */
    long sampleBytes() {
        Runs r = runs;
        return 8L * ((long[]) OPEN.getAcquire(this)).length + 40L * r.batches.length;
    }

    /** First pair index in {@code [0, n)} whose timestamp is {@code >= t}. */
    private static int lowerBound(long[] pairs, int n, long t) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pairs[2 * mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First pair index in {@code [0, n)} whose timestamp is {@code > t}. */
    private static int upperBound(long[] pairs, int n, long t) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pairs[2 * mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First row in {@code [from, to)} whose timestamp is {@code >= t}. */
    private static int lowerBound(SealedArena.Batch b, int from, int to, long t) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (b.timestamp(mid) < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First row in {@code [from, to)} whose timestamp is {@code > t}. */
    private static int upperBoundRows(SealedArena.Batch b, int from, int to, long t) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (b.timestamp(mid) <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
