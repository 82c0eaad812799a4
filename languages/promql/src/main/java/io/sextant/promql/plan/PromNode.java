package io.sextant.promql.plan;

import io.sextant.planner.ListInputRel;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;

/** Base of PromQL's own plan nodes: any number of inputs, a fixed row type, born in the SEXTANT convention. */
abstract class PromNode extends ListInputRel implements PromRel {
    PromNode(RelOptCluster cluster, RelTraitSet traits, List<RelNode> inputs, RelDataType rowType) {
        super(cluster, traits, inputs, rowType);
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
}
