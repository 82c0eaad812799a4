package io.sextant.promql.ast;

import static io.sextant.promql.ast.ValueType.MATRIX;
import static io.sextant.promql.ast.ValueType.SCALAR;
import static io.sextant.promql.ast.ValueType.STRING;
import static io.sextant.promql.ast.ValueType.VECTOR;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every PromQL function of Prometheus 3.14 with its signature. Experimental functions need {@code
 * ParserOptions.experimentalFunctions}. {@code holt_winters} is gone in 3.x ({@code
 * double_exponential_smoothing}); the aggregation operators are grammar, see {@link AggregateOp}.
 */
public final class Functions {
    private static final Map<String, Function> BY_NAME = new TreeMap<>();

    static {
        List<Function> all = List.of(
                fn("abs", List.of(VECTOR), 0, VECTOR, false),
                fn("absent", List.of(VECTOR), 0, VECTOR, false),
                fn("absent_over_time", List.of(MATRIX), 0, VECTOR, false),
                fn("acos", List.of(VECTOR), 0, VECTOR, false),
                fn("acosh", List.of(VECTOR), 0, VECTOR, false),
                fn("asin", List.of(VECTOR), 0, VECTOR, false),
                fn("asinh", List.of(VECTOR), 0, VECTOR, false),
                fn("atan", List.of(VECTOR), 0, VECTOR, false),
                fn("atanh", List.of(VECTOR), 0, VECTOR, false),
                fn("avg_over_time", List.of(MATRIX), 0, VECTOR, false),
                fn("ceil", List.of(VECTOR), 0, VECTOR, false),
                fn("changes", List.of(MATRIX), 0, VECTOR, false),
                fn("clamp", List.of(VECTOR, SCALAR, SCALAR), 0, VECTOR, false),
                fn("clamp_max", List.of(VECTOR, SCALAR), 0, VECTOR, false),
                fn("clamp_min", List.of(VECTOR, SCALAR), 0, VECTOR, false),
                fn("cos", List.of(VECTOR), 0, VECTOR, false),
                fn("cosh", List.of(VECTOR), 0, VECTOR, false),
                fn("count_over_time", List.of(MATRIX), 0, VECTOR, false),
                fn("day_of_month", List.of(VECTOR), 1, VECTOR, false),
                fn("day_of_week", List.of(VECTOR), 1, VECTOR, false),
                fn("day_of_year", List.of(VECTOR), 1, VECTOR, false),
                fn("days_in_month", List.of(VECTOR), 1, VECTOR, false),
                fn("deg", List.of(VECTOR), 0, VECTOR, false),
                fn("delta", List.of(MATRIX), 0, VECTOR, false),
                fn("deriv", List.of(MATRIX), 0, VECTOR, false),
                fn("double_exponential_smoothing", List.of(MATRIX, SCALAR, SCALAR), 0, VECTOR, true),
                fn("end", List.of(), 0, SCALAR, true),
                fn("exp", List.of(VECTOR), 0, VECTOR, false),
                fn("first_over_time", List.of(MATRIX), 0, VECTOR, false),
                fn("floor", List.of(VECTOR), 0, VECTOR, false),
                fn("histogram_avg", List.of(VECTOR), 0, VECTOR, false),
                fn("histogram_count", List.of(VECTOR), 0, VECTOR, false),
                fn("histogram_fraction", List.of(SCALAR, SCALAR, VECTOR), 0, VECTOR, false),
                fn("histogram_quantile", List.of(SCALAR, VECTOR), 0, VECTOR, false),
                fn("histogram_quantiles", List.of(VECTOR, STRING, SCALAR, SCALAR), 9, VECTOR, true),
                fn("histogram_stddev", List.of(VECTOR), 0, VECTOR, false),
                fn("histogram_stdvar", List.of(VECTOR), 0, VECTOR, false),
                fn("histogram_sum", List.of(VECTOR), 0, VECTOR, false),
                fn("hour", List.of(VECTOR), 1, VECTOR, false),
                fn("idelta", List.of(MATRIX), 0, VECTOR, false),
                fn("increase", List.of(MATRIX), 0, VECTOR, false),
                fn("info", List.of(VECTOR, VECTOR), 1, VECTOR, true),
                fn("irate", List.of(MATRIX), 0, VECTOR, false),
                fn("label_join", List.of(VECTOR, STRING, STRING, STRING), -1, VECTOR, false),
                fn("label_replace", List.of(VECTOR, STRING, STRING, STRING, STRING), 0, VECTOR, false),
                fn("last_over_time", List.of(MATRIX), 0, VECTOR, false),
                fn("ln", List.of(VECTOR), 0, VECTOR, false),
                fn("log10", List.of(VECTOR), 0, VECTOR, false),
                fn("log2", List.of(VECTOR), 0, VECTOR, false),
                fn("mad_over_time", List.of(MATRIX), 0, VECTOR, true),
                fn("max_of", List.of(SCALAR, SCALAR), 0, SCALAR, true),
                fn("max_over_time", List.of(MATRIX), 0, VECTOR, false),
                fn("min_of", List.of(SCALAR, SCALAR), 0, SCALAR, true),
                fn("min_over_time", List.of(MATRIX), 0, VECTOR, false),
                fn("minute", List.of(VECTOR), 1, VECTOR, false),
                fn("month", List.of(VECTOR), 1, VECTOR, false),
                fn("pi", List.of(), 0, SCALAR, false),
                fn("predict_linear", List.of(MATRIX, SCALAR), 0, VECTOR, false),
                fn("present_over_time", List.of(MATRIX), 0, VECTOR, false),
                fn("quantile_over_time", List.of(SCALAR, MATRIX), 0, VECTOR, false),
                fn("rad", List.of(VECTOR), 0, VECTOR, false),
                fn("range", List.of(), 0, SCALAR, true),
                fn("rate", List.of(MATRIX), 0, VECTOR, false),
                fn("resets", List.of(MATRIX), 0, VECTOR, false),
                fn("round", List.of(VECTOR, SCALAR), 1, VECTOR, false),
                fn("scalar", List.of(VECTOR), 0, SCALAR, false),
                fn("sgn", List.of(VECTOR), 0, VECTOR, false),
                fn("sin", List.of(VECTOR), 0, VECTOR, false),
                fn("sinh", List.of(VECTOR), 0, VECTOR, false),
                fn("sort", List.of(VECTOR), 0, VECTOR, false),
                fn("sort_by_label", List.of(VECTOR, STRING), -1, VECTOR, true),
                fn("sort_by_label_desc", List.of(VECTOR, STRING), -1, VECTOR, true),
                fn("sort_desc", List.of(VECTOR), 0, VECTOR, false),
                fn("sqrt", List.of(VECTOR), 0, VECTOR, false),
                fn("start", List.of(), 0, SCALAR, true),
                fn("start_timestamp", List.of(VECTOR), 0, VECTOR, true),
                fn("stddev_over_time", List.of(MATRIX), 0, VECTOR, false),
                fn("stdvar_over_time", List.of(MATRIX), 0, VECTOR, false),
                fn("step", List.of(), 0, SCALAR, true),
                fn("sum_over_time", List.of(MATRIX), 0, VECTOR, false),
                fn("tan", List.of(VECTOR), 0, VECTOR, false),
                fn("tanh", List.of(VECTOR), 0, VECTOR, false),
                fn("time", List.of(), 0, SCALAR, false),
                fn("timestamp", List.of(VECTOR), 0, VECTOR, false),
                fn("ts_of_first_over_time", List.of(MATRIX), 0, VECTOR, true),
                fn("ts_of_last_over_time", List.of(MATRIX), 0, VECTOR, true),
                fn("ts_of_max_over_time", List.of(MATRIX), 0, VECTOR, true),
                fn("ts_of_min_over_time", List.of(MATRIX), 0, VECTOR, true),
                fn("vector", List.of(SCALAR), 0, VECTOR, false),
                fn("year", List.of(VECTOR), 1, VECTOR, false));
        for (Function f : all) {
            BY_NAME.put(f.name(), f);
        }
    }

    private Functions() {}

    private static Function fn(String name, List<ValueType> args, int variadic, ValueType ret, boolean experimental) {
        return new Function(name, args, variadic, ret, experimental);
    }

    /** The function with exactly this name; names are case-sensitive. */
    public static Optional<Function> get(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** All functions, sorted by name. */
    public static Collection<Function> all() {
        return BY_NAME.values();
    }
}
