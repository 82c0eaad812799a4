package io.sextant.planner;

import io.sextant.storage.Series;
import io.sextant.storage.SeriesMerger;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;

/**
 * The raw series of one scan, read from the tiers that hold its range: the inputs are tier scans, oldest tier
 * first. Their ranges are disjoint except where late samples reached the head below the warm watermark; a series'
 * samples from every input are merged in time order, a timestamp both hold taken once from the older tier. It sits
 * below range functions, so a window straddling a tier boundary sees both sides.
 */
public final class TierUnion extends ListInputRel implements SeriesSource {
    private final SeriesScan origin;

    public TierUnion(RelOptCluster cluster, RelTraitSet traits, SeriesScan origin, List<RelNode> inputs) {
        super(cluster, traits, inputs, origin.getRowType());
        this.origin = origin;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> newInputs) {
        return new TierUnion(getCluster(), traitSet, origin, newInputs);
    }

    @Override
    public List<Series> read(ScanContext ctx, long from, long to) {
        // newest tier first: data only moves from the head to blocks, and a hot scan that misses a flush reads
        // the blocks itself, so reading the head before the blocks never loses a sample
        List<List<Series>> parts = new ArrayList<>(getInputs().size());
        List<RelNode> inputs = getInputs();
        for (int i = inputs.size() - 1; i >= 0; i--) {
            parts.add(0, ((SeriesSource) inputs.get(i)).read(ctx, from, to));
        }
        return SeriesMerger.merge(parts);
    }

    @Override
    public SeriesScan origin() {
        return origin;
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        return pw.itemIf("tiers", "[]", getInputs().isEmpty());
    }
}
