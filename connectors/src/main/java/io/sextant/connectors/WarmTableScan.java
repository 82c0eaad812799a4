package io.sextant.connectors;

import io.sextant.planner.ScanContext;
import io.sextant.planner.SeriesScan;
import io.sextant.planner.SeriesSource;
import io.sextant.planner.Tier;
import io.sextant.planner.TimeRange;
import io.sextant.storage.Matcher;
import io.sextant.storage.Series;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;

/**
 * The warm tier: the tenant's Parquet blocks. Blocks outside the range are skipped by their catalog entries, row
 * groups by their time statistics, and only the pages holding the selected series' rows are decoded.
 */
public final class WarmTableScan extends TierTableScan implements SeriesSource {
    WarmTableScan(
            RelOptCluster cluster,
            RelTraitSet traits,
            SeriesScan origin,
            List<Matcher> matchers,
            TimeRange range,
            TierStore store) {
        super(cluster, traits, table(cluster, Tier.WARM, origin.getRowType()), origin, matchers, range, store);
    }

    @Override
    public Tier tier() {
        return Tier.WARM;
    }

    @Override
    public List<Series> read(ScanContext ctx, long from, long to) {
        TimeRange r = clip(from, to);
        return r.isEmpty() ? List.of() : store.selectWarm(ctx.tenant(), matchers(), r.min(), r.max());
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new WarmTableScan(getCluster(), traitSet, origin(), matchers(), range(), store);
    }
}
