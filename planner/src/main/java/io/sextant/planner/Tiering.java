package io.sextant.planner;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.rel.RelNode;

/**
 * What the planner needs to route one execution across tiers: the tenant's watermarks, the adapters that scan each
 * tier, the cold tier's resolutions and the request's {@code max_source_resolution}. {@link #NONE} routes nothing:
 * scans read the querier as one store (tests over an in-memory querier, the conformance suite).
 */
public record Tiering(
        boolean routes,
        TierWatermarks watermarks,
        TierScanFactory factory,
        List<Long> resolutions,
        RollupChoice.MaxResolution maxResolution) {
    public Tiering {
        requireNonNull(watermarks, "watermarks is null");
        requireNonNull(factory, "factory is null");
        resolutions = List.copyOf(resolutions);
        requireNonNull(maxResolution, "maxResolution is null");
    }

    public static final Tiering NONE = new Tiering(
            false,
            TierWatermarks.UNKNOWN,
            new TierScanFactory() {
                @Override
                public RelNode raw(Tier tier, SeriesScan origin, TimeRange range, TierWatermarks watermarks) {
                    throw new IllegalStateException("no tiers to route to");
                }

                @Override
                public RelNode rollups(SeriesScan origin, long resolutionMs, TimeRange range) {
                    throw new IllegalStateException("no tiers to route to");
                }
            },
            List.of(),
            RollupChoice.MaxResolution.RAW);

    public static Tiering of(
            TierWatermarks watermarks,
            TierScanFactory factory,
            List<Long> resolutions,
            RollupChoice.MaxResolution maxResolution) {
        return new Tiering(true, watermarks, factory, resolutions, maxResolution);
    }
}
