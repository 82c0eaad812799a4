package io.sextant.promql.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.promql.eval.Aggregation.Grouping;
import io.sextant.promql.eval.Aggregation.Op;
import io.sextant.storage.Labels;
import io.sextant.storage.SextantException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Aggregations on aggregators.test's {@code http_requests} at 50m (values 100 … 800), one step. The whole
 * corpus runs through the engine; these pin the operator on its own.
 */
class AggregationTest {
    private static final List<StepSeries> HTTP_REQUESTS = new ArrayList<>();

    static {
        String[][] ids = {
            {"api-server", "0", "production"}, {"api-server", "1", "production"},
            {"api-server", "0", "canary"}, {"api-server", "1", "canary"},
            {"app-server", "0", "production"}, {"app-server", "1", "production"},
            {"app-server", "0", "canary"}, {"app-server", "1", "canary"}
        };
        for (int k = 0; k < ids.length; k++) {
            StepSeries s = StepSeries.empty(
                    Labels.of("__name__", "http_requests", "job", ids[k][0], "instance", ids[k][1], "group", ids[k][2]),
                    1);
            s.set(0, 100.0 * (k + 1));
            HTTP_REQUESTS.add(s);
        }
    }

    private static Map<String, Double> run(Op op, Grouping g, double param, List<StepSeries> in) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (StepSeries s : Aggregation.evaluate(op, in, 1, g, new double[] {param}, "version", new Annotations(), 0)) {
            out.put(s.labels().toString(), s.values()[0]);
        }
        return out;
    }

    private static List<StepSeries> apiServer() {
        return HTTP_REQUESTS.subList(0, 4);
    }

    private static Grouping by(String... labels) {
        return new Grouping(false, Set.of(labels));
    }

    @Test
    void reducingOperators() {
        assertThat(run(Op.SUM, by("group"), 0, apiServer()))
                .containsExactly(Map.entry("{group=\"production\"}", 300.0), Map.entry("{group=\"canary\"}", 700.0));
        assertThat(run(Op.AVG, by("group"), 0, apiServer())).containsEntry("{group=\"canary\"}", 350.0);
        assertThat(run(Op.COUNT, by("group"), 0, apiServer())).containsEntry("{group=\"canary\"}", 2.0);
        assertThat(run(Op.SUM, new Grouping(true, Set.of("instance")), 0, apiServer()))
                .containsEntry("{group=\"canary\", job=\"api-server\"}", 700.0);
        assertThat(run(Op.SUM, Grouping.ALL, 0, apiServer())).containsExactly(Map.entry("{}", 1000.0));
        assertThat(run(Op.STDDEV, Grouping.ALL, 0, HTTP_REQUESTS).get("{}")).isCloseTo(229.12878474779, within());
        assertThat(run(Op.STDVAR, Grouping.ALL, 0, HTTP_REQUESTS)).containsEntry("{}", 52500.0);
        assertThat(run(Op.STDDEV, by("instance"), 0, HTTP_REQUESTS).get("{instance=\"0\"}"))
                .isCloseTo(223.60679774998, within());
        assertThat(run(Op.MAX, Grouping.ALL, 0, HTTP_REQUESTS)).containsEntry("{}", 800.0);
        assertThat(run(Op.QUANTILE, Grouping.ALL, 0.5, apiServer())).containsEntry("{}", 250.0);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }

    @Test
    void topAndBottomKeepSeriesInValueOrder() {
        assertThat(run(Op.TOPK, Grouping.ALL, 3, HTTP_REQUESTS).values()).containsExactly(800.0, 700.0, 600.0);
        assertThat(run(Op.BOTTOMK, Grouping.ALL, 3, HTTP_REQUESTS).values()).containsExactly(100.0, 200.0, 300.0);
        assertThat(run(Op.TOPK, Grouping.ALL, 3, HTTP_REQUESTS)
                        .keySet()
                        .iterator()
                        .next())
                .isEqualTo("http_requests{group=\"canary\", instance=\"1\", job=\"app-server\"}");
        assertThat(run(Op.TOPK, Grouping.ALL, 0, HTTP_REQUESTS)).isEmpty();
        assertThatThrownBy(() -> run(Op.TOPK, Grouping.ALL, Double.NaN, HTTP_REQUESTS))
                .isInstanceOf(SextantException.class)
                .hasMessage("Parameter value is NaN");
    }

    @Test
    void limitRatioSplitsIntoComplements() {
        Map<String, Double> some = run(Op.LIMIT_RATIO, Grouping.ALL, 0.5, HTTP_REQUESTS);
        Map<String, Double> rest = run(Op.LIMIT_RATIO, Grouping.ALL, -0.5, HTTP_REQUESTS);
        assertThat(some.size() + rest.size()).isEqualTo(HTTP_REQUESTS.size());
        assertThat(some.keySet()).doesNotContainAnyElementsOf(rest.keySet());
    }

    @Test
    void countValuesLabelsEachDistinctValue() {
        List<StepSeries> in = new ArrayList<>();
        double[] versions = {6, 6, 7, 8};
        for (int k = 0; k < versions.length; k++) {
            StepSeries s = StepSeries.empty(Labels.of("__name__", "version", "job", "j" + k), 1);
            s.set(0, versions[k]);
            in.add(s);
        }
        assertThat(run(Op.COUNT_VALUES, Grouping.ALL, 0, in))
                .containsExactly(
                        Map.entry("{version=\"6\"}", 2.0),
                        Map.entry("{version=\"7\"}", 1.0),
                        Map.entry("{version=\"8\"}", 1.0));
    }
}
