package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * A range vector selector {@code sel[range]}; the range is {@code rangeMillis}, or {@code rangeExpr} when it is
 * a duration expression (null otherwise). Offset, {@code @} and {@code anchored}/{@code smoothed} live on the
 * inner selector, as in Prometheus.
 */
public record MatrixSelector(VectorSelector selector, long rangeMillis, DurationExpr rangeExpr) implements Expr {
    public MatrixSelector {
        requireNonNull(selector, "selector is null");
    }

    public MatrixSelector withSelector(VectorSelector selector) {
        return new MatrixSelector(selector, rangeMillis, rangeExpr);
    }

    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
