package io.sextant.planner;

import io.sextant.storage.Labels;
import io.sextant.storage.cold.LabeledRollup;
import io.sextant.storage.rollup.RollupSeries;
import io.sextant.storage.rollup.Rollups;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * One resolution's rollups of a series from time-adjacent sources, in time order (raw built before the cold
 * range, the cold tier, raw built after it). The sources split at window boundaries, so two of them share at most
 * the bucket ending at the boundary, which {@link Rollups#concat} merges.
 */
public final class RollupUnion extends ListInputRel implements RollupSource {
    private final long resolutionMs;

    public RollupUnion(
            RelOptCluster cluster, RelTraitSet traits, RelDataType rowType, long resolutionMs, List<RelNode> inputs) {
        super(cluster, traits, inputs, rowType);
        this.resolutionMs = resolutionMs;
    }

    @Override
    public long resolutionMs() {
        return resolutionMs;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> newInputs) {
        return new RollupUnion(getCluster(), traitSet, getRowType(), resolutionMs, newInputs);
    }

    @Override
    public List<LabeledRollup> readRollups(ScanContext ctx, long from, long to) {
        List<RelNode> inputs = getInputs();
        if (inputs.size() == 1) {
            return ((RollupSource) inputs.get(0)).readRollups(ctx, from, to);
        }
        Map<Labels, List<RollupSeries>> bySeries = new TreeMap<>();
        for (RelNode input : inputs) {
            for (LabeledRollup r : ((RollupSource) input).readRollups(ctx, from, to)) {
                bySeries.computeIfAbsent(r.labels(), l -> new ArrayList<>(inputs.size()))
                        .add(r.rollup());
            }
        }
        List<LabeledRollup> out = new ArrayList<>(bySeries.size());
        bySeries.forEach((labels, parts) -> out.add(new LabeledRollup(labels, Rollups.concat(parts))));
        return out;
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        return pw.item("resolution", ScanWindow.duration(resolutionMs));
    }
}
