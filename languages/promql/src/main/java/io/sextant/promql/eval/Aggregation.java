package io.sextant.promql.eval;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.parser.GoNumbers;
import io.sextant.storage.Labels;
import io.sextant.storage.numeric.KahanSum;
import io.sextant.storage.text.GoFloat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PromQL aggregation operators over an instant vector evaluated on a step grid, columnar: each input series
 * is assigned to its group once (its grouping labels hashed once, not per step), then every group
 * accumulates step arrays. Semantics as Prometheus 3.x ({@code promql/engine.go}, aggregation and
 * aggregationK); the output lists groups in the order their first member appears.
 */
public final class Aggregation {
    private Aggregation() {}

    public enum Op {
        SUM,
        AVG,
        COUNT,
        GROUP,
        MIN,
        MAX,
        STDDEV,
        STDVAR,
        QUANTILE,
        TOPK,
        BOTTOMK,
        LIMITK,
        LIMIT_RATIO,
        COUNT_VALUES
    }

    /** {@code by (labels)} or {@code without (labels)}; {@code by ()} with no labels is one group. */
    public record Grouping(boolean without, Set<String> labels) {
        public Grouping {
            labels = Set.copyOf(requireNonNull(labels, "labels is null"));
        }

        public static final Grouping ALL = new Grouping(false, Set.of());

        /** The labels that identify a series' group (and label the group's output). */
        Labels key(Labels series) {
            return LabelOrder.project(series, !without, labels);
        }
    }

    /**
     * Aggregates {@code input} (series over {@code steps} steps). {@code param} holds the numeric parameter per
     * step (topk's k, quantile's φ, limit_ratio's ratio; null for the others); {@code label} is count_values'
     * label name.
     */
    public static List<StepSeries> evaluate(
            Op op,
            List<StepSeries> input,
            int steps,
            Grouping grouping,
            double[] param,
            String label,
            Annotations annotations,
            int paramPosition) {
        return switch (op) {
            case TOPK, BOTTOMK, LIMITK, LIMIT_RATIO ->
                selectK(op, input, steps, grouping, param, annotations, paramPosition);
            case COUNT_VALUES -> countValues(input, steps, grouping, label);
            default -> reduce(op, input, steps, grouping, param, annotations, paramPosition);
        };
    }

    /** Groups in first-seen order; {@code groupOf[i]} is input series i's group. */
    private record Groups(List<Labels> keys, int[] groupOf, List<List<Integer>> members) {}

    private static Groups group(List<StepSeries> input, Grouping grouping) {
        Map<Labels, Integer> index = new HashMap<>();
        List<Labels> keys = new ArrayList<>();
        List<List<Integer>> members = new ArrayList<>();
        int[] groupOf = new int[input.size()];
        for (int i = 0; i < input.size(); i++) {
            Labels key = grouping.key(input.get(i).labels());
            Integer g = index.get(key);
            if (g == null) {
                g = keys.size();
                index.put(key, g);
                keys.add(key);
                members.add(new ArrayList<>());
            }
            groupOf[i] = g;
            members.get(g).add(i);
        }
        return new Groups(keys, groupOf, members);
    }

    private static List<StepSeries> reduce(
            Op op,
            List<StepSeries> input,
            int steps,
            Grouping grouping,
            double[] param,
            Annotations annotations,
            int paramPosition) {
        if (op == Op.QUANTILE) {
            warnQuantileRange(param, steps, annotations, paramPosition);
        }
        Groups groups = group(input, grouping);
        List<StepSeries> out = new ArrayList<>(groups.keys().size());
        double[] scratch = new double[Math.max(1, input.size())];
        KahanSum sum = new KahanSum();
        for (int g = 0; g < groups.keys().size(); g++) {
            List<Integer> members = groups.members().get(g);
            boolean dropName = false;
            for (int m : members) {
                dropName |= input.get(m).dropName();
            }
            StepSeries result =
                    new StepSeries(groups.keys().get(g), new double[steps], new java.util.BitSet(steps), dropName);
            for (int t = 0; t < steps; t++) {
                int n = 0;
                for (int m : members) {
                    StepSeries s = input.get(m);
                    if (s.has(t)) {
                        scratch[n++] = s.values()[t];
                    }
                }
                if (n > 0) {
                    result.set(t, reduceStep(op, scratch, n, param == null ? 0 : param[t], sum));
                }
            }
            if (!result.isEmpty()) {
                out.add(result);
            }
        }
        return out;
    }

    /** One group at one step: the {@code n > 0} member values in input order. */
    private static double reduceStep(Op op, double[] v, int n, double param, KahanSum sum) {
        switch (op) {
            case SUM -> {
                sum.reset();
                for (int k = 0; k < n; k++) {
                    sum.add(v[k]);
                }
                return sum.result();
            }
            case AVG -> {
                return Averages.mean(v, 0, n, sum);
            }
            case COUNT -> {
                return n;
            }
            case GROUP -> {
                return 1;
            }
            case MIN, MAX -> {
                double best = v[0];
                for (int k = 1; k < n; k++) {
                    boolean better = op == Op.MIN ? v[k] < best : v[k] > best;
                    if (better || Double.isNaN(best)) {
                        best = v[k];
                    }
                }
                return best;
            }
            case STDDEV, STDVAR -> {
                // Plain Welford, without compensation, as Prometheus' aggregation (unlike stddev_over_time).
                double mean = v[0];
                double m2 = Double.isNaN(v[0]) || Double.isInfinite(v[0]) ? Double.NaN : 0;
                for (int k = 1; k < n; k++) {
                    double delta = v[k] - mean;
                    mean += delta / (k + 1);
                    m2 += delta * (v[k] - mean);
                }
                double variance = m2 / n;
                return op == Op.STDDEV ? Math.sqrt(variance) : variance;
            }
            case QUANTILE -> {
                return Quantiles.quantile(param, v, n);
            }
            default -> throw new IllegalStateException("not a reducing aggregation: " + op);
        }
    }

    private static void warnQuantileRange(double[] phi, int steps, Annotations annotations, int position) {
        for (int t = 0; t < steps; t++) {
            double q = phi[t];
            if (Double.isNaN(q) || q < 0 || q > 1) {
                annotations.warn("quantile value should be between 0 and 1, got " + GoNumbers.formatG(q), position);
            }
        }
    }

    /**
     * topk, bottomk, limitk and limit_ratio: they keep whole input series (name included) at the steps where
     * they are selected.
     */
    private static List<StepSeries> selectK(
            Op op,
            List<StepSeries> input,
            int steps,
            Grouping grouping,
            double[] param,
            Annotations annotations,
            int paramPosition) {
        if (op == Op.LIMIT_RATIO ? !checkRatio(param, steps, annotations, paramPosition) : !checkK(param, steps)) {
            return List.of();
        }
        Groups groups = group(input, grouping);
        StepSeries[] out = new StepSeries[input.size()];
        for (int i = 0; i < input.size(); i++) {
            StepSeries s = input.get(i);
            out[i] = new StepSeries(s.labels(), new double[steps], new java.util.BitSet(steps), s.dropName());
        }
        ValueHeap heap = new ValueHeap(op == Op.BOTTOMK);
        for (int t = 0; t < steps; t++) {
            if (op == Op.LIMIT_RATIO) {
                double ratio = Math.max(-1, Math.min(1, param[t]));
                for (int i = 0; i < input.size(); i++) {
                    StepSeries s = input.get(i);
                    if (s.has(t) && inRatio(s.labels(), ratio)) {
                        out[i].set(t, s.values()[t]);
                    }
                }
                continue;
            }
            long k = Math.min((long) param[t], input.size());
            if (k < 1) {
                continue;
            }
            for (List<Integer> members : groups.members()) {
                heap.clear();
                int taken = 0;
                for (int m : members) {
                    StepSeries s = input.get(m);
                    if (!s.has(t)) {
                        continue;
                    }
                    if (op == Op.LIMITK) {
                        if (taken++ < k) {
                            out[m].set(t, s.values()[t]);
                        }
                    } else {
                        heap.offer(m, s.values()[t], (int) k);
                    }
                }
                if (op != Op.LIMITK) {
                    for (int h = 0; h < heap.size(); h++) {
                        int m = heap.series(h);
                        out[m].set(t, input.get(m).values()[t]);
                    }
                }
            }
        }
        List<StepSeries> result = new ArrayList<>();
        if (steps == 1 && (op == Op.TOPK || op == Op.BOTTOMK)) {
            // An instant query returns each group's selection ordered by value (NaN last).
            for (List<Integer> members : groups.members()) {
                List<StepSeries> chosen = new ArrayList<>();
                for (int m : members) {
                    if (!out[m].isEmpty()) {
                        chosen.add(out[m]);
                    }
                }
                chosen.sort((a, b) -> compareForOutput(a.values()[0], b.values()[0], op == Op.TOPK));
                result.addAll(chosen);
            }
            return result;
        }
        for (StepSeries s : out) {
            if (!s.isEmpty()) {
                result.add(s);
            }
        }
        return result;
    }

    private static int compareForOutput(double a, double b, boolean descending) {
        boolean an = Double.isNaN(a);
        boolean bn = Double.isNaN(b);
        if (an || bn) {
            return Boolean.compare(an, bn);
        }
        return descending ? Double.compare(b, a) : Double.compare(a, b);
    }

    /** Prometheus' checks on k before evaluating; false when the result is empty. */
    private static boolean checkK(double[] k, int steps) {
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        boolean nan = false;
        for (int t = 0; t < steps; t++) {
            nan |= Double.isNaN(k[t]);
            max = Math.max(max, k[t]);
            min = Math.min(min, k[t]);
        }
        // Math.max propagates NaN, so compare as Go does: NaN < 1 is false.
        if (!nan && max < 1) {
            return false;
        }
        if (nan) {
            throw QueryErrors.execution("Parameter value is NaN");
        }
        if (min <= -9223372036854775808.0) {
            throw QueryErrors.execution("Scalar value " + GoNumbers.formatG(min) + " underflows int64");
        }
        if (max >= 9223372036854774784.0) {
            throw QueryErrors.execution("Scalar value " + GoNumbers.formatG(max) + " overflows int64");
        }
        return true;
    }

    private static boolean checkRatio(double[] r, int steps, Annotations annotations, int position) {
        boolean allZero = true;
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (int t = 0; t < steps; t++) {
            if (Double.isNaN(r[t])) {
                throw QueryErrors.execution("Ratio value is NaN");
            }
            allZero &= r[t] == 0;
            max = Math.max(max, r[t]);
            min = Math.min(min, r[t]);
        }
        if (allZero) {
            return false;
        }
        if (max > 1) {
            annotations.warn(
                    "ratio value should be between -1 and 1, got " + GoNumbers.formatG(max) + ", capping to 1",
                    position);
        }
        if (min < -1) {
            annotations.warn(
                    "ratio value should be between -1 and 1, got " + GoNumbers.formatG(min) + ", capping to -1",
                    position);
        }
        return true;
    }

    /**
     * limit_ratio's deterministic sampling: a series is in when its label hash, as a fraction of 2^64, is
     * below the ratio (or, for a negative ratio, at least 1 + ratio), so r and −(1 − r) pick complements.
     */
    private static boolean inRatio(Labels labels, double ratio) {
        long hash = labels.prometheusHash();
        // Go converts the uint64 to float64 rounding to nearest; halving with the low bit kept as a sticky
        // bit rounds the same way.
        double unsigned = hash >= 0 ? (double) hash : ((double) ((hash >>> 1) | (hash & 1))) * 2.0;
        double offset = unsigned / 18446744073709551616.0;
        return ratio >= 0 ? offset < ratio : offset >= 1 + ratio;
    }

    /**
     * count_values: one output series per distinct value in each group, labelled with the value. The caller
     * has checked that {@code label} is a valid label name.
     */
    private static List<StepSeries> countValues(List<StepSeries> input, int steps, Grouping grouping, String label) {
        Map<Labels, StepSeries> byKey = new java.util.LinkedHashMap<>();
        for (StepSeries s : input) {
            for (int t = 0; t < steps; t++) {
                if (!s.has(t)) {
                    continue;
                }
                Labels withValue = s.labels().toBuilder()
                        .set(label, GoFloat.formatFixed(s.values()[t]))
                        .build();
                Grouping g = grouping.without() ? grouping : new Grouping(false, union(grouping.labels(), label));
                Labels key = g.key(withValue);
                StepSeries counts = byKey.computeIfAbsent(key, k -> StepSeries.empty(k, steps));
                counts.set(t, (counts.has(t) ? counts.values()[t] : 0) + 1);
            }
        }
        return new ArrayList<>(byKey.values());
    }

    private static Set<String> union(Set<String> labels, String extra) {
        java.util.HashSet<String> u = new java.util.HashSet<>(labels);
        u.add(extra);
        return u;
    }

    /**
     * A binary heap of (series, value) with Go's {@code container/heap} algorithms and Prometheus' ordering
     * for topk (smallest on top, NaN smallest) or bottomk (largest on top, NaN largest), so ties resolve to
     * the same series as in Prometheus.
     */
    private static final class ValueHeap {
        private final boolean bottom;
        private int[] series = new int[16];
        private double[] values = new double[16];
        private int size;

        ValueHeap(boolean bottom) {
            this.bottom = bottom;
        }

        void clear() {
            size = 0;
        }

        int size() {
            return size;
        }

        int series(int i) {
            return series[i];
        }

        void offer(int s, double v, int k) {
            if (size < k) {
                if (size == series.length) {
                    series = java.util.Arrays.copyOf(series, 2 * size);
                    values = java.util.Arrays.copyOf(values, 2 * size);
                }
                series[size] = s;
                values[size] = v;
                size++;
                up(size - 1);
            } else if (replaces(values[0], v)) {
                series[0] = s;
                values[0] = v;
                if (k > 1 && !down(0, size)) {
                    up(0);
                }
            }
        }

        /** Whether {@code v} beats the top of the heap. */
        private boolean replaces(double top, double v) {
            boolean nanTop = Double.isNaN(top) && !Double.isNaN(v);
            return bottom ? top > v || nanTop : top < v || nanTop;
        }

        private boolean less(int i, int j) {
            double a = values[i];
            double b = values[j];
            boolean nan = Double.isNaN(a) && !Double.isNaN(b);
            return bottom ? a > b || nan : a < b || nan;
        }

        private void swap(int i, int j) {
            int s = series[i];
            series[i] = series[j];
            series[j] = s;
            double v = values[i];
            values[i] = values[j];
            values[j] = v;
        }

        private void up(int j) {
            while (true) {
                int i = (j - 1) / 2;
                if (i == j || !less(j, i)) {
                    break;
                }
                swap(i, j);
                j = i;
            }
        }

        private boolean down(int i0, int n) {
            int i = i0;
            while (true) {
                int j1 = 2 * i + 1;
                if (j1 >= n || j1 < 0) {
                    break;
                }
                int j = j1;
                int j2 = j1 + 1;
                if (j2 < n && less(j2, j1)) {
                    j = j2;
                }
                if (!less(j, i)) {
                    break;
                }
                swap(i, j);
                i = j;
            }
            return i > i0;
        }
    }
}
