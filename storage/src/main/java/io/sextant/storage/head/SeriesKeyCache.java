package io.sextant.storage.head;

import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * Maps a sender's wire encoding of a label set (the raw protobuf bytes of a remote-write series' labels)
 * to a series ref, so the decode path resolves known series without building strings. Lookups are
 * optimistic reads that never write shared memory; inserts (new series, rare) take the write lock.
 *
 * <p>Open addressing with linear probing over one {@code long[]} of 4-long slots (hash; ref and key length;
 * key location; unused), two slots per cache line, and the key bytes in append-only pages. With a hundred
 * thousand series neither fits in the CPU caches, so a lookup costs about two memory misses: the slot and
 * the key bytes it compares against.
 */
final class SeriesKeyCache {
    private static final int STRIDE = 4;
    private static final int FIRST_PAGE = 4 << 10;
    private static final int MAX_PAGE = 1 << 20;

    private static final class Table {
        final long[] slots;
        final int mask;
        int size;

        Table(int capacity) {
            slots = new long[capacity * STRIDE];
            mask = capacity - 1;
        }
    }

    private final StampedLock lock = new StampedLock();
    private volatile Table table = new Table(1024);
    // Key bytes; a page is never moved or changed once a slot points into it. Grown under the write lock.
    private volatile byte[][] pages = {new byte[FIRST_PAGE]};
    private int pageCount = 1;
    private int pageUsed;
    private long pageBytes = FIRST_PAGE;

    int get(byte[] buf, int off, int len, long hash) {
        long stamp = lock.tryOptimisticRead();
        int ref = probe(table, pages, buf, off, len, hash);
        if (lock.validate(stamp)) {
            return ref;
        }
        stamp = lock.readLock();
        try {
            return probe(table, pages, buf, off, len, hash);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The ref of the key, or -1. Under an optimistic read any slot may be torn; the caller validates. */
    private static int probe(Table t, byte[][] pages, byte[] buf, int off, int len, long hash) {
        long[] slots = t.slots;
        int i = (int) mix(hash) & t.mask;
        for (int n = 0; n <= t.mask; n++) {
            int s = i * STRIDE;
            long meta = slots[s + 1];
            if (meta == 0) {
                return -1;
            }
            if (slots[s] == hash && (int) meta == len) {
                long where = slots[s + 2];
                int page = (int) (where >>> 32);
                byte[] p = page < pages.length ? pages[page] : null;
                if (p != null) {
                    int at = (int) where;
                    if (at >= 0 && at <= p.length - len && Arrays.equals(p, at, at + len, buf, off, off + len)) {
                        return (int) (meta >>> 32) - 1;
                    }
                }
            }
            i = (i + 1) & t.mask;
        }
        return -1;
    }

    void put(byte[] buf, int off, int len, long hash, int ref) {
        long stamp = lock.writeLock();
        try {
            Table t = table;
            if ((t.size + 1) * 2 > t.mask + 1) {
                t = resize(t);
                table = t;
            }
            long[] slots = t.slots;
            byte[][] p = pages;
            int i = (int) mix(hash) & t.mask;
            long meta = ((long) (ref + 1) << 32) | (len & 0xffffffffL);
            while (slots[i * STRIDE + 1] != 0) {
                int s = i * STRIDE;
                long where = slots[s + 2];
                int at = (int) where;
                if (slots[s] == hash
                        && (int) slots[s + 1] == len
                        && Arrays.equals(p[(int) (where >>> 32)], at, at + len, buf, off, off + len)) {
                    slots[s + 1] = meta;
                    return;
                }
                i = (i + 1) & t.mask;
            }
            int s = i * STRIDE;
            slots[s] = hash;
            slots[s + 2] = store(buf, off, len);
            slots[s + 1] = meta;
            t.size++;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Copies a key into the pages; returns its location (page index, offset). */
    private long store(byte[] buf, int off, int len) {
        byte[][] p = pages;
        int page = pageCount - 1;
        if (len > p[page].length - pageUsed) {
            if (pageCount == p.length) {
                p = Arrays.copyOf(p, p.length * 2);
            }
            // Pages double up to a limit (a tenant with few series stays small); a longer key gets its own.
            int size = Math.max(len, Math.min(MAX_PAGE, 2 * p[page].length));
            page = pageCount++;
            p[page] = new byte[size];
            pages = p;
            pageUsed = 0;
            pageBytes += size;
        }
        System.arraycopy(buf, off, p[page], pageUsed, len);
        long where = ((long) page << 32) | pageUsed;
        pageUsed += len;
        return where;
    }

    private static Table resize(Table old) {
        Table t = new Table((old.mask + 1) * 2);
        long[] from = old.slots;
        for (int j = 0; j < from.length; j += STRIDE) {
            if (from[j + 1] != 0) {
                int i = (int) mix(from[j]) & t.mask;
                while (t.slots[i * STRIDE + 1] != 0) {
                    i = (i + 1) & t.mask;
                }
                System.arraycopy(from, j, t.slots, i * STRIDE, STRIDE);
                t.size++;
            }
        }
        return t;
    }

    /** Spreads senders' hashes that may be weak in the low bits. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    long sizeInBytes() {
        long stamp = lock.readLock();
        try {
            return pageBytes + table.slots.length * 8L;
        } finally {
            lock.unlockRead(stamp);
        }
    }
}
