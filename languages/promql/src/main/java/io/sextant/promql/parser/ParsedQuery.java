package io.sextant.promql.parser;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.ast.Expr;

/** A parsed and type-checked query: its expression and the byte range of every node. */
public record ParsedQuery(String query, Expr expr, Positions positions, ParserOptions options) {
    public ParsedQuery {
        requireNonNull(query, "query is null");
        requireNonNull(expr, "expr is null");
        requireNonNull(positions, "positions is null");
        requireNonNull(options, "options is null");
    }
}
