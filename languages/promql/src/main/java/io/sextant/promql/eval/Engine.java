package io.sextant.promql.eval;

import static java.util.Objects.requireNonNull;

import io.sextant.planner.Tiering;
import io.sextant.promql.parser.ParsedQuery;
import io.sextant.promql.plan.PromPlanner;
import io.sextant.promql.plan.TierPlanning;
import io.sextant.storage.Querier;

/**
 * Evaluates parsed PromQL queries over a {@link Querier}, with Prometheus 3.x semantics. Errors are
 * {@link io.sextant.storage.SextantException}s: {@code QUERY_EXECUTION} for Prometheus' execution errors,
 * {@code BAD_DATA} for invalid parameters.
 */
public final class Engine {
    /** Distinct query texts whose plans are kept: a few hundred dashboards' panels. */
    private static final int PLAN_CACHE_SIZE = 1000;

    private final EngineOptions options;
    private final PromPlanner planner;

    public Engine(EngineOptions options) {
        this.options = requireNonNull(options, "options is null");
        this.planner = new PromPlanner(options, PLAN_CACHE_SIZE);
    }

    public EngineOptions options() {
        return options;
    }

    /** An instant query at {@code timeMs}. */
    public QueryResult instant(Querier querier, String tenant, ParsedQuery query, long timeMs) {
        return instant(querier, tenant, query, timeMs, Tiering.NONE);
    }

    /** An instant query at {@code timeMs}, routed across the tiers {@code tiering} describes. */
    public QueryResult instant(Querier querier, String tenant, ParsedQuery query, long timeMs, Tiering tiering) {
        return run(querier, tenant, query, new StepGrid(timeMs, timeMs, 1), false, tiering);
    }

    /** A range query over {@code [startMs, endMs]} every {@code stepMs}; always a matrix. */
    public QueryResult range(Querier querier, String tenant, ParsedQuery query, long startMs, long endMs, long stepMs) {
        return range(querier, tenant, query, startMs, endMs, stepMs, Tiering.NONE);
    }

    /** A range query, routed across the tiers {@code tiering} describes. */
    public QueryResult range(
            Querier querier, String tenant, ParsedQuery query, long startMs, long endMs, long stepMs, Tiering tiering) {
        return run(querier, tenant, query, new StepGrid(startMs, endMs, stepMs), true, tiering);
    }

    /** The plan {@code query} runs with over {@code [startMs, endMs]} (an instant query when they are equal). */
    public PromPlanner.Plan explain(ParsedQuery query, long startMs, long endMs, long stepMs) {
        return explain(query, startMs, endMs, stepMs, Tiering.NONE);
    }

    /** As {@link #explain(ParsedQuery, long, long, long)}, with the physical plan routed by {@code tiering}. */
    public PromPlanner.Plan explain(ParsedQuery query, long startMs, long endMs, long stepMs, Tiering tiering) {
        StepGrid grid = new StepGrid(startMs, endMs, startMs == endMs ? 1 : stepMs);
        PromPlanner.Plan plan = planner.plan(query, grid);
        TierPlanning.Execution exec = TierPlanning.plan(plan.root(), grid, tiering);
        return new PromPlanner.Plan(plan.query(), exec.root(), plan.translated());
    }

    private QueryResult run(
            Querier querier, String tenant, ParsedQuery query, StepGrid grid, boolean rangeQuery, Tiering tiering) {
        long started = System.nanoTime();
        PromPlanner.Plan plan = planner.plan(query, grid);
        TierPlanning.Execution exec = TierPlanning.plan(plan.root(), grid, tiering);
        long planning = System.nanoTime() - started;
        Evaluation ev = new Evaluation(this, querier, tenant, plan.query(), grid);
        for (TierPlanning.Info info : exec.infos()) {
            ev.info(info.text(), info.position());
        }
        return ev.finish(exec.root().execute(ev, grid), rangeQuery, planning);
    }
}
