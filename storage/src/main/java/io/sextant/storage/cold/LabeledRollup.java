package io.sextant.storage.cold;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.Labels;
import io.sextant.storage.rollup.RollupSeries;

/** One series' rollup buckets at one resolution, with the series' labels. */
public record LabeledRollup(Labels labels, RollupSeries rollup) {
    public LabeledRollup {
        requireNonNull(labels, "labels is null");
        requireNonNull(rollup, "rollup is null");
    }
}
