package io.sextant.planner;

import io.sextant.storage.Series;
import io.sextant.storage.cold.LabeledRollup;
import io.sextant.storage.rollup.RollupSeries;
import io.sextant.storage.rollup.Rollups;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;

/**
 * Rollup buckets built at query time from raw samples (its input, a {@link SeriesSource}), for the part of a
 * rollup-rewritten range the cold tier does not cover yet. The buckets are the ones the cold tier would store.
 */
public final class RollupBuild extends SingleRel implements RollupSource {
    private final long resolutionMs;

    public RollupBuild(RelOptCluster cluster, RelTraitSet traits, RelNode input, long resolutionMs) {
        super(cluster, traits, input);
        this.resolutionMs = resolutionMs;
    }

    @Override
    public long resolutionMs() {
        return resolutionMs;
    }

    @Override
    public List<LabeledRollup> readRollups(ScanContext ctx, long from, long to) {
        List<Series> raw = ((SeriesSource) getInput()).read(ctx, from, to);
        List<LabeledRollup> out = new ArrayList<>(raw.size());
        for (Series s : raw) {
            RollupSeries r = Rollups.build(s.samples(), resolutionMs);
            if (r.size() > 0) {
                out.add(new LabeledRollup(s.labels(), r));
            }
        }
        return out;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new RollupBuild(getCluster(), traitSet, sole(inputs), resolutionMs);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("resolution", ScanWindow.duration(resolutionMs));
    }
}
