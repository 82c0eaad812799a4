package io.sextant.planner;

import org.apache.calcite.rel.RelNode;

/**
 * Makes the tier adapters' scans for the tier rules, so the rules (planner) decide what to read and the adapters
 * (connectors) how. Every node it returns is a {@link SeriesSource} (raw tiers) or a {@link RollupSource} (cold).
 */
public interface TierScanFactory {
    /** A scan of {@code tier}'s raw samples for {@code origin}'s series, reading at most {@code range}. */
    RelNode raw(Tier tier, SeriesScan origin, TimeRange range, TierWatermarks watermarks);

    /** A scan of the cold tier's rollups at {@code resolutionMs} for {@code origin}'s series within {@code range}. */
    RelNode rollups(SeriesScan origin, long resolutionMs, TimeRange range);
}
