package io.sextant.server.config;

import static java.util.Objects.requireNonNull;

import io.sextant.ingest.IngestLimits;
import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.RetentionPolicy;
import io.sextant.storage.SextantException;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.object.ObjectStoreConfig;
import io.sextant.storage.object.S3Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** The effective configuration of one server: defaults, then the config file, then the flags. */
public record SextantConfig(
        Http http,
        StoreOptions storage,
        IngestLimits ingest,
        Query query,
        Duration selfScrapeInterval,
        String logLevel,
        RetentionPolicy retention,
        ObjectStore objectStore) {
    public SextantConfig {
        requireNonNull(http, "http is null");
        requireNonNull(query, "query is null");
        requireNonNull(storage, "storage is null");
        requireNonNull(ingest, "ingest is null");
        requireNonNull(selfScrapeInterval, "selfScrapeInterval is null");
        requireNonNull(logLevel, "logLevel is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(objectStore, "objectStore is null");
    }

    /**
     * Where the cold tier keeps its rollup blocks, as configured ({@code object-store.*}). Checked when the server
     * starts ({@link #toConfig}), so that each setting can be given on its own.
     *
     * @param type {@code local} or {@code s3}
     * @param localDir with {@code local}, the directory; empty for {@code objects/} below the data directory
     * @param s3Endpoint empty for AWS S3's own endpoint in the region
     * @param s3AccessKey empty, with an empty secret, for the AWS SDK's default credential chain
     * @param cacheMaxBytes the local read cache ({@code cache/} below the data directory)
     */
    public record ObjectStore(
            String type,
            String localDir,
            String s3Endpoint,
            String s3Region,
            String s3Bucket,
            String s3Prefix,
            boolean s3PathStyle,
            String s3AccessKey,
            String s3SecretKey,
            long cacheMaxBytes) {
        public ObjectStore {
            requireNonNull(type, "type is null");
            requireNonNull(localDir, "localDir is null");
            requireNonNull(s3Endpoint, "s3Endpoint is null");
            requireNonNull(s3Region, "s3Region is null");
            requireNonNull(s3Bucket, "s3Bucket is null");
            requireNonNull(s3Prefix, "s3Prefix is null");
            requireNonNull(s3AccessKey, "s3AccessKey is null");
            requireNonNull(s3SecretKey, "s3SecretKey is null");
        }

        /**
         * The store's configuration below {@code dataDir}.
         *
         * @throws io.sextant.storage.SextantException naming the {@code object-store.*} key at fault
         */
        public ObjectStoreConfig toConfig(Path dataDir) {
            ObjectStoreConfig c =
                    switch (ObjectStoreConfig.Type.parse(type)) {
                        case LOCAL ->
                            ObjectStoreConfig.local(
                                    localDir.isEmpty() ? dataDir.resolve("objects") : Path.of(localDir));
                        case S3 ->
                            ObjectStoreConfig.s3(new S3Settings(
                                    s3Endpoint.isEmpty() ? null : endpoint(s3Endpoint),
                                    s3Region,
                                    s3Bucket.isEmpty() ? null : s3Bucket,
                                    s3Prefix,
                                    s3PathStyle,
                                    s3AccessKey.isEmpty() ? null : s3AccessKey,
                                    s3SecretKey.isEmpty() ? null : s3SecretKey));
                    };
            return c.withCache(dataDir.resolve("cache"), cacheMaxBytes);
        }

        private static URI endpoint(String value) {
            try {
                return new URI(value);
            } catch (URISyntaxException e) {
                throw new SextantException(
                        ErrorCode.BAD_DATA,
                        "object-store.s3.endpoint is not a URI: \"" + value + "\" (" + e.getReason() + ")");
            }
        }

        @Override
        public String toString() {
            return "ObjectStore[type=" + type + ", localDir=" + localDir + ", s3Endpoint=" + s3Endpoint + ", s3Region="
                    + s3Region + ", s3Bucket=" + s3Bucket + ", s3Prefix=" + s3Prefix + ", s3PathStyle=" + s3PathStyle
                    + ", s3AccessKey=" + s3AccessKey + ", s3SecretKey=" + (s3SecretKey.isEmpty() ? "" : "<hidden>")
                    + ", cacheMaxBytes=" + cacheMaxBytes + "]";
        }
    }

    /** The HTTP listener. */
    public record Http(String address, int port, Duration shutdownTimeout) {
        public Http {
            requireNonNull(address, "address is null");
            requireNonNull(shutdownTimeout, "shutdownTimeout is null");
        }
    }

    /**
     * The PromQL engine: lookback window, sample limit, timeout, concurrency and the enabled features.
     *
     * @param maxConcurrency the most queries evaluated at once
     */
    public record Query(
            Duration lookbackDelta, long maxSamples, Duration timeout, int maxConcurrency, Set<QueryFeature> features) {
        public Query {
            requireNonNull(lookbackDelta, "lookbackDelta is null");
            requireNonNull(timeout, "timeout is null");
            features = Set.copyOf(requireNonNull(features, "features is null"));
        }

        /** The parser switches the features turn on; duration expressions are always on, as in Prometheus 3.14. */
        public ParserOptions parserOptions() {
            return new ParserOptions(
                    features.contains(QueryFeature.EXPERIMENTAL_FUNCTIONS),
                    true,
                    features.contains(QueryFeature.EXTENDED_RANGE_SELECTORS),
                    features.contains(QueryFeature.BINOP_FILL_MODIFIERS),
                    features.contains(QueryFeature.DELAYED_NAME_REMOVAL));
        }

        /** The engine options; subqueries without a step use 1m, Prometheus' default evaluation interval. */
        public EngineOptions engineOptions() {
            return new EngineOptions(
                    lookbackDelta.toMillis(),
                    EngineOptions.DEFAULTS.defaultSubqueryStepMs(),
                    maxSamples,
                    features.contains(QueryFeature.DELAYED_NAME_REMOVAL));
        }
    }
}
