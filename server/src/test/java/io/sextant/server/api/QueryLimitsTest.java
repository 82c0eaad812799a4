package io.sextant.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.server.http.HttpServer;
import io.sextant.server.http.Router;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.telemetry.Telemetry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Timeouts, the concurrency limit and unexpected failures of the query endpoints, over real HTTP against a
 * querier that can be made slow or broken (a real store answers too fast to time out).
 */
class QueryLimitsTest {
    private static final String SLOW = "/api/v1/query?query=slow&time=1";

    /** Blocks {@code slow} selects until released or interrupted; fails {@code broken} ones. */
    static final class ControlledQuerier extends NoDataQuerier {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicInteger interrupted = new AtomicInteger();

        @Override
        public List<Series> select(String tenant, List<Matcher> matchers, long mint, long maxt, SelectHints hints) {
            String name = matchers.stream()
                    .filter(m -> m.name().equals(Labels.METRIC_NAME))
                    .map(Matcher::value)
                    .findFirst()
                    .orElse("");
            if (name.equals("broken")) {
                throw new IllegalStateException("boom");
            }
            if (name.equals("slow")) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
            }
            return List.of();
        }
    }

    private final ControlledQuerier querier = new ControlledQuerier();
    private final HttpClient client = HttpClient.newHttpClient();
    private PromQueryApi api;
    private HttpServer server;

    private void start(Duration timeout, int maxConcurrency) throws Exception {
        api = new PromQueryApi(
                querier, ParserOptions.DEFAULT, EngineOptions.DEFAULTS, timeout, maxConcurrency, () -> 0L);
        Router router = new Router(new Telemetry(), 1 << 20);
        api.register(router, () -> true);
        server = new HttpServer("127.0.0.1", 0, Duration.ofSeconds(5), router);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        querier.release.countDown();
        if (server != null) {
            server.stop();
        }
        api.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theTimeoutParameterEndsAnEvaluationWith503AndInterruptsIt() throws Exception {
        start(Duration.ofMinutes(2), 1);
        HttpResponse<String> r = get(SLOW + "&timeout=0.2");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body())
                .isEqualTo("{\"status\":\"error\",\"errorType\":\"timeout\","
                        + "\"error\":\"query timed out in expression evaluation\"}");
        // the abandoned evaluation was interrupted and gave its slot back: the only slot is free again
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (querier.interrupted.get() == 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(querier.interrupted.get()).isEqualTo(1);
        assertThat(get("/api/v1/query?query=up&time=1").statusCode()).isEqualTo(200);
    }

    @Test
    void theServerTimeoutAppliesWithoutAParameterAndCapsIt() throws Exception {
        start(Duration.ofMillis(200), 2);
        long t0 = System.nanoTime();
        HttpResponse<String> r = get(SLOW + "&timeout=1h");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(10);
        assertThat(get("/api/v1/query_range?query=slow&start=0&end=10&step=1").body())
                .contains("\"errorType\":\"timeout\"");
    }

    @Test
    void queriesBeyondTheConcurrencyLimitWaitAndTimeOutInTheQueue() throws Exception {
        start(Duration.ofMinutes(2), 1);
        CompletableFuture<HttpResponse<String>> first = getAsync(SLOW + "&timeout=30s");
        assertThat(querier.entered.await(10, TimeUnit.SECONDS)).isTrue();
        HttpResponse<String> second = get("/api/v1/query?query=up&time=1&timeout=0.2");
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.body())
                .isEqualTo(
                        "{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out in query queue\"}");
        // format_query needs no slot
        assertThat(get("/api/v1/format_query?query=up").statusCode()).isEqualTo(200);
        querier.release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).body())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
        assertThat(get("/api/v1/query?query=up&time=1").statusCode()).isEqualTo(200);
    }

    @Test
    void anUnexpectedFailureIsInternal() throws Exception {
        start(Duration.ofMinutes(2), 1);
        HttpResponse<String> r = get("/api/v1/query?query=broken&time=1");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body())
                .isEqualTo("{\"status\":\"error\",\"errorType\":\"internal\","
                        + "\"error\":\"unexpected error: java.lang.IllegalStateException: boom\"}");
        // the slot came back
        assertThat(get("/api/v1/query?query=up&time=1").statusCode()).isEqualTo(200);
    }
}
