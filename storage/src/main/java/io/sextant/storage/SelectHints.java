package io.sextant.storage;

/**
 * Optional facts about a select that a store may use to do less work. {@code withSamples=false} asks for
 * labels only (series and label APIs); {@code limit} caps the number of series (0 = none).
 */
public record SelectHints(boolean withSamples, int limit) {
    public static final SelectHints SAMPLES = new SelectHints(true, 0);
    public static final SelectHints LABELS_ONLY = new SelectHints(false, 0);

    public SelectHints {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
    }
}
