package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.ast.AggregateOp;
import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.StepGrid;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * An aggregation over an instant vector, per group and step. The relational ones ({@code sum}, {@code avg},
 * ...) come from a {@code LogicalAggregate} on the group key; {@code topk}, {@code bottomk}, {@code limitk},
 * {@code limit_ratio}, {@code quantile} and {@code count_values} are planned as this node directly, since they
 * keep or create series rather than reduce each group to one row. Input 1, if any, is the parameter.
 */
final class PromAggregate extends PromNode {
    private final AggregateOp op;
    private final boolean without;
    private final List<String> grouping;
    private final int paramPosition;

    PromAggregate(
            RelOptCluster cluster,
            RelTraitSet traits,
            List<RelNode> inputs,
            RelDataType rowType,
            AggregateOp op,
            boolean without,
            List<String> grouping,
            int paramPosition) {
        super(cluster, traits, inputs, rowType);
        this.op = requireNonNull(op, "op is null");
        this.without = without;
        this.grouping = List.copyOf(grouping);
        this.paramPosition = paramPosition;
    }

    @Override
    public Object execute(Evaluation ev, StepGrid grid) {
        List<io.sextant.promql.eval.StepSeries> in = Evaluation.asVector(PromRel.input(this, 0, ev, grid));
        Object param = getInputs().size() > 1 ? PromRel.input(this, 1, ev, grid) : null;
        return ev.aggregate(op, in, without, grouping, param, paramPosition, grid);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new PromAggregate(getCluster(), traitSet, inputs, getRowType(), op, without, grouping, paramPosition);
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        return pw.item("op", op.name().toLowerCase(java.util.Locale.ROOT))
                .itemIf(without ? "without" : "by", grouping, without || !grouping.isEmpty())
                .itemIf("pos", paramPosition, paramPosition >= 0);
    }
}
