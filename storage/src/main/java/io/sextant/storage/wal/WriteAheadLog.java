package io.sextant.storage.wal;

import java.io.Closeable;

/**
 * A segmented, checksummed write-ahead log of opaque records. The record payloads are the caller's (the
 * metrics head encodes batches into them); the log owns framing, segments, durability, replay and
 * truncation. The on-disk format is specified in {@code FORMAT.md} beside this file.
 *
 * <p>Life cycle: {@code open} → {@link #replay} once → any number of {@link #append}/{@link #awaitDurable}
 * (from many threads) and {@link #checkpoint} (from one thread at a time) → {@link #close}.
 */
public interface WriteAheadLog extends Closeable {
    /** Receives records during replay, in log order. */
    @FunctionalInterface
    interface RecordHandler {
        /**
         * One record. {@code buf[off, off+len)} is valid only during the call. {@code fromCheckpoint} is true
         * for records read from the checkpoint rather than from a segment.
         */
        void onRecord(byte type, byte[] buf, int off, int len, boolean fromCheckpoint);
    }

    /** Writes the records of a checkpoint (a snapshot of the state the caller needs to keep). */
    @FunctionalInterface
    interface CheckpointSource {
        void writeTo(RecordSink sink);
    }

    /** Accepts records for a checkpoint. */
    interface RecordSink {
        void write(byte type, byte[] buf, int off, int len);
    }

    /** What replay found: records read, bytes, and the damage it repaired or skipped. */
    record ReplayStats(
            long records, long bytes, long segments, long tornTailBytesTruncated, long corruptRecordsSkipped) {}

    /**
     * Reads the newest complete checkpoint and every segment after it, handing each intact record to the
     * handler. A torn record at the tail of the last segment is cut off (logged); a corrupt record in the
     * middle is reported (logged, counted) and skipped, and everything after it is still recovered. Must be
     * called once, before the first append.
     */
    ReplayStats replay(RecordHandler handler);

    /**
     * Appends one record and returns its sequence number. Thread-safe; the record is written in order
     * relative to other appends but not necessarily synced: call {@link #awaitDurable}.
     *
     * @throws io.sextant.storage.SextantException {@code EXTERNAL_FAILURE} when the disk write fails
     */
    long append(byte type, byte[] buf, int off, int len);

    /**
     * Blocks until the record with sequence {@code seq} (and all before it) is durable as the sync policy
     * demands: with {@code FSYNC} on disk (concurrent callers share one fsync: group commit); with
     * {@code BATCH_INTERVAL} this returns at once and a background thread syncs within the interval.
     */
    void awaitDurable(long seq);

    /**
     * Blocks until the record with sequence {@code seq} (and all before it) is on disk, whatever the sync
     * policy: for records that other files' durability depends on (the head's FLUSH record before the blocks
     * it names are published).
     */
    void sync(long seq);

    /**
     * Starts a new segment, writes a checkpoint from {@code source} durably (temp dir, fsync, rename), then
     * deletes the segments and older checkpoints it replaces. The source must capture at least every record
     * appended before this call; records appended concurrently may appear in both the checkpoint and the
     * next segment, so replay handlers must be idempotent.
     */
    void checkpoint(CheckpointSource source);

    /** Total bytes in segments and checkpoint on disk. */
    long diskBytes();

    /** Syncs and closes. Appends after close fail. */
    @Override
    void close();
}
