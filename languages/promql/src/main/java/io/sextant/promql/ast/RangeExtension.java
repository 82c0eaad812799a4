package io.sextant.promql.ast;

/** The experimental {@code anchored} / {@code smoothed} selector modifiers. */
public enum RangeExtension {
    NONE,
    ANCHORED,
    SMOOTHED
}
