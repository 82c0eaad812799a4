package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

/** Parentheses, kept in the tree so that printing needs no precedence rules. */
public record ParenExpr(Expr expr) implements Expr {
    public ParenExpr {
        requireNonNull(expr, "expr is null");
    }

    @Override
    public ValueType type() {
        return expr.type();
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
