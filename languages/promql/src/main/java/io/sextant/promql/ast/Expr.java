package io.sextant.promql.ast;

import java.util.List;

/**
 * A PromQL expression. Nodes are immutable records; positions are not part of them (see {@code
 * io.sextant.promql.parser.Positions}), so two parses of the same query at different offsets are equal.
 *
 * <p>{@link Object#toString()} is Prometheus' single-line {@code String()} form, which parses back to an equal
 * expression; {@link #pretty()} is its {@code Pretty(0)} form used by {@code format_query}.
 */
public sealed interface Expr
        permits AggregateExpr,
                BinaryExpr,
                Call,
                MatrixSelector,
                NumberLiteral,
                ParenExpr,
                StringLiteral,
                SubqueryExpr,
                UnaryExpr,
                VectorSelector {
    ValueType type();

    /** The direct sub-expressions in tree order (an aggregation's parameter before its expression). */
    default List<Expr> children() {
        if (this instanceof ParenExpr p) {
            return List.of(p.expr());
        }
        if (this instanceof UnaryExpr u) {
            return List.of(u.expr());
        }
        if (this instanceof BinaryExpr b) {
            return List.of(b.lhs(), b.rhs());
        }
        if (this instanceof AggregateExpr a) {
            return a.param() == null ? List.of(a.expr()) : List.of(a.param(), a.expr());
        }
        if (this instanceof Call c) {
            return c.args();
        }
        if (this instanceof SubqueryExpr q) {
            return List.of(q.expr());
        }
        if (this instanceof MatrixSelector m) {
            return List.of(m.selector());
        }
        return List.of();
    }

    /** Prometheus' {@code Prettify}: the expression split over lines and indented when longer than 100 bytes. */
    default String pretty() {
        return Prettier.pretty(this, 0);
    }
}
