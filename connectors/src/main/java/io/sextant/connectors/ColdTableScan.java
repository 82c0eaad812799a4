package io.sextant.connectors;

import io.sextant.planner.RollupSource;
import io.sextant.planner.ScanContext;
import io.sextant.planner.ScanWindow;
import io.sextant.planner.SeriesScan;
import io.sextant.planner.Tier;
import io.sextant.planner.TimeRange;
import io.sextant.storage.Matcher;
import io.sextant.storage.cold.LabeledRollup;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;

/**
 * The cold tier at one resolution: rollup blocks in the object store (through the local read cache), skipped by
 * their catalog windows, with the buckets of the selected series.
 */
public final class ColdTableScan extends TierTableScan implements RollupSource {
    private final long resolutionMs;

    ColdTableScan(
            RelOptCluster cluster,
            RelTraitSet traits,
            SeriesScan origin,
            List<Matcher> matchers,
            TimeRange range,
            TierStore store,
            long resolutionMs) {
        super(cluster, traits, table(cluster, Tier.COLD, origin.getRowType()), origin, matchers, range, store);
        this.resolutionMs = resolutionMs;
    }

    @Override
    public Tier tier() {
        return Tier.COLD;
    }

    @Override
    public long resolutionMs() {
        return resolutionMs;
    }

    @Override
    public List<LabeledRollup> readRollups(ScanContext ctx, long from, long to) {
        TimeRange r = clip(from, to);
        return r.isEmpty() ? List.of() : store.selectCold(ctx.tenant(), matchers(), r.min(), r.max(), resolutionMs);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new ColdTableScan(getCluster(), traitSet, origin(), matchers(), range(), store, resolutionMs);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("resolution", ScanWindow.duration(resolutionMs));
    }
}
