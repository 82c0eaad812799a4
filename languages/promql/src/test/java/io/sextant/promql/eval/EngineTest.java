package io.sextant.promql.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.promql.parser.ParserOptions;
import io.sextant.promql.parser.PromQLParser;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.SextantException;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.telemetry.Telemetry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end smoke checks of the engine over a real store; the conformance corpus is the full test. */
class EngineTest {
    private static final long MIN = 60_000;

    @TempDir
    Path dir;

    private MetricsStore store;
    private final Engine engine = new Engine(EngineOptions.CONFORMANCE);

    @BeforeEach
    void load() {
        store = MetricsStore.open(StoreOptions.defaults(dir), new Telemetry(), () -> 10L * 86_400_000);
        store.replay();
        String[][] ids = {
            {"api-server", "0", "production"}, {"api-server", "1", "production"},
            {"api-server", "0", "canary"}, {"api-server", "1", "canary"}
        };
        WriteBatch b = new WriteBatch();
        for (int k = 0; k < ids.length; k++) {
            int e = b.addNewSeries(
                    Labels.of(
                            "__name__",
                            "http_requests_total",
                            "job",
                            ids[k][0],
                            "instance",
                            ids[k][1],
                            "group",
                            ids[k][2]),
                    null,
                    0,
                    0,
                    0);
            for (int i = 0; i <= 10; i++) {
                b.addSample(e, i * 5 * MIN, i * 10.0 * (k + 1));
            }
        }
        store.tenant("t").commit(b);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Map<String, Double> instant(String q, long t) {
        QueryResult r = engine.instant(store, "t", PromQLParser.parse(q, ParserOptions.ALL), t);
        Map<String, Double> out = new LinkedHashMap<>();
        if (r.value() instanceof QueryValue.Vector v) {
            v.samples().forEach(s -> out.put(s.labels().toString(), s.value()));
        } else if (r.value() instanceof QueryValue.Scalar s) {
            out.put("scalar", s.value());
        }
        return out;
    }

    @Test
    void selectorsFunctionsAggregationsAndOperators() {
        assertThat(instant("sum by (group) (http_requests_total)", 50 * MIN))
                .containsEntry("{group=\"production\"}", 300.0)
                .containsEntry("{group=\"canary\"}", 700.0);
        assertThat(instant("sum(increase(http_requests_total[50m]))", 50 * MIN)).containsEntry("{}", 1000.0);
        assertThat(instant("count(http_requests_total > 150)", 50 * MIN)).containsEntry("{}", 3.0);
        assertThat(instant("scalar(sum(http_requests_total)) * 2", 50 * MIN)).containsEntry("scalar", 2000.0);
        assertThat(instant("http_requests_total{instance=\"0\",group=\"canary\"} offset 10m", 50 * MIN))
                .containsEntry("http_requests_total{group=\"canary\", instance=\"0\", job=\"api-server\"}", 240.0);
        assertThat(instant("max_over_time(sum(http_requests_total)[20m:5m])", 50 * MIN))
                .containsEntry("{}", 1000.0);
        assertThat(instant("http_requests_total", 54 * MIN)).hasSize(4);
        assertThat(instant("http_requests_total", 55 * MIN))
                .as("left-open lookback")
                .isEmpty();
        assertThat(instant("absent(nope{job=\"x\"})", 50 * MIN)).containsEntry("{job=\"x\"}", 1.0);
    }

    @Test
    void tooManySamplesIsAnExecutionError() {
        Engine small = new Engine(new EngineOptions(300_000, 60_000, 40, true));
        // 4 series × 11 samples = 44 samples read
        assertThatThrownBy(() -> small.instant(
                        store,
                        "t",
                        PromQLParser.parse("sum_over_time(http_requests_total[1h])", ParserOptions.ALL),
                        50 * MIN))
                .isInstanceOf(SextantException.class)
                .hasMessage("query processing would load too many samples into memory in query execution")
                .extracting(e -> ((SextantException) e).code())
                .isEqualTo(ErrorCode.QUERY_EXECUTION);
        assertThat(small.instant(store, "t", PromQLParser.parse("http_requests_total", ParserOptions.ALL), 50 * MIN)
                        .value())
                .isInstanceOf(QueryValue.Vector.class);
    }

    @Test
    void rangeQueryReturnsSortedMatrix() {
        QueryResult r = engine.range(
                store,
                "t",
                PromQLParser.parse("rate(http_requests_total[10m])", ParserOptions.ALL),
                20 * MIN,
                40 * MIN,
                10 * MIN);
        QueryValue.Matrix m = (QueryValue.Matrix) r.value();
        assertThat(m.series()).hasSize(4);
        assertThat(m.series().get(0).labels().toString())
                .isEqualTo("{group=\"canary\", instance=\"0\", job=\"api-server\"}");
        assertThat(m.series().get(0).values()).containsExactly(0.1, 0.1, 0.1);
    }
}
