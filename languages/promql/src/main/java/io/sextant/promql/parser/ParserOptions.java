package io.sextant.promql.parser;

/**
 * Prometheus' experimental parser features, each a flag as its {@code --enable-feature} switches are. The
 * conformance corpus needs {@link #ALL}.
 *
 * @param experimentalFunctions functions and aggregations marked experimental ({@code limitk}, {@code
 *     mad_over_time}, {@code info}, ...)
 * @param durationExpressions arithmetic, {@code step()}, {@code range()}, {@code min_of}/{@code max_of} in
 *     ranges, subquery steps and offsets (on by default since Prometheus 3.14)
 * @param extendedRangeSelectors the {@code anchored} and {@code smoothed} modifiers
 * @param fillModifiers {@code fill}, {@code fill_left}, {@code fill_right} on binary operations
 * @param delayedNameRemoval drop {@code __name__} at the end of evaluation rather than per operation; the parser
 *     only carries it to the engine
 */
public record ParserOptions(
        boolean experimentalFunctions,
        boolean durationExpressions,
        boolean extendedRangeSelectors,
        boolean fillModifiers,
        boolean delayedNameRemoval) {
    /** Prometheus 3.14's defaults: only duration expressions. */
    public static final ParserOptions DEFAULT = new ParserOptions(false, true, false, false, false);

    /** Every feature on, as the conformance runner has it. */
    public static final ParserOptions ALL = new ParserOptions(true, true, true, true, true);
}
