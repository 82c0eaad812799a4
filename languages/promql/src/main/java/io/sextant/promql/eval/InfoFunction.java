package io.sextant.promql.eval;

import io.sextant.promql.ast.Call;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.VectorSelector;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code info(v [, {data-label selector}])}: adds the data labels of info metrics ({@code target_info} unless
 * the selector names others) to the series of {@code v} that share their identifying labels {@code instance}
 * and {@code job}, as Prometheus' promql/info.go does, step by step.
 */
final class InfoFunction {
    private static final String TARGET_INFO = "target_info";
    private static final List<String> IDENTIFYING = List.of("instance", "job");

    private InfoFunction() {}

    static List<StepSeries> eval(Evaluation ev, Call c, Operands args, StepGrid grid) {
        List<StepSeries> base = Functions.vector(args, 0, grid);
        Map<String, List<Matcher>> dataMatchers = new LinkedHashMap<>();
        List<Matcher> nameMatchers = new ArrayList<>();
        if (c.args().size() > 1) {
            for (Matcher m : ((VectorSelector) Evaluation.unwrap(c.args().get(1))).matchers()) {
                dataMatchers.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(m);
                if (m.name().equals(Labels.METRIC_NAME)) {
                    nameMatchers.add(m);
                }
            }
        } else {
            nameMatchers.add(Matcher.equal(Labels.METRIC_NAME, TARGET_INFO));
        }
        // Negated name matchers alone would pick any metric as an info metric: they narrow down the *_info
        // metrics instead (Prometheus' effectiveInfoNameMatchers).
        if (!nameMatchers.isEmpty()
                && nameMatchers.stream()
                        .noneMatch(m -> m.type() == Matcher.Type.EQUAL || m.type() == Matcher.Type.REGEX)) {
            Matcher anyInfo = Matcher.of(Matcher.Type.REGEX, Labels.METRIC_NAME, ".+_info");
            nameMatchers.add(0, anyInfo);
            dataMatchers.get(Labels.METRIC_NAME).add(0, anyInfo);
        }
        // Info series in the input are passed through, not enriched.
        Set<Labels> ignored = new HashSet<>();
        for (StepSeries s : base) {
            if (!nameMatchers.isEmpty() && matchAll(nameMatchers, s.labels().metricName())) {
                ignored.add(s.labels());
            }
        }
        List<StepSeries> info = fetchInfoSeries(ev, c.args().get(0), base, ignored, dataMatchers, grid);
        return combine(base, info, ignored, dataMatchers, grid);
    }

    private static boolean matchAll(List<Matcher> matchers, String value) {
        for (Matcher m : matchers) {
            if (!m.matches(value)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The info series whose identifying labels occur in {@code base}; each step's value is the timestamp of
     * the info sample it came from. Removes the {@code __name__} matchers from {@code dataMatchers}: they pick
     * info metrics, they are not data-label filters.
     */
    private static List<StepSeries> fetchInfoSeries(
            Evaluation ev,
            Expr arg,
            List<StepSeries> base,
            Set<Labels> ignored,
            Map<String, List<Matcher>> dataMatchers,
            StepGrid grid) {
        Map<String, Set<String>> idValues = new LinkedHashMap<>();
        for (StepSeries s : base) {
            if (ignored.contains(s.labels())) {
                continue;
            }
            for (String l : IDENTIFYING) {
                String v = s.labels().get(l);
                if (!v.isEmpty()) {
                    idValues.computeIfAbsent(l, k -> new LinkedHashSet<>()).add(v);
                }
            }
        }
        List<Matcher> select = new ArrayList<>();
        boolean hasName = false;
        for (List<Matcher> ms : dataMatchers.values()) {
            for (Matcher m : ms) {
                hasName |= m.name().equals(Labels.METRIC_NAME);
                select.add(m);
            }
        }
        dataMatchers.remove(Labels.METRIC_NAME);
        if (idValues.isEmpty()) {
            return List.of();
        }
        for (Map.Entry<String, Set<String>> e : idValues.entrySet()) {
            StringBuilder re = new StringBuilder();
            for (String v : e.getValue()) {
                if (re.length() > 0) {
                    re.append('|');
                }
                re.append(com.google.re2j.Pattern.quote(v));
            }
            select.add(Matcher.of(Matcher.Type.REGEX, e.getKey(), re.toString()));
        }
        if (!hasName) {
            select.add(0, Matcher.equal(Labels.METRIC_NAME, TARGET_INFO));
        }
        return ev.infoSeries(arg, select, grid);
    }

    private static Labels signature(String infoName, Labels l) {
        Labels.Builder b = Labels.builder().add(Labels.METRIC_NAME, infoName);
        for (String id : IDENTIFYING) {
            String v = l.get(id);
            if (!v.isEmpty()) {
                b.add(id, v);
            }
        }
        return b.build();
    }

    private static List<StepSeries> combine(
            List<StepSeries> base,
            List<StepSeries> info,
            Set<Labels> ignored,
            Map<String, List<Matcher>> dataMatchers,
            StepGrid grid) {
        Set<String> infoNames = new LinkedHashSet<>();
        for (StepSeries s : info) {
            infoNames.add(s.labels().metricName());
        }
        boolean allMatchEmpty = true;
        for (List<Matcher> ms : dataMatchers.values()) {
            for (Matcher m : ms) {
                allMatchEmpty &= m.matches("");
            }
        }
        Map<Labels, StepSeries> out = new LinkedHashMap<>();
        Map<Labels, StepSeries> bySig = new HashMap<>();
        for (int t = 0; t < grid.size(); t++) {
            bySig.clear();
            for (StepSeries s : info) {
                if (!s.has(t)) {
                    continue;
                }
                Labels sig = signature(s.labels().metricName(), s.labels());
                StepSeries existing = bySig.get(sig);
                if (existing == null || (long) existing.values()[t] < (long) s.values()[t]) {
                    bySig.put(sig, s);
                } else if ((long) existing.values()[t] == (long) s.values()[t]) {
                    throw QueryErrors.execution("found duplicate series for info metric: existing "
                            + existing.labels().toBracedString() + " @ " + (long) existing.values()[t] + ", new "
                            + s.labels().toBracedString() + " @ " + (long) s.values()[t]);
                }
            }
            for (StepSeries b : base) {
                if (!b.has(t)) {
                    continue;
                }
                Labels labels = ignored.contains(b.labels())
                        ? b.labels()
                        : enrich(b.labels(), infoNames, bySig, dataMatchers, allMatchEmpty);
                if (labels == null) {
                    continue;
                }
                StepSeries target = out.computeIfAbsent(
                        labels,
                        l -> new StepSeries(
                                l, new double[grid.size()], new java.util.BitSet(grid.size()), b.dropName()));
                if (target.has(t)) {
                    throw QueryErrors.execution("vector cannot contain metrics with the same labelset");
                }
                target.set(t, b.values()[t]);
            }
        }
        return new ArrayList<>(out.values());
    }

    /** The base labels plus the matched info series' data labels, or null when the series is to be dropped. */
    private static Labels enrich(
            Labels base,
            Set<String> infoNames,
            Map<Labels, StepSeries> bySig,
            Map<String, List<Matcher>> dataMatchers,
            boolean allMatchEmpty) {
        Map<String, String> added = new LinkedHashMap<>();
        boolean matched = false;
        for (String name : infoNames) {
            StepSeries is = bySig.get(signature(name, base));
            if (is == null) {
                continue;
            }
            matched = true;
            Labels il = is.labels();
            for (int i = 0; i < il.size(); i++) {
                String l = il.name(i);
                if (l.equals(Labels.METRIC_NAME) || (!dataMatchers.isEmpty() && !dataMatchers.containsKey(l))) {
                    continue;
                }
                String v = added.get(l);
                if (v != null && !v.equals(il.value(i))) {
                    throw QueryErrors.execution("conflicting label: " + l);
                }
                if (base.has(l)) {
                    continue;
                }
                added.put(l, il.value(i));
            }
        }
        if (!matched && !allMatchEmpty) {
            return null;
        }
        if (added.isEmpty()) {
            return base;
        }
        Labels.Builder b = base.toBuilder();
        added.forEach(b::set);
        return b.build();
    }
}
