package io.sextant.planner;

import java.util.Locale;

/** Where samples live, newest first: the in-memory head, local Parquet blocks, rollups in the object store. */
public enum Tier {
    HOT,
    WARM,
    COLD;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
