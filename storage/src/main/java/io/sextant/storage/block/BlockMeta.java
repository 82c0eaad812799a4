package io.sextant.storage.block;

import static java.util.Objects.requireNonNull;

/**
 * One block as the catalog lists it.
 *
 * @param id directory name of the block below the tenant's directory
 * @param minTime oldest sample, ms
 * @param maxTime newest sample, ms
 * @param resolution {@code raw}, or a rollup resolution ({@code 5m}, {@code 1h})
 * @param level compaction level: 0 for a flushed block, n for a block merged into the n-th window size
 * @param series series in the block
 * @param samples samples (rows) in the block
 * @param bytes bytes of the block's files on disk
 */
public record BlockMeta(
        String id, long minTime, long maxTime, String resolution, int level, long series, long samples, long bytes) {
    public BlockMeta {
        requireNonNull(id, "id is null");
        requireNonNull(resolution, "resolution is null");
        if (minTime > maxTime) {
            throw new IllegalArgumentException("minTime > maxTime");
        }
    }

    public static final String RAW = "raw";

    /** Whether the block holds samples in {@code [mint, maxt]} by its time range. */
    public boolean overlaps(long mint, long maxt) {
        return minTime <= maxt && maxTime >= mint;
    }
}
