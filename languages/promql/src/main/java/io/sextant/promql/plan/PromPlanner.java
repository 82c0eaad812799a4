package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.planner.PlanCache;
import io.sextant.planner.Planning;
import io.sextant.promql.ast.AggregateExpr;
import io.sextant.promql.ast.BinaryExpr;
import io.sextant.promql.ast.Call;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.MatrixSelector;
import io.sextant.promql.ast.ParenExpr;
import io.sextant.promql.ast.SubqueryExpr;
import io.sextant.promql.ast.UnaryExpr;
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
        if (e instanceof ParenExpr p) {
            return hasDurationExpressions(p.expr());
        }
        if (e instanceof VectorSelector v) {
            return v.offsetExpr() != null;
        }
        if (e instanceof MatrixSelector m) {
            return m.rangeExpr() != null || hasDurationExpressions(m.selector());
        }
        if (e instanceof SubqueryExpr q) {
            return q.rangeExpr() != null
                    || q.stepExpr() != null
                    || q.offsetExpr() != null
                    || hasDurationExpressions(q.expr());
        }
        if (e instanceof UnaryExpr u) {
            return hasDurationExpressions(u.expr());
        }
        if (e instanceof BinaryExpr b) {
            return hasDurationExpressions(b.lhs()) || hasDurationExpressions(b.rhs());
        }
        if (e instanceof AggregateExpr a) {
            return (a.param() != null && hasDurationExpressions(a.param())) || hasDurationExpressions(a.expr());
        }
        if (e instanceof Call c) {
            return c.args().stream().anyMatch(PromPlanner::hasDurationExpressions);
        }
        return false;
    }

    public PlanCache<String, Plan> cache() {
        return cache;
    }
}
