package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.planner.PlanCache;
import io.sextant.planner.Planning;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.MatrixSelector;
import io.sextant.promql.ast.SubqueryExpr;
import io.sextant.promql.ast.VectorSelector;
import io.sextant.promql.eval.Durations;
import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.eval.StepGrid;
import io.sextant.promql.parser.ParsedQuery;
import org.apache.calcite.rel.RelNode;

/**
 * Plans PromQL queries: AST → logical Calcite plan → the rule phases → an executable plan of {@link PromRel}
 * nodes. Plans are cached by query text, since a dashboard sends the same text every refresh with new times;
 * a query with duration expressions ({@code step()}, {@code range()}) is cached per grid as well.
 */
public final class PromPlanner {
    /**
     * An executable plan. {@code query} is the parse the plan was made from: its nodes are the ones the plan
     * refers to, for positions. {@code translated} is the plan before the rules, kept for EXPLAIN.
     */
    public record Plan(ParsedQuery query, PromRel root, RelNode translated) {
        public Plan {
            requireNonNull(query, "query is null");
            requireNonNull(root, "root is null");
            requireNonNull(translated, "translated is null");
        }

        /** EXPLAIN of the plan as translated, one node per line. */
        public String logical() {
            return Planning.explain(translated);
        }

        /** EXPLAIN of the plan as executed. */
        public String physical() {
            return Planning.explain(root);
        }
    }

    private final EngineOptions options;
    private final PlanCache<String, Plan> cache;

    public PromPlanner(EngineOptions options, int cacheSize) {
        this.options = requireNonNull(options, "options is null");
        this.cache = new PlanCache<>(cacheSize);
    }

    public Plan plan(ParsedQuery query, StepGrid grid) {
        String key = hasDurationExpressions(query.expr())
                ? query.query() + "\u0000" + grid.start() + "," + grid.end() + "," + grid.step()
                : query.query();
        return cache.get(key, k -> planNow(query, grid));
    }

    private Plan planNow(ParsedQuery query, StepGrid grid) {
        var cluster = Planning.newCluster();
        RelNode logical = new PromqlToRel(cluster, query, new Durations(query, grid), options).translate(query.expr());
        RelNode physical = Planning.optimize(logical, PromRules.PHASES);
        if (!(physical instanceof PromRel root)) {
            throw new IllegalStateException("plan not executable:\n" + Planning.explain(physical));
        }
        return new Plan(query, root, logical);
    }

    /** Whether any duration is an expression, whose value may depend on the query's grid. */
    private static boolean hasDurationExpressions(Expr e) {
        boolean own = e instanceof VectorSelector v
                ? v.offsetExpr() != null
                : e instanceof MatrixSelector m
                        ? m.rangeExpr() != null
                        : e instanceof SubqueryExpr q
                                && (q.rangeExpr() != null || q.stepExpr() != null || q.offsetExpr() != null);
        return own || e.children().stream().anyMatch(PromPlanner::hasDurationExpressions);
    }

    public PlanCache<String, Plan> cache() {
        return cache;
    }
}
