package io.sextant.planner;

import io.sextant.storage.cold.LabeledRollup;
import java.util.List;

/**
 * A node that produces rollup buckets at one resolution: a cold tier scan, rollups built from raw samples, or a
 * {@link RollupUnion} of them.
 */
public interface RollupSource extends SextantRel {
    long resolutionMs();

    /**
     * The rollups of the selected series, sorted by labels, with the buckets holding samples in {@code [from, to]}
     * within this source's range. Partial buckets at the range's edges are expected; {@link RollupUnion} merges
     * them with its neighbours'.
     */
    List<LabeledRollup> readRollups(ScanContext ctx, long from, long to);
}
