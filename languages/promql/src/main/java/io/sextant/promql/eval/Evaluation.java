package io.sextant.promql.eval;

import io.sextant.promql.parser.ParsedQuery;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Querier;
import io.sextant.storage.SextantException;

/** One query's evaluation over a step grid. */
final class Evaluation {
    private final Engine engine;
    private final Querier querier;
    private final String tenant;
    private final ParsedQuery query;
    private final StepGrid grid;

    Evaluation(Engine engine, Querier querier, String tenant, ParsedQuery query, StepGrid grid) {
        this.engine = engine;
        this.querier = querier;
        this.tenant = tenant;
        this.query = query;
        this.grid = grid;
    }

    QueryResult run(boolean rangeQuery) {
        throw new SextantException(
                ErrorCode.INTERNAL,
                "PromQL evaluation is not implemented yet: " + query.query() + " (" + engine + querier + tenant + grid
                        + rangeQuery + ")");
    }
}
