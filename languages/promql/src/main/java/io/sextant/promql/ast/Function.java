package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A function signature. {@code variadic} is 0 for a fixed arity, {@code k > 0} when the last argument is optional
 * and may repeat up to {@code k} times in total, and -1 for no upper bound; extra arguments have the last type.
 */
public record Function(
        String name, List<ValueType> argTypes, int variadic, ValueType returnType, boolean experimental) {
    public Function {
        requireNonNull(name, "name is null");
        argTypes = List.copyOf(requireNonNull(argTypes, "argTypes is null"));
        requireNonNull(returnType, "returnType is null");
    }

    /** The fewest arguments a call may have. */
    public int minArgs() {
        return variadic == 0 ? argTypes.size() : argTypes.size() - 1;
    }

    /** The most arguments a call may have, or -1 without limit. */
    public int maxArgs() {
        if (variadic == 0) {
            return argTypes.size();
        }
        return variadic < 0 ? -1 : argTypes.size() - 1 + variadic;
    }
}
