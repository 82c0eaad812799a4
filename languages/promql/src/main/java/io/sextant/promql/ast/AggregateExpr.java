package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An aggregation {@code op by|without (labels) ([param,] expr)}. {@code param} is null for operators without a
 * parameter. An empty {@code by ()} is the same as no grouping; {@code without ()} is kept.
 */
public record AggregateExpr(AggregateOp op, Expr param, Expr expr, List<String> grouping, boolean without)
        implements Expr {
    public AggregateExpr {
        requireNonNull(op, "op is null");
        requireNonNull(expr, "expr is null");
        grouping = List.copyOf(requireNonNull(grouping, "grouping is null"));
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
