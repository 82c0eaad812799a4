package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

/** A string; bytes that are not valid UTF-8 are surrogate-escaped (see {@code GoText}). */
public record StringLiteral(String value) implements Expr {
    public StringLiteral {
        requireNonNull(value, "value is null");
    }

    @Override
    public ValueType type() {
        return ValueType.STRING;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
