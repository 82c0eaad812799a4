package io.sextant.connectors;

import static java.util.Objects.requireNonNull;

import io.sextant.planner.SeriesScan;
import io.sextant.planner.Tier;
import io.sextant.planner.TierScanFactory;
import io.sextant.planner.TierWatermarks;
import io.sextant.planner.TimeRange;
import org.apache.calcite.rel.RelNode;

/** The tier adapters' scans over one {@link TierStore}, for the planner's tier rules. */
public final class TierScans implements TierScanFactory {
    private final TierStore store;

    public TierScans(TierStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    public RelNode raw(Tier tier, SeriesScan origin, TimeRange range, TierWatermarks watermarks) {
        return switch (tier) {
            case HOT ->
                new HotTableScan(
                        origin.getCluster(),
                        origin.getTraitSet(),
                        origin,
                        origin.matchers(),
                        range,
                        store,
                        watermarks.generation());
            case WARM ->
                new WarmTableScan(origin.getCluster(), origin.getTraitSet(), origin, origin.matchers(), range, store);
            case COLD -> throw new IllegalArgumentException("the cold tier holds rollups, not raw samples");
        };
    }

    @Override
    public RelNode rollups(SeriesScan origin, long resolutionMs, TimeRange range) {
        return new ColdTableScan(
                origin.getCluster(), origin.getTraitSet(), origin, origin.matchers(), range, store, resolutionMs);
    }
}
