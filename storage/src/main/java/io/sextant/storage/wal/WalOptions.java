package io.sextant.storage.wal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the write-ahead log is laid out and synced.
 *
 * @param directory where segments and checkpoints live (created if missing)
 * @param syncPolicy when a record counts as durable
 * @param syncInterval for {@link SyncPolicy#BATCH_INTERVAL}: the longest time a record may stay unsynced
 * @param segmentBytes a segment is closed and a new one started once it reaches this size
 */
public record WalOptions(Path directory, SyncPolicy syncPolicy, Duration syncInterval, long segmentBytes) {
    /** When an append is durable. */
    public enum SyncPolicy {
        /** {@code awaitDurable} returns after an fsync covering the record (group commit). The default. */
        FSYNC,
        /** {@code awaitDurable} returns at once; a background thread fsyncs every {@code syncInterval}. */
        BATCH_INTERVAL
    }

    public static final long DEFAULT_SEGMENT_BYTES = 128L << 20;

    public WalOptions {
        requireNonNull(directory, "directory is null");
        requireNonNull(syncPolicy, "syncPolicy is null");
        requireNonNull(syncInterval, "syncInterval is null");
        if (segmentBytes < 4096) {
            throw new IllegalArgumentException("segmentBytes must be at least 4096");
        }
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("syncInterval must be positive");
        }
    }
}
