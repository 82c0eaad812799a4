package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.planner.Planning;
import io.sextant.planner.RollupBuild;
import io.sextant.planner.RollupChoice;
import io.sextant.planner.RollupUnion;
import io.sextant.planner.RuleConfig;
import io.sextant.planner.ScanWindow;
import io.sextant.planner.SeriesScan;
import io.sextant.planner.TierRules;
import io.sextant.planner.Tiering;
import io.sextant.planner.TimeRange;
import io.sextant.promql.ast.At;
import io.sextant.promql.ast.RangeExtension;
import io.sextant.promql.eval.StepGrid;
import io.sextant.promql.rollup.RollupEvaluator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;

/**
 * Turns a cached, tier-agnostic plan into the plan of one execution: every series scan gets the absolute times it
 * may read on this grid, then the rollup rewrite puts exactly answerable range functions onto rollups and the tier
 * split routes the remaining scans to the tiers holding their range. Plans stay cached without tiers because the
 * watermarks move with every flush and the rewrite depends on the query's start and step.
 */
public final class TierPlanning {
    private TierPlanning() {}

    /** An execution's plan, with what the rollup rewrite decided, to report in the response's infos. */
    public record Execution(PromRel root, List<Info> infos) {
        public Execution {
            requireNonNull(root, "root is null");
            infos = List.copyOf(infos);
        }
    }

    /** An informational annotation at a query position. */
    public record Info(String text, int position) {
        public Info {
            requireNonNull(text, "text is null");
        }
    }

    public static Execution plan(PromRel root, StepGrid grid, Tiering tiering) {
        if (!tiering.routes()) {
            return new Execution(root, List.of());
        }
        RelNode resolved = resolve(root, grid, grid.start(), grid.end(), true);
        List<Info> infos = new ArrayList<>();
        RelNode routed = Planning.optimize(
                resolved,
                List.of(
                        List.of(rollupRule(grid, tiering, infos)),
                        List.of(TierRules.split(tiering.watermarks(), tiering.factory()))));
        return new Execution((PromRel) routed, infos);
    }

    /**
     * Gives every scan below {@code node} its absolute read range for windows ending at {@code first..last}; a
     * subquery moves its input onto its own steps, which lie in {@code [end − offset − range, end − offset]}.
     */
    private static RelNode resolve(RelNode node, StepGrid query, long first, long last, boolean onQueryGrid) {
        if (node instanceof SeriesScan scan) {
            ScanWindow w = scan.window();
            TimeRange r =
                    new TimeRange(w.from(first, query.start(), query.end()), w.to(last, query.start(), query.end()));
            return scan.withRange(r, onQueryGrid && w.anchor() == ScanWindow.Anchor.STEPS);
        }
        long innerFirst = first;
        long innerLast = last;
        boolean innerOnGrid = onQueryGrid;
        if (node instanceof PromSubquery sq) {
            long base0 = sq.at().kind() == At.Kind.NONE ? first : atTime(sq.at(), query);
            long base1 = sq.at().kind() == At.Kind.NONE ? last : atTime(sq.at(), query);
            innerFirst = base0 - sq.offsetMs() - sq.rangeMs();
            innerLast = base1 - sq.offsetMs();
            innerOnGrid = false;
        }
        List<RelNode> inputs = new ArrayList<>(node.getInputs().size());
        boolean changed = false;
        for (RelNode in : node.getInputs()) {
            RelNode r = resolve(in, query, innerFirst, innerLast, innerOnGrid);
            changed |= r != in;
            inputs.add(r);
        }
        return changed ? node.copy(node.getTraitSet(), inputs) : node;
    }

    private static long atTime(At at, StepGrid query) {
        return switch (at.kind()) {
            case NONE -> throw new IllegalArgumentException("no @");
            case TIMESTAMP -> at.millis();
            case START -> query.start();
            case END -> query.end();
        };
    }

    private static RelOptRule rollupRule(StepGrid grid, Tiering tiering, List<Info> infos) {
        return RuleConfig.of(
                        "PromRollupRule",
                        b -> b.operand(PromRangeWindow.class)
                                .predicate(w -> RollupEvaluator.isExact(w.function()))
                                .oneInput(s -> s.operand(PromRangeSelect.class)
                                        .predicate(r ->
                                                r.extension() == RangeExtension.NONE && r.at().kind() == At.Kind.NONE)
                                        .oneInput(t -> t.operand(SeriesScan.class)
                                                .predicate(SeriesScan::queryGrid)
                                                .noInputs())),
                        c -> new RollupRule(c, grid, tiering, infos))
                .toRule();
    }

    /**
     * {@code f(x[range])} over rollups where {@link RollupChoice} finds a resolution: the cold tier's buckets for
     * the range it covers, buckets built from raw samples before and after it, the raw selector kept as the
     * fallback for windows the buckets cannot answer exactly.
     */
    private static final class RollupRule extends RelRule<RuleConfig> {
        private final StepGrid grid;
        private final Tiering tiering;
        private final List<Info> infos;

        RollupRule(RuleConfig config, StepGrid grid, Tiering tiering, List<Info> infos) {
            super(config);
            this.grid = grid;
            this.tiering = tiering;
            this.infos = infos;
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            PromRangeWindow window = call.rel(0);
            PromRangeSelect select = call.rel(1);
            SeriesScan scan = call.rel(2);
            long range = select.rangeMs();
            long off = select.offsetMs();
            long firstEnd = grid.start() - off;
            TimeRange needed = new TimeRange(firstEnd - range + 1, grid.end() - off);
            long step = grid.start() == grid.end() ? 0 : grid.step();
            RollupChoice.Decision d = RollupChoice.choose(
                    tiering.maxResolution(),
                    tiering.resolutions(),
                    tiering.watermarks(),
                    range,
                    firstEnd,
                    step,
                    needed);
            String name = window.function().name().toLowerCase(Locale.ROOT);
            if (!d.usesRollups()) {
                if (!d.reason().isEmpty()) {
                    infos.add(new Info(name + " answered from raw samples: " + d.reason(), window.argPosition()));
                }
                return;
            }
            long res = d.resolutionMs();
            TimeRange cold = d.coverage();
            List<RelNode> parts = new ArrayList<>(3);
            if (needed.min() < cold.min()) {
                parts.add(built(scan, new TimeRange(needed.min(), cold.min() - 1), res));
            }
            parts.add(tiering.factory().rollups(scan, res, cold));
            if (needed.max() > cold.max()) {
                parts.add(built(scan, new TimeRange(cold.max() + 1, needed.max()), res));
            }
            RelNode rollups = parts.size() == 1
                    ? parts.get(0)
                    : new RollupUnion(scan.getCluster(), scan.getTraitSet(), scan.getRowType(), res, parts);
            infos.add(new Info(
                    name + " answered from " + ScanWindow.duration(res) + " rollups for "
                            + Instant.ofEpochMilli(cold.min()) + " to " + Instant.ofEpochMilli(cold.max() + 1)
                            + (parts.size() > 1 ? ", raw samples rolled up at query time elsewhere" : ""),
                    window.argPosition()));
            call.transformTo(new PromRollupWindow(
                    window.getCluster(),
                    window.getTraitSet(),
                    List.of(rollups, select),
                    window.getRowType(),
                    window.function(),
                    window.argPosition(),
                    range,
                    off,
                    res));
        }

        private static RelNode built(SeriesScan scan, TimeRange range, long res) {
            return new RollupBuild(scan.getCluster(), scan.getTraitSet(), scan.withRange(range, false), res);
        }
    }
}
