package io.sextant.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.promql.eval.Engine;
import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.promql.parser.PromQLParser;
import io.sextant.server.http.HttpServer;
import io.sextant.server.http.Router;
import io.sextant.storage.Matcher;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.telemetry.Telemetry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/explain} over real HTTP: the plans it returns, its parameters and errors; it reads no data. */
class ExplainApiTest {
    /** Counts selects: EXPLAIN must not evaluate. */
    private static final class CountingQuerier extends NoDataQuerier {
        final AtomicInteger selects = new AtomicInteger();

        @Override
        public List<Series> select(String tenant, List<Matcher> matchers, long mint, long maxt, SelectHints hints) {
            selects.incrementAndGet();
            return List.of();
        }
    }

    private final CountingQuerier querier = new CountingQuerier();
    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private PromQueryApi api;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        api = new PromQueryApi(
                querier, ParserOptions.DEFAULT, EngineOptions.DEFAULTS, Duration.ofMinutes(1), 4, () -> 0L);
        Router router = new Router(new Telemetry(), 1 << 20);
        api.register(router, () -> true);
        server = new HttpServer("127.0.0.1", 0, Duration.ofSeconds(5), router);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        api.close();
    }

    private HttpResponse<String> get(String params) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/explain?" + params))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String query) {
        return "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    @Test
    void returnsTheLogicalAndThePhysicalPlanWithoutEvaluating() throws Exception {
        String query = "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))";
        HttpResponse<String> r = get(q(query) + "&time=100");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode data = json.readTree(r.body()).get("data");
        assertThat(data.get("query").asText()).isEqualTo(query);
        String expected = new Engine(EngineOptions.DEFAULTS)
                .explain(PromQLParser.parse(query, ParserOptions.DEFAULT), 100_000, 100_000, 1)
                .physical();
        assertThat(data.get("physical").asText()).isEqualTo(expected);
        assertThat(data.get("physical").asText())
                .startsWith("PromAggregate(op=[sum], by=[[job]])")
                .contains("matchers=[[code=~\"5..\", __name__=\"http_requests_total\"]], time=[(step-5m, step]]");
        assertThat(data.get("logical").asText())
                .startsWith("LogicalAggregate(group=[{0, 1}], value=[SUM($2)])")
                .contains("LogicalFilter(condition=");
        assertThat(data.get("planningTime").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(querier.selects.get()).isZero();
    }

    @Test
    void aRangeQueryResolvesDurationExpressionsWithItsStep() throws Exception {
        HttpResponse<String> r = get(q("rate(x_total[step() * 5])") + "&start=0&end=3600&step=60");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json.readTree(r.body()).get("data").get("physical").asText())
                .contains("PromRangeSelect(range=[5m])");
        HttpResponse<String> coarser = get(q("rate(x_total[step() * 5])") + "&start=0&end=3600&step=120");
        assertThat(json.readTree(coarser.body()).get("data").get("physical").asText())
                .contains("PromRangeSelect(range=[10m])");
    }

    @Test
    void postFormWorksLikeGet() throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/explain"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(q("up == bool 1")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json.readTree(r.body()).get("data").get("physical").asText())
                .startsWith("PromBinary(op=[==], bool=[true])");
    }

    @Test
    void badQueriesAndParametersAreBadData() throws Exception {
        HttpResponse<String> syntax = get(q("sum(up) by"));
        assertThat(syntax.statusCode()).isEqualTo(400);
        assertThat(syntax.body())
                .isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter"
                        + " \\\"query\\\": 1:11: parse error: unexpected end of input in grouping opts, expected"
                        + " \\\"(\\\"\"}");
        HttpResponse<String> step = get(q("up") + "&start=0&end=10&step=x");
        assertThat(step.statusCode()).isEqualTo(400);
        assertThat(step.body()).contains("invalid parameter \\\"step\\\"");
        HttpResponse<String> duration = get(q("rate(x[step() - 1m])") + "&start=0&end=60&step=60");
        assertThat(duration.statusCode()).isEqualTo(400);
        assertThat(duration.body()).contains("duration must be greater than 0");
        assertThat(querier.selects.get()).isZero();
    }
}
