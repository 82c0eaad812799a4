package io.sextant.promql.plan;

import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.StepGrid;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/** A number literal (the same scalar at every step of the grid) or a string literal. */
final class PromLiteral extends PromNode {
    private final Object value;

    PromLiteral(RelOptCluster cluster, RelTraitSet traits, RelDataType rowType, Object value) {
        super(cluster, traits, List.of(), rowType);
        if (!(value instanceof Double) && !(value instanceof String)) {
            throw new IllegalArgumentException("a literal is a Double or a String");
        }
        this.value = value;
    }

    @Override
    public Object execute(Evaluation ev, StepGrid grid) {
        return value instanceof Double d ? Evaluation.constant(d, grid) : value;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new PromLiteral(getCluster(), traitSet, getRowType(), value);
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        return pw.item("value", value instanceof String s ? io.sextant.promql.parser.PromQLParser.quote(s) : value);
    }
}
