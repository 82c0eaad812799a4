package io.sextant.planner;

import io.sextant.storage.Series;
import java.util.List;

/**
 * A node that produces raw series: the unsplit {@link SeriesScan}, a tier's scan or a {@link TierUnion} of them.
 * The node above it asks for the samples in {@code [from, to]} (ms, inclusive) of the series its matchers select;
 * the source reads only the part of that range its tier holds.
 */
public interface SeriesSource extends SextantRel {
    /** The series, sorted by labels, with their samples in {@code [from, to]} within this source's range. */
    List<Series> read(ScanContext ctx, long from, long to);

    /** The scan every branch of this source was split from: its matchers and relative window. */
    SeriesScan origin();
}
