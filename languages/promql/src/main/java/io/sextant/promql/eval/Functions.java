package io.sextant.promql.eval;

import io.sextant.promql.ast.Call;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.MatrixSelector;
import io.sextant.promql.ast.VectorSelector;
import io.sextant.promql.parser.GoNumbers;
import io.sextant.promql.parser.PromQLParser;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/** PromQL's functions, dispatched by name (promql/functions.go semantics). */
final class Functions {
    private Functions() {}

    private static final Map<String, RangeFunction> RANGE = new LinkedHashMap<>();

    static {
        for (RangeFunction f : RangeFunction.values()) {
            RANGE.put(f.name().toLowerCase(java.util.Locale.ROOT), f);
        }
    }

    private static final Map<String, DoubleUnaryOperator> MATH = Map.ofEntries(
            Map.entry("abs", Math::abs),
            Map.entry("ceil", Math::ceil),
            Map.entry("floor", Math::floor),
            Map.entry("exp", Math::exp),
            Map.entry("sqrt", Math::sqrt),
            Map.entry("ln", Math::log),
            Map.entry("log2", v -> Math.log(v) / Math.log(2)),
            Map.entry("log10", Math::log10),
            Map.entry("sin", Math::sin),
            Map.entry("cos", Math::cos),
            Map.entry("tan", Math::tan),
            Map.entry("asin", Math::asin),
            Map.entry("acos", Math::acos),
            Map.entry("atan", Math::atan),
            Map.entry("sinh", Math::sinh),
            Map.entry("cosh", Math::cosh),
            Map.entry("tanh", Math::tanh),
            Map.entry("asinh", v -> Double.isInfinite(v) ? v : Math.log(v + Math.sqrt(v * v + 1))),
            Map.entry("acosh", v -> Math.log(v + Math.sqrt(v * v - 1))),
            Map.entry("atanh", v -> 0.5 * Math.log((1 + v) / (1 - v))),
            Map.entry("deg", v -> v * 180 / Math.PI),
            Map.entry("rad", v -> v * Math.PI / 180),
            Map.entry("sgn", v -> v < 0 ? -1 : v > 0 ? 1 : v));

    /** The range function called {@code name}, if it is one. */
    static RangeFunction rangeFunction(String name) {
        return RANGE.get(name);
    }

    /** The element-wise math function called {@code name} (abs, ln, sgn, ...), if it is one. */
    static DoubleUnaryOperator math(String name) {
        return MATH.get(name);
    }

    static Object call(Evaluation ev, Call c, Operands args, StepGrid grid) {
        String name = c.function().name();
        DoubleUnaryOperator math = MATH.get(name);
        if (math != null) {
            return ev.mapValues(vector(args, 0, grid), math, true);
        }
        switch (name) {
            case "time" -> {
                double[] out = new double[grid.size()];
                for (int t = 0; t < out.length; t++) {
                    out[t] = grid.time(t) / 1000.0;
                }
                return out;
            }
            case "start", "end", "range", "step" -> {
                StepGrid q = ev.queryGrid();
                double v =
                        switch (name) {
                            case "start" -> q.start() / 1000.0;
                            case "end" -> q.end() / 1000.0;
                            case "range" -> (q.end() - q.start()) / 1000.0;
                            default -> q.start() == q.end() ? 0 : q.step() / 1000.0;
                        };
                double[] out = new double[grid.size()];
                java.util.Arrays.fill(out, v);
                return out;
            }
            case "min_of", "max_of" -> {
                double[] a = scalar(args, 0, grid);
                double[] b = scalar(args, 1, grid);
                double[] out = new double[grid.size()];
                for (int t = 0; t < out.length; t++) {
                    out[t] = name.equals("min_of") ? Math.min(a[t], b[t]) : Math.max(a[t], b[t]);
                }
                return out;
            }
            case "pi" -> {
                double[] out = new double[grid.size()];
                java.util.Arrays.fill(out, Math.PI);
                return out;
            }
            case "vector" -> {
                double[] s = scalar(args, 0, grid);
                BitSet all = new BitSet(s.length);
                all.set(0, s.length);
                return List.of(new StepSeries(Labels.EMPTY, s, all, false));
            }
            case "scalar" -> {
                List<StepSeries> in = vector(args, 0, grid);
                double[] out = new double[grid.size()];
                for (int t = 0; t < out.length; t++) {
                    int n = 0;
                    double v = Double.NaN;
                    for (StepSeries s : in) {
                        if (s.has(t)) {
                            n++;
                            v = s.values()[t];
                        }
                    }
                    out[t] = n == 1 ? v : Double.NaN;
                }
                return out;
            }
            case "round" -> {
                double[] to = c.args().size() > 1 ? scalar(args, 1, grid) : null;
                return perStep(ev, vector(args, 0, grid), grid, (v, t) -> {
                    double toNearest = to == null ? 1 : to[t];
                    double inverse = 1 / toNearest;
                    return Math.floor(v * inverse + 0.5) / inverse;
                });
            }
            case "clamp", "clamp_min", "clamp_max" -> {
                return clamp(ev, name, args, grid);
            }
            case "timestamp" -> {
                return timestamp(ev, c.args().get(0), vector(args, 0, grid), grid);
            }
            case "absent" -> {
                return absent(c.args().get(0), vector(args, 0, grid), grid);
            }
            case "absent_over_time" -> {
                // the planner gives it count_over_time of its argument: the steps where any sample was
                return absent(c.args().get(0), vector(args, 0, grid), grid);
            }
            case "sort", "sort_desc" -> {
                return sort(ev, vector(args, 0, grid), name.equals("sort_desc"), grid, c);
            }
            case "sort_by_label", "sort_by_label_desc" -> {
                return sortByLabel(ev, c, args, grid, name.endsWith("_desc"));
            }
            case "info" -> {
                return InfoFunction.eval(ev, c, args, grid);
            }
            case "label_replace" -> {
                return labelReplace(args, grid);
            }
            case "label_join" -> {
                return labelJoin(args, c.args().size(), grid);
            }
            case "histogram_quantile", "histogram_quantiles", "histogram_fraction" -> {
                return classicHistogram(ev, c, args, grid);
            }
            case "minute", "hour", "day_of_week", "day_of_month", "day_of_year", "days_in_month", "month", "year" -> {
                return dateFunction(ev, name, c.args().isEmpty() ? null : vector(args, 0, grid), grid);
            }
            default -> throw QueryErrors.execution("function " + name + "() is not supported yet");
        }
    }

    static List<StepSeries> vector(Operands args, int i, StepGrid grid) {
        return Evaluation.asVector(args.eval(i, grid));
    }

    static double[] scalar(Operands args, int i, StepGrid grid) {
        return (double[]) args.eval(i, grid);
    }

    @FunctionalInterface
    private interface StepFunction {
        double apply(double value, int step);
    }

    private static List<StepSeries> perStep(Evaluation ev, List<StepSeries> in, StepGrid grid, StepFunction f) {
        List<StepSeries> out = new ArrayList<>(in.size());
        for (StepSeries s : in) {
            StepSeries r = ev.renamed(s, true, grid.size());
            for (int t = s.present().nextSetBit(0); t >= 0; t = s.present().nextSetBit(t + 1)) {
                r.set(t, f.apply(s.values()[t], t));
            }
            out.add(r);
        }
        return out;
    }

    private static List<StepSeries> clamp(Evaluation ev, String name, Operands args, StepGrid grid) {
        List<StepSeries> in = vector(args, 0, grid);
        double[] min = name.equals("clamp_max") ? null : scalar(args, 1, grid);
        double[] max = name.equals("clamp_min") ? null : scalar(args, name.equals("clamp") ? 2 : 1, grid);
        List<StepSeries> out = new ArrayList<>(in.size());
        for (StepSeries s : in) {
            StepSeries r = ev.renamed(s, true, grid.size());
            for (int t = s.present().nextSetBit(0); t >= 0; t = s.present().nextSetBit(t + 1)) {
                double lo = min == null ? Double.NEGATIVE_INFINITY : min[t];
                double hi = max == null ? Double.POSITIVE_INFINITY : max[t];
                if (hi < lo) {
                    continue;
                }
                r.set(t, Math.max(lo, Math.min(hi, s.values()[t])));
            }
            if (!r.isEmpty()) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * timestamp(v): the sample's own time for a bare selector (the planner then selects sample times, in ms,
     * instead of values), else the step time; seconds.
     */
    private static List<StepSeries> timestamp(Evaluation ev, Expr arg, List<StepSeries> in, StepGrid grid) {
        if (Evaluation.unwrap(arg) instanceof VectorSelector) {
            return perStep(ev, in, grid, (v, t) -> v / 1000.0);
        }
        return perStep(ev, in, grid, (v, t) -> grid.time(t) / 1000.0);
    }

    /** absent(v) / absent_over_time(v[d]): 1 at the steps where the argument has no series at all. */
    private static List<StepSeries> absent(Expr arg, List<StepSeries> in, StepGrid grid) {
        BitSet any = new BitSet(grid.size());
        for (StepSeries s : in) {
            any.or(s.present());
        }
        if (any.cardinality() == grid.size()) {
            return List.of();
        }
        StepSeries out = StepSeries.empty(absentLabels(arg), grid.size());
        for (int t = 0; t < grid.size(); t++) {
            if (!any.get(t)) {
                out.set(t, 1);
            }
        }
        return List.of(out);
    }

    /** The labels absent() reports: equality matchers of a selector argument, each label at most once. */
    private static Labels absentLabels(Expr arg) {
        Expr e = Evaluation.unwrap(arg);
        VectorSelector vs = e instanceof VectorSelector v ? v : e instanceof MatrixSelector m ? m.selector() : null;
        if (vs == null) {
            return Labels.EMPTY;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Matcher m : vs.matchers()) {
            if (m.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (m.type() == Matcher.Type.EQUAL && seen.add(m.name())) {
                labels.put(m.name(), m.value());
            } else {
                labels.remove(m.name());
            }
        }
        Labels.Builder b = Labels.builder();
        labels.forEach(b::add);
        return b.build();
    }

    private static List<StepSeries> sort(
            Evaluation ev, List<StepSeries> in, boolean descending, StepGrid grid, Call c) {
        if (grid.size() > 1) {
            ev.annotations.warn(
                    "sort is ineffective for range queries since results are always ordered by labels", ev.position(c));
            return in;
        }
        List<StepSeries> out = new ArrayList<>(in);
        out.sort((a, b) -> {
            double x = a.values()[0];
            double y = b.values()[0];
            boolean xn = Double.isNaN(x);
            boolean yn = Double.isNaN(y);
            if (xn || yn) {
                return Boolean.compare(xn, yn);
            }
            return descending ? Double.compare(y, x) : Double.compare(x, y);
        });
        return out;
    }

    private static List<StepSeries> sortByLabel(
            Evaluation ev, Call c, Operands args, StepGrid grid, boolean descending) {
        List<StepSeries> in = vector(args, 0, grid);
        List<String> labels = new ArrayList<>();
        for (int i = 1; i < c.args().size(); i++) {
            labels.add((String) args.eval(i, grid));
        }
        if (grid.size() > 1) {
            ev.annotations.warn(
                    "sort is ineffective for range queries since results are always ordered by labels", ev.position(c));
            return in;
        }
        List<StepSeries> out = new ArrayList<>(in);
        java.util.Comparator<StepSeries> cmp = (a, b) -> {
            for (String l : labels) {
                int r = NaturalOrder.compare(a.labels().get(l), b.labels().get(l));
                if (r != 0) {
                    return r;
                }
            }
            return LabelOrder.BYTEWISE.compare(a.labels(), b.labels());
        };
        out.sort(descending ? cmp.reversed() : cmp);
        return out;
    }

    private static List<StepSeries> labelReplace(Operands args, StepGrid grid) {
        List<StepSeries> in = vector(args, 0, grid);
        String dst = (String) args.eval(1, grid);
        String replacement = (String) args.eval(2, grid);
        String src = (String) args.eval(3, grid);
        String regex = (String) args.eval(4, grid);
        com.google.re2j.Pattern pattern;
        try {
            pattern = com.google.re2j.Pattern.compile("^(?s:" + regex + ")$");
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw QueryErrors.execution("invalid regular expression in label_replace(): " + regex);
        }
        if (!LabelOrder.isValidName(dst)) {
            throw QueryErrors.execution("invalid destination label name in label_replace(): " + dst);
        }
        List<StepSeries> out = new ArrayList<>(in.size());
        for (StepSeries s : in) {
            com.google.re2j.Matcher m = pattern.matcher(s.labels().get(src));
            if (!m.matches()) {
                out.add(s);
                continue;
            }
            String value = GoExpand.expand(replacement, m);
            out.add(relabel(s, dst, value));
        }
        return checkUnique(out);
    }

    private static List<StepSeries> labelJoin(Operands args, int count, StepGrid grid) {
        List<StepSeries> in = vector(args, 0, grid);
        String dst = (String) args.eval(1, grid);
        String sep = (String) args.eval(2, grid);
        List<String> srcs = new ArrayList<>();
        for (int i = 3; i < count; i++) {
            String src = (String) args.eval(i, grid);
            if (!LabelOrder.isValidName(src)) {
                throw QueryErrors.execution("invalid source label name in label_join(): " + src);
            }
            srcs.add(src);
        }
        if (!LabelOrder.isValidName(dst)) {
            throw QueryErrors.execution("invalid destination label name in label_join(): " + dst);
        }
        List<StepSeries> out = new ArrayList<>(in.size());
        for (StepSeries s : in) {
            StringBuilder v = new StringBuilder();
            for (int i = 0; i < srcs.size(); i++) {
                if (i > 0) {
                    v.append(sep);
                }
                v.append(s.labels().get(srcs.get(i)));
            }
            out.add(relabel(s, dst, v.toString()));
        }
        return checkUnique(out);
    }

    /** Sets (or with an empty value deletes) a label; setting {@code __name__} undoes a pending name drop. */
    private static StepSeries relabel(StepSeries s, String name, String value) {
        Labels.Builder b = s.labels().toBuilder();
        if (value.isEmpty()) {
            b.remove(name);
        } else {
            b.set(name, value);
        }
        boolean dropName = s.dropName() && !name.equals(Labels.METRIC_NAME);
        return new StepSeries(b.build(), s.values(), s.present(), dropName);
    }

    /** Series that now share a label set at a common step are an error; disjoint ones merge. */
    private static List<StepSeries> checkUnique(List<StepSeries> series) {
        Map<Labels, StepSeries> byLabels = new LinkedHashMap<>();
        for (StepSeries s : series) {
            StepSeries prev = byLabels.get(s.labels());
            if (prev == null) {
                byLabels.put(s.labels(), s);
                continue;
            }
            if (prev.present().intersects(s.present()) || prev.dropName() != s.dropName()) {
                throw QueryErrors.execution("vector cannot contain metrics with the same labelset");
            }
            StepSeries merged = new StepSeries(
                    s.labels(), prev.values().clone(), (BitSet) prev.present().clone(), prev.dropName());
            for (int t = s.present().nextSetBit(0); t >= 0; t = s.present().nextSetBit(t + 1)) {
                merged.set(t, s.values()[t]);
            }
            byLabels.put(s.labels(), merged);
        }
        return new ArrayList<>(byLabels.values());
    }

    /**
     * histogram_quantile(φ, v), histogram_quantiles(v, label, φ…) and histogram_fraction(lo, hi, v) over classic
     * {@code le} buckets grouped by their other labels.
     */
    private static List<StepSeries> classicHistogram(Evaluation ev, Call c, Operands args, StepGrid grid) {
        String name = c.function().name();
        Expr bucketsArg = name.equals("histogram_fraction")
                ? c.args().get(2)
                : name.equals("histogram_quantiles")
                        ? c.args().get(0)
                        : c.args().get(1);
        List<double[]> phis = new ArrayList<>();
        List<String> phiLabels = new ArrayList<>();
        String label = null;
        if (name.equals("histogram_quantile")) {
            phis.add(scalar(args, 0, grid));
        } else if (name.equals("histogram_quantiles")) {
            label = (String) args.eval(1, grid);
            for (int i = 2; i < c.args().size(); i++) {
                double[] phi = scalar(args, i, grid);
                phis.add(phi);
                phiLabels.add(openMetricsFloat(phi[0]));
            }
        }
        double[] lo = name.equals("histogram_fraction") ? scalar(args, 0, grid) : null;
        double[] hi = name.equals("histogram_fraction") ? scalar(args, 1, grid) : null;
        int bucketsIndex = name.equals("histogram_fraction") ? 2 : name.equals("histogram_quantiles") ? 0 : 1;
        List<StepSeries> in = vector(args, bucketsIndex, grid);
        Map<Labels, List<StepSeries>> groups = new LinkedHashMap<>();
        Map<StepSeries, Double> bounds = new java.util.IdentityHashMap<>();
        for (StepSeries s : in) {
            String le = s.labels().get("le");
            double bound;
            try {
                bound = GoNumbers.parseFloat(le);
            } catch (IllegalArgumentException e) {
                String metric = s.labels().metricName();
                ev.annotations.warn(
                        "bucket label \"le\" is missing or has a malformed value of " + PromQLParser.quote(le)
                                + (ev.options().delayedNameRemoval() && !metric.isEmpty()
                                        ? " for metric name " + PromQLParser.quote(metric)
                                        : ""),
                        ev.position(bucketsArg));
                continue;
            }
            bounds.put(s, bound);
            groups.computeIfAbsent(s.labels().toBuilder().remove("le").build(), k -> new ArrayList<>())
                    .add(s);
        }
        for (int p = 0; p < phis.size(); p++) {
            for (double q : phis.get(p)) {
                if (Double.isNaN(q) || q < 0 || q > 1) {
                    int at = name.equals("histogram_quantile") ? 0 : p + 2;
                    ev.annotations.warn(
                            "quantile value should be between 0 and 1, got " + GoNumbers.formatG(q),
                            ev.position(c.args().get(at)));
                }
            }
        }
        Monotonicity fixed = new Monotonicity();
        BucketQuantile bq = new BucketQuantile();
        List<StepSeries> out = new ArrayList<>();
        int outputs = name.equals("histogram_fraction") ? 1 : phis.size();
        for (Map.Entry<Labels, List<StepSeries>> g : groups.entrySet()) {
            StepSeries first = g.getValue().get(0);
            for (int o = 0; o < outputs; o++) {
                Labels labels = label == null
                        ? g.getKey()
                        : g.getKey().toBuilder().set(label, phiLabels.get(o)).build();
                StepSeries r = ev.renamed(
                        new StepSeries(labels, first.values(), first.present(), first.dropName()), true, grid.size());
                for (int t = 0; t < grid.size(); t++) {
                    bq.reset();
                    for (StepSeries s : g.getValue()) {
                        if (s.has(t)) {
                            bq.add(bounds.get(s), s.values()[t]);
                        }
                    }
                    if (bq.size() == 0) {
                        continue;
                    }
                    if (lo != null) {
                        r.set(t, bq.fraction(lo[t], hi[t]));
                        continue;
                    }
                    r.set(t, bq.quantile(phis.get(o)[t]));
                    if (bq.forcedMonotonic()) {
                        fixed.add(bq, grid.time(t));
                    }
                }
                if (!r.isEmpty()) {
                    out.add(r);
                }
            }
        }
        if (fixed.samples > 0) {
            String metric = in.isEmpty() ? "" : in.get(0).labels().metricName();
            ev.annotations.info(fixed.text(metric), ev.position(bucketsArg));
        }
        return checkUnique(out);
    }

    /** Prometheus' OpenMetrics float text for histogram_quantiles' label: {@code 0.0}, {@code 0.25}, {@code 2.0}. */
    static String openMetricsFloat(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return GoNumbers.formatG(v);
        }
        String s = GoNumbers.formatG(v);
        return s.contains(".") || s.contains("e") ? s : s + ".0";
    }

    /** The monotonicity fix-ups of one histogram_quantile call, merged into Prometheus' one info annotation. */
    private static final class Monotonicity {
        double lowestBound = Double.POSITIVE_INFINITY;
        double highestBound = Double.NEGATIVE_INFINITY;
        double maxDiff;
        int samples;
        long minTime = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;

        void add(BucketQuantile bq, long time) {
            lowestBound = Math.min(lowestBound, bq.forcedLowestBound());
            highestBound = Math.max(highestBound, bq.forcedHighestBound());
            maxDiff = Math.max(maxDiff, bq.forcedMaxDiff());
            samples++;
            minTime = Math.min(minTime, time);
            maxTime = Math.max(maxTime, time);
        }

        String text(String metric) {
            return "input to histogram_quantile needed to be fixed for monotonicity (see "
                    + "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)"
                    + (metric.isEmpty() ? "" : " for metric name " + PromQLParser.quote(metric))
                    + ", from buckets " + GoNumbers.formatG(lowestBound) + " to " + GoNumbers.formatG(highestBound)
                    + ", with a max diff of " + twoSignificant(maxDiff) + ", over " + samples + " samples from "
                    + rfc3339(minTime) + " to " + rfc3339(maxTime);
        }

        private static String twoSignificant(double v) {
            if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
                return GoNumbers.formatG(v);
            }
            double rounded = new java.math.BigDecimal(v)
                    .round(new java.math.MathContext(2, java.math.RoundingMode.HALF_EVEN))
                    .doubleValue();
            return GoNumbers.formatG(rounded);
        }

        private static String rfc3339(long ms) {
            return Instant.ofEpochSecond(Math.floorDiv(ms, 1000)).toString();
        }
    }

    /** minute(), hour(), ...: of the step times when {@code arg} is null, else of the argument's values. */
    private static List<StepSeries> dateFunction(Evaluation ev, String name, List<StepSeries> arg, StepGrid grid) {
        List<StepSeries> in;
        if (arg == null) {
            double[] now = new double[grid.size()];
            for (int t = 0; t < now.length; t++) {
                now[t] = grid.time(t) / 1000.0;
            }
            BitSet all = new BitSet(now.length);
            all.set(0, now.length);
            in = List.of(new StepSeries(Labels.EMPTY, now, all, false));
        } else {
            in = arg;
        }
        return perStep(ev, in, grid, (v, t) -> {
            ZonedDateTime d = Instant.ofEpochSecond((long) v).atZone(ZoneOffset.UTC);
            return switch (name) {
                case "minute" -> d.getMinute();
                case "hour" -> d.getHour();
                case "day_of_week" -> d.getDayOfWeek().getValue() % 7;
                case "day_of_month" -> d.getDayOfMonth();
                case "day_of_year" -> d.getDayOfYear();
                case "days_in_month" -> d.toLocalDate().lengthOfMonth();
                case "month" -> d.getMonthValue();
                default -> d.getYear();
            };
        });
    }
}
