package io.sextant.storage.head;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.wal.WalOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the metrics store.
 *
 * @param dataDir root of everything the store writes ({@code wal/} lives below it)
 * @param walSync when a write counts as durable
 * @param walSyncInterval with {@link WalOptions.SyncPolicy#BATCH_INTERVAL}, the longest unsynced time
 * @param walSegmentBytes size at which a WAL segment is closed
 * @param outOfOrderWindow how far behind a series' newest sample a late sample is still accepted
 * @param retention samples older than now minus this are rejected and dropped from the head
 * @param maxFuture samples newer than now plus this are rejected
 * @param checkpointWalBytes a checkpoint is written once the WAL exceeds this many bytes
 * @param exemplarsPerTenant capacity of each tenant's exemplar ring buffer
 * @param flushInterval the head is cut into warm blocks at every multiple of this, once the out-of-order window
 *     has passed it
 * @param headMaxBytes above this estimated head size, the head is cut early (up to the out-of-order window)
 */
public record StoreOptions(
        Path dataDir,
        WalOptions.SyncPolicy walSync,
        Duration walSyncInterval,
        long walSegmentBytes,
        Duration outOfOrderWindow,
        Duration retention,
        Duration maxFuture,
        long checkpointWalBytes,
        int exemplarsPerTenant,
        Duration flushInterval,
        long headMaxBytes) {
    public StoreOptions {
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(walSync, "walSync is null");
        requireNonNull(walSyncInterval, "walSyncInterval is null");
        requireNonNull(outOfOrderWindow, "outOfOrderWindow is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(maxFuture, "maxFuture is null");
        if (outOfOrderWindow.isNegative() || retention.isNegative() || retention.isZero() || maxFuture.isNegative()) {
            throw new IllegalArgumentException("outOfOrderWindow, retention and maxFuture must not be negative");
        }
        requireNonNull(flushInterval, "flushInterval is null");
        if (flushInterval.toMillis() < 1000 || headMaxBytes <= 0) {
            throw new IllegalArgumentException("flushInterval must be at least 1s and headMaxBytes positive");
        }
        if (exemplarsPerTenant < 0) {
            throw new IllegalArgumentException("exemplarsPerTenant must be >= 0");
        }
    }

    /**
     * The embedded defaults: fsync per write, 10m out-of-order window, 15d retention, 10m future, blocks of 15m
     * (as InfluxDB 3 persists its buffer every 10 minutes: small enough that the head stays a few hundred MB at
     * 100k series, large enough that a block holds 60 samples per series), head cut early above 128 MiB.
     */
    public static StoreOptions defaults(Path dataDir) {
        return new StoreOptions(
                dataDir,
                WalOptions.SyncPolicy.FSYNC,
                Duration.ofMillis(100),
                WalOptions.DEFAULT_SEGMENT_BYTES,
                Duration.ofMinutes(10),
                Duration.ofDays(15),
                Duration.ofMinutes(10),
                1L << 30,
                100_000,
                Duration.ofMinutes(15),
                128L << 20);
    }

    public StoreOptions withDataDir(Path dir) {
        return new StoreOptions(
                dir,
                walSync,
                walSyncInterval,
                walSegmentBytes,
                outOfOrderWindow,
                retention,
                maxFuture,
                checkpointWalBytes,
                exemplarsPerTenant,
                flushInterval,
                headMaxBytes);
    }

    public StoreOptions withWalSync(WalOptions.SyncPolicy policy) {
        return new StoreOptions(
                dataDir,
                policy,
                walSyncInterval,
                walSegmentBytes,
                outOfOrderWindow,
                retention,
                maxFuture,
                checkpointWalBytes,
                exemplarsPerTenant,
                flushInterval,
                headMaxBytes);
    }

    public StoreOptions withCheckpointWalBytes(long bytes) {
        return new StoreOptions(
                dataDir,
                walSync,
                walSyncInterval,
                walSegmentBytes,
                outOfOrderWindow,
                retention,
                maxFuture,
                bytes,
                exemplarsPerTenant,
                flushInterval,
                headMaxBytes);
    }

    public StoreOptions withFlush(Duration interval, long maxHeadBytes) {
        return new StoreOptions(
                dataDir,
                walSync,
                walSyncInterval,
                walSegmentBytes,
                outOfOrderWindow,
                retention,
                maxFuture,
                checkpointWalBytes,
                exemplarsPerTenant,
                interval,
                maxHeadBytes);
    }
}
