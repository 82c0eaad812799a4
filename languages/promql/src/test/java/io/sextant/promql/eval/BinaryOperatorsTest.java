package io.sextant.promql.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.promql.ast.BinaryOp;
import io.sextant.promql.ast.VectorMatching.Cardinality;
import io.sextant.promql.eval.BinaryOperators.Matching;
import io.sextant.storage.Labels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Vector matching cases from Prometheus' operators.test, one step. */
class BinaryOperatorsTest {
    private static StepSeries sample(double v, String... labels) {
        StepSeries s = StepSeries.empty(Labels.of(labels), 1);
        s.set(0, v);
        return s;
    }

    private static Map<String, Double> asMap(List<StepSeries> series) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (StepSeries s : series) {
            out.put(s.labels().toString(), s.values()[0]);
        }
        return out;
    }

    private static final StepSeries NODE_VAR = sample(2, "__name__", "node_var", "instance", "abc", "job", "node");
    private static final StepSeries NODE_ROLE =
            sample(1, "__name__", "node_role", "instance", "abc", "job", "node", "role", "prometheus");

    @Test
    void groupLeftAndGroupRightCopyTheIncludedLabels() {
        Matching left = new Matching(Cardinality.MANY_TO_ONE, true, Set.of("instance"), Set.of("role"));
        assertThat(asMap(BinaryOperators.vectorVector(
                        BinaryOp.MUL, List.of(NODE_VAR), List.of(NODE_ROLE), left, false, false, 1)))
                .containsExactly(Map.entry("{instance=\"abc\", job=\"node\", role=\"prometheus\"}", 2.0));
        Matching right = new Matching(Cardinality.ONE_TO_MANY, false, Set.of("role"), Set.of("role"));
        assertThat(asMap(BinaryOperators.vectorVector(
                        BinaryOp.MUL, List.of(NODE_ROLE), List.of(NODE_VAR), right, false, false, 1)))
                .containsExactly(Map.entry("{instance=\"abc\", job=\"node\", role=\"prometheus\"}", 2.0));
    }

    @Test
    void comparisonsFilterAndKeepTheLeftValueAndName() {
        StepSeries a = sample(5, "__name__", "a", "x", "1");
        StepSeries b = sample(3, "__name__", "b", "x", "1");
        assertThat(asMap(BinaryOperators.vectorVector(
                        BinaryOp.GTR, List.of(a), List.of(b), Matching.oneToOne(), false, false, 1)))
                .containsExactly(Map.entry("a{x=\"1\"}", 5.0));
        assertThat(asMap(BinaryOperators.vectorVector(
                        BinaryOp.LSS, List.of(a), List.of(b), Matching.oneToOne(), true, false, 1)))
                .containsExactly(Map.entry("{x=\"1\"}", 0.0));
        assertThat(asMap(BinaryOperators.vectorScalar(BinaryOp.LSS, List.of(b), new double[] {2}, true, false, false)))
                .as("2 < b keeps b's value")
                .containsExactly(Map.entry("b{x=\"1\"}", 3.0));
    }

    @Test
    void duplicateSeriesOnTheOneSideIsAnError() {
        StepSeries scalarMetric = sample(3, "__name__", "scalar_metric");
        List<StepSeries> dups = List.of(
                sample(2, "__name__", "dup_metric", "label", "beta"),
                sample(1, "__name__", "dup_metric", "label", "alpha"));
        Matching onNothing = new Matching(Cardinality.ONE_TO_ONE, true, Set.of(), Set.of());
        assertThatThrownBy(() -> BinaryOperators.vectorVector(
                        BinaryOp.GTR, List.of(scalarMetric), dups, onNothing, false, false, 1))
                .hasMessage("found duplicate series for the match group {} on the right hand-side of the operation:"
                        + " [{__name__=\"dup_metric\", label=\"alpha\"}, {__name__=\"dup_metric\", label=\"beta\"}];"
                        + "many-to-many matching not allowed: matching labels must be unique on one side");
        List<StepSeries> many = List.of(sample(1, "__name__", "m", "i", "1"), sample(2, "__name__", "m", "i", "2"));
        assertThatThrownBy(() -> BinaryOperators.vectorVector(
                        BinaryOp.ADD, many, List.of(scalarMetric), onNothing, false, false, 1))
                .hasMessage(
                        "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
    }

    @Test
    void setOperators() {
        StepSeries a1 = sample(1, "__name__", "a", "x", "1");
        StepSeries a2 = sample(2, "__name__", "a", "x", "2");
        StepSeries b1 = sample(3, "__name__", "b", "x", "1");
        StepSeries b3 = sample(4, "__name__", "b", "x", "3");
        Matching m = new Matching(Cardinality.MANY_TO_MANY, false, Set.of(), Set.of());
        assertThat(asMap(BinaryOperators.setOperation(BinaryOp.AND, List.of(a1, a2), List.of(b1, b3), m, 1)))
                .containsExactly(Map.entry("a{x=\"1\"}", 1.0));
        assertThat(asMap(BinaryOperators.setOperation(BinaryOp.UNLESS, List.of(a1, a2), List.of(b1, b3), m, 1)))
                .containsExactly(Map.entry("a{x=\"2\"}", 2.0));
        assertThat(asMap(BinaryOperators.setOperation(BinaryOp.OR, List.of(a1, a2), List.of(b1, b3), m, 1)))
                .containsExactly(
                        Map.entry("a{x=\"1\"}", 1.0), Map.entry("a{x=\"2\"}", 2.0), Map.entry("b{x=\"3\"}", 4.0));
    }
}
