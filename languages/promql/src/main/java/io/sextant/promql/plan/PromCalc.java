package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.StepGrid;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * An element-wise function of the value (unary minus, {@code abs}, {@code ln}, ...), converted from a {@code
 * Project}: applied to each step's value of each series, the metric name dropped.
 */
final class PromCalc extends PromNode {
    private final String name;
    private final DoubleUnaryOperator function;

    PromCalc(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode input,
            RelDataType rowType,
            String name,
            DoubleUnaryOperator function) {
        super(cluster, traits, List.of(input), rowType);
        this.name = requireNonNull(name, "name is null");
        this.function = requireNonNull(function, "function is null");
    }

    @Override
    public Object execute(Evaluation ev, StepGrid grid) {
        Object in = PromRel.input(this, 0, ev, grid);
        if (in instanceof double[] scalar) {
            double[] out = new double[scalar.length];
            for (int t = 0; t < out.length; t++) {
                out[t] = function.applyAsDouble(scalar[t]);
            }
            return out;
        }
        return ev.mapValues(Evaluation.asVector(in), function, true);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new PromCalc(getCluster(), traitSet, inputs.get(0), getRowType(), name, function);
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        return pw.item("function", name);
    }
}
