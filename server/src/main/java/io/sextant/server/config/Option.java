package io.sextant.server.config;

import io.sextant.ingest.IngestLimits;
import io.sextant.storage.RetentionPolicy;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.text.Durations;
import io.sextant.storage.wal.WalOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of the server: its config-file key, its command-line flag, its default and its meaning. The
 * file, the flags, {@code --help}, {@code --print-config} and {@code docs/configuration.md} all come from this
 * one list, so a setting cannot exist in one place and not the other.
 */
enum Option {
    HTTP_ADDRESS(
            "http.address",
            "--http-address",
            "HOST",
            Kind.HOST,
            "0.0.0.0",
            "Address the HTTP server listens on; 0.0.0.0 is every interface, as Prometheus does."),
    HTTP_PORT("http.port", "--http-port", "PORT", Kind.PORT, "9555", "Port of the HTTP server (0 picks a free one)."),
    SHUTDOWN_TIMEOUT(
            "http.shutdown-timeout",
            "--shutdown-timeout",
            "DURATION",
            Kind.DURATION,
            "10s",
            "On SIGTERM, how long requests in flight may take to finish before they are cut off."),
    DATA_DIR(
            "storage.data-dir",
            "--data-dir",
            "DIR",
            Kind.PATH,
            "./data",
            "Directory of everything the store writes (the WAL lives in its wal/ subdirectory)."),
    WAL_SYNC(
            "storage.wal.sync",
            "--wal-sync",
            "POLICY",
            Kind.SYNC_POLICY,
            "fsync",
            "When a write is durable: fsync (before the write is acknowledged) or batch-interval (within"
                    + " --wal-sync-interval after it)."),
    WAL_SYNC_INTERVAL(
            "storage.wal.sync-interval",
            "--wal-sync-interval",
            "DURATION",
            Kind.POSITIVE_DURATION,
            Durations.format(Defaults.STORE.walSyncInterval()),
            "With --wal-sync batch-interval, the longest time an acknowledged write stays unsynced."),
    WAL_SEGMENT_SIZE(
            "storage.wal.segment-size",
            "--wal-segment-size",
            "SIZE",
            Kind.SEGMENT_SIZE,
            ByteSizes.format(WalOptions.DEFAULT_SEGMENT_BYTES),
            "Size at which a WAL segment is closed and a new one started (at least 4KiB)."),
    OUT_OF_ORDER_WINDOW(
            "storage.out-of-order-window",
            "--ooo-window",
            "DURATION",
            Kind.DURATION,
            Durations.format(Defaults.STORE.outOfOrderWindow()),
            "How far behind a series' newest sample a late sample is still accepted."),
    RETENTION(
            "storage.retention",
            "--retention",
            "DURATION",
            Kind.POSITIVE_DURATION,
            Durations.format(Defaults.STORE.retention()),
            "Samples older than now minus this are rejected and dropped from the store."),
    RETENTION_5M(
            "storage.retention-5m",
            "--retention-5m",
            "DURATION",
            Kind.POSITIVE_DURATION,
            "90d",
            "How long the cold tier keeps 5m rollups (outliving raw samples, so old panels still draw)."),
    RETENTION_1H(
            "storage.retention-1h",
            "--retention-1h",
            "DURATION",
            Kind.POSITIVE_DURATION,
            "1y",
            "How long the cold tier keeps 1h rollups."),
    TENANT_RETENTION(
            "storage.tenant-retention",
            "--tenant-retention",
            "SPEC",
            Kind.TENANT_RETENTION,
            "",
            "Per-tenant retention overrides, tenant:tier=duration[,tier=duration][;tenant:...] with tier raw, 5m or"
                    + " 1h, e.g. acme:raw=7d,1h=2y;beta:5m=30d."),
    MAX_FUTURE(
            "storage.max-future",
            "--max-future",
            "DURATION",
            Kind.DURATION,
            Durations.format(Defaults.STORE.maxFuture()),
            "Samples newer than now plus this are rejected."),
    CHECKPOINT_WAL_SIZE(
            "storage.checkpoint-wal-size",
            "--checkpoint-wal-size",
            "SIZE",
            Kind.SIZE,
            ByteSizes.format(Defaults.STORE.checkpointWalBytes()),
            "A checkpoint is written (and older WAL segments deleted) once the WAL exceeds this size."),
    MAX_EXEMPLARS_PER_TENANT(
            "storage.max-exemplars-per-tenant",
            "--max-exemplars-per-tenant",
            "N",
            Kind.COUNT_OR_ZERO,
            Integer.toString(Defaults.STORE.exemplarsPerTenant()),
            "Capacity of each tenant's exemplar buffer (the newest are kept; 0 keeps none)."),
    FLUSH_INTERVAL(
            "storage.flush-interval",
            "--flush-interval",
            "DURATION",
            Kind.POSITIVE_DURATION,
            Durations.format(Defaults.STORE.flushInterval()),
            "Span of head data per warm (Parquet) block: the head is cut at every multiple of this once the"
                    + " out-of-order window has passed it."),
    HEAD_MAX_MEMORY(
            "storage.head-max-memory",
            "--head-max-memory",
            "SIZE",
            Kind.SIZE,
            ByteSizes.format(Defaults.STORE.headMaxBytes()),
            "When the head's estimated memory exceeds this, it is cut into warm blocks early, up to the"
                    + " out-of-order window."),
    OBJECT_STORE_TYPE(
            "object-store.type",
            "--object-store.type",
            "TYPE",
            Kind.TEXT,
            "local",
            "Where the cold tier's rollup blocks live: local (a directory) or s3 (any S3-compatible service)."),
    OBJECT_STORE_LOCAL_DIR(
            "object-store.local.dir",
            "--object-store.local.dir",
            "DIR",
            Kind.TEXT,
            "",
            "With object-store.type local, the directory; empty for objects/ below the data directory."),
    OBJECT_STORE_S3_ENDPOINT(
            "object-store.s3.endpoint",
            "--object-store.s3.endpoint",
            "URL",
            Kind.TEXT,
            "",
            "The S3-compatible service's URL (MinIO, Ceph, R2, ...); empty for AWS S3 in the region."),
    OBJECT_STORE_S3_REGION(
            "object-store.s3.region",
            "--object-store.s3.region",
            "REGION",
            Kind.TEXT,
            "us-east-1",
            "The signing region."),
    OBJECT_STORE_S3_BUCKET(
            "object-store.s3.bucket",
            "--object-store.s3.bucket",
            "BUCKET",
            Kind.TEXT,
            "",
            "An existing bucket (required with object-store.type s3)."),
    OBJECT_STORE_S3_PREFIX(
            "object-store.s3.prefix",
            "--object-store.s3.prefix",
            "PREFIX",
            Kind.TEXT,
            "",
            "Prepended to every key, so that deployments can share a bucket."),
    OBJECT_STORE_S3_PATH_STYLE(
            "object-store.s3.path-style",
            "--object-store.s3.path-style",
            "BOOL",
            Kind.BOOL,
            "true",
            "Address buckets as endpoint/bucket (MinIO and most servers) rather than bucket.endpoint."),
    OBJECT_STORE_S3_ACCESS_KEY(
            "object-store.s3.access-key",
            "--object-store.s3.access-key",
            "KEY",
            Kind.TEXT,
            "",
            "Static credentials with the secret key; empty for the AWS SDK's default chain (environment,"
                    + " profile, instance role)."),
    OBJECT_STORE_S3_SECRET_KEY(
            "object-store.s3.secret-key",
            "--object-store.s3.secret-key",
            "SECRET",
            Kind.SECRET,
            "",
            "The access key's secret; never printed (prefer AWS_SECRET_ACCESS_KEY in the environment)."),
    OBJECT_STORE_CACHE_MAX_SIZE(
            "object-store.cache.max-size",
            "--object-store.cache.max-size",
            "SIZE",
            Kind.SIZE,
            "1GiB",
            "Local read cache of cold blocks (cache/ below the data directory)."),
    MAX_BODY_SIZE(
            "ingest.max-body-size",
            "--max-body-size",
            "SIZE",
            Kind.INT_SIZE,
            ByteSizes.format(IngestLimits.DEFAULTS.maxBodyBytes()),
            "Largest request body as received, compressed (413 beyond). Applies to every endpoint."),
    MAX_DECOMPRESSED_SIZE(
            "ingest.max-decompressed-size",
            "--max-decompressed-size",
            "SIZE",
            Kind.INT_SIZE,
            ByteSizes.format(IngestLimits.DEFAULTS.maxDecompressedBytes()),
            "Largest ingest body after snappy/gzip decompression (413 beyond)."),
    MAX_LABELS_PER_SERIES(
            "ingest.max-labels-per-series",
            "--max-labels-per-series",
            "N",
            Kind.COUNT,
            Integer.toString(IngestLimits.DEFAULTS.maxLabelsPerSeries()),
            "Most labels a series may have, __name__ included (400 beyond)."),
    MAX_LABEL_NAME_LENGTH(
            "ingest.max-label-name-length",
            "--max-label-name-length",
            "N",
            Kind.COUNT,
            Integer.toString(IngestLimits.DEFAULTS.maxLabelNameLength()),
            "Longest label name in UTF-8 bytes (400 beyond)."),
    MAX_LABEL_VALUE_LENGTH(
            "ingest.max-label-value-length",
            "--max-label-value-length",
            "N",
            Kind.COUNT,
            Integer.toString(IngestLimits.DEFAULTS.maxLabelValueLength()),
            "Longest label value in UTF-8 bytes (400 beyond)."),
    MAX_SAMPLES_PER_REQUEST(
            "ingest.max-samples-per-request",
            "--max-samples-per-request",
            "N",
            Kind.COUNT,
            Integer.toString(IngestLimits.DEFAULTS.maxSamplesPerRequest()),
            "Most samples plus exemplars in one ingest request (413 beyond)."),
    QUERY_LOOKBACK_DELTA(
            "query.lookback-delta",
            "--query.lookback-delta",
            "DURATION",
            Kind.POSITIVE_DURATION,
            "5m",
            "How far back an instant selector looks for a sample; the API's lookback_delta overrides it per query."),
    QUERY_MAX_SAMPLES(
            "query.max-samples",
            "--query.max-samples",
            "N",
            Kind.COUNT,
            "50000000",
            "Most samples a query may hold in memory at once (422 execution error beyond)."),
    QUERY_TIMEOUT(
            "query.timeout",
            "--query.timeout",
            "DURATION",
            Kind.POSITIVE_DURATION,
            "2m",
            "Longest a query may wait and run (503 timeout beyond); the API's timeout may only shorten it."),
    QUERY_MAX_CONCURRENCY(
            "query.max-concurrency",
            "--query.max-concurrency",
            "N",
            Kind.COUNT,
            "20",
            "Most queries evaluated at once; further queries wait, within their timeout."),
    ENABLE_FEATURE(
            "query.enable-feature",
            "--enable-feature",
            "FEATURES",
            Kind.FEATURES,
            "none",
            "Comma-separated PromQL features, as Prometheus' flag (repeatable): "
                    + String.join(", ", QueryFeature.NAMES)
                    + "."),
    SELF_SCRAPE_INTERVAL(
            "self-scrape.interval",
            "--self-scrape-interval",
            "DURATION",
            Kind.DURATION,
            "15s",
            "How often Sextant stores its own /metrics in the tenant \"sextant\" (0 disables)."),
    LOG_LEVEL(
            "log.level",
            "--log-level",
            "LEVEL",
            Kind.LOG_LEVEL,
            "info",
            "Least severe log level written to stderr: trace, debug, info, warn or error.");

    /** How a value is read and checked, and how it is written back. */
    enum Kind {
        PATH,
        HOST,
        PORT,
        DURATION,
        POSITIVE_DURATION,
        SIZE,
        INT_SIZE,
        SEGMENT_SIZE,
        COUNT,
        COUNT_OR_ZERO,
        SYNC_POLICY,
        LOG_LEVEL,
        FEATURES,
        TENANT_RETENTION,
        TEXT,
        BOOL,
        SECRET
    }

    static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error");

    final String key;
    final String flag;
    final String metavar;
    final Kind kind;
    final String defaultValue;
    final String description;

    Option(String key, String flag, String metavar, Kind kind, String defaultValue, String description) {
        this.key = key;
        this.flag = flag;
        this.metavar = metavar;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /**
     * The typed value of {@code text}.
     *
     * @throws IllegalArgumentException saying what is wrong, without naming the option
     */
    Object parse(String text) {
        String s = text.trim();
        return switch (kind) {
            case PATH -> {
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("empty path");
                }
                yield Path.of(s);
            }
            case HOST -> {
                if (s.isEmpty() || s.chars().anyMatch(Character::isWhitespace)) {
                    throw new IllegalArgumentException("not a host name or address");
                }
                yield s;
            }
            case PORT -> {
                int port = integer(s);
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("port out of range 0-65535");
                }
                yield port;
            }
            case DURATION -> Durations.parse(s);
            case POSITIVE_DURATION -> {
                Duration d = Durations.parse(s);
                if (d.isZero()) {
                    throw new IllegalArgumentException("must be greater than 0");
                }
                yield d;
            }
            case SIZE -> ByteSizes.parse(s);
            case INT_SIZE -> {
                long bytes = ByteSizes.parse(s);
                if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("must be between 1 byte and 2GiB - 1");
                }
                yield (int) bytes;
            }
            case SEGMENT_SIZE -> {
                long bytes = ByteSizes.parse(s);
                if (bytes < 4096) {
                    throw new IllegalArgumentException("must be at least 4KiB");
                }
                yield bytes;
            }
            case COUNT, COUNT_OR_ZERO -> {
                int n = integer(s);
                if (n < 0 || (n == 0 && kind == Kind.COUNT)) {
                    throw new IllegalArgumentException(
                            kind == Kind.COUNT ? "must be at least 1" : "must not be negative");
                }
                yield n;
            }
            case SYNC_POLICY ->
                switch (s) {
                    case "fsync" -> WalOptions.SyncPolicy.FSYNC;
                    case "batch-interval" -> WalOptions.SyncPolicy.BATCH_INTERVAL;
                    default -> throw new IllegalArgumentException("expected fsync or batch-interval");
                };
            case FEATURES -> QueryFeature.parse(s);
            case TENANT_RETENTION -> RetentionPolicy.parseOverrides(s);
            case TEXT, SECRET -> s;
            case BOOL ->
                switch (s.toLowerCase(Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("expected true or false");
                };
            case LOG_LEVEL -> {
                String level = s.toLowerCase(Locale.ROOT);
                if (!LOG_LEVELS.contains(level)) {
                    throw new IllegalArgumentException("expected one of " + String.join(", ", LOG_LEVELS));
                }
                yield level;
            }
        };
    }

    /** The value as the config file and {@code --print-config} write it. */
    Object format(Object value) {
        return switch (kind) {
            case DURATION, POSITIVE_DURATION -> Durations.format((Duration) value);
            case SIZE, INT_SIZE, SEGMENT_SIZE -> ByteSizes.format(((Number) value).longValue());
            case SYNC_POLICY -> value == WalOptions.SyncPolicy.FSYNC ? "fsync" : "batch-interval";
            case PATH -> value.toString();
            case FEATURES -> QueryFeature.format(castFeatures(value));
            case TENANT_RETENTION -> RetentionPolicy.formatOverrides(castOverrides(value));
            case SECRET -> ((String) value).isEmpty() ? "" : "<hidden>";
            default -> value;
        };
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<RetentionPolicy.Tier, Duration>> castOverrides(Object value) {
        return (Map<String, Map<RetentionPolicy.Tier, Duration>>) value;
    }

    @SuppressWarnings("unchecked")
    private static Set<QueryFeature> castFeatures(Object value) {
        return (Set<QueryFeature>) value;
    }

    private static int integer(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
    }

    /** Defaults owned by the store and ingest modules, so each lives in one place. */
    private static final class Defaults {
        static final StoreOptions STORE = StoreOptions.defaults(Path.of("data"));
    }
}
