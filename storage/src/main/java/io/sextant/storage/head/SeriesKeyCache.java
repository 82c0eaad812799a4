package io.sextant.storage.head;

import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * Maps a sender's wire encoding of a label set (the raw protobuf bytes of a remote-write series' labels)
 * to a series ref, so the decode path resolves known series without building strings. Lookups are
 * optimistic reads that never write shared memory; inserts (new series, rare) take the write lock.
 * Open addressing with linear probing; a slot holds the key's hash, its bytes and the ref.
 */
final class SeriesKeyCache {
    private static final class Table {
        final long[] hashes;
        final int[] refs;
        final byte[][] keys;
        final int mask;
        int size;

        Table(int capacity) {
            hashes = new long[capacity];
            refs = new int[capacity];
            keys = new byte[capacity][];
            mask = capacity - 1;
        }
    }

    private final StampedLock lock = new StampedLock();
    private volatile Table table = new Table(1024);
    private long keyBytes;

    int get(byte[] buf, int off, int len, long hash) {
        long stamp = lock.tryOptimisticRead();
        int ref = probe(table, buf, off, len, hash);
        if (lock.validate(stamp)) {
            return ref;
        }
        stamp = lock.readLock();
        try {
            return probe(table, buf, off, len, hash);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private static int probe(Table t, byte[] buf, int off, int len, long hash) {
        int i = (int) mix(hash) & t.mask;
        for (int n = 0; n <= t.mask; n++) {
            byte[] k = t.keys[i];
            if (k == null) {
                return -1;
            }
            if (t.hashes[i] == hash && k.length == len && Arrays.equals(k, 0, len, buf, off, off + len)) {
                return t.refs[i];
            }
            i = (i + 1) & t.mask;
        }
        return -1;
    }

    void put(byte[] buf, int off, int len, long hash, int ref) {
        long stamp = lock.writeLock();
        try {
            Table t = table;
            if ((t.size + 1) * 2 > t.keys.length) {
                t = resize(t);
                table = t;
            }
            int i = (int) mix(hash) & t.mask;
            while (t.keys[i] != null) {
                if (t.hashes[i] == hash && Arrays.equals(t.keys[i], 0, t.keys[i].length, buf, off, off + len)) {
                    t.refs[i] = ref;
                    return;
                }
                i = (i + 1) & t.mask;
            }
            t.hashes[i] = hash;
            t.refs[i] = ref;
            t.keys[i] = Arrays.copyOfRange(buf, off, off + len);
            t.size++;
            keyBytes += len + 16;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private static Table resize(Table old) {
        Table t = new Table(old.keys.length * 2);
        for (int j = 0; j < old.keys.length; j++) {
            byte[] k = old.keys[j];
            if (k != null) {
                int i = (int) mix(old.hashes[j]) & t.mask;
                while (t.keys[i] != null) {
                    i = (i + 1) & t.mask;
                }
                t.hashes[i] = old.hashes[j];
                t.refs[i] = old.refs[j];
                t.keys[i] = k;
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
            return keyBytes + table.keys.length * 20L;
        } finally {
            lock.unlockRead(stamp);
        }
    }
}
