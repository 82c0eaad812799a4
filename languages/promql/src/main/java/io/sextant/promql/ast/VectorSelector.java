package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.Matcher;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * An instant vector selector {@code name{matchers} @ t anchored offset d}.
 *
 * <p>As in Prometheus, a name written outside the braces is also the last matcher ({@code __name__="name"}),
 * and {@code name} is empty when there is none. Matchers compare as a set, since the printer sorts them. The
 * offset is {@code offsetMillis}, or {@code offsetExpr} when written as a duration expression (null otherwise).
 * Selectors inside a range selector carry that range selector's modifiers.
 */
public record VectorSelector(
        String name,
        List<Matcher> matchers,
        long offsetMillis,
        DurationExpr offsetExpr,
        At at,
        RangeExtension extension)
        implements Expr {
    public VectorSelector {
        requireNonNull(name, "name is null");
        matchers = List.copyOf(requireNonNull(matchers, "matchers is null"));
        requireNonNull(at, "at is null");
        requireNonNull(extension, "extension is null");
    }

    /** A selector without modifiers. */
    public static VectorSelector of(String name, List<Matcher> matchers) {
        return new VectorSelector(name, matchers, 0, null, At.NONE, RangeExtension.NONE);
    }

    /** Whether an offset was given (Prometheus treats {@code offset 0} as none). */
    public boolean hasOffset() {
        return offsetMillis != 0 || offsetExpr != null;
    }

    public VectorSelector withOffset(long millis, DurationExpr expr) {
        return new VectorSelector(name, matchers, millis, expr, at, extension);
    }

    public VectorSelector withAt(At at) {
        return new VectorSelector(name, matchers, offsetMillis, offsetExpr, at, extension);
    }

    public VectorSelector withExtension(RangeExtension extension) {
        return new VectorSelector(name, matchers, offsetMillis, offsetExpr, at, extension);
    }

    /** The selector without offset, {@code @} and extension, as printed before a range. */
    public VectorSelector withoutModifiers() {
        return of(name, matchers);
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorSelector v
                && name.equals(v.name)
                && offsetMillis == v.offsetMillis
                && Objects.equals(offsetExpr, v.offsetExpr)
                && at.equals(v.at)
                && extension == v.extension
                && matchers.size() == v.matchers.size()
                && new HashSet<>(matchers).equals(new HashSet<>(v.matchers));
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, new HashSet<>(matchers), offsetMillis, offsetExpr, at, extension);
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
