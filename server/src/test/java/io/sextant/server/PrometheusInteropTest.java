package io.sextant.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sextant.storage.Matcher;
import io.sextant.storage.Samples;
import io.sextant.storage.Series;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (the Debian package's 2.42, which {@code bin/test} installs) scrapes a target this test
 * serves, every second, and remote-writes to Sextant in the tenant {@code prom}. Sextant must then hold exactly
 * the samples Prometheus stored, bit for bit (it may lag behind, never disagree), with the target's labels and
 * escaping intact, the scrape's own series, the staleness marker Prometheus writes when a series disappears, and
 * the metadata Prometheus sends.
 */
class PrometheusInteropTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final String TENANT = "prom";
    private static final String JOB = "interop";
    /** Go's {@code math.NaN()}, which Prometheus' text parser returns for {@code NaN}. */
    private static final long GO_NAN_BITS = 0x7ff8000000000001L;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** Quotes, a backslash and a newline, which the text format escapes, and UTF-8 of 2, 3 and 4 bytes. */
    private static final String TRICKY = "a\"b\\c\nd";

    private static final String UTF = "ünïcødé ☃ 日本 \uD83D\uDE00";

    private static final double[] TEMPERATURES = {0.1, 1e21, -2.5e-7};

    @TempDir
    Path dir;

    private Process prometheus;
    private HttpServer target;
    private HttpServer tenantProxy;
    private final AtomicInteger writesWithTenantHeader = new AtomicInteger();
    private final AtomicInteger writesWithoutTenantHeader = new AtomicInteger();
    private TestServer sextant;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One series the target serves: its labels (name included) and its value at the n-th scrape. */
    private record Served(Map<String, String> labels, IntToDoubleFunction value) {}

    private final List<Served> served = new ArrayList<>();
    /** For every served series, the bit patterns of every value the target ever answered with. */
    private final Map<Map<String, String>, Set<Long>> servedBits = new ConcurrentHashMap<>();

    private final AtomicInteger scrapes = new AtomicInteger();
    private volatile boolean vanished;

    @AfterEach
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroyForcibly();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
        if (target != null) {
            target.stop(0);
        }
        if (tenantProxy != null) {
            tenantProxy.stop(0);
        }
        if (sextant != null) {
            sextant.close();
        }
    }

    @Test
    void prometheusRemoteWriteArrivesBitExactWithStalenessAndMetadata() throws Exception {
        assertThat(Files.isExecutable(PROMETHEUS))
                .as(PROMETHEUS + " is missing: run bin/test (it installs it) or apt-get install prometheus")
                .isTrue();
        sextant = TestServer.start(dir.resolve("sextant"));
        startTarget();
        startTenantProxy();
        String instance = "127.0.0.1:" + target.getAddress().getPort();
        int promPort = freePort();
        startPrometheus(promPort);

        Map<String, String> vanishing = series("interop_vanishing");
        // Every target series must have arrived several times before one of them disappears.
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (!served.stream()
                .allMatch(s -> storedWithTimes(s.labels(), instance).size() >= 4)) {
            awaitOrFail(deadline, "Sextant to hold 4 samples of every target series", promPort);
        }
        vanished = true;
        long staleAt = -1;
        deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (staleAt < 0) {
            for (double[] sample : storedWithTimes(vanishing, instance)) {
                if (Double.doubleToRawLongBits(sample[1]) == Samples.STALE_NAN_BITS) {
                    staleAt = (long) sample[0];
                }
            }
            if (staleAt < 0) {
                awaitOrFail(deadline, "the staleness marker of interop_vanishing to reach Sextant", promPort);
            }
        }
        Map<String, JsonNode> metadata = awaitMetadata(promPort);

        // Sextant first, Prometheus second: Sextant may only lag behind the Prometheus answer, never lead it.
        List<TestServer.Exported> exported = TestServer.parseExport(sextant.export(TENANT, "{job=\"" + JOB + "\"}"));
        Map<Map<String, String>, TreeMap<Long, Double>> raw = prometheusRaw(promPort, "{job=\"" + JOB + "\"}[10m]");

        Map<Map<String, String>, TestServer.Exported> bySeries = new HashMap<>();
        exported.forEach(e -> bySeries.put(e.metric(), e));
        assertThat(bySeries.keySet()).as("series in Sextant and Prometheus").isEqualTo(raw.keySet());
        for (Served s : served) {
            assertThat(bySeries).as("target series %s", s.labels()).containsKey(withTarget(s.labels(), instance));
        }
        for (String meta : List.of(
                "up",
                "scrape_duration_seconds",
                "scrape_samples_scraped",
                "scrape_samples_post_metric_relabeling",
                "scrape_series_added")) {
            assertThat(bySeries).as("scrape series %s", meta).containsKey(withTarget(series(meta), instance));
        }

        for (TestServer.Exported e : exported) {
            TreeMap<Long, Double> prom = raw.get(e.metric());
            List<double[]> sextantRaw = storedWithTimes(e.metric(), null);
            assertThat(sextantRaw).as("store and export of %s", e.metric()).hasSize(e.timestamps().length);
            int compared = 0;
            for (int i = 0; i < e.timestamps().length; i++) {
                long t = e.timestamps()[i];
                assertThat((long) sextantRaw.get(i)[0]).isEqualTo(t);
                long bits = Double.doubleToRawLongBits(sextantRaw.get(i)[1]);
                if (bits == Samples.STALE_NAN_BITS) {
                    // Prometheus' query API hides staleness markers; checked on their own below.
                    assertThat(e.metric())
                            .as("only the vanished series is marked stale")
                            .isEqualTo(withTarget(vanishing, instance));
                    continue;
                }
                assertThat(prom).as("Prometheus has %s at %d", e.metric(), t).containsKey(t);
                assertThat(Double.doubleToRawLongBits(e.values()[i]))
                        .as("exported value of %s at %d", e.metric(), t)
                        .isEqualTo(Double.doubleToRawLongBits(prom.get(t)));
                if (!Double.isNaN(prom.get(t))) {
                    assertThat(bits)
                            .as("stored bits of %s at %d", e.metric(), t)
                            .isEqualTo(Double.doubleToRawLongBits(prom.get(t)));
                }
                compared++;
            }
            assertThat(compared).as("samples of %s compared", e.metric()).isGreaterThanOrEqualTo(3);
        }

        for (Served s : served) {
            Set<Long> answered = servedBits.get(s.labels());
            for (double[] sample : storedWithTimes(s.labels(), instance)) {
                long bits = Double.doubleToRawLongBits(sample[1]);
                if (bits == Samples.STALE_NAN_BITS) {
                    continue;
                }
                if (Double.isNaN(sample[1])) {
                    assertThat(bits)
                            .as("NaN of %s keeps Go's NaN bits", s.labels())
                            .isEqualTo(GO_NAN_BITS);
                } else {
                    assertThat(answered)
                            .as("value %s of %s was served by the target", sample[1], s.labels())
                            .contains(bits);
                }
            }
        }
        for (double v : bySeries.get(withTarget(series("up"), instance)).values()) {
            assertThat(v).isEqualTo(1.0);
        }

        System.out.println("remote-write requests with X-Scope-OrgID from Prometheus: " + writesWithTenantHeader.get()
                + ", without (added by the proxy): " + writesWithoutTenantHeader.get());
        assertStaleness(promPort, withTarget(vanishing, instance), staleAt, raw, bySeries);
        assertMetadata(promPort, metadata);
    }

    /**
     * Prometheus wrote a staleness marker at the first scrape without the series: Sextant holds the series' every
     * sample Prometheus has, then the marker (the stale NaN, exported as NaN) after the last of them, and
     * Prometheus' own instant query agrees that the series ends exactly there.
     */
    private void assertStaleness(
            int promPort,
            Map<String, String> vanishing,
            long staleAt,
            Map<Map<String, String>, TreeMap<Long, Double>> raw,
            Map<Map<String, String>, TestServer.Exported> bySeries)
            throws Exception {
        TreeMap<Long, Double> prom = raw.get(vanishing);
        assertThat(prom.lastKey()).isLessThan(staleAt);
        TestServer.Exported e = bySeries.get(vanishing);
        long[] ts = e.timestamps();
        assertThat(ts[ts.length - 1]).as("the marker is the last sample").isEqualTo(staleAt);
        assertThat(e.values()[ts.length - 1]).isNaN();
        List<Long> before = new ArrayList<>();
        for (int i = 0; i < ts.length - 1; i++) {
            before.add(ts[i]);
        }
        assertThat(before).as("Sextant has every sample before the marker").containsExactlyElementsOf(prom.keySet());

        String selector = URLEncoder.encode("interop_vanishing", UTF_8);
        JsonNode atMarker = prometheusGet(promPort, "/api/v1/query?query=" + selector + "&time=" + seconds(staleAt));
        assertThat(atMarker.get("data").get("result"))
                .as("Prometheus at the marker")
                .isEmpty();
        JsonNode justBefore =
                prometheusGet(promPort, "/api/v1/query?query=" + selector + "&time=" + seconds(staleAt - 1));
        assertThat(justBefore.get("data").get("result")).hasSize(1);
        assertThat(justBefore
                        .get("data")
                        .get("result")
                        .get(0)
                        .get("value")
                        .get(1)
                        .textValue())
                .isEqualTo("42");
    }

    /** Sextant's metadata for each target family equals Prometheus' own (type and help as the target wrote). */
    private void assertMetadata(int promPort, Map<String, JsonNode> sextantMetadata) throws Exception {
        JsonNode prom = prometheusGet(promPort, "/api/v1/metadata").get("data");
        Map<String, String> expected = Map.of(
                "interop_requests_total", "counter|Requests served.",
                "interop_temperature", "gauge|Temperature with \"quotes\" and \\ backslash.",
                "interop_nan", "gauge|Always NaN.",
                "interop_latency_seconds", "histogram|Request latency.",
                "interop_labels", "gauge|Tricky label values.",
                "interop_vanishing", "gauge|Served until the test stops it.");
        for (Map.Entry<String, String> x : expected.entrySet()) {
            JsonNode got = sextantMetadata.get(x.getKey());
            assertThat(got).as("Sextant metadata of %s", x.getKey()).isNotNull();
            assertThat(got.size()).as("entries of %s", x.getKey()).isEqualTo(1);
            assertThat(got.get(0).get("type").textValue() + "|"
                            + got.get(0).get("help").textValue())
                    .isEqualTo(x.getValue());
            assertThat(got.get(0).get("unit").textValue()).isEmpty();
            assertThat(got.get(0))
                    .as("Prometheus' metadata of %s", x.getKey())
                    .isEqualTo(prom.get(x.getKey()).get(0));
        }
    }

    private Map<String, JsonNode> awaitMetadata(int promPort) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            HttpResponse<String> r = sextant.get("/api/v1/metadata", "X-Scope-OrgID", TENANT);
            assertThat(r.statusCode()).isEqualTo(200);
            Map<String, JsonNode> m = new TreeMap<>();
            JSON.readTree(r.body()).get("data").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
            if (served.stream().allMatch(s -> m.containsKey(family(s.labels().get("__name__"))))) {
                return m;
            }
            awaitOrFail(deadline, "metadata of every target family in Sextant, has " + m.keySet(), promPort);
        }
    }

    private static String family(String name) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.startsWith("interop_latency_seconds") && name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    // ---------------------------------------------------------------- the scrape target

    private void startTarget() throws IOException {
        serve(series("interop_requests_total", "method", "GET"), "counter", "Requests served.", n -> 3.0 * n);
        serve(
                series("interop_temperature"),
                "gauge",
                "Temperature with \"quotes\" and \\ backslash.",
                n -> TEMPERATURES[n % TEMPERATURES.length]);
        serve(series("interop_nan"), "gauge", "Always NaN.", n -> Double.NaN);
        serve(series("interop_latency_seconds_bucket", "le", "0.1"), "histogram", "Request latency.", n -> n);
        serve(series("interop_latency_seconds_bucket", "le", "0.5"), null, null, n -> 2.0 * n);
        serve(series("interop_latency_seconds_bucket", "le", "+Inf"), null, null, n -> 3.0 * n);
        serve(series("interop_latency_seconds_sum"), null, null, n -> 0.7 * n);
        serve(series("interop_latency_seconds_count"), null, null, n -> 3.0 * n);
        serve(series("interop_labels", "path", TRICKY, "utf", UTF), "gauge", "Tricky label values.", n -> 1);
        serve(series("interop_vanishing"), "gauge", "Served until the test stops it.", n -> 42);

        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/metrics", exchange -> {
            int n = scrapes.incrementAndGet();
            StringBuilder sb = new StringBuilder();
            for (Served s : served) {
                if (vanished && s.labels().get("__name__").equals("interop_vanishing")) {
                    continue;
                }
                String help = helps.get(s.labels().get("__name__"));
                if (help != null) {
                    sb.append(help);
                }
                double v = s.value().applyAsDouble(n);
                servedBits
                        .computeIfAbsent(s.labels(), k -> ConcurrentHashMap.newKeySet())
                        .add(Double.doubleToRawLongBits(v));
                sb.append(s.labels().get("__name__"));
                String sep = "{";
                for (Map.Entry<String, String> l : s.labels().entrySet()) {
                    if (!l.getKey().equals("__name__")) {
                        sb.append(sep)
                                .append(l.getKey())
                                .append("=\"")
                                .append(escape(l.getValue()))
                                .append('"');
                        sep = ",";
                    }
                }
                sb.append(sep.equals("{") ? "" : "}")
                        .append(' ')
                        .append(format(v))
                        .append('\n');
            }
            byte[] body = sb.toString().getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        target.start();
    }

    /** HELP and TYPE lines by the series name that opens the family. */
    private final Map<String, String> helps = new HashMap<>();

    private void serve(Map<String, String> labels, String type, String help, IntToDoubleFunction value) {
        served.add(new Served(labels, value));
        if (type != null) {
            String name = family(labels.get("__name__"));
            helps.put(
                    labels.get("__name__"),
                    "# HELP " + name + " " + help.replace("\\", "\\\\").replace("\n", "\\n") + "\n# TYPE " + name + " "
                            + type + "\n");
        }
    }

    /** Label value escaping of the text exposition format. */
    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }

    private static Map<String, String> series(String name, String... labels) {
        Map<String, String> m = new TreeMap<>();
        m.put("__name__", name);
        for (int i = 0; i < labels.length; i += 2) {
            m.put(labels[i], labels[i + 1]);
        }
        return m;
    }

    private static Map<String, String> withTarget(Map<String, String> labels, String instance) {
        Map<String, String> m = new TreeMap<>(labels);
        m.put("job", JOB);
        m.put("instance", instance);
        return m;
    }

    // ---------------------------------------------------------------- Prometheus

    /**
     * Forwards remote-write requests to Sextant unchanged, adding {@code X-Scope-OrgID: prom} only when Prometheus
     * did not send it. Debian's Prometheus 2.42 build accepts the remote_write {@code headers:} setting (and shows
     * it in /api/v1/status/config) but never sends the headers; upstream 2.42 does. The counts of requests with and
     * without the header are reported, so the test notices when the packaged Prometheus starts sending it.
     */
    private void startTenantProxy() throws IOException {
        tenantProxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tenantProxy.createContext("/api/v1/write", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String tenant = exchange.getRequestHeaders().getFirst("X-Scope-OrgID");
            (tenant == null ? writesWithoutTenantHeader : writesWithTenantHeader).incrementAndGet();
            HttpRequest.Builder forward = HttpRequest.newBuilder(sextant.uri("/api/v1/write"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("X-Scope-OrgID", tenant == null ? TENANT : tenant);
            for (String h :
                    List.of("Content-Type", "Content-Encoding", "User-Agent", "X-Prometheus-Remote-Write-Version")) {
                String v = exchange.getRequestHeaders().getFirst(h);
                if (v != null) {
                    forward.header(h, v);
                }
            }
            int status;
            byte[] answer;
            try {
                HttpResponse<byte[]> r = sextant.client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                status = r.statusCode();
                answer = r.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = 503;
                answer = new byte[0];
            } catch (IOException e) {
                status = 502;
                answer = e.toString().getBytes(UTF_8);
            }
            if (status >= 400) {
                // Prometheus only logs these; keep them where a failing test shows them.
                System.err.println(
                        "Sextant answered Prometheus' write with " + status + ": " + new String(answer, UTF_8));
            }
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        tenantProxy.start();
    }

    private void startPrometheus(int port) throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "global:",
                        "  scrape_interval: 1s",
                        "  scrape_timeout: 1s",
                        "scrape_configs:",
                        "  - job_name: " + JOB,
                        "    static_configs:",
                        "      - targets: ['127.0.0.1:" + target.getAddress().getPort() + "']",
                        "remote_write:",
                        "  - url: http://127.0.0.1:" + tenantProxy.getAddress().getPort() + "/api/v1/write",
                        "    headers:",
                        "      X-Scope-OrgID: " + TENANT,
                        "    queue_config:",
                        "      batch_send_deadline: 1s",
                        "      min_backoff: 100ms",
                        "      max_backoff: 1s",
                        "    metadata_config:",
                        "      send: true",
                        "      send_interval: 1s",
                        ""));
        Path log = Path.of("target", "prometheus-interop.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        prometheus = new ProcessBuilder(
                        PROMETHEUS.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--log.level=info")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            awaitOrFail(deadline, "Prometheus to become ready", port);
        }
    }

    /** Raw samples of a range selector: Prometheus returns stored samples, staleness markers hidden. */
    private Map<Map<String, String>, TreeMap<Long, Double>> prometheusRaw(int port, String rangeSelector)
            throws Exception {
        JsonNode r = prometheusGet(
                port,
                "/api/v1/query?query=" + URLEncoder.encode(rangeSelector, UTF_8) + "&time="
                        + seconds(System.currentTimeMillis() + 1000));
        assertThat(r.get("data").get("resultType").textValue()).isEqualTo("matrix");
        Map<Map<String, String>, TreeMap<Long, Double>> out = new LinkedHashMap<>();
        for (JsonNode s : r.get("data").get("result")) {
            Map<String, String> labels = new TreeMap<>();
            s.get("metric")
                    .fields()
                    .forEachRemaining(f -> labels.put(f.getKey(), f.getValue().textValue()));
            TreeMap<Long, Double> samples = new TreeMap<>();
            for (JsonNode p : s.get("values")) {
                long t = p.get(0).decimalValue().movePointRight(3).longValueExact();
                String v = p.get(1).textValue();
                samples.put(
                        t,
                        switch (v) {
                            case "NaN" -> Double.NaN;
                            case "+Inf" -> Double.POSITIVE_INFINITY;
                            case "-Inf" -> Double.NEGATIVE_INFINITY;
                            default -> Double.parseDouble(v);
                        });
            }
            out.put(labels, samples);
        }
        return out;
    }

    private JsonNode prometheusGet(int port, String pathAndQuery) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode())
                .as("Prometheus %s: %s", pathAndQuery, r.body())
                .isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String seconds(long ms) {
        return BigDecimal.valueOf(ms, 3).toPlainString();
    }

    // ---------------------------------------------------------------- Sextant's store

    /** (timestamp, value) pairs of one series of the tenant, raw from the store; instance added when given. */
    private List<double[]> storedWithTimes(Map<String, String> labels, String instance) {
        Map<String, String> full = instance == null ? labels : withTarget(labels, instance);
        List<Matcher> matchers = new ArrayList<>();
        full.forEach((k, v) -> matchers.add(Matcher.equal(k, v)));
        List<double[]> out = new ArrayList<>();
        for (Series s : sextant.stored(TENANT, matchers.toArray(Matcher[]::new))) {
            if (s.labels().size() != full.size()) {
                continue;
            }
            for (int i = 0; i < s.samples().count(); i++) {
                out.add(new double[] {s.samples().timestamps()[i], s.samples().values()[i]});
            }
        }
        return out;
    }

    /** Pauses briefly while waiting for Prometheus; fails with its log once the deadline has passed or it died. */
    private void awaitOrFail(long deadlineNanos, String what, int promPort) throws Exception {
        if (prometheus != null && !prometheus.isAlive()) {
            fail("Prometheus exited with " + prometheus.exitValue() + " while waiting for " + what + "; log:\n"
                    + logTail());
        }
        if (System.nanoTime() > deadlineNanos) {
            String has = sextant.get(
                            "/api/v1/series?match[]=" + URLEncoder.encode("{job=\"" + JOB + "\"}", UTF_8),
                            "X-Scope-OrgID",
                            TENANT)
                    .body();
            fail("timed out waiting for " + what + " (scrapes so far: " + scrapes.get() + ", Prometheus on port "
                    + promPort + "); Sextant has " + has + " (tenants " + sextant.store.tenants()
                    + "); Sextant's metrics:\n" + remoteWriteMetrics()
                    + "\nPrometheus log:\n" + logTail());
        }
        Thread.sleep(100);
    }

    private String remoteWriteMetrics() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String line : sextant.get("/metrics").body().split("\n")) {
            if (line.contains("remote_write") || line.contains("rejected")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    private static String logTail() throws IOException {
        Path log = Path.of("target", "prometheus-interop.log");
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log, UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
