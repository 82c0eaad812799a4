package io.sextant.server.config;

import static java.util.Objects.requireNonNull;

import io.sextant.ingest.IngestLimits;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.wal.WalOptions;
import java.nio.file.Path;
import java.time.Duration;

/** The effective configuration of one server: defaults, then the config file, then the flags. */
public record SextantConfig(
        Http http, Storage storage, IngestLimits ingest, Duration selfScrapeInterval, String logLevel) {
    public SextantConfig {
        requireNonNull(http, "http is null");
        requireNonNull(storage, "storage is null");
        requireNonNull(ingest, "ingest is null");
        requireNonNull(selfScrapeInterval, "selfScrapeInterval is null");
        requireNonNull(logLevel, "logLevel is null");
    }

    /** The HTTP listener. */
    public record Http(String address, int port, Duration shutdownTimeout) {
        public Http {
            requireNonNull(address, "address is null");
            requireNonNull(shutdownTimeout, "shutdownTimeout is null");
        }
    }

    /** The metrics store and its WAL. */
    public record Storage(
            Path dataDir,
            WalOptions.SyncPolicy walSync,
            Duration walSyncInterval,
            long walSegmentBytes,
            Duration outOfOrderWindow,
            Duration retention,
            Duration maxFuture,
            long checkpointWalBytes,
            int maxExemplarsPerTenant) {
        public Storage {
            requireNonNull(dataDir, "dataDir is null");
            requireNonNull(walSync, "walSync is null");
            requireNonNull(walSyncInterval, "walSyncInterval is null");
            requireNonNull(outOfOrderWindow, "outOfOrderWindow is null");
            requireNonNull(retention, "retention is null");
            requireNonNull(maxFuture, "maxFuture is null");
        }

        public StoreOptions toStoreOptions() {
            return new StoreOptions(
                    dataDir,
                    walSync,
                    walSyncInterval,
                    walSegmentBytes,
                    outOfOrderWindow,
                    retention,
                    maxFuture,
                    checkpointWalBytes,
                    maxExemplarsPerTenant);
        }
    }
}
