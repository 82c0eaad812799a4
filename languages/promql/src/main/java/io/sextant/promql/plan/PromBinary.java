package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.ast.BinaryOp;
import io.sextant.promql.ast.VectorMatching;
import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.StepGrid;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A binary operation executed columnar: label signatures hashed once per series, then step arrays combined.
 * Vector matching is planned as a join on the match signature and the step (with a project for arithmetic, a
 * filter for comparisons, a semi/anti join for {@code and}/{@code unless}), which the rules fuse into this
 * node; {@code or} (a union distinct on the signature) is planned as this node directly. Prometheus' matching
 * errors (many-to-many, duplicate label sets) are raised here.
 */
final class PromBinary extends PromNode {
    private final BinaryOp op;
    private final boolean returnBool;
    private final VectorMatching matching;

    PromBinary(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode left,
            RelNode right,
            RelDataType rowType,
            BinaryOp op,
            boolean returnBool,
            VectorMatching matching) {
        super(cluster, traits, List.of(left, right), rowType);
        this.op = requireNonNull(op, "op is null");
        this.returnBool = returnBool;
        this.matching = requireNonNull(matching, "matching is null");
    }

    @Override
    public Object execute(Evaluation ev, StepGrid grid) {
        Object l = PromRel.input(this, 0, ev, grid);
        Object r = PromRel.input(this, 1, ev, grid);
        return ev.binary(op, l, r, matching, returnBool, grid);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new PromBinary(
                getCluster(), traitSet, inputs.get(0), inputs.get(1), getRowType(), op, returnBool, matching);
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        boolean vectors = !PromTypes.isScalar(getInput(0).getRowType())
                && !PromTypes.isScalar(getInput(1).getRowType());
        return pw.item("op", op.text())
                .itemIf("bool", true, returnBool)
                .itemIf("matching", PromOperators.describe(matching), vectors);
    }
}
