package io.sextant.promql.ast;

/**
 * A number. {@code duration} marks literals written as durations ({@code 5m} is 300 seconds), which print back
 * as durations. Equality compares values with {@link Double#compare}, so {@code NaN} equals {@code NaN}.
 */
public record NumberLiteral(double value, boolean duration) implements Expr, DurationNode {
    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
