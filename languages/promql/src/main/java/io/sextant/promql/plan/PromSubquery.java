package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.ast.At;
import io.sextant.promql.ast.RangeExtension;
import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.StepGrid;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A subquery {@code expr[range:step] offset o @ t}: its input evaluated on its own step grid, aligned to
 * absolute multiples of {@code step}, as a range vector.
 */
final class PromSubquery extends PromNode implements RangeSource {
    private final long rangeMs;
    private final long stepMs;
    private final long offsetMs;
    private final At at;

    PromSubquery(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode input,
            RelDataType rowType,
            long rangeMs,
            long stepMs,
            long offsetMs,
            At at) {
        super(cluster, traits, List.of(input), rowType);
        this.rangeMs = rangeMs;
        this.stepMs = stepMs;
        this.offsetMs = offsetMs;
        this.at = requireNonNull(at, "at is null");
    }

    @Override
    public Evaluation.RangeValue read(Evaluation ev, StepGrid grid) {
        Optional<StepGrid> inner = ev.subqueryGrid(rangeMs, stepMs, offsetMs, ev.atTime(at), grid);
        if (inner.isEmpty()) {
            return new Evaluation.RangeValue(List.of(), rangeMs, offsetMs, false);
        }
        Object v = PromRel.input(this, 0, ev, inner.get());
        return Evaluation.subqueryValue(v, inner.get(), rangeMs, offsetMs);
    }

    long rangeMs() {
        return rangeMs;
    }

    long offsetMs() {
        return offsetMs;
    }

    At at() {
        return at;
    }

    @Override
    public long fixedEnd(Evaluation ev) {
        return ev.atTime(at);
    }

    @Override
    public RangeExtension extension() {
        return RangeExtension.NONE;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new PromSubquery(getCluster(), traitSet, inputs.get(0), getRowType(), rangeMs, stepMs, offsetMs, at);
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        return pw.item("range", duration(rangeMs))
                .item("step", duration(stepMs))
                .itemIf("offset", duration(offsetMs), offsetMs != 0)
                .itemIf("at", at(at), at.kind() != At.Kind.NONE);
    }
}
