package io.sextant.server.config;

import static java.util.Objects.requireNonNull;

import io.sextant.ingest.IngestLimits;
import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.storage.RetentionPolicy;
import io.sextant.storage.head.StoreOptions;
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
        RetentionPolicy retention) {
    public SextantConfig {
        requireNonNull(http, "http is null");
        requireNonNull(query, "query is null");
        requireNonNull(storage, "storage is null");
        requireNonNull(ingest, "ingest is null");
        requireNonNull(selfScrapeInterval, "selfScrapeInterval is null");
        requireNonNull(logLevel, "logLevel is null");
        requireNonNull(retention, "retention is null");
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
