package io.sextant.promql.eval;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.parser.ParsedQuery;
import io.sextant.storage.Querier;

/**
 * Evaluates parsed PromQL queries over a {@link Querier}, with Prometheus 3.x semantics. Errors are
 * {@link io.sextant.storage.SextantException}s: {@code QUERY_EXECUTION} for Prometheus' execution errors,
 * {@code BAD_DATA} for invalid parameters.
 */
public final class Engine {
    private final EngineOptions options;

    public Engine(EngineOptions options) {
        this.options = requireNonNull(options, "options is null");
    }

    public EngineOptions options() {
        return options;
    }

    /** An instant query at {@code timeMs}. */
    public QueryResult instant(Querier querier, String tenant, ParsedQuery query, long timeMs) {
        return new Evaluation(this, querier, tenant, query, new StepGrid(timeMs, timeMs, 1)).run(false);
    }

    /** A range query over {@code [startMs, endMs]} every {@code stepMs}; always a matrix. */
    public QueryResult range(Querier querier, String tenant, ParsedQuery query, long startMs, long endMs, long stepMs) {
        return new Evaluation(this, querier, tenant, query, new StepGrid(startMs, endMs, stepMs)).run(true);
    }
}
