package io.sextant.connectors;

import io.sextant.planner.ScanContext;
import io.sextant.planner.SeriesScan;
import io.sextant.planner.SeriesSource;
import io.sextant.planner.Tier;
import io.sextant.planner.TimeRange;
import io.sextant.storage.Matcher;
import io.sextant.storage.Series;
import io.sextant.storage.SeriesMerger;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;

/**
 * The hot tier: the in-memory head, selected through its postings index. {@code generation} is the flush count
 * when the plan was made; if a flush moved samples out of the head since, the scan reads the blocks for its range
 * as well, so a plan that left the warm tier out for these times still sees every sample.
 */
public final class HotTableScan extends TierTableScan implements SeriesSource {
    private final long generation;

    HotTableScan(
            RelOptCluster cluster,
            RelTraitSet traits,
            SeriesScan origin,
            List<Matcher> matchers,
            TimeRange range,
            TierStore store,
            long generation) {
        super(cluster, traits, table(cluster, Tier.HOT, origin.getRowType()), origin, matchers, range, store);
        this.generation = generation;
    }

    @Override
    public Tier tier() {
        return Tier.HOT;
    }

    @Override
    public List<Series> read(ScanContext ctx, long from, long to) {
        TimeRange r = clip(from, to);
        if (r.isEmpty()) {
            return List.of();
        }
        List<Series> head = store.selectHot(ctx.tenant(), matchers(), r.min(), r.max());
        if (store.flushGeneration() == generation) {
            return head;
        }
        List<List<Series>> both = new ArrayList<>(2);
        both.add(store.selectWarm(ctx.tenant(), matchers(), r.min(), r.max()));
        both.add(head);
        return SeriesMerger.merge(both);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new HotTableScan(getCluster(), traitSet, origin(), matchers(), range(), store, generation);
    }
}
