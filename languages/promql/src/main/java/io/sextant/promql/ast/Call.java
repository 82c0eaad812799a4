package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A function call; the function comes from {@link Functions}. */
public record Call(Function function, List<Expr> args) implements Expr {
    public Call {
        requireNonNull(function, "function is null");
        args = List.copyOf(requireNonNull(args, "args is null"));
    }

    @Override
    public ValueType type() {
        return function.returnType();
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
