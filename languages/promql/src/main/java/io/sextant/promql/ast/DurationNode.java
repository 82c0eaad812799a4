package io.sextant.promql.ast;

/** An operand of a duration expression: a literal (in seconds) or a nested {@link DurationExpr}. */
public sealed interface DurationNode permits DurationExpr, NumberLiteral {}
