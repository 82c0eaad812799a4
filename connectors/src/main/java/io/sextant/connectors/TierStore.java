package io.sextant.connectors;

import io.sextant.planner.TierWatermarks;
import io.sextant.storage.Matcher;
import io.sextant.storage.Querier;
import io.sextant.storage.Series;
import io.sextant.storage.cold.LabeledRollup;
import java.util.List;

/**
 * The storage the tier adapters scan: each tier on its own, and where each tier's data is. As a {@link Querier} it
 * answers from the raw tiers together (hot and warm), for the reads that are not planned (label APIs, series,
 * remote read). Times are ms, ranges inclusive; tenants and matchers as in {@link Querier}.
 */
public interface TierStore extends Querier {
    /** The head's series with their samples in {@code [from, to]}. */
    List<Series> selectHot(String tenant, List<Matcher> matchers, long from, long to);

    /** The warm blocks' series with their samples in {@code [from, to]}. */
    List<Series> selectWarm(String tenant, List<Matcher> matchers, long from, long to);

    /** The cold tier's rollups at {@code resolutionMs}, see {@link io.sextant.storage.cold.RollupReader#select}. */
    List<LabeledRollup> selectCold(String tenant, List<Matcher> matchers, long from, long to, long resolutionMs);

    /** Where the tenant's data is now. */
    TierWatermarks watermarks(String tenant);

    /** The flushes so far; see {@link TierWatermarks#generation()}. */
    long flushGeneration();

    /** The cold tier's resolutions, finest first; empty without a cold tier. */
    List<Long> resolutions();
}
