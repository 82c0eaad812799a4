package io.sextant.planner;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * Base of Sextant's nodes with any number of inputs and a fixed row type (Calcite's own bases assume one, two or
 * a union's inputs). EXPLAIN lists the inputs, then the node's {@link #attributes}.
 */
public abstract class ListInputRel extends AbstractRelNode implements SextantRel {
    private final List<RelNode> inputs;

    protected ListInputRel(RelOptCluster cluster, RelTraitSet traits, List<RelNode> inputs, RelDataType rowType) {
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

    /** The node's own attributes, for EXPLAIN and the plan digest: everything that changes its result. */
    protected abstract RelWriter attributes(RelWriter pw);
}
