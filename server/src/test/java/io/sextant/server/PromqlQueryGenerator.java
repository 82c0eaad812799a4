package io.sextant.server;

import java.util.List;
import java.util.Random;

/**
 * Random PromQL expressions over the data set of {@link PromqlDifferentialTest}, reproducible from a seed.
 *
 * <p>Only expressions valid in both Prometheus 2.42 and 3.x, with the same meaning in both, are generated. The
 * exclusions, each a behaviour change listed in {@code shared/conformance/promql/SOURCE.md}:
 *
 * <ul>
 *   <li>no {@code holt_winters} / {@code double_exponential_smoothing} (A.3), no UTF-8 names (A.4), no numbers as
 *       durations or duration expressions (A.5, B), none of the functions of section B;
 *   <li>no {@code round()} (A.9: 3.1 drops {@code __name__}, 2.42 keeps it);
 *   <li>the {@code stddev} and {@code stdvar} aggregations only over selectors and range functions of series
 *       without NaN samples, which never yield NaN or ±Inf (A.11: "stddev/stdvar treat ±Inf consistently [3.0.0]";
 *       3.x also answers NaN, where 2.42 answers 0, for a group of one NaN);
 *   <li>{@code %} only with a selector as its left operand: its remainder turns a last-digit difference of a large
 *       computed dividend into a large relative one, and 3.x computes sums and averages with Kahan compensation
 *       (A.7), so their last digits legitimately differ from 2.42's;
 *   <li>unary minus, {@code label_replace} and {@code label_join} only over single-name inputs, and {@code
 *       label_join} never into one of its source labels (A.11: collision and duplicate fixes in 3.3 and 3.9);
 *   <li>{@code topk}/{@code bottomk}/{@code quantile} only with constant parameters (A.11);
 *   <li>ranges, offsets and subqueries together reach back at most 40 minutes, and the test evaluates from 45
 *       minutes after the data starts, so that counters never start inside a {@code rate} window (A.6: the
 *       zero-point extrapolation cutoff changed in 2.51);
 *   <li>left-open versus closed windows (A.1) are avoided by the test's evaluation times, not here: samples sit at
 *       .7 s past a whole second, evaluation times at .3 s, and every duration here is whole seconds, so no
 *       window boundary (range, lookback, subquery, offset) ever falls on a sample;
 *   <li>no subquery inside a subquery (A.1, "subquery windows became left-open as well [3.0.1]"): the inner
 *       subquery is evaluated at multiples of the outer step, so its window starts exactly on one of its own
 *       steps, which 2.42 includes and 3.x excludes.
 * </ul>
 *
 * <p>One exclusion is not a version difference: {@code topk} and {@code bottomk} appear only at the top level.
 * Which of several tied series they keep is unspecified, and in 2.42's range queries it follows Go's randomised
 * map iteration order, so a tie nested inside an expression would make Prometheus disagree with itself. At the
 * top level the test checks ties properly: against the inner expression's answer.
 */
final class PromqlQueryGenerator {
    private final Random random;

    PromqlQueryGenerator(long seed) {
        random = new Random(seed);
    }

    private static final List<String> COUNTERS = List.of(
            "http_requests_total",
            "process_cpu_seconds_total",
            "http_request_duration_seconds_count",
            "http_request_duration_seconds_sum");
    private static final List<String> GAUGES =
            List.of("node_memory_bytes", "temperature_celsius", "queue_depth", "up", "batch_last_success");
    /** The gauges without NaN samples: temperature_celsius has some. */
    private static final List<String> FINITE_GAUGES =
            List.of("node_memory_bytes", "queue_depth", "up", "batch_last_success");

    private static final List<String> RANGES = List.of("1m", "2m", "5m", "10m");
    private static final List<String> OFFSETS = List.of("1m", "5m", "10m", "90s");
    private static final List<String> COUNTER_FUNCTIONS = List.of("rate", "irate", "increase", "resets");
    private static final List<String> GAUGE_FUNCTIONS = List.of(
            "delta",
            "idelta",
            "deriv",
            "changes",
            "avg_over_time",
            "min_over_time",
            "max_over_time",
            "sum_over_time",
            "count_over_time",
            "last_over_time",
            "present_over_time",
            "absent_over_time",
            "stddev_over_time",
            "stdvar_over_time");
    private static final List<String> SIMPLE_AGGREGATIONS =
            List.of("sum", "avg", "min", "max", "count", "group", "stddev", "stdvar");
    private static final List<String> GROUPINGS = List.of("job", "instance", "job, instance", "code", "method, job");
    private static final List<String> TRIGONOMETRY = List.of(
            "acos", "asin", "atan", "cos", "sin", "tan", "cosh", "sinh", "tanh", "asinh", "acosh", "atanh", "deg",
            "rad");
    private static final List<String> CALENDAR =
            List.of("minute", "hour", "day_of_week", "day_of_month", "day_of_year", "days_in_month", "month", "year");
    private static final List<String> MATH =
            List.of("abs", "ceil", "floor", "sqrt", "exp", "ln", "log2", "log10", "sgn");

    /** Whether the expression being generated is for a range query. */
    private boolean range;

    /**
     * One query expression for an instant or a range query; the top level is sometimes an ordering function, whose
     * order the test compares. {@value #AT} stands for a fixed time the test chooses.
     */
    String next(boolean forRange) {
        range = forRange;
        return switch (random.nextInt(12)) {
            case 0 -> "sort(" + vector(2) + ")";
            case 1 -> "sort_desc(" + vector(2) + ")";
            case 2 -> "topk(" + (1 + random.nextInt(4)) + ", " + vector(1) + ")";
            case 3 -> "bottomk(" + (1 + random.nextInt(4)) + ", " + vector(1) + ")";
            case 4 -> scalarExpression();
            case 5 -> invalid();
            default -> vector(2 + random.nextInt(2));
        };
    }

    /** Expressions both must refuse, with the same error type. */
    private String invalid() {
        String sel = selector(pick(GAUGES));
        return switch (random.nextInt(6)) {
            // parse and type errors: 400 bad_data
            case 0 -> "rate(" + sel + ")";
            case 1 -> "sum(" + sel + "[5m])";
            case 2 -> sel + " +";
            case 3 -> "topk(" + sel + ", " + sel + ")";
            case 4 -> "histogram_quantile(" + sel + ")";
            // two names that drop to the same label set: 422 execution error
            default -> "rate({__name__=~\"process_cpu_seconds_total|http_request_duration_seconds_count\"}[5m])";
        };
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    // ---------------------------------------------------------------- selectors

    /** A selector of {@code name} with zero to three matchers of all four kinds on its labels. */
    private String selector(String name) {
        StringBuilder sb = new StringBuilder();
        boolean byNameMatcher = chance(8) && !name.startsWith("http_request_duration_seconds_bucket");
        if (byNameMatcher) {
            // the same single name through a regex, still one name, so name-sensitive functions stay valid
            sb.append("{__name__=~\"").append(name).append("\"");
        } else {
            sb.append(name).append('{');
        }
        int matchers = random.nextInt(4);
        String sep = byNameMatcher ? ", " : "";
        for (int i = 0; i < matchers; i++) {
            String m = matcher(name);
            if (m != null) {
                sb.append(sep).append(m);
                sep = ", ";
            }
        }
        sb.append('}');
        String s = sb.toString();
        return s.endsWith("{}") ? s.substring(0, s.length() - 2) : s;
    }

    private String matcher(String name) {
        int kind = random.nextInt(4);
        switch (random.nextInt(name.equals("http_requests_total") ? 5 : 3)) {
            case 0:
                return switch (kind) {
                    case 0 -> "job=\"" + pick(List.of("api", "web", "worker", "none")) + "\"";
                    case 1 -> "job!=\"" + pick(List.of("api", "web", "worker")) + "\"";
                    case 2 -> "job=~\"" + pick(List.of("api|web", "w.*", "a.+", "worker|none")) + "\"";
                    default -> "job!~\"" + pick(List.of("api", "w.*", "api|worker")) + "\"";
                };
            case 1:
                return switch (kind) {
                    case 0 -> "instance=\"" + pick(List.of("h0:9100", "h2:9100", "h3:9100")) + "\"";
                    case 1 -> "instance!=\"" + pick(List.of("h0:9100", "h1:9100")) + "\"";
                    case 2 -> "instance=~\"" + pick(List.of("h[01]:.*", "h.:9100", "h3.*|h0.*")) + "\"";
                    default -> "instance!~\"" + pick(List.of("h[23]:.*", "h0.*")) + "\"";
                };
            case 2:
                return null;
            case 3:
                return switch (kind) {
                    case 0 -> "code=\"" + pick(List.of("200", "404", "500")) + "\"";
                    case 1 -> "code!=\"200\"";
                    case 2 -> "code=~\"" + pick(List.of("5..", "2..|4..", "[45].*")) + "\"";
                    default -> "code!~\"2..\"";
                };
            default:
                return switch (kind) {
                    case 0 -> "method=\"" + pick(List.of("GET", "POST", "PUT")) + "\"";
                    case 1 -> "method!=\"GET\"";
                    case 2 -> "method=~\"P.*\"";
                    default -> "method!~\"PU.|GET\"";
                };
        }
    }

    /** The placeholder for the fixed time of {@code @} modifiers, .3 s off the samples like every query time. */
    static final String AT = "@ AT";

    /** Sometimes an offset, sometimes an @ modifier: the query's start or end, or a fixed time. */
    private String offset() {
        return offset(true);
    }

    /**
     * Like {@link #offset()}, but for the argument of {@code predict_linear} and {@code timestamp}, where 2.42
     * evaluates an {@code @} modifier wrongly in range queries: it moves the fixed window along with the steps
     * (prometheus/prometheus#11708, fixed in 2.50.0 by #13559, "Fix wrongly scoped range vectors with @
     * modifier"), and {@code timestamp()} of an {@code @} selector became step-invariant only in 3.x (#17313).
     * A subquery is a range evaluation too. Elsewhere in instant queries both versions agree, so there they keep
     * the modifier.
     */
    private String atUnsafeOffset() {
        return offset(!range && subqueries == 0);
    }

    private String offset(boolean at) {
        return switch (random.nextInt(20)) {
            case 0, 1, 2 -> " offset " + pick(OFFSETS);
            case 3 -> at ? " @ " + pick(List.of("start()", "end()")) : "";
            case 4 -> at ? " @ end() offset " + pick(OFFSETS) : "";
            case 5 -> at ? " " + AT + pick(List.of("", " offset 1m")) : "";
            default -> "";
        };
    }

    // ---------------------------------------------------------------- leaves

    /** A selector or a range function over one: never ±Inf. */
    private String leaf() {
        return leaf(GAUGES);
    }

    /** A leaf over the given gauges (or counters): over {@link #FINITE_GAUGES}, never NaN either. */
    private String leaf(List<String> gauges) {
        return switch (random.nextInt(5)) {
            case 0 -> selector(pick(gauges)) + offset();
            case 1, 2 ->
                pick(COUNTER_FUNCTIONS) + "(" + selector(pick(COUNTERS)) + "[" + pick(RANGES) + "]" + offset() + ")";
            case 3 -> gaugeRangeFunction(gauges);
            default -> selector(pick(COUNTERS)) + offset();
        };
    }

    private String gaugeRangeFunction(List<String> gauges) {
        String window = selector(pick(gauges)) + "[" + pick(RANGES) + "]";
        return switch (random.nextInt(8)) {
            case 0 ->
                "quantile_over_time(" + pick(List.of("0", "0.25", "0.5", "0.9", "1")) + ", " + window + offset() + ")";
            case 1 -> "predict_linear(" + window + atUnsafeOffset() + ", " + pick(List.of("60", "300", "3600")) + ")";
            default -> pick(GAUGE_FUNCTIONS) + "(" + window + offset() + ")";
        };
    }

    private String histogramQuantile() {
        String by = pick(List.of("le", "le, job", "job, le", "instance, le"));
        return "histogram_quantile(" + pick(List.of("0.5", "0.9", "0.99", "0.75")) + ", sum by (" + by + ") (rate("
                + selector("http_request_duration_seconds_bucket") + "[" + pick(RANGES) + "]" + offset() + ")))";
    }

    // ---------------------------------------------------------------- vectors

    private String vector(int depth) {
        if (depth <= 0) {
            return chance(10) ? histogramQuantile() : leaf();
        }
        return switch (random.nextInt(10)) {
            case 0 -> leaf();
            case 1, 2 -> aggregation(depth);
            case 3, 4 -> binary(depth);
            case 5 -> function(depth);
            case 6 -> subqueries > 0 ? leaf() : subquery(depth);
            case 7 -> histogramQuantile();
            case 8 -> matched(depth);
            default -> comparison(depth);
        };
    }

    private String grouping() {
        return switch (random.nextInt(4)) {
            case 0 -> "";
            case 1 -> " without (" + pick(List.of("instance", "code", "method, code", "job")) + ")";
            default -> " by (" + pick(GROUPINGS) + ")";
        };
    }

    private String aggregation(int depth) {
        String g = grouping();
        return switch (random.nextInt(8)) {
            case 0, 1, 2 ->
                "quantile" + g + "(" + pick(List.of("0", "0.5", "0.9", "1")) + ", " + vector(depth - 1) + ")";
            case 3 -> "count_values" + g + "(\"value\", " + countable() + ")";
            default -> {
                String op = pick(SIMPLE_AGGREGATIONS);
                String arg = op.startsWith("std") ? leaf(FINITE_GAUGES) : vector(depth - 1);
                yield op + g + " (" + arg + ")";
            }
        };
    }

    /** Inputs with few distinct values, so count_values groups something. */
    private String countable() {
        return switch (random.nextInt(3)) {
            case 0 -> selector("up");
            case 1 -> selector("queue_depth") + offset();
            default -> "changes(" + selector(pick(GAUGES)) + "[" + pick(RANGES) + "])";
        };
    }

    private String function(int depth) {
        return switch (random.nextInt(12)) {
            case 9 -> pick(TRIGONOMETRY) + "(clamp(" + vector(depth - 1) + ", -1, 1))";
            case 10 ->
                pick(CALENDAR) + "(" + pick(List.of("", "timestamp(" + selector(pick(GAUGES)) + atUnsafeOffset() + ")"))
                        + ")";
            case 11 -> "(" + vector(depth - 1) + ") " + pick(ARITHMETIC) + " scalar(" + leaf() + ")";
            case 0, 1 -> pick(MATH) + "(" + vector(depth - 1) + ")";
            case 2 ->
                pick(List.of("clamp_min", "clamp_max")) + "(" + vector(depth - 1) + ", "
                        + pick(List.of("0", "1", "5", "1e9")) + ")";
            case 3 -> "clamp(" + vector(depth - 1) + ", " + pick(List.of("0, 10", "1, 2", "5, 1")) + ")";
            case 4 -> "timestamp(" + selector(pick(GAUGES)) + atUnsafeOffset() + ")";
            case 5 -> "label_replace(" + singleName() + ", \"dst\", \"$1\", \"instance\", \"(h[0-9]).*\")";
            case 6 -> "label_join(" + singleName() + ", \"joined\", \"-\", \"job\", \"instance\")";
            case 7 -> "-" + singleName();
            default -> "absent(" + selector(pick(GAUGES)) + ")";
        };
    }

    /** A vector whose series all carry one and the same name (or none), for name-sensitive operations. */
    private String singleName() {
        return switch (random.nextInt(3)) {
            case 0 -> selector(pick(GAUGES));
            case 1 -> "rate(" + selector(pick(COUNTERS)) + "[" + pick(RANGES) + "])";
            default -> "sum by (job, instance) (" + selector(pick(COUNTERS)) + ")";
        };
    }

    /** How many subqueries enclose the expression being generated: none may nest. */
    private int subqueries;

    private String subquery(int depth) {
        subqueries++;
        String inner = vector(depth - 1);
        subqueries--;
        String range = "[" + pick(List.of("5m", "10m", "15m")) + ":" + pick(List.of("", "30s", "1m", "2m")) + "]"
                + (chance(20) ? " offset " + pick(List.of("1m", "5m")) : "");
        return switch (random.nextInt(6)) {
            case 0 -> "max_over_time((" + inner + ")" + range + ")";
            case 1 -> "min_over_time((" + inner + ")" + range + ")";
            case 2 -> "avg_over_time((" + inner + ")" + range + ")";
            case 3 -> "count_over_time((" + inner + ")" + range + ")";
            case 4 -> "deriv((" + inner + ")" + range + ")";
            default ->
                pick(List.of("max_over_time", "sum_over_time", "changes")) + "(" + selector(pick(GAUGES)) + range + ")";
        };
    }

    private String scalarExpression() {
        return switch (random.nextInt(4)) {
            case 0 -> "scalar(sum(" + leaf() + "))";
            case 1 -> "time() - 1";
            case 2 -> "scalar(" + selector("up") + ") * 2";
            default -> "vector(" + pick(List.of("1", "time()", "scalar(count(up))")) + ")";
        };
    }

    private static final List<String> ARITHMETIC = List.of("+", "-", "*", "/", "%", "^");
    private static final List<String> COMPARISONS = List.of("==", "!=", ">", "<", ">=", "<=");

    /** Vector–scalar, scalar–vector, and vector–vector between compatible sides. */
    private String binary(int depth) {
        String op = pick(ARITHMETIC);
        return switch (random.nextInt(5)) {
            case 0 ->
                "(" + (op.equals("%") ? selector(pick(GAUGES)) : vector(depth - 1)) + ") " + op + " "
                        + pick(List.of("2", "0.5", "100", "0"));
            case 1 -> pick(List.of("1", "3", "1e3")) + " " + op + " (" + vector(depth - 1) + ")";
            case 2 -> {
                // the same input against itself a little earlier: identical label sets, one-to-one
                String sel = selector(pick(GAUGES));
                yield sel + " " + op + " " + sel + " offset " + pick(OFFSETS);
            }
            case 3 -> {
                String c = selector(pick(COUNTERS));
                String r = pick(RANGES);
                yield "rate(" + c + "[" + r + "]) " + op + " irate(" + c + "[" + r + "])";
            }
            default -> {
                String by = pick(List.of("job", "job, instance", "instance"));
                yield "sum by (" + by + ") (" + vector(depth - 1) + ") " + (op.equals("%") ? "/" : op) + " "
                        + pick(List.of("", "on (" + by + ") ", "ignoring (code) "))
                        + "count by (" + by + ") (" + vector(depth - 1) + ")";
            }
        };
    }

    /** Matching modifiers: on/ignoring, group_left/group_right with info-style series, and set operators. */
    private String matched(int depth) {
        String counterRate = "rate(" + selector("http_requests_total") + "[" + pick(RANGES) + "])";
        return switch (random.nextInt(10)) {
            // many series on both sides: execution errors (422) unless the matchers leave one side unique
            case 8 -> selector("http_requests_total") + " * on (job) " + selector("up");
            case 9 -> selector("up") + " + on (job, instance) group_left " + selector("http_requests_total");
            case 0 ->
                counterRate + " * on (job, instance) group_left (" + pick(List.of("version", "region", "")) + ") "
                        + selector("node_info");
            case 1 ->
                selector("node_info") + " * on (job, instance) group_right (" + pick(List.of("version", "region"))
                        + ") " + counterRate;
            case 2 ->
                counterRate + " / ignoring (code, method) group_left sum by (job, instance) ("
                        + selector("http_requests_total") + ")";
            case 3 ->
                "sum by (job, instance) (" + counterRate + ") / on (job) group_left sum by (job) (" + counterRate + ")";
            case 4 ->
                "(" + vector(depth - 1) + ") and " + pick(List.of("", "on (job) ", "ignoring (code) ")) + "("
                        + vector(depth - 1) + ")";
            case 5 ->
                "(" + vector(depth - 1) + ") or " + pick(List.of("", "on (instance) ")) + "(" + vector(depth - 1) + ")";
            case 6 ->
                "(" + vector(depth - 1) + ") unless " + pick(List.of("", "on (job, instance) ")) + "("
                        + vector(depth - 1) + ")";
            default ->
                selector("up") + " == on (job, instance) " + pick(List.of("", "group_left ")) + selector("node_info");
        };
    }

    private String comparison(int depth) {
        String op = pick(COMPARISONS);
        String bool = chance(40) ? "bool " : "";
        return switch (random.nextInt(3)) {
            case 0 -> "(" + vector(depth - 1) + ") " + op + " " + bool + pick(List.of("0", "0.5", "1", "10", "1e9"));
            case 1 -> pick(List.of("0", "1", "50")) + " " + op + " " + bool + "(" + vector(depth - 1) + ")";
            default -> {
                String sel = selector(pick(GAUGES));
                yield sel + " " + op + " " + bool + sel + " offset " + pick(OFFSETS);
            }
        };
    }
}
