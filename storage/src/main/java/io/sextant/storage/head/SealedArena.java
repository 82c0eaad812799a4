package io.sextant.storage.head;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The sealed part of one tenant's head: Arrow record batches of {@code (timestamp, value)} rows into which
 * each series copies its open chunk when it fills. A series' sealed samples are runs of consecutive rows
 * (see {@link MemSeries}); rows of different series interleave. A batch is written only by the committing
 * thread and only past the rows already handed out, so readers need no lock to read a published run. Batches
 * are freed when everything in them has passed the retention; {@link #readLock()} keeps that from happening
 * while a reader copies.
 */
final class SealedArena implements AutoCloseable {
    /** Rows per batch: 1 MiB of data, large enough that the per-batch overhead does not matter. */
    static final int BATCH_ROWS = 1 << 16;

    static final Schema SCHEMA = new Schema(List.of(
            Field.notNullable("timestamp", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC")),
            Field.notNullable("value", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));

    /** One record batch; rows {@code [0, rows)} are written. */
    static final class Batch {
        final VectorSchemaRoot root;
        final ArrowBuf timestamps;
        final ArrowBuf values;
        private final int capacity;
        private int rows;
        private long maxTime = Long.MIN_VALUE;

        private Batch(BufferAllocator allocator, int capacity) {
            root = VectorSchemaRoot.create(SCHEMA, allocator);
            TimeStampMilliTZVector ts = (TimeStampMilliTZVector) root.getVector(0);
            Float8Vector v = (Float8Vector) root.getVector(1);
            ts.allocateNew(capacity);
            v.allocateNew(capacity);
            timestamps = ts.getDataBuffer();
            values = v.getDataBuffer();
            this.capacity = Math.min(ts.getValueCapacity(), v.getValueCapacity());
            // Every row a run writes is valid, and rows past the row count do not exist for readers: mark
            // them all valid once instead of bit by bit.
            ts.getValidityBuffer().setOne(0, ts.getValidityBuffer().capacity());
            v.getValidityBuffer().setOne(0, v.getValidityBuffer().capacity());
        }

        long timestamp(int row) {
            return timestamps.getLong(8L * row);
        }

        long valueBits(int row) {
            return values.getLong(8L * row);
        }

        int capacity() {
            return capacity;
        }

        int rows() {
            return rows;
        }
    }

    private final BufferAllocator allocator;
    private final int batchRows;
    private final ReentrantReadWriteLock freeing = new ReentrantReadWriteLock();
    private final List<Batch> batches = new ArrayList<>();
    private volatile long allocatedBytes;
    private Batch current;

    SealedArena(BufferAllocator allocator, int batchRows) {
        this.allocator = allocator;
        this.batchRows = batchRows;
    }

    /**
     * Copies {@code n} samples from {@code pairs} (interleaved timestamp and raw value bits, starting at pair
     * {@code from}) into consecutive rows of one batch, {@link #current()}; returns the first row. Committing
     * thread only.
     */
    int append(long[] pairs, int from, int n) {
        Batch b = current;
        if (b == null || b.rows + n > b.capacity()) {
            b = newBatch(Math.max(batchRows, n));
        }
        int row = b.rows;
        // The capacity check above bounds every write, so the rows are written without per-value checks.
        // Raw bits, not doubles: the staleness marker is a signalling NaN whose payload must survive.
        long ts = b.timestamps.memoryAddress() + 8L * row;
        long vs = b.values.memoryAddress() + 8L * row;
        for (int i = 0; i < n; i++) {
            int p = 2 * (from + i);
            MemoryUtil.putLong(ts + 8L * i, pairs[p]);
            MemoryUtil.putLong(vs + 8L * i, pairs[p + 1]);
        }
        long max = pairs[2 * (from + n - 1)];
        if (max > b.maxTime) {
            b.maxTime = max;
        }
        b.rows = row + n;
        b.root.setRowCount(b.rows);
        return row;
    }

    /** The batch the last {@link #append} wrote to. */
    Batch current() {
        return current;
    }

    private Batch newBatch(int capacity) {
        Batch b = new Batch(allocator, capacity);
        synchronized (batches) {
            batches.add(b);
        }
        current = b;
        allocatedBytes += 16L * b.capacity();
        return b;
    }

    /** Held by readers while they copy from batches. */
    ReentrantReadWriteLock.ReadLock readLock() {
        return freeing.readLock();
    }

    /**
     * Frees the batches whose newest row is older than {@code minTime}. The caller has already dropped every
     * run older than that from its series. Committing thread only; waits for readers in progress.
     */
    int freeBefore(long minTime) {
        List<Batch> dead = new ArrayList<>();
        synchronized (batches) {
            for (Batch b : batches) {
                if (b != current && b.maxTime < minTime) {
                    dead.add(b);
                }
            }
            if (dead.isEmpty()) {
                return 0;
            }
            batches.removeAll(dead);
        }
        freeing.writeLock().lock();
        try {
            for (Batch b : dead) {
                allocatedBytes -= 16L * b.capacity();
                b.root.close();
            }
        } finally {
            freeing.writeLock().unlock();
        }
        return dead.size();
    }

    /** Bytes of Arrow memory held, by capacity. */
    long allocatedBytes() {
        return allocatedBytes;
    }

    int batchCount() {
        synchronized (batches) {
            return batches.size();
        }
    }

    @Override
    public void close() {
        freeing.writeLock().lock();
        try {
            synchronized (batches) {
                for (Batch b : batches) {
                    b.root.close();
                }
                batches.clear();
                current = null;
                allocatedBytes = 0;
            }
        } finally {
            freeing.writeLock().unlock();
        }
    }
}
