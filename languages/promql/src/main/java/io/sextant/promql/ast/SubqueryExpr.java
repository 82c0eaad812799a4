package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * A subquery {@code expr[range:step] @ t offset d}. Each duration is in milliseconds or, when written as a
 * duration expression, in the matching {@code *Expr} component (null otherwise). A step of 0 without expression
 * means the default step.
 */
public record SubqueryExpr(
        Expr expr,
        long rangeMillis,
        DurationExpr rangeExpr,
        long stepMillis,
        DurationExpr stepExpr,
        long offsetMillis,
        DurationExpr offsetExpr,
        At at)
        implements Expr {
    public SubqueryExpr {
        requireNonNull(expr, "expr is null");
        requireNonNull(at, "at is null");
    }

    public boolean hasOffset() {
        return offsetMillis != 0 || offsetExpr != null;
    }

    public SubqueryExpr withOffset(long millis, DurationExpr expr) {
        return new SubqueryExpr(this.expr, rangeMillis, rangeExpr, stepMillis, stepExpr, millis, expr, at);
    }

    public SubqueryExpr withAt(At at) {
        return new SubqueryExpr(expr, rangeMillis, rangeExpr, stepMillis, stepExpr, offsetMillis, offsetExpr, at);
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
