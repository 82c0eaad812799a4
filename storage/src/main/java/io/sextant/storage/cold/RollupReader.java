package io.sextant.storage.cold;

import io.sextant.storage.Matcher;
import java.util.List;

/**
 * The read side of the cold tier, as the query planner and the tier adapters use it. Thread-safe; tenants and
 * matchers behave as in {@link io.sextant.storage.Querier}.
 */
public interface RollupReader {
    /** No cold tier: no resolutions, no blocks, no rollups. */
    RollupReader NONE = new RollupReader() {
        @Override
        public List<Long> resolutions() {
            return List.of();
        }

        @Override
        public List<ColdBlockMeta> blocks(String tenant, long resolutionMs) {
            return List.of();
        }

        @Override
        public List<LabeledRollup> select(
                String tenant, List<Matcher> matchers, long from, long to, long resolutionMs) {
            return List.of();
        }
    };

    /** The resolutions rollups are kept at, finest first (e.g. 5m and 1h, in ms). */
    List<Long> resolutions();

    /** The tenant's rollup blocks at {@code resolutionMs}, by window start. */
    List<ColdBlockMeta> blocks(String tenant, long resolutionMs);

    /**
     * The rollups at {@code resolutionMs} of the series matching {@code matchers}, sorted by labels: the buckets of
     * the blocks whose windows overlap {@code [from, to]}, so at least every bucket holding samples in the range (a
     * bucket ending at {@code e} covers {@code (e − R, e]}). Partial buckets of adjacent blocks that share an end
     * come back merged into one.
     */
    List<LabeledRollup> select(String tenant, List<Matcher> matchers, long from, long to, long resolutionMs);
}
