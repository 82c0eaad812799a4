package io.sextant.storage;

import static java.util.Objects.requireNonNull;

/** An exemplar attached to a series: its own labels (usually {@code trace_id}), a value and a timestamp in ms. */
public record Exemplar(Labels labels, double value, long timestampMs) {
    public Exemplar {
        requireNonNull(labels, "labels is null");
    }
}
