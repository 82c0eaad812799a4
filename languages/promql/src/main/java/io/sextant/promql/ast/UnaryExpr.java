package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

/** Unary {@code -} or {@code +} on anything but a number literal (signs fold into literals). */
public record UnaryExpr(boolean negative, Expr expr) implements Expr {
    public UnaryExpr {
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
