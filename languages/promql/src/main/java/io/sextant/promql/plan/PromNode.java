package io.sextant.promql.plan;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/** Base of PromQL's own plan nodes: any number of inputs, a fixed row type, born in the SEXTANT convention. */
abstract class PromNode extends AbstractRelNode implements PromRel {
    private final List<RelNode> inputs;

    PromNode(RelOptCluster cluster, RelTraitSet traits, List<RelNode> inputs, RelDataType rowType) {
        super(cluster, traits);
        this.inputs = new ArrayList<>(inputs);
        this.rowType = rowType;
    }

    @Override
    public List<RelNode> getInputs() {
        return inputs;
    }

    @Override
    public void replaceInput(int ordinalInParent, RelNode p) {
        inputs.set(ordinalInParent, p);
        recomputeDigest();
    }

    @Override
    protected RelDataType deriveRowType() {
        return rowType;
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        super.explainTerms(pw);
        for (int i = 0; i < inputs.size(); i++) {
            pw.input("input#" + i, inputs.get(i));
        }
        return attributes(pw);
    }

    /** A duration for EXPLAIN, in PromQL's notation, negative ones with a minus. */
    static String duration(long ms) {
        return (ms < 0 ? "-" : "") + io.sextant.planner.ScanWindow.duration(Math.abs(ms));
    }

    /** An {@code @} modifier for EXPLAIN, as PromQL writes it. */
    static String at(io.sextant.promql.ast.At at) {
        return switch (at.kind()) {
            case NONE -> "";
            case START -> "start()";
            case END -> "end()";
            case TIMESTAMP -> io.sextant.promql.parser.GoNumbers.formatG(at.millis() / 1000.0);
        };
    }

    /** The node's own attributes, for EXPLAIN and the plan digest: everything that changes its result. */
    abstract RelWriter attributes(RelWriter pw);
}
