package io.sextant.planner;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where one tenant's data is, taken once per execution: the sample times the head holds, the times the warm
 * blocks cover, and per rollup resolution the contiguous raw-time range the newest run of cold blocks covers (a
 * cold block's buckets come from the raw samples of its window, see {@link
 * io.sextant.storage.cold.ColdBlockMeta}). {@code generation} counts the head's flushes: a flush moves samples
 * from the head into blocks, and a hot scan that sees it change reads the blocks as well (see {@link Tier#HOT}'s
 * scan), so the plan may leave out the warm tier for times past its watermark.
 */
public record TierWatermarks(TimeRange hot, TimeRange warm, Map<Long, TimeRange> cold, long generation) {
    public TierWatermarks {
        requireNonNull(hot, "hot is null");
        requireNonNull(warm, "warm is null");
        cold = Map.copyOf(cold);
    }

    /** Every tier may hold anything: the plan keeps all raw branches and uses no rollups. */
    public static final TierWatermarks UNKNOWN = new TierWatermarks(TimeRange.ALL, TimeRange.ALL, Map.of(), 0);

    /** The cold coverage at {@code resolutionMs}, empty when there is none. */
    public TimeRange cold(long resolutionMs) {
        return cold.getOrDefault(resolutionMs, TimeRange.EMPTY);
    }

    @Override
    public String toString() {
        return "hot=" + hot + " warm=" + warm + " cold=" + new TreeMap<>(cold) + " generation=" + generation;
    }
}
