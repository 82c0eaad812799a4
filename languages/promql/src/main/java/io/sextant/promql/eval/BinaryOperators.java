package io.sextant.promql.eval;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.ast.BinaryOp;
import io.sextant.promql.ast.VectorMatching;
import io.sextant.promql.ast.VectorMatching.Cardinality;
import io.sextant.storage.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PromQL binary operators over step grids, with Prometheus 3.x semantics (engine.go VectorBinop, VectorAnd/
 * Or/Unless, VectorscalarBinop). Vector matching computes each series' match signature once and then works
 * step by step, because which series meet can change from step to step (and so can the matching errors).
 */
public final class BinaryOperators {
    private BinaryOperators() {}

    /** Arithmetic result, or for a comparison 1 when it holds and 0 when not. */
    public static double apply(BinaryOp op, double l, double r) {
        return switch (op) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> l / r;
            case MOD -> l % r;
            case POW -> GoMath.pow(l, r);
            case ATAN2 -> Math.atan2(l, r);
            case EQLC -> l == r ? 1 : 0;
            case NEQ -> l != r ? 1 : 0;
            case GTR -> l > r ? 1 : 0;
            case LSS -> l < r ? 1 : 0;
            case GTE -> l >= r ? 1 : 0;
            case LTE -> l <= r ? 1 : 0;
            default -> throw QueryErrors.execution("operator " + op.text() + " is not supported on floats");
        };
    }

    /**
     * How two vectors match: {@code on(labels)} when {@code on}, else {@code ignoring(labels)};
     * {@code include} are the {@code group_left/right} labels.
     */
    public record Matching(
            Cardinality card,
            boolean on,
            Set<String> labels,
            Set<String> include,
            boolean fillsLeft,
            double fillLeft,
            boolean fillsRight,
            double fillRight) {
        public Matching {
            requireNonNull(card, "card is null");
            labels = Set.copyOf(labels);
            include = Set.copyOf(include);
        }

        public Matching(Cardinality card, boolean on, Set<String> labels, Set<String> include) {
            this(card, on, labels, include, false, 0, false, 0);
        }

        public static Matching oneToOne() {
            return new Matching(Cardinality.ONE_TO_ONE, false, Set.of(), Set.of());
        }

        public static Matching of(VectorMatching m) {
            return new Matching(
                    m.card(),
                    m.on(),
                    Set.copyOf(m.matchingLabels()),
                    Set.copyOf(m.include()),
                    m.fillLhs() != null,
                    m.fillLhs() == null ? 0 : m.fillLhs(),
                    m.fillRhs() != null,
                    m.fillRhs() == null ? 0 : m.fillRhs());
        }

        /** The labels two series must share to match. */
        Labels signature(Labels l) {
            return LabelOrder.project(l, on, labels);
        }
    }

    /** Scalar op scalar, step by step; comparisons need {@code bool} (the parser enforces it). */
    public static double[] scalars(BinaryOp op, double[] l, double[] r) {
        double[] out = new double[l.length];
        for (int t = 0; t < l.length; t++) {
            out[t] = apply(op, l[t], r[t]);
        }
        return out;
    }

    /**
     * Vector op scalar (or scalar op vector when {@code scalarLeft}). A comparison without {@code bool} filters
     * and keeps the vector's value; arithmetic and {@code bool} drop the name.
     */
    public static List<StepSeries> vectorScalar(
            BinaryOp op,
            List<StepSeries> vector,
            double[] scalar,
            boolean scalarLeft,
            boolean returnBool,
            boolean delayed) {
        List<StepSeries> out = new ArrayList<>(vector.size());
        boolean dropsName = !op.isComparison() || returnBool;
        for (StepSeries s : vector) {
            StepSeries r = newSeries(s, dropsName, delayed, scalar.length);
            for (int t = 0; t < scalar.length; t++) {
                if (!s.has(t)) {
                    continue;
                }
                double v = s.values()[t];
                double result = scalarLeft ? apply(op, scalar[t], v) : apply(op, v, scalar[t]);
                if (!op.isComparison()) {
                    r.set(t, result);
                } else if (returnBool) {
                    r.set(t, result);
                } else if (result == 1) {
                    r.set(t, v);
                }
            }
            if (!r.isEmpty()) {
                out.add(r);
            }
        }
        return out;
    }

    private static StepSeries newSeries(StepSeries s, boolean dropsName, boolean delayed, int steps) {
        if (!dropsName) {
            return new StepSeries(s.labels(), new double[steps], new java.util.BitSet(steps), s.dropName());
        }
        if (delayed) {
            return new StepSeries(s.labels(), new double[steps], new java.util.BitSet(steps), true);
        }
        return StepSeries.empty(withoutName(s.labels()), steps);
    }

    /** The labels without {@code __name__} and the {@code __type__}/{@code __unit__} metadata that go with it. */
    static Labels withoutName(Labels l) {
        if (!l.has(Labels.METRIC_NAME) && !l.has("__type__") && !l.has("__unit__")) {
            return l;
        }
        return l.toBuilder()
                .remove(Labels.METRIC_NAME)
                .remove("__type__")
                .remove("__unit__")
                .build();
    }

    /** {@code and}, {@code or}, {@code unless}: many-to-many by signature; labels and values unchanged. */
    public static List<StepSeries> setOperation(
            BinaryOp op, List<StepSeries> lhs, List<StepSeries> rhs, Matching matching, int steps) {
        Map<Labels, List<StepSeries>> rightBySig = new HashMap<>();
        for (StepSeries r : rhs) {
            rightBySig
                    .computeIfAbsent(matching.signature(r.labels()), k -> new ArrayList<>())
                    .add(r);
        }
        List<StepSeries> out = new ArrayList<>();
        Map<Labels, List<StepSeries>> leftBySig = new HashMap<>();
        for (StepSeries l : lhs) {
            Labels sig = matching.signature(l.labels());
            leftBySig.computeIfAbsent(sig, k -> new ArrayList<>()).add(l);
            List<StepSeries> partners = rightBySig.getOrDefault(sig, List.of());
            if (op == BinaryOp.OR) {
                out.add(l);
                continue;
            }
            StepSeries kept = new StepSeries(l.labels(), new double[steps], new java.util.BitSet(steps), l.dropName());
            for (int t = 0; t < steps; t++) {
                if (l.has(t) && anyAt(partners, t) == (op == BinaryOp.AND)) {
                    kept.set(t, l.values()[t]);
                }
            }
            if (!kept.isEmpty()) {
                out.add(kept);
            }
        }
        if (op == BinaryOp.OR) {
            for (StepSeries r : rhs) {
                List<StepSeries> partners = leftBySig.getOrDefault(matching.signature(r.labels()), List.of());
                StepSeries kept =
                        new StepSeries(r.labels(), new double[steps], new java.util.BitSet(steps), r.dropName());
                for (int t = 0; t < steps; t++) {
                    if (r.has(t) && !anyAt(partners, t)) {
                        kept.set(t, r.values()[t]);
                    }
                }
                if (!kept.isEmpty()) {
                    out.add(kept);
                }
            }
        }
        return out;
    }

    private static boolean anyAt(List<StepSeries> series, int t) {
        for (StepSeries s : series) {
            if (s.has(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Vector op vector (arithmetic or comparison). One-to-many is evaluated as many-to-one with the sides
     * swapped, as Prometheus does, so the "one" side is always {@code one} below.
     */
    public static List<StepSeries> vectorVector(
            BinaryOp op,
            List<StepSeries> lhs,
            List<StepSeries> rhs,
            Matching matching,
            boolean returnBool,
            boolean delayed,
            int steps) {
        return new VectorMatch(op, lhs, rhs, matching, returnBool, delayed, steps).run();
    }

    /** One vector–vector evaluation; the "one" side is {@code one} after the one-to-many swap. */
    private static final class VectorMatch {
        private final BinaryOp op;
        private final Matching matching;
        private final boolean returnBool;
        private final boolean swapped;
        private final boolean immediateDrop;
        private final int steps;
        private final List<StepSeries> many;
        private final List<StepSeries> one;
        private final List<Labels> sigLabels = new ArrayList<>();
        private final Map<Labels, StepSeries> outputs = new LinkedHashMap<>();
        private final Map<Long, Labels> metricCache = new HashMap<>();
        private int[] producedAtStep;

        VectorMatch(
                BinaryOp op,
                List<StepSeries> lhs,
                List<StepSeries> rhs,
                Matching matching,
                boolean returnBool,
                boolean delayed,
                int steps) {
            this.op = op;
            this.matching = matching;
            this.returnBool = returnBool;
            this.steps = steps;
            this.swapped = matching.card() == Cardinality.ONE_TO_MANY;
            this.many = swapped ? rhs : lhs;
            this.one = swapped ? lhs : rhs;
            // Arithmetic drops the name at once even with delayed name removal; bool comparisons defer it.
            this.immediateDrop = !op.isComparison() || (returnBool && !delayed);
        }

        List<StepSeries> run() {
            Map<Labels, Integer> sigIds = new HashMap<>();
            int[] oneSig = signatures(one, sigIds);
            int[] manySig = signatures(many, sigIds);
            int sigCount = sigIds.size();
            int[] oneAtStep = new int[sigCount];
            boolean[] manyAtStep = new boolean[sigCount];
            producedAtStep = new int[sigCount];
            // As in Prometheus, the fills are not swapped with the operands: fill_right fills the "one" side
            // and fill_left the "many" side, also for group_right.
            boolean fillsOne = matching.fillsRight();
            double fillOne = matching.fillRight();
            boolean fillsMany = matching.fillsLeft();
            double fillMany = matching.fillLeft();
            for (int t = 0; t < steps; t++) {
                // Prometheus short-circuits a step where a side is empty and nothing fills it: no matching
                // errors there either.
                boolean anyOne = anyAt(one, t);
                boolean anyMany = anyAt(many, t);
                if ((!anyOne && !anyMany) || ((!anyOne || !anyMany) && !fillsOne && !fillsMany)) {
                    continue;
                }
                Arrays.fill(oneAtStep, -1);
                Arrays.fill(manyAtStep, false);
                Arrays.fill(producedAtStep, -1);
                for (int i = 0; i < one.size(); i++) {
                    if (!one.get(i).has(t)) {
                        continue;
                    }
                    int sig = oneSig[i];
                    if (oneAtStep[sig] >= 0) {
                        throw duplicateOnOneSide(one.get(oneAtStep[sig]), one.get(i), matching, swapped);
                    }
                    oneAtStep[sig] = i;
                }
                for (int i = 0; i < many.size(); i++) {
                    StepSeries m = many.get(i);
                    if (!m.has(t)) {
                        continue;
                    }
                    int sig = manySig[i];
                    manyAtStep[sig] = true;
                    int o = oneAtStep[sig];
                    if (o >= 0) {
                        long key = ((long) i << 32) | o;
                        emit(
                                t,
                                sig,
                                key,
                                m.labels(),
                                one.get(o).labels(),
                                m.values()[t],
                                one.get(o).values()[t]);
                    } else if (fillsOne) {
                        // A filled "one" sample carries only the match-group labels.
                        long key = ((long) i << 32) | (0x80000000L | sig);
                        emit(t, sig, key, m.labels(), sigLabels.get(sig), m.values()[t], fillOne);
                    }
                }
                if (fillsMany) {
                    for (int sig = 0; sig < sigCount; sig++) {
                        int o = oneAtStep[sig];
                        if (o >= 0 && !manyAtStep[sig]) {
                            long key = (0xffffffffL << 32) | o;
                            emit(
                                    t,
                                    sig,
                                    key,
                                    sigLabels.get(sig),
                                    one.get(o).labels(),
                                    fillMany,
                                    one.get(o).values()[t]);
                        }
                    }
                }
            }
            return new ArrayList<>(outputs.values());
        }

        private void emit(
                int t, int sig, long key, Labels manyLabels, Labels oneLabels, double manyValue, double oneValue) {
            double lv = swapped ? oneValue : manyValue;
            double rv = swapped ? manyValue : oneValue;
            double result = apply(op, lv, rv);
            boolean keep = returnBool || !op.isComparison() || result == 1;
            double value = op.isComparison() && !returnBool ? lv : result;
            Labels metric =
                    metricCache.computeIfAbsent(key, k -> resultMetric(manyLabels, oneLabels, matching, immediateDrop));
            if (matching.card() == Cardinality.ONE_TO_ONE) {
                if (producedAtStep[sig] >= 0) {
                    throw QueryErrors.execution(
                            "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                }
                producedAtStep[sig] = 1;
            }
            StepSeries target = outputs.get(metric);
            if (target != null && target.has(t) && matching.card() != Cardinality.ONE_TO_ONE) {
                throw QueryErrors.execution("multiple matches for labels: grouping labels must ensure unique matches");
            }
            if (!keep) {
                return;
            }
            if (target == null) {
                // As Prometheus: the output's delayed-removal mark is set by bool alone.
                target = new StepSeries(metric, new double[steps], new java.util.BitSet(steps), returnBool);
                outputs.put(metric, target);
            }
            target.set(t, value);
        }

        private int[] signatures(List<StepSeries> series, Map<Labels, Integer> ids) {
            int[] out = new int[series.size()];
            for (int i = 0; i < out.length; i++) {
                Labels sig = matching.signature(series.get(i).labels());
                Integer id = ids.get(sig);
                if (id == null) {
                    id = ids.size();
                    ids.put(sig, id);
                    sigLabels.add(sig);
                }
                out[i] = id;
            }
            return out;
        }
    }

    /** The output labels of a matched pair: the "many" side's labels, trimmed as the matching says. */
    private static Labels resultMetric(Labels many, Labels one, Matching matching, boolean dropName) {
        Labels.Builder b = (dropName ? withoutName(many) : many).toBuilder();
        if (matching.card() == Cardinality.ONE_TO_ONE) {
            for (int i = 0; i < many.size(); i++) {
                String name = many.name(i);
                if (matching.on() != matching.labels().contains(name)) {
                    b.remove(name);
                }
            }
        }
        for (String name : matching.include()) {
            String v = one.get(name);
            if (v.isEmpty()) {
                b.remove(name);
            } else {
                b.set(name, v);
            }
        }
        return b.build();
    }

    private static RuntimeException duplicateOnOneSide(StepSeries a, StepSeries b, Matching matching, boolean left) {
        String sa = a.labels().toBracedString();
        String sb = b.labels().toBracedString();
        if (sa.compareTo(sb) > 0) {
            String x = sa;
            sa = sb;
            sb = x;
        }
        return QueryErrors.execution("found duplicate series for the match group "
                + matching.signature(a.labels()).toBracedString() + " on the " + (left ? "left" : "right")
                + " hand-side of the operation: [" + sa + ", " + sb
                + "];many-to-many matching not allowed: matching labels must be unique on one side");
    }
}
