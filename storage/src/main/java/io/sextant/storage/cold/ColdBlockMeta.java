package io.sextant.storage.cold;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One rollup block as the cold catalog lists it: the buckets built from the raw samples with timestamps in
 * {@code [windowStart, windowEnd)} at one resolution. Windows are aligned, so the bucket ending at {@code
 * windowStart} holds only the sample at exactly {@code windowStart} (the rest of it is in the previous window's
 * block) and the bucket ending at {@code windowEnd} lacks the sample at exactly {@code windowEnd} (in the next
 * window's); readers merge such partial buckets of adjacent blocks ({@link
 * io.sextant.storage.rollup.Rollups#concat}).
 *
 * @param id the block's name below its tenant and resolution in the object store
 * @param resolutionMs bucket width
 * @param windowStart first raw timestamp the block covers, inclusive
 * @param windowEnd end of the covered raw time, exclusive
 * @param series series in the block
 * @param buckets buckets (rows) in the block
 * @param bytes bytes of the block's objects
 * @param sources ids of the warm blocks it was built from, to rebuild it when they change
 */
public record ColdBlockMeta(
        String id,
        long resolutionMs,
        long windowStart,
        long windowEnd,
        long series,
        long buckets,
        long bytes,
        List<String> sources) {
    public ColdBlockMeta {
        requireNonNull(id, "id is null");
        sources = List.copyOf(sources);
        if (resolutionMs <= 0 || windowStart >= windowEnd) {
            throw new IllegalArgumentException("bad resolution or window");
        }
    }
}
