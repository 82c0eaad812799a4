package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Labels;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client closing its connection while its query evaluates cancels the evaluation, as in Prometheus, over a
 * real server and raw sockets. The slow query is a real evaluation of many seconds that the engine can stop
 * between series, and only one query may evaluate at a time, so a query left running would hold the slot.
 * A request pipelined behind a running query must not pass for a disconnect.
 */
class QueryCancelTest {
    /**
     * Per series, a window of 1,440 points sorted at each of 4,320 steps: tens of seconds in all, tens of
     * milliseconds between the engine's checks for an interrupt.
     */
    private static final String SLOW = "count(sum_over_time(quantile_over_time(0.5, (slow*1)[1d:1m])[6h:5s]))";

    private static final long TIME = 114_000;

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, "--retention", "36500d", "--query.max-concurrency", "1");
        Labels[] series = new Labels[1000];
        for (int i = 0; i < series.length; i++) {
            series[i] = Labels.of("__name__", "slow", "i", Integer.toString(i));
        }
        for (long t = 0; t <= TIME * 1000; t += 300_000) {
            server.write("default", t, t % 7, series);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** An evaluation abandoned by an earlier test may take a moment to reach the engine's next check. */
    @BeforeEach
    void noQueryEvaluates() throws InterruptedException {
        assertThat(waitFor(5, () -> !evaluating())).isTrue();
    }

    private static String query(String expr, String extra) {
        return "/api/v1/query?time=" + TIME + "&query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + extra;
    }

    private static byte[] get(String pathAndQuery) {
        return ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aClientClosingItsConnectionCancelsTheEvaluationWith499() throws Exception {
        long canceledBefore = count("/api/v1/query", 499);
        try (Socket socket = new Socket("127.0.0.1", server.sextant.port())) {
            socket.getOutputStream().write(get(query(SLOW, "")));
            assertThat(waitFor(2, QueryCancelTest::evaluating)).isTrue();
            Thread.sleep(200);
        }
        long closed = System.nanoTime();

        // the request ends as Prometheus' canceled (499), long before the evaluation could have finished
        assertThat(waitFor(5, () -> count("/api/v1/query", 499) == canceledBefore + 1))
                .isTrue();
        // the evaluation stopped and gave its only slot back: a query with a deadline shorter than the slow
        // query's run gets it at once
        HttpResponse<String> next = server.get(query("1 + 1", "&timeout=10s"));
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).contains("\"2\"");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - closed)).isLessThan(8);
        assertThat(evaluating()).isFalse();
    }

    @Test
    void aClientGoneWhileItsQueryWaitsForASlotIsCanceledOnceTheQueryGetsOne() throws Exception {
        long canceledBefore = count("/api/v1/query", 499);
        try (Socket running = new Socket("127.0.0.1", server.sextant.port())) {
            running.getOutputStream().write(get(query(SLOW, "")));
            assertThat(waitFor(2, QueryCancelTest::evaluating)).isTrue();
            try (Socket queued = new Socket("127.0.0.1", server.sextant.port())) {
                queued.getOutputStream().write(get(query(SLOW, "")));
                Thread.sleep(200);
            }
            // the running query's client leaves too, so the queued query gets the slot and finds its client gone
        }
        long closed = System.nanoTime();

        assertThat(waitFor(5, () -> count("/api/v1/query", 499) == canceledBefore + 2))
                .isTrue();
        HttpResponse<String> next = server.get(query("1 + 1", "&timeout=10s"));
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - closed)).isLessThan(8);
        assertThat(evaluating()).isFalse();
    }

    @Test
    void aPipelinedRequestIsNotMistakenForADisconnect() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.sextant.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(get(query(SLOW, "&timeout=1s")));
            assertThat(waitFor(2, QueryCancelTest::evaluating)).isTrue();
            // the next request arrives while the first evaluates: the watch reads its first byte and must
            // hand it back
            out.write(get(query("1 + 1", "")));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            assertThat(readResponse(in))
                    .startsWith("HTTP/1.1 503 ")
                    .endsWith("{\"status\":\"error\",\"errorType\":\"timeout\","
                            + "\"error\":\"query timed out in expression evaluation\"}");
            assertThat(readResponse(in))
                    .startsWith("HTTP/1.1 200 ")
                    .endsWith(
                            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[114000,\"2\"]}}");
        }
    }

    @Test
    void aConnectionAnswersQueryAfterQuery() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.sextant.port())) {
            socket.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < 3; i++) {
                socket.getOutputStream().write(get(query(i + " + 1", "")));
                assertThat(readResponse(in)).startsWith("HTTP/1.1 200 ").contains("\"" + (i + 1) + "\"");
            }
        }
    }

    /** Whether any thread is inside the engine. */
    private static boolean evaluating() {
        // queries evaluate on the request threads; no other thread runs the engine
        return Thread.getAllStackTraces().values().stream().anyMatch(stack -> Arrays.stream(stack)
                .anyMatch(f -> f.getClassName().startsWith("io.sextant.promql.eval.")));
    }

    private static boolean waitFor(int seconds, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** {@code sextant_http_requests_total} for one handler and status code, from {@code /metrics}. */
    private static long count(String handler, int code) {
        String series = "sextant_http_requests_total{handler=\"" + handler + "\",code=\"" + code + "\"} ";
        try {
            return server.get("/metrics")
                    .body()
                    .lines()
                    .filter(l -> l.startsWith(series))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(series.length())))
                    .sum();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** One HTTP/1.1 response, status line to body, its body unchunked. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        long length = -1;
        boolean chunked = false;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            head.append(line).append('\n');
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(
                        lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(readLine(in).trim(), 16); size > 0; ) {
                body.write(in.readNBytes(size));
                readLine(in);
                size = Integer.parseInt(readLine(in).trim(), 16);
            }
            readLine(in);
        } else {
            body.write(in.readNBytes((int) length));
        }
        return head + "\n" + body.toString(StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed mid-response after " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
