package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.RangeFunction;
import io.sextant.promql.eval.StepGrid;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A range function fused with its window: for each series, one pass of two pointers over its samples across
 * all steps ({@code rate}, {@code *_over_time}, ...). Input 0 is the range vector; inputs 1 and 2 the
 * function's scalar parameters (quantile_over_time's φ, predict_linear's t, the smoothing factors).
 */
final class PromRangeWindow extends PromNode {
    private final RangeFunction function;
    private final int argPosition;
    private final int paramPosition;

    PromRangeWindow(
            RelOptCluster cluster,
            RelTraitSet traits,
            List<RelNode> inputs,
            RelDataType rowType,
            RangeFunction function,
            int argPosition,
            int paramPosition) {
        super(cluster, traits, inputs, rowType);
        this.function = requireNonNull(function, "function is null");
        this.argPosition = argPosition;
        this.paramPosition = paramPosition;
    }

    @Override
    public Object execute(Evaluation ev, StepGrid grid) {
        double[] p0 = getInputs().size() > 1 ? (double[]) PromRel.input(this, 1, ev, grid) : null;
        double[] p1 = getInputs().size() > 2 ? (double[]) PromRel.input(this, 2, ev, grid) : null;
        if (function == RangeFunction.QUANTILE_OVER_TIME) {
            ev.checkQuantile(p0, paramPosition);
        }
        RangeSource source = (RangeSource) getInput(0);
        long fixedEnd = source.fixedEnd(ev);
        Evaluation.RangeValue r = source.read(ev, fixedEnd == Long.MIN_VALUE ? grid : StepGrid.instant(fixedEnd));
        return ev.rangeFunction(function, r, fixedEnd, source.extension(), grid, p0, p1, argPosition);
    }

    RangeFunction function() {
        return function;
    }

    int argPosition() {
        return argPosition;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new PromRangeWindow(getCluster(), traitSet, inputs, getRowType(), function, argPosition, paramPosition);
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        // positions only tell annotations apart, but they also keep equal calls at two places distinct
        return pw.item("function", function.name().toLowerCase(java.util.Locale.ROOT))
                .item("pos", argPosition + "," + paramPosition);
    }
}
