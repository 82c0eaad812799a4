package io.sextant.storage.object;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.telemetry.Telemetry;

/** Opens the object store a configuration describes. */
public final class ObjectStores {
    private ObjectStores() {}

    /**
     * The configured store, retried as configured, behind the read cache if one is configured. The cache sits
     * outside the retries, so a hit costs no request and a miss is fetched with retries.
     */
    public static ObjectStore open(ObjectStoreConfig config, Telemetry telemetry) {
        requireNonNull(config, "config is null");
        requireNonNull(telemetry, "telemetry is null");
        ObjectStore base =
                switch (config.type()) {
                    case LOCAL -> LocalDirObjectStore.open(config.localDir());
                    case S3 -> S3ObjectStore.open(config.s3());
                };
        ObjectStore store =
                new RetryingObjectStore(base, config.retry(), telemetry, RetryingObjectStore.Sleeper.SYSTEM);
        if (config.cacheDir() == null) {
            return store;
        }
        try {
            return CachingObjectStore.open(store, config.cacheDir(), config.cacheMaxBytes(), telemetry);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }
}
