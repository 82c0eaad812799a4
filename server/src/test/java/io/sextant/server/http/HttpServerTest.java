package io.sextant.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.ingest.IngestResponse;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.telemetry.Telemetry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpServerTest {
    private static final int LIMIT = 1000;

    private final Telemetry telemetry = new Telemetry();
    private final Router router = new Router(telemetry, LIMIT);
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer server;

    private void start(Duration shutdownTimeout) throws Exception {
        server = new HttpServer("127.0.0.1", 0, shutdownTimeout, router);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    /** A body without Content-Length: sent chunked. */
    private HttpResponse<String> postChunked(String path, byte[] body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    }

    @Test
    void bodyOverTheLimitIs413BeforeOrWhileReading() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        AtomicInteger lastLength = new AtomicInteger();
        router.add("POST", "/body", ex -> {
            handled.incrementAndGet();
            lastLength.set(ex.body().length());
            ex.text(200, "ok");
        });
        router.add("POST", "/declared", ex -> {
            handled.incrementAndGet();
            ex.body();
            ex.text(200, "read");
        });
        start(Duration.ofSeconds(5));

        HttpResponse<String> declared = post("/declared", new byte[LIMIT + 1]);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).isEqualTo("request body of 1001 bytes exceeds the limit of 1000 bytes\n");

        HttpResponse<String> streamed = postChunked("/body", new byte[LIMIT * 3]);
        assertThat(streamed.statusCode()).isEqualTo(413);
        assertThat(streamed.body()).isEqualTo("request body exceeds the limit of 1000 bytes\n");

        assertThat(post("/body", new byte[LIMIT]).statusCode()).isEqualTo(200);
        assertThat(lastLength.get()).isEqualTo(LIMIT);
        assertThat(postChunked("/body", new byte[LIMIT]).statusCode()).isEqualTo(200);
        assertThat(lastLength.get()).isEqualTo(LIMIT);
        assertThat(postChunked("/body", new byte[0]).statusCode()).isEqualTo(200);
        assertThat(lastLength.get()).isZero();
    }

    @Test
    void parametersMergeFormBodyAndQueryString() throws Exception {
        router.add("GET", "/p", HttpServerTest::echoParams);
        router.add("POST", "/p", HttpServerTest::echoParams);
        start(Duration.ofSeconds(5));

        assertThat(send(HttpRequest.newBuilder(uri("/p?a=1&m%5B%5D=x&m[]=y+z&e"))
                                .GET())
                        .body())
                .isEqualTo("a=1 m[]=[x, y z] e=");
        HttpResponse<String> form = post(
                "/p?a=query&m[]=q",
                "a=body&m%5B%5D=%7Bb%3D%22%C3%A9%22%7D".getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8");
        assertThat(form.body()).isEqualTo("a=body m[]=[{b=\"é\"}, q] e=");
        HttpResponse<String> notForm =
                post("/p?a=query", "a=body".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain");
        assertThat(notForm.body()).isEqualTo("a=query m[]=[] e=");

        HttpResponse<String> badEscape = post(
                "/p", "a=%zz".getBytes(StandardCharsets.UTF_8), "Content-Type", "application/x-www-form-urlencoded");
        assertThat(badEscape.statusCode()).isEqualTo(400);
        assertThat(badEscape.body()).isEqualTo("error parsing form values: invalid URL escape \"%zz\"\n");
        HttpResponse<String> semicolon = post(
                "/p", "a=1;b=2".getBytes(StandardCharsets.UTF_8), "Content-Type", "application/x-www-form-urlencoded");
        assertThat(semicolon.body()).isEqualTo("error parsing form values: invalid semicolon separator in query\n");
    }

    private static void echoParams(Exchange ex) throws Exception {
        Exchange.Params p = ex.params();
        ex.text(200, "a=" + p.first("a") + " m[]=" + p.all("m[]") + " e=" + p.first("e"));
    }

    @Test
    void routingAndFailures() throws Exception {
        router.add("GET", "/items/:id/name", ex -> ex.text(200, "id " + ex.pathParam("id")));
        router.add("GET", "/boom", ex -> {
            throw new IllegalStateException("broken");
        });
        start(Duration.ofSeconds(5));

        assertThat(send(HttpRequest.newBuilder(uri("/items/a%2Eb/name"))).body())
                .isEqualTo("id a.b");
        HttpResponse<String> missing = send(HttpRequest.newBuilder(uri("/items/a/other")));
        assertThat(missing.statusCode()).isEqualTo(404);
        HttpResponse<String> wrongMethod = post("/items/a/name", new byte[0]);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET");
        HttpResponse<String> boom = send(HttpRequest.newBuilder(uri("/boom")));
        assertThat(boom.statusCode()).isEqualTo(500);
        assertThat(boom.body()).startsWith("internal error: java.lang.IllegalStateException: broken");

        // requests are counted once answered, so the last count may land just after the client has its answer
        String boomCounted = "sextant_http_requests_total{handler=\"/boom\",code=\"500\"} 1";
        String metrics = "";
        for (int i = 0; i < 50 && !metrics.contains(boomCounted); i++) {
            StringBuilder sb = new StringBuilder();
            telemetry.writeText(sb);
            metrics = sb.toString();
            Thread.sleep(i == 0 ? 0 : 20);
        }
        assertThat(metrics)
                .contains("sextant_http_requests_total{handler=\"/items/:id/name\",code=\"200\"} 1")
                .contains("sextant_http_requests_total{handler=\"/items/:id/name\",code=\"405\"} 1")
                .contains("sextant_http_requests_total{handler=\"other\",code=\"404\"} 1")
                .contains(boomCounted);
    }

    @Test
    void gracefulStopLetsRequestsInFlightFinish() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        router.add("GET", "/slow", ex -> {
            inside.countDown();
            Thread.sleep(1500);
            ex.text(200, "finished");
        });
        start(Duration.ofSeconds(10));
        int port = server.port();

        CompletableFuture<HttpResponse<String>> slow =
                client.sendAsync(HttpRequest.newBuilder(uri("/slow")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        server.stop();
        server = null;
        long stopMillis = (System.nanoTime() - start) / 1_000_000;

        HttpResponse<String> r = slow.get(5, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("finished");
        assertThat(stopMillis).isGreaterThan(500);
        HttpClient fresh = HttpClient.newHttpClient();
        AtomicReference<Throwable> refused = new AtomicReference<>();
        try {
            fresh.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            refused.set(e);
        }
        assertThat(refused.get()).isNotNull();
    }

    // ---------------------------------------------------------------- ingest endpoint

    @Test
    void ingestEndpointPassesTheRequestAndWritesTheResponseAsIs() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        AtomicBoolean ready = new AtomicBoolean(false);
        IngestEndpoint.Protocol protocol = (tenant, contentType, contentEncoding, body, length) -> {
            seen.set(tenant + " " + contentType + " " + contentEncoding + " "
                    + new String(body, 0, length, StandardCharsets.UTF_8));
            return new IngestResponse(
                    204,
                    "application/x-protobuf",
                    new byte[0],
                    Map.of("X-Prometheus-Remote-Write-Samples-Written", "3"));
        };
        router.add("POST", "/api/v1/write", new IngestEndpoint(protocol, ready::get));
        router.add(
                "POST",
                "/fails",
                new IngestEndpoint(
                        (t, c, e, b, l) -> {
                            throw new SextantException(ErrorCode.OVERLOADED, "too busy");
                        },
                        () -> true));
        start(Duration.ofSeconds(5));
        byte[] payload = "payload".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> early = post("/api/v1/write", payload);
        assertThat(early.statusCode()).isEqualTo(503);
        assertThat(early.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(seen.get()).isNull();

        ready.set(true);
        HttpResponse<String> r = post(
                "/api/v1/write", payload,
                "Content-Type", "application/x-protobuf",
                "Content-Encoding", "snappy",
                "X-Scope-OrgID", "team-1");
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written"))
                .hasValue("3");
        assertThat(seen.get()).isEqualTo("team-1 application/x-protobuf snappy payload");

        post("/api/v1/write", payload);
        assertThat(seen.get()).startsWith("default ");

        HttpResponse<String> badTenant = post("/api/v1/write", payload, "X-Scope-OrgID", "a/b");
        assertThat(badTenant.statusCode()).isEqualTo(400);
        assertThat(badTenant.body()).startsWith("X-Scope-OrgID contains the unsupported character '/'");

        HttpResponse<String> tooLarge = post("/api/v1/write", new byte[LIMIT + 1]);
        assertThat(tooLarge.statusCode()).isEqualTo(413);

        HttpResponse<String> overloaded = post("/fails", payload);
        assertThat(overloaded.statusCode()).isEqualTo(429);
        assertThat(overloaded.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(overloaded.body()).isEqualTo("too busy\n");
    }

    @Test
    void largeResponsesAreGzippedWhenAccepted() throws Exception {
        String big = "x".repeat(10_000);
        router.add("GET", "/big", ex -> ex.text(200, big));
        start(Duration.ofSeconds(5));
        HttpResponse<byte[]> r = client.send(
                HttpRequest.newBuilder(uri("/big"))
                        .header("Accept-Encoding", "gzip")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(new String(
                        new java.util.zip.GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes(),
                        StandardCharsets.UTF_8))
                .isEqualTo(big);
        assertThat(List.of(send(HttpRequest.newBuilder(uri("/big"))).body())).containsExactly(big);
    }
}
