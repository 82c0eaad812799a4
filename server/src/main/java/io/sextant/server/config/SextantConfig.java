package io.sextant.server.config;

import static java.util.Objects.requireNonNull;

import io.sextant.ingest.IngestLimits;
import io.sextant.storage.head.StoreOptions;
import java.time.Duration;

/** The effective configuration of one server: defaults, then the config file, then the flags. */
public record SextantConfig(
        Http http, StoreOptions storage, IngestLimits ingest, Duration selfScrapeInterval, String logLevel) {
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
}
