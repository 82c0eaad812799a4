package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * Arithmetic on durations inside {@code [...]} and after {@code offset} ({@code [5m * 2]}, {@code offset
 * -step()}), evaluated in seconds when the query's step and range are known.
 *
 * <p>The shape follows Prometheus: {@code step()} and {@code range()} have no operands, unary minus has only
 * {@code rhs}, a parenthesised literal is a unary {@code +} with {@code wrapped}, {@code min_of}/{@code max_of}
 * and binary operators have both. {@code lhs} and {@code rhs} are null where absent.
 */
public record DurationExpr(Op op, DurationNode lhs, DurationNode rhs, boolean wrapped) implements DurationNode {
    public enum Op {
        ADD("+"),
        SUB("-"),
        MUL("*"),
        DIV("/"),
        MOD("%"),
        POW("^"),
        STEP("step"),
        RANGE("range"),
        MIN_OF("min_of"),
        MAX_OF("max_of");

        private final String text;

        Op(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public DurationExpr {
        requireNonNull(op, "op is null");
    }

    public DurationExpr withWrapped(boolean wrapped) {
        return new DurationExpr(op, lhs, rhs, wrapped);
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
