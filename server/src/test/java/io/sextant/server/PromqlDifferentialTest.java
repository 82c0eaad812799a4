package io.sextant.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.ingest.remotewrite.proto.Exemplar;
import io.sextant.ingest.remotewrite.proto.Label;
import io.sextant.ingest.remotewrite.proto.Sample;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import io.sextant.storage.Samples;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Sextant's PromQL against a live Prometheus 2.42 (the Debian package {@code .ci/run} installs): the same data set
 * is remote-written into both, then several hundred queries from {@link PromqlQueryGenerator} (fixed seed) are
 * asked of both, instant and range, and must give the same status, result type, series and values (within 1e-6
 * relative). Sextant implements 3.x semantics, so the generator and the evaluation times avoid the 2.x/3.x
 * differences listed in {@code shared/conformance/promql/SOURCE.md}; annotations ({@code warnings}/{@code infos})
 * are not compared, since 2.42 produces none (SOURCE.md A.12).
 *
 * <p>Queries where Sextant is known to differ are listed, each with its reason, in {@code
 * promql-differential/known-differences.txt}: they are still run, printed and counted, and must still differ (a
 * fixed one must leave the list).
 *
 * <p>Grafana's request shapes (protocols.md §1) are compared byte for byte as well.
 *
 * <p>{@code -Ddifferential.instant=N -Ddifferential.range=M} ask more queries (same seed, so a prefix of the
 * default set is kept); 4,500 took about 20 s.
 */
class PromqlDifferentialTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final long SEED = 20_42L;
    private static final int INSTANT_QUERIES = Integer.getInteger("differential.instant", 400);
    private static final int RANGE_QUERIES = Integer.getInteger("differential.range", 200);
    private static final long STEP_MS = 15_000;
    private static final int POINTS = 360;
    /** Samples sit .7 s past a whole second, evaluation times .3 s past one: no window boundary meets a sample. */
    private static final long SAMPLE_PHASE_MS = 3_700;

    private static final long EVAL_PHASE_MS = 7_600;
    /** The earliest evaluation time, after the data start: enough for the longest window the generator builds. */
    private static final long FIRST_EVAL_AFTER_MS = 45 * 60_000L;

    private static final double RELATIVE_TOLERANCE = 1e-6;
    private static final double RESIDUE = 1e-12;
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @TempDir
    Path dir;

    private Process prometheus;
    private TestServer sextant;
    private int promPort;
    /** The time {@link PromqlQueryGenerator#AT} stands for: an hour into the data, off the samples. */
    private long at;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @AfterEach
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroyForcibly();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
        if (sextant != null) {
            sextant.close();
        }
    }

    /** One series of the data set: labels (sorted, name included) and its samples. */
    private record DataSeries(TreeMap<String, String> labels, long[] times, double[] values) {
        DataSeries {
            requireNonNull(labels);
            requireNonNull(times);
            requireNonNull(values);
        }
    }

    /** An HTTP answer: status and body. */
    private record Answer(int status, String body) {
        Answer {
            requireNonNull(body);
        }
    }

    /** A query as asked of both servers: its expression and the API parameters besides it. */
    private record Query(String expression, boolean range, String parameters) {
        Query {
            requireNonNull(expression);
            requireNonNull(parameters);
        }

        String key() {
            return (range ? "range" : "instant") + "\t" + expression;
        }
    }

    @Test
    void generatedQueriesAnswerAsPrometheus242() throws Exception {
        assumeTrue(
                Files.isExecutable(PROMETHEUS),
                PROMETHEUS + " is missing (.ci/run installs it with apt-get install prometheus): the differential"
                        + " test against Prometheus 2.42 is skipped");
        long started = System.nanoTime();
        sextant = TestServer.start(dir.resolve("sextant"));
        promPort = freePort();
        startPrometheus();

        long base = System.currentTimeMillis() / 60_000 * 60_000 - 90 * 60_000L + SAMPLE_PHASE_MS;
        at = base + 60 * 60_000L + EVAL_PHASE_MS;
        List<DataSeries> data = dataSet(base);
        write(data, base);

        Map<String, String> known = knownDifferences();
        List<Query> queries = queries(base);
        int identical = 0;
        int tiesChecked = 0;
        int errors = 0;
        int empty = 0;
        List<String> differing = new ArrayList<>();
        List<String> knownSeen = new ArrayList<>();
        List<String> knownFixed = new ArrayList<>();
        for (Query q : queries) {
            Answer p = ask(promUri("/api/v1/" + (q.range() ? "query_range" : "query")), q);
            Answer s = ask(sextant.uri("/api/v1/" + (q.range() ? "query_range" : "query")), q);
            String diff = compare(p, s, ordered(q));
            if (diff != null && selectsK(q)) {
                diff = compareTies(q, p, s, diff);
                tiesChecked += diff == null ? 1 : 0;
            }
            if (p.status() != 200) {
                errors++;
            } else if (JSON.readTree(p.body()).get("data").path("result").isEmpty()) {
                empty++;
            }
            String reason = known.get(q.key());
            String shown = (q.range() ? "range   " : "instant ") + q.expression() + "  [" + q.parameters() + "]";
            if (diff == null) {
                identical++;
                if (reason != null) {
                    knownFixed.add(shown);
                }
            } else if (reason != null) {
                knownSeen.add(shown + "\n    known: " + reason + "\n    " + diff + "\n    Prometheus: "
                        + truncate(p.body()) + "\n    Sextant:    " + truncate(s.body()));
            } else {
                differing.add(shown + "\n    " + diff + "\n    Prometheus: " + truncate(p.body()) + "\n    Sextant:    "
                        + truncate(s.body()));
            }
        }
        System.out.println("PromQL differential: " + queries.size() + " queries, " + identical + " identical, "
                + (differing.size() + knownSeen.size()) + " differing (" + knownSeen.size() + " known)");
        System.out.println("  of them " + errors + " errors and " + empty + " empty results on both; " + tiesChecked
                + " topk/bottomk answers identical only up to ties, checked against the inner expression");
        knownSeen.forEach(k -> System.out.println("KNOWN " + k));
        differing.forEach(d -> System.out.println("DIFFERS " + d));
        System.out.printf("runtime so far %.1f s%n", (System.nanoTime() - started) / 1e9);

        List<String> grafana = grafanaShapes(base);
        grafana.forEach(g -> System.out.println("GRAFANA " + g));

        assertThat(queries).hasSizeGreaterThanOrEqualTo(300);
        assertThat(differing)
                .as("queries answered differently from Prometheus 2.42")
                .isEmpty();
        assertThat(knownFixed)
                .as("known differences that no longer differ: remove them from known-differences.txt")
                .isEmpty();
        assertThat(grafana.stream().filter(g -> g.startsWith("DIFFERENT")))
                .as("Grafana request shapes")
                .isEmpty();
    }

    // ---------------------------------------------------------------- the data set

    /**
     * About 300 series over 90 minutes at 15 s: counters with resets, gauges (one with NaN samples, one that ends
     * with a staleness marker), a classic histogram per instance and an info-style series per instance. Seeded,
     * so the values are the same on every run; only the times follow the clock, because Prometheus' head only
     * accepts recent samples.
     */
    private static List<DataSeries> dataSet(long base) {
        Random r = new Random(SEED);
        long[] times = new long[POINTS];
        for (int i = 0; i < POINTS; i++) {
            times[i] = base + i * STEP_MS;
        }
        List<DataSeries> out = new ArrayList<>();
        String[] jobs = {"api", "web", "worker"};
        String[] les = {"0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};
        double[] bounds = {0.05, 0.1, 0.25, 0.5, 1, 2.5, Double.POSITIVE_INFINITY};
        for (String job : jobs) {
            for (int h = 0; h < 4; h++) {
                String instance = "h" + h + ":9100";
                for (String method : new String[] {"GET", "POST", "PUT"}) {
                    for (String code : new String[] {"200", "404", "500"}) {
                        out.add(new DataSeries(
                                labels("http_requests_total", job, instance, "method", method, "code", code),
                                times,
                                counter(r, code.equals("200") ? 20 : 1)));
                    }
                }
                out.add(new DataSeries(labels("process_cpu_seconds_total", job, instance), times, counter(r, 0.3)));
                out.add(new DataSeries(labels("node_memory_bytes", job, instance), times, walk(r, 2e9, 5e6, false)));
                for (String sensor : new String[] {"cpu", "gpu"}) {
                    double[] temp = walk(r, 60, 0.5, true);
                    if (sensor.equals("gpu")) {
                        // a few NaN samples, as a broken sensor reports them
                        for (int i = 0; i < POINTS; i++) {
                            if (r.nextInt(25) == 0) {
                                temp[i] = Double.NaN;
                            }
                        }
                    }
                    out.add(new DataSeries(
                            labels("temperature_celsius", job, instance, "sensor", sensor), times, temp));
                }
                for (int q = 0; q < 2; q++) {
                    double[] depth = new double[POINTS];
                    for (int i = 0; i < POINTS; i++) {
                        depth[i] = r.nextInt(6);
                    }
                    out.add(new DataSeries(labels("queue_depth", job, instance, "queue", "q" + q), times, depth));
                }
                double[] up = new double[POINTS];
                for (int i = 0; i < POINTS; i++) {
                    up[i] = r.nextInt(30) == 0 ? 0 : 1;
                }
                out.add(new DataSeries(labels("up", job, instance), times, up));
                double[] one = new double[POINTS];
                Arrays.fill(one, 1);
                out.add(new DataSeries(
                        labels("node_info", job, instance, "version", "1." + (h % 2), "region", "eu-" + h),
                        times,
                        one));
                histogram(r, job, instance, times, les, bounds, out);
            }
        }
        // A batch job's gauge that stops 20 minutes before the end, with the staleness marker Prometheus writes.
        int ends = POINTS - 80;
        long[] batchTimes = Arrays.copyOf(times, ends + 1);
        double[] batch = new double[ends + 1];
        for (int i = 0; i < ends; i++) {
            batch[i] = (base + i / 20 * 20 * STEP_MS) / 1000.0;
        }
        batch[ends] = Double.longBitsToDouble(Samples.STALE_NAN_BITS);
        out.add(new DataSeries(labels("batch_last_success", "batch", "h0:9100"), batchTimes, batch));
        return out;
    }

    private static TreeMap<String, String> labels(String name, String job, String instance, String... more) {
        TreeMap<String, String> m = new TreeMap<>();
        m.put("__name__", name);
        m.put("job", job);
        m.put("instance", instance);
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    /** A counter increasing by about {@code perSecond}, reset to a small value about once an hour. */
    private static double[] counter(Random r, double perSecond) {
        double[] v = new double[POINTS];
        double x = r.nextInt(1000);
        for (int i = 0; i < POINTS; i++) {
            if (i > 0 && r.nextInt(240) == 0) {
                x = r.nextInt(5);
            } else {
                x += Math.floor(perSecond * 15 * (0.5 + r.nextDouble()));
            }
            v[i] = x;
        }
        return v;
    }

    private static double[] walk(Random r, double start, double stepSize, boolean fractional) {
        double[] v = new double[POINTS];
        double x = start;
        for (int i = 0; i < POINTS; i++) {
            x += (r.nextDouble() - 0.5) * 2 * stepSize;
            v[i] = fractional ? Math.round(x * 100) / 100.0 : Math.round(x);
        }
        return v;
    }

    /** A classic histogram: cumulative {@code le} buckets, {@code _sum} and {@code _count}. */
    private static void histogram(
            Random r, String job, String instance, long[] times, String[] les, double[] bounds, List<DataSeries> out) {
        double[][] buckets = new double[les.length][POINTS];
        double[] sum = new double[POINTS];
        double[] cumulative = new double[les.length];
        double total = 0;
        for (int i = 0; i < POINTS; i++) {
            int observations = r.nextInt(30);
            for (int o = 0; o < observations; o++) {
                double latency = Math.exp(r.nextGaussian() - 1.5);
                total += latency;
                for (int b = 0; b < bounds.length; b++) {
                    if (latency <= bounds[b]) {
                        cumulative[b]++;
                    }
                }
            }
            for (int b = 0; b < les.length; b++) {
                buckets[b][i] = cumulative[b];
            }
            sum[i] = Math.round(total * 1000) / 1000.0;
        }
        for (int b = 0; b < les.length; b++) {
            out.add(new DataSeries(
                    labels("http_request_duration_seconds_bucket", job, instance, "le", les[b]), times, buckets[b]));
        }
        out.add(new DataSeries(labels("http_request_duration_seconds_sum", job, instance), times, sum));
        out.add(new DataSeries(
                labels("http_request_duration_seconds_count", job, instance), times, buckets[les.length - 1]));
    }

    /**
     * Remote-writes the data set to both servers in time slices, oldest first: Prometheus' head refuses samples
     * older than an hour before the newest it holds, so every series must advance together. A few exemplars ride
     * along on one bucket series, for the exemplar API comparison.
     */
    private void write(List<DataSeries> data, long base) throws Exception {
        int slice = 40;
        for (int from = 0; from < POINTS; from += slice) {
            WriteRequest.Builder request = WriteRequest.newBuilder();
            for (DataSeries s : data) {
                TimeSeries.Builder ts = TimeSeries.newBuilder();
                s.labels()
                        .forEach((k, v) -> ts.addLabels(
                                Label.newBuilder().setName(k).setValue(v).build()));
                for (int i = from; i < Math.min(from + slice, s.times().length); i++) {
                    ts.addSamples(Sample.newBuilder()
                            .setTimestamp(s.times()[i])
                            .setValue(s.values()[i])
                            .build());
                }
                if (s.labels().get("__name__").equals("http_request_duration_seconds_bucket")
                        && s.labels().get("le").equals("0.5")
                        && s.labels().get("instance").equals("h0:9100")
                        && s.labels().get("job").equals("api")) {
                    long t = base + (from + 5) * STEP_MS + 1_234;
                    ts.addExemplars(Exemplar.newBuilder()
                            .addLabels(Label.newBuilder()
                                    .setName("trace_id")
                                    .setValue("trace-" + from)
                                    .build())
                            .setValue(0.25 + from / 1000.0)
                            .setTimestamp(t)
                            .build());
                }
                if (ts.getSamplesCount() > 0) {
                    request.addTimeseries(ts);
                }
            }
            byte[] body = Snappy.compress(request.build().toByteArray());
            for (URI uri : List.of(promUri("/api/v1/write"), sextant.uri("/api/v1/write"))) {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(uri)
                                .header("Content-Type", "application/x-protobuf")
                                .header("Content-Encoding", "snappy")
                                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode())
                        .as("remote write to %s: %s", uri, r.body())
                        .isEqualTo(204);
            }
        }
    }

    // ---------------------------------------------------------------- the queries

    private static List<Query> queries(long base) {
        PromqlQueryGenerator generator = new PromqlQueryGenerator(SEED);
        Random r = new Random(SEED + 1);
        long first = base + FIRST_EVAL_AFTER_MS + EVAL_PHASE_MS;
        int slots = (POINTS - 2) - (int) ((FIRST_EVAL_AFTER_MS + EVAL_PHASE_MS) / STEP_MS);
        // the last evaluation time, like all of them off the samples (end() included)
        long last = first + slots * STEP_MS;
        List<Query> out = new ArrayList<>();
        for (int i = 0; i < INSTANT_QUERIES; i++) {
            long t = first + r.nextInt(slots) * STEP_MS;
            out.add(new Query(generator.next(false), false, "time=" + seconds(t)));
        }
        for (int i = 0; i < RANGE_QUERIES; i++) {
            long step = List.of(15_000L, 30_000L, 45_000L, 60_000L).get(r.nextInt(4));
            int points = 5 + r.nextInt(30);
            long start = first + r.nextInt(slots / 2) * STEP_MS;
            long end = start + Math.min(points, (last - start) / step) * step;
            out.add(new Query(
                    generator.next(true),
                    true,
                    "start=" + seconds(start) + "&end=" + seconds(end) + "&step=" + step / 1000));
        }
        return out;
    }

    /** Whether the top level defines the order of an instant vector (sort, sort_desc, topk, bottomk). */
    private static boolean ordered(Query q) {
        return !q.range()
                && (q.expression().startsWith("sort")
                        || q.expression().startsWith("topk(")
                        || q.expression().startsWith("bottomk("));
    }

    private static boolean selectsK(Query q) {
        return q.expression().startsWith("topk(") || q.expression().startsWith("bottomk(");
    }

    /**
     * A top-level {@code topk}/{@code bottomk} may keep different ones of several tied series (unspecified; 2.42's
     * range queries even follow Go's random map order). So when the answers differ, the inner expression must
     * answer identically on both servers, at every time both must keep the same multiset of values, and every
     * series Sextant keeps must carry its value in Sextant's inner answer. Null if that holds, else what differs.
     */
    private String compareTies(Query q, Answer p, Answer s, String strictDiff) throws Exception {
        String expr = q.expression();
        Query inner = new Query(expr.substring(expr.indexOf(", ") + 2, expr.length() - 1), q.range(), q.parameters());
        String endpoint = "/api/v1/" + (q.range() ? "query_range" : "query");
        Answer innerP = ask(promUri(endpoint), inner);
        Answer innerS = ask(sextant.uri(endpoint), inner);
        String innerDiff = compare(innerP, innerS, false);
        if (innerDiff != null || p.status() != 200 || s.status() != 200) {
            return strictDiff + (innerDiff == null ? "" : "; inner expression: " + innerDiff);
        }
        Map<String, List<Double>> pValues = valuesByTime(JSON.readTree(p.body()));
        Map<String, List<Double>> sValues = valuesByTime(JSON.readTree(s.body()));
        if (!pValues.keySet().equals(sValues.keySet())) {
            return strictDiff + "; times differ";
        }
        for (Map.Entry<String, List<Double>> e : pValues.entrySet()) {
            List<Double> a = e.getValue();
            List<Double> b = sValues.get(e.getKey());
            if (a.size() != b.size()) {
                return strictDiff + "; at " + e.getKey() + " " + a.size() + " vs " + b.size() + " series kept";
            }
            for (int i = 0; i < a.size(); i++) {
                if (!closeEnough(Double.toString(a.get(i)), Double.toString(b.get(i)))) {
                    return strictDiff + "; kept values at " + e.getKey() + ": " + a + " vs " + b;
                }
            }
        }
        Map<String, String> innerPoints = points(JSON.readTree(innerS.body()));
        for (Map.Entry<String, String> kept : points(JSON.readTree(s.body())).entrySet()) {
            String v = innerPoints.get(kept.getKey());
            if (v == null || !closeEnough(v, kept.getValue())) {
                return strictDiff + "; Sextant kept " + kept.getKey() + "=" + kept.getValue() + ", inner has " + v;
            }
        }
        return null;
    }

    /** The values of a vector or matrix result by time, sorted (NaN last, as Double.compare sorts). */
    private static Map<String, List<Double>> valuesByTime(JsonNode answer) {
        Map<String, List<Double>> out = new TreeMap<>();
        points(answer).forEach((key, v) -> out.computeIfAbsent(
                        key.substring(key.lastIndexOf('@') + 1), k -> new ArrayList<>())
                .add(parse(v)));
        out.values().forEach(l -> l.sort(Double::compare));
        return out;
    }

    /** Every point of a vector or matrix result, keyed "labels@time". */
    private static Map<String, String> points(JsonNode answer) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode series : answer.get("data").get("result")) {
            String labels = labelsOf(series).toString();
            List<JsonNode> pairs = new ArrayList<>();
            if (series.has("value")) {
                pairs.add(series.get("value"));
            } else {
                series.get("values").forEach(pairs::add);
            }
            for (JsonNode pair : pairs) {
                out.put(
                        labels + "@" + pair.get(0).decimalValue().toPlainString(),
                        pair.get(1).asText());
            }
        }
        return out;
    }

    private static Map<String, String> knownDifferences() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in =
                PromqlDifferentialTest.class.getResourceAsStream("/promql-differential/known-differences.txt")) {
            requireNonNull(in, "promql-differential/known-differences.txt is missing");
            for (String line : new String(in.readAllBytes(), UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t");
                if (parts.length != 3 || !(parts[0].equals("instant") || parts[0].equals("range"))) {
                    fail("known-differences.txt: expected 'instant|range<TAB>query<TAB>reason', got: " + line);
                }
                out.put(parts[0] + "\t" + parts[1], parts[2]);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- comparing answers

    /** Null if the answers agree, else what differs first. */
    private static String compare(Answer p, Answer s, boolean ordered) throws IOException {
        if (p.status() != s.status()) {
            return "status " + p.status() + " vs " + s.status();
        }
        JsonNode pj = JSON.readTree(p.body());
        JsonNode sj = JSON.readTree(s.body());
        if (p.status() != 200) {
            String pt = pj.path("errorType").asText();
            String st = sj.path("errorType").asText();
            return pt.equals(st) ? null : "errorType " + pt + " vs " + st;
        }
        JsonNode pd = pj.get("data");
        JsonNode sd = sj.get("data");
        String type = pd.get("resultType").asText();
        if (!type.equals(sd.get("resultType").asText())) {
            return "resultType " + type + " vs " + sd.get("resultType").asText();
        }
        JsonNode pr = pd.get("result");
        JsonNode sr = sd.get("result");
        switch (type) {
            case "scalar", "string" -> {
                return point(pr, sr, "");
            }
            case "vector" -> {
                if (pr.size() != sr.size()) {
                    return "vector of " + pr.size() + " vs " + sr.size() + " series";
                }
                Map<Map<String, String>, JsonNode> byLabels = byLabels(sr);
                if (byLabels.size() != sr.size()) {
                    return "Sextant's vector repeats a label set";
                }
                for (int i = 0; i < pr.size(); i++) {
                    Map<String, String> labels = labelsOf(pr.get(i));
                    JsonNode other = byLabels.get(labels);
                    if (other == null) {
                        return "series " + labels + " missing in Sextant";
                    }
                    String d = point(pr.get(i).get("value"), other.get("value"), labels.toString());
                    if (d != null) {
                        return d;
                    }
                    if (ordered) {
                        // ties may come in either order: only the value sequence is defined
                        String o = point(pr.get(i).get("value"), sr.get(i).get("value"), "position " + i);
                        if (o != null) {
                            return "order: " + o;
                        }
                    }
                }
                return null;
            }
            case "matrix" -> {
                if (pr.size() != sr.size()) {
                    return "matrix of " + pr.size() + " vs " + sr.size() + " series";
                }
                Map<Map<String, String>, JsonNode> byLabels = byLabels(sr);
                for (JsonNode series : pr) {
                    Map<String, String> labels = labelsOf(series);
                    JsonNode other = byLabels.get(labels);
                    if (other == null) {
                        return "series " + labels + " missing in Sextant";
                    }
                    JsonNode pv = series.get("values");
                    JsonNode sv = other.get("values");
                    if (pv.size() != sv.size()) {
                        return labels + ": " + pv.size() + " vs " + sv.size() + " points";
                    }
                    for (int i = 0; i < pv.size(); i++) {
                        String d = point(pv.get(i), sv.get(i), labels.toString());
                        if (d != null) {
                            return d;
                        }
                    }
                }
                return null;
            }
            default -> {
                return "unexpected resultType " + type;
            }
        }
    }

    private static Map<Map<String, String>, JsonNode> byLabels(JsonNode result) {
        Map<Map<String, String>, JsonNode> out = new HashMap<>();
        result.forEach(series -> out.put(labelsOf(series), series));
        return out;
    }

    private static Map<String, String> labelsOf(JsonNode series) {
        Map<String, String> labels = new TreeMap<>();
        series.get("metric")
                .fields()
                .forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
        return labels;
    }

    /** Compares a {@code [time, "value"]} pair: the time exactly, the value within the tolerance. */
    private static String point(JsonNode p, JsonNode s, String where) {
        String pt = p.get(0).decimalValue().toPlainString();
        String st = s.get(0).decimalValue().toPlainString();
        if (new BigDecimal(pt).compareTo(new BigDecimal(st)) != 0) {
            return where + " time " + pt + " vs " + st;
        }
        String pv = p.get(1).asText();
        String sv = s.get(1).asText();
        return closeEnough(pv, sv) ? null : where + " at " + pt + ": " + pv + " vs " + sv;
    }

    /**
     * NaN equals NaN, infinities must match exactly, other values within 1e-6 relative, except that residues
     * below 1e-12 (zero included) are equal: 3.x sums and averages with Kahan compensation (SOURCE.md A.7), also
     * in {@code deriv}'s regression, so a cancellation that one version computes as exactly 0 leaves a few ULP
     * in the other, or different ULP in both (seen: {@code log2} of an {@code avg_over_time} of equal rates,
     * -1.6e-16 in 2.42 and 0 in Sextant; {@code deriv} of a constant, -1.9e-19 and -6.2e-20).
     */
    static boolean closeEnough(String p, String s) {
        if (p.equals(s)) {
            return true;
        }
        double a = parse(p);
        double b = parse(s);
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b);
        }
        if (a == b) {
            return true;
        }
        if (Double.isInfinite(a) || Double.isInfinite(b)) {
            return false;
        }
        if (Math.abs(a) < RESIDUE && Math.abs(b) < RESIDUE) {
            return true;
        }
        if (a == 0 || b == 0) {
            return false;
        }
        return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
    }

    private static double parse(String v) {
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }

    // ---------------------------------------------------------------- Grafana's request shapes

    /**
     * The requests Grafana's Prometheus data source sends (protocols.md §1.1), asked of both servers and compared
     * byte for byte. Returns one line per shape, starting with IDENTICAL, NORMALIZED (identical after removing
     * what must differ) or DIFFERENT.
     */
    private List<String> grafanaShapes(long base) throws Exception {
        long from = base + 30 * 60_000L + 123;
        long to = base + 80 * 60_000L + 456;
        String start = seconds(from);
        String end = seconds(to);
        Map<String, Object[]> shapes = new LinkedHashMap<>();
        shapes.put("health check GET", new Object[] {"GET", "/api/v1/query?query=1%2B1&time=4"});
        shapes.put("health check POST", new Object[] {"POST", "/api/v1/query", "query=1%2B1&time=4"});
        shapes.put("query_range, float start/end/step POST", new Object[] {
            "POST",
            "/api/v1/query_range",
            // max, not sum: 3.x sums with Kahan compensation, so sums differ in the last digits (SOURCE.md A.7)
            "query=" + enc("max by (job) (rate(http_requests_total[5m]))") + "&start=" + start + "&end=" + end
                    + "&step=60.5"
        });
        shapes.put(
                "instant query POST",
                new Object[] {"POST", "/api/v1/query", "query=" + enc("up{job=\"api\"}") + "&time=" + seconds(to)});
        shapes.put("labels", new Object[] {"GET", "/api/v1/labels?start=" + start + "&end=" + end});
        shapes.put(
                "labels POST with match[]",
                new Object[] {"POST", "/api/v1/labels", "match[]=up&start=" + start + "&end=" + end + "&limit=40000"});
        shapes.put(
                "label __name__ values",
                new Object[] {"GET", "/api/v1/label/__name__/values?start=" + start + "&end=" + end + "&limit=40000"});
        shapes.put("label job values with match[]", new Object[] {
            "GET", "/api/v1/label/job/values?match[]=" + enc("node_info") + "&start=" + start + "&end=" + end
        });
        shapes.put("series match[]", new Object[] {
            "GET", "/api/v1/series?match[]=" + enc("node_info{job=~\"api|web\"}") + "&start=" + start + "&end=" + end
        });
        shapes.put("series POST", new Object[] {
            "POST", "/api/v1/series", "match[]=" + enc("up") + "&start=" + start + "&end=" + end + "&limit=40000"
        });
        shapes.put("metadata", new Object[] {"GET", "/api/v1/metadata"});
        shapes.put(
                "query_exemplars probe (ms)",
                new Object[] {"GET", "/api/v1/query_exemplars?query=test&start=" + from + "&end=" + to});
        shapes.put("query_exemplars", new Object[] {
            "GET",
            "/api/v1/query_exemplars?query=" + enc("http_request_duration_seconds_bucket") + "&start=" + seconds(base)
                    + "&end=" + seconds(System.currentTimeMillis())
        });
        shapes.put(
                "query_range too many points",
                new Object[] {"GET", "/api/v1/query_range?query=up&start=0&end=11001&step=1"});
        shapes.put("parse error", new Object[] {"GET", "/api/v1/query?query=" + enc("sum(") + "&time=4"});
        shapes.put("buildinfo", new Object[] {"GET", "/api/v1/status/buildinfo"});
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Object[]> shape : shapes.entrySet()) {
            Object[] req = shape.getValue();
            Answer p = raw(promUri((String) req[1]), (String) req[0], req.length > 2 ? (String) req[2] : null);
            Answer s = raw(sextant.uri((String) req[1]), (String) req[0], req.length > 2 ? (String) req[2] : null);
            String name = shape.getKey();
            if (p.status() == s.status() && p.body().equals(s.body())) {
                out.add("IDENTICAL " + name + ": " + p.status() + " " + truncate(p.body()));
            } else if (name.equals("buildinfo")
                    && p.status() == s.status()
                    && keys(p.body()).equals(keys(s.body()))) {
                // the build (version, revision, dates, Go version) is legitimately the server's own
                out.add("NORMALIZED " + name + ": same fields " + keys(p.body()) + "; Prometheus " + p.body()
                        + "; Sextant " + s.body());
            } else {
                out.add("DIFFERENT " + name + ":\n    Prometheus " + p.status() + " " + truncate(p.body())
                        + "\n    Sextant    " + s.status() + " " + truncate(s.body()));
            }
        }
        return out;
    }

    private static List<String> keys(String body) throws IOException {
        List<String> keys = new ArrayList<>();
        JSON.readTree(body).path("data").fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    // ---------------------------------------------------------------- HTTP and Prometheus

    private Answer ask(URI endpoint, Query q) throws Exception {
        String expression = q.expression().replace(PromqlQueryGenerator.AT, "@ " + seconds(at));
        return raw(endpoint, "POST", "query=" + enc(expression) + "&" + q.parameters());
    }

    private Answer raw(URI uri, String method, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (method.equals("POST")) {
            b.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        } else {
            b.GET();
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    private URI promUri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + promPort + pathAndQuery);
    }

    private void startPrometheus() throws Exception {
        Path config = dir.resolve("prometheus.yml");
        // no scrape configs: Prometheus holds exactly what the test writes, like Sextant
        Files.writeString(config, "global:\n  scrape_interval: 15s\n");
        Path log = Path.of("target", "prometheus-differential.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        prometheus = new ProcessBuilder(
                        PROMETHEUS.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
                        "--web.listen-address=127.0.0.1:" + promPort,
                        "--web.enable-remote-write-receiver",
                        "--enable-feature=exemplar-storage",
                        "--query.lookback-delta=5m",
                        "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            if (!prometheus.isAlive()) {
                fail("Prometheus exited with " + prometheus.exitValue() + "; log:\n" + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(promUri("/-/ready")).build(), HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                fail("Prometheus did not become ready; log:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, UTF_8);
    }

    private static String seconds(long ms) {
        return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
    }

    private static String truncate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "…(" + s.length() + " chars)";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
