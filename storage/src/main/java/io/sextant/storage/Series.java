package io.sextant.storage;

import static java.util.Objects.requireNonNull;

/** One series returned by a {@link Querier}: its labels and its samples within the selected time range. */
public record Series(Labels labels, Samples samples) {
    public Series {
        requireNonNull(labels, "labels is null");
        requireNonNull(samples, "samples is null");
    }
}
