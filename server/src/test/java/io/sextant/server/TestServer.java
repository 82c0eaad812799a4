package io.sextant.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.server.config.ConfigLoader;
import io.sextant.server.config.SextantConfig;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.telemetry.Telemetry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A real server on an ephemeral loopback port over a real store in a temporary directory. */
final class TestServer implements AutoCloseable {
    final Telemetry telemetry = new Telemetry();
    final SextantConfig config;
    final MetricsStore store;
    final Sextant sextant;
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private TestServer(Path dataDir, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--data-dir", dataDir.toString(),
                "--http-address", "127.0.0.1",
                "--http-port", "0",
                "--self-scrape-interval", "0",
                "--shutdown-timeout", "10s"));
        args.addAll(List.of(flags));
        config = ((ConfigLoader.Run) ConfigLoader.parse(args)).config();
        store = MetricsStore.open(config.storage(), telemetry);
        sextant = new Sextant(config, store, telemetry, BuildInfo.current());
    }

    /** Started, replayed and ready. */
    static TestServer start(Path dataDir, String... flags) throws Exception {
        TestServer s = startHttpOnly(dataDir, flags);
        s.sextant.replay();
        return s;
    }

    /** Listening, but the store has not replayed yet. */
    static TestServer startHttpOnly(Path dataDir, String... flags) throws Exception {
        TestServer s = new TestServer(dataDir, flags);
        s.sextant.startHttp();
        return s;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + sextant.port() + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postForm(String path, String form, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs {@code body} as it is; the answer as bytes, since OTLP answers in protobuf. */
    HttpResponse<byte[]> post(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The raw text of {@code /api/v1/export} for one series selector in {@code tenant}; fails unless 200. */
    String export(String tenant, String selector) throws Exception {
        HttpResponse<String> r = get(
                "/api/v1/export?match[]=" + URLEncoder.encode(selector, StandardCharsets.UTF_8),
                "X-Scope-OrgID",
                tenant);
        if (r.statusCode() != 200) {
            throw new AssertionError("export of " + selector + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /**
     * The series of {@code tenant} matching all {@code matchers}, read from the store itself: values keep their
     * bit patterns (the HTTP export writes every NaN, the stale marker included, as {@code NaN}).
     */
    List<Series> stored(String tenant, Matcher... matchers) {
        return store.select(tenant, List.of(matchers), Long.MIN_VALUE, Long.MAX_VALUE, SelectHints.SAMPLES);
    }

    /** One line of {@code /api/v1/export}: labels, then timestamps (ms) and values in order. */
    record Exported(Map<String, String> metric, long[] timestamps, double[] values) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses {@code /api/v1/export} output. The values array is not strict JSON (bare {@code NaN}, {@code +Inf},
     * {@code -Inf}), so it is split by hand; the labels are real JSON.
     */
    static List<Exported> parseExport(String body) throws Exception {
        List<Exported> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            // The last occurrence is the real key: inside label values a quote would be escaped.
            int v = line.lastIndexOf(",\"values\":[");
            int t = line.lastIndexOf("],\"timestamps\":[");
            if (v < 0 || t < v || !line.endsWith("]}")) {
                throw new AssertionError("malformed export line: " + line);
            }
            JsonNode metric = JSON.readTree(line.substring(0, v) + "}").get("metric");
            Map<String, String> labels = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = metric.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                labels.put(e.getKey(), e.getValue().textValue());
            }
            String[] values = line.substring(v + ",\"values\":[".length(), t).split(",");
            String[] times = line.substring(t + "],\"timestamps\":[".length(), line.length() - 2)
                    .split(",");
            if (values.length != times.length) {
                throw new AssertionError("values and timestamps differ in length: " + line);
            }
            double[] vs = new double[values.length];
            long[] ts = new long[times.length];
            for (int i = 0; i < values.length; i++) {
                vs[i] = switch (values[i]) {
                    case "NaN" -> Double.NaN;
                    case "+Inf" -> Double.POSITIVE_INFINITY;
                    case "-Inf" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(values[i]);
                };
                ts[i] = Long.parseLong(times[i]);
            }
            out.add(new Exported(labels, ts, vs));
        }
        return out;
    }

    /** Commits one sample per label set to {@code tenant} through the store's writer. */
    void write(String tenant, long timestampMs, double value, Labels... series) {
        WriteBatch batch = new WriteBatch();
        for (Labels l : series) {
            batch.addSample(batch.addNewSeries(l, null, 0, 0, 0), timestampMs, value);
        }
        store.tenant(tenant).commit(batch);
    }

    void writeMetadata(String tenant, MetricMetadata... metadata) {
        WriteBatch batch = new WriteBatch();
        for (MetricMetadata m : metadata) {
            batch.addMetadata(m);
        }
        store.tenant(tenant).commit(batch);
    }

    @Override
    public void close() {
        sextant.close();
    }
}
