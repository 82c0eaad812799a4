package io.sextant.storage.cold;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * How the cold tier builds and reads rollups.
 *
 * @param resolutions bucket widths in ms, finest first; each a multiple of the finest, which is built from raw
 *     samples (the others are coarsened from it)
 * @param scratchDir local directory for block files being written and read
 * @param cachedBlocks blocks whose series tables (labels only) are kept in memory for repeated queries
 */
public record ColdOptions(List<Long> resolutions, Path scratchDir, int cachedBlocks) {
    public static final List<Long> DEFAULT_RESOLUTIONS = List.of(300_000L, 3_600_000L);

    public ColdOptions {
        resolutions = List.copyOf(resolutions);
        requireNonNull(scratchDir, "scratchDir is null");
        if (resolutions.isEmpty()) {
            throw new IllegalArgumentException("no rollup resolution");
        }
        for (long r : resolutions) {
            if (r <= 0 || r % resolutions.get(0) != 0) {
                throw new IllegalArgumentException("resolution " + r + " is not a multiple of the finest");
            }
        }
        if (cachedBlocks < 0) {
            throw new IllegalArgumentException("cachedBlocks must not be negative");
        }
    }

    public static ColdOptions defaults(Path scratchDir) {
        return new ColdOptions(DEFAULT_RESOLUTIONS, scratchDir, 64);
    }
}
