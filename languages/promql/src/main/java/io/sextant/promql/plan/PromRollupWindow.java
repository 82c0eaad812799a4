package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.planner.RollupSource;
import io.sextant.planner.ScanWindow;
import io.sextant.promql.ast.RangeExtension;
import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.RangeFunction;
import io.sextant.promql.eval.StepGrid;
import io.sextant.promql.eval.StepSeries;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A range function answered from rollup buckets (input 0, a {@link RollupSource}) where that is exact; the
 * rollup rewrite put it in place of a {@link PromRangeWindow}. Input 1 is the raw range selector, read only when
 * some window's buckets cannot guarantee the raw answer (values too extreme for exact partial sums).
 */
final class PromRollupWindow extends PromNode {
    private final RangeFunction function;
    private final int argPosition;
    private final long rangeMs;
    private final long offsetMs;
    private final long resolutionMs;

    PromRollupWindow(
            RelOptCluster cluster,
            RelTraitSet traits,
            List<RelNode> inputs,
            RelDataType rowType,
            RangeFunction function,
            int argPosition,
            long rangeMs,
            long offsetMs,
            long resolutionMs) {
        super(cluster, traits, inputs, rowType);
        this.resolutionMs = resolutionMs;
        this.function = requireNonNull(function, "function is null");
        this.argPosition = argPosition;
        this.rangeMs = rangeMs;
        this.offsetMs = offsetMs;
    }

    @Override
    public Object execute(Evaluation ev, StepGrid grid) {
        RollupSource rollups = (RollupSource) getInput(0);
        Optional<List<StepSeries>> answer = ev.rollupFunction(function, rollups, rangeMs, offsetMs, grid, argPosition);
        if (answer.isPresent()) {
            return answer.get();
        }
        ev.info(
                "values too large or too close together for exact "
                        + ScanWindow.duration(resolutionMs)
                        + " rollups: answered from raw samples",
                argPosition);
        Evaluation.RangeValue raw = ((RangeSource) getInput(1)).read(ev, grid);
        return ev.rangeFunction(function, raw, Long.MIN_VALUE, RangeExtension.NONE, grid, null, null, argPosition);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new PromRollupWindow(
                getCluster(), traitSet, inputs, getRowType(), function, argPosition, rangeMs, offsetMs, resolutionMs);
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        return pw.item("function", function.name().toLowerCase(Locale.ROOT))
                .item("range", duration(rangeMs))
                .itemIf("offset", duration(offsetMs), offsetMs != 0)
                .item("resolution", ScanWindow.duration(resolutionMs))
                .item("pos", argPosition);
    }
}
