package io.sextant.promql.eval;

/**
 * Engine settings, Prometheus' flags: the lookback window of instant selectors, the default subquery step,
 * the most samples a query may hold at once, and whether {@code __name__} removal is delayed to the end of
 * evaluation (feature {@code promql-delayed-name-removal}).
 */
public record EngineOptions(long lookbackMs, long defaultSubqueryStepMs, long maxSamples, boolean delayedNameRemoval) {
    /** Prometheus server defaults: 5m lookback, 1m subquery step, 50 M samples, immediate name removal. */
    public static final EngineOptions DEFAULTS = new EngineOptions(300_000, 60_000, 50_000_000, false);

    /** What the conformance corpus assumes (its FORMAT.md §6): 10,000 samples and delayed name removal. */
    public static final EngineOptions CONFORMANCE = new EngineOptions(300_000, 60_000, 10_000, true);
}
