package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

import java.util.Objects;
import java.util.Optional;

/**
 * A binary operation. {@code matching} holds the modifiers as written; {@link #vectorMatching()} is what they
 * mean, as Prometheus' type check leaves them: absent when a side is not an instant vector, and many-to-many for
 * set operators. Equality and printing use the meaning, so {@code 1 + on() x} equals {@code 1 + x}.
 */
public record BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, VectorMatching matching, boolean returnBool) implements Expr {
    public BinaryExpr {
        requireNonNull(op, "op is null");
        requireNonNull(lhs, "lhs is null");
        requireNonNull(rhs, "rhs is null");
        requireNonNull(matching, "matching is null");
    }

    @Override
    public ValueType type() {
        return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
    }

    /** The vector matching of an operation between two instant vectors, empty otherwise. */
    public Optional<VectorMatching> vectorMatching() {
        if (lhs.type() != ValueType.VECTOR || rhs.type() != ValueType.VECTOR) {
            return Optional.empty();
        }
        if (op.isSetOperator() && matching.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
            return Optional.of(matching.withCard(VectorMatching.Cardinality.MANY_TO_MANY));
        }
        return Optional.of(matching);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryExpr b
                && op == b.op
                && returnBool == b.returnBool
                && lhs.equals(b.lhs)
                && rhs.equals(b.rhs)
                && vectorMatching().equals(b.vectorMatching());
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, returnBool, lhs, rhs, vectorMatching());
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
