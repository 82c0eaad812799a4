package io.sextant.promql.eval;

/**
 * The inputs of a plan node, evaluated on demand: a subquery evaluates its input on its own grid, so an input
 * is evaluated per grid rather than once.
 */
@FunctionalInterface
public interface Operands {
    /** Input {@code i} evaluated on {@code grid} (see {@link Evaluation} for the value types). */
    Object eval(int i, StepGrid grid);
}
