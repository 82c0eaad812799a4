package io.sextant.promql.ast;

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

    /** Prometheus' {@code Prettify}: the expression split over lines and indented when longer than 100 bytes. */
    default String pretty() {
        return Prettier.pretty(this, 0);
    }
}
