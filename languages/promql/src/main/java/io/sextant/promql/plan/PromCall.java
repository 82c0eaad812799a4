package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.ast.Call;
import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.StepGrid;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A PromQL function that is not relational: {@code absent}, {@code scalar}, {@code vector}, {@code
 * label_replace}, the classic histogram bucket fold of {@code histogram_quantile}, {@code sort}, {@code info},
 * date functions, {@code time()}... Its inputs are the call's arguments in order; the call itself is kept for
 * the function's name, its static arguments and the positions annotations cite.
 */
final class PromCall extends PromNode {
    private final Call call;
    private final int position;

    PromCall(
            RelOptCluster cluster,
            RelTraitSet traits,
            List<RelNode> inputs,
            RelDataType rowType,
            Call call,
            int position) {
        super(cluster, traits, inputs, rowType);
        this.call = requireNonNull(call, "call is null");
        this.position = position;
    }

    @Override
    public Object execute(Evaluation ev, StepGrid grid) {
        return ev.call(call, (i, g) -> PromRel.input(this, i, ev, g), grid);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new PromCall(getCluster(), traitSet, inputs, getRowType(), call, position);
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        pw.item("function", call.function().name());
        if (call.function().name().equals("info") && call.args().size() > 1) {
            pw.item("data", call.args().get(1));
        }
        return pw.item("pos", position);
    }
}
