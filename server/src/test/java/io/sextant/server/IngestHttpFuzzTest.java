package io.sextant.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.sextant.ingest.remotewrite.proto.BucketSpan;
import io.sextant.ingest.remotewrite.proto.Label;
import io.sextant.ingest.remotewrite.proto.MetricMetadata;
import io.sextant.ingest.remotewrite.proto.Sample;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import io.sextant.storage.Samples;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Thousands of randomly mutated remote-write and OTLP requests over real HTTP: structurally random but valid
 * requests, then bytes flipped, inserted, deleted, duplicated or truncated before or after compression, and
 * headers swapped. Every answer must be 2xx or 4xx (a 5xx or a dropped connection is a bug), the server must stay
 * healthy, and the valid data stored before the run must be unchanged after it. The seed is printed; rerun one
 * with {@code -Dsextant.fuzz.seed=N}.
 */
class IngestHttpFuzzTest {
    /** Longer runs: {@code -Dsextant.fuzz.requests=100000 -Dsextant.fuzz.seconds=600}. */
    private static final int MAX_REQUESTS = Integer.getInteger("sextant.fuzz.requests", 3000);

    private static final long TIME_BUDGET_NANOS = Long.getLong("sextant.fuzz.seconds", 20) * 1_000_000_000L;
    private static final String TENANT = "fuzz";
    private static final String GOOD = "good";
    private static final String BASELINE = "{__name__=~\"known_good_.*\"}";
    private static final String[] PATHS = {"/v1/metrics", "/otlp/v1/metrics", "/api/v1/otlp/v1/metrics"};

    @TempDir
    Path dir;

    private Random rnd;
    private long now;

    /** A request as sent, and how it was made (for the failure message). */
    private record Request(String path, byte[] body, List<String> headers, String how) {}

    @Test
    void mutatedRequestsGetOnly2xxOr4xxAndLeaveStoredDataAlone() throws Exception {
        long seed = Long.getLong("sextant.fuzz.seed", System.nanoTime());
        System.out.println("IngestHttpFuzzTest seed " + seed + " (rerun with -Dsextant.fuzz.seed=" + seed + ")");
        rnd = new Random(seed);
        // batch-interval: an fsync per accepted request would spend the time budget on the disk, not on inputs
        try (TestServer server = TestServer.start(
                dir,
                "--wal-sync",
                "batch-interval",
                "--max-body-size",
                "1MiB",
                "--max-decompressed-size",
                "4MiB",
                "--max-samples-per-request",
                "5000")) {
            now = System.currentTimeMillis();
            for (String tenant : List.of(GOOD, TENANT)) {
                storeBaseline(server, tenant);
            }
            String goodBefore = server.export(GOOD, BASELINE);
            String fuzzBefore = server.export(TENANT, BASELINE);
            assertThat(TestServer.parseExport(goodBefore)).hasSize(2);

            Map<Integer, Integer> statuses = new TreeMap<>();
            // Problems are collected, not thrown at the first, so that one run shows every kind it met.
            List<String> problems = new ArrayList<>();
            int dropped = 0;
            int serverErrors = 0;
            long start = System.nanoTime();
            int n = 0;
            String previous = "none";
            while (n < MAX_REQUESTS && System.nanoTime() - start < TIME_BUDGET_NANOS) {
                Request r = next();
                String sent = r.how + ", " + r.body.length + " bytes to " + r.path + ", headers " + r.headers;
                HttpResponse<byte[]> response = null;
                try {
                    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(r.path))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(r.body));
                    for (int i = 0; i < r.headers.size(); i += 2) {
                        b.header(r.headers.get(i), r.headers.get(i + 1));
                    }
                    response = server.client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (IOException e) {
                    // The client sends the next request on a fresh connection.
                    dropped++;
                    problem(
                            problems,
                            "request " + n + " (" + sent + ") lost its connection: " + e + "; the request before it: "
                                    + previous);
                }
                if (response != null) {
                    int status = response.statusCode();
                    statuses.merge(status, 1, Integer::sum);
                    String answer = new String(response.body(), UTF_8);
                    if (!(status >= 200 && status < 300) && !(status >= 400 && status < 500)) {
                        serverErrors++;
                        problem(problems, "request " + n + " (" + sent + ") answered " + status + ": " + answer);
                    }
                    previous = sent + ", answered " + status + " "
                            + response.headers().map() + ": " + answer;
                } else {
                    previous = sent + ", no answer";
                }
                if (++n % 250 == 0) {
                    assertHealthy(server);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("IngestHttpFuzzTest: %d requests in %.1f s, statuses %s%n", n, seconds, statuses);
            assertThat(problems)
                    .as(
                            "seed %d: %d dropped connections and %d 5xx answers in %d requests; the first ones",
                            seed, dropped, serverErrors, n)
                    .isEmpty();
            assertThat(n).as("requests sent within the time budget").isGreaterThanOrEqualTo(500);
            assertHealthy(server);
            assertThat(server.get("/-/ready").statusCode()).isEqualTo(200);
            assertThat(server.export(GOOD, BASELINE))
                    .as("tenant good unchanged")
                    .isEqualTo(goodBefore);
            assertThat(server.export(TENANT, BASELINE))
                    .as("known series of tenant fuzz unchanged")
                    .isEqualTo(fuzzBefore);
            // The run must have exercised both outcomes, or the mutations are too weak or too strong to mean much.
            assertThat(statuses.keySet()).anyMatch(s -> s < 300).anyMatch(s -> s >= 400);
        }
    }

    /**
     * The deterministic form of what the fuzzer first found: an ingest request refused before its body is read (a
     * bad tenant header, here) must either say {@code Connection: close} or keep the connection usable, since a
     * client that already sent the body will send its next request on the same connection.
     */
    @Test
    void earlyRejectionKeepsTheConnectionUsableOrSaysClose() throws Exception {
        try (TestServer server = TestServer.start(dir);
                Socket socket = new Socket("127.0.0.1", server.sextant.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] body = new byte[1000];
            out.write(("POST /api/v1/write HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
                            + "Content-Encoding: snappy\r\nX-Scope-OrgID: a|b\r\nContent-Length: " + body.length
                            + "\r\n\r\n")
                    .getBytes(ISO_8859_1));
            out.flush();
            String first = readResponse(in);
            assertThat(first).startsWith("HTTP/1.1 400 ");
            if (first.toLowerCase(Locale.ROOT).contains("\r\nconnection: close")) {
                return;
            }
            // No "Connection: close": a client may go on, as an HTTP/1.1 client sending its body in a second write
            // does.
            String second;
            try {
                out.write(body);
                out.write("GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(ISO_8859_1));
                out.flush();
                second = readResponse(in);
            } catch (IOException e) {
                second = e.toString();
            }
            assertThat(second)
                    .as("the next request on a connection kept open after the 400 (first answer: %s)", first)
                    .startsWith("HTTP/1.1 200 ");
        }
    }

    /** One HTTP/1.1 response with a Content-Length body, as text; empty when the connection is closed. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return head.toString(ISO_8859_1);
            }
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        String text = head.toString(ISO_8859_1);
        Matcher m = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(text);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return text + new String(in.readNBytes(length), ISO_8859_1);
    }

    private static void problem(List<String> problems, String problem) {
        if (problems.size() < 10) {
            problems.add(problem);
        }
    }

    private static void assertHealthy(TestServer server) throws Exception {
        HttpResponse<String> r = server.get("/-/healthy");
        assertThat(r.statusCode()).isEqualTo(200);
    }

    private void storeBaseline(TestServer server, String tenant) throws Exception {
        WriteRequest rw = WriteRequest.newBuilder()
                .addTimeseries(TimeSeries.newBuilder()
                        .addLabels(label("__name__", "known_good_rw"))
                        .addLabels(label("k", "a"))
                        .addSamples(
                                Sample.newBuilder().setTimestamp(now - 120_000).setValue(1))
                        .addSamples(
                                Sample.newBuilder().setTimestamp(now - 60_000).setValue(0.1)))
                .build();
        HttpResponse<byte[]> a = server.post(
                "/api/v1/write",
                Snappy.compress(rw.toByteArray()),
                "Content-Type",
                "application/x-protobuf",
                "Content-Encoding",
                "snappy",
                "X-Scope-OrgID",
                tenant);
        assertThat(a.statusCode()).isEqualTo(204);
        ExportMetricsServiceRequest otlp = ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder()
                        .addScopeMetrics(ScopeMetrics.newBuilder()
                                .addMetrics(Metric.newBuilder()
                                        .setName("known_good_otlp")
                                        .setGauge(Gauge.newBuilder()
                                                .addDataPoints(NumberDataPoint.newBuilder()
                                                        .setTimeUnixNano((now - 90_000) * 1_000_000)
                                                        .setAsDouble(42))))))
                .build();
        HttpResponse<byte[]> b = server.post(
                "/v1/metrics", otlp.toByteArray(), "Content-Type", "application/x-protobuf", "X-Scope-OrgID", tenant);
        assertThat(b.statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- requests and mutations

    private Request next() throws IOException {
        int protocol = rnd.nextInt(3);
        boolean rw = protocol == 0;
        boolean json = protocol == 2;
        byte[] plain = rw
                ? randomWriteRequest().toByteArray()
                : json ? otlpJson() : randomOtlp().toByteArray();
        String path = rw ? "/api/v1/write" : PATHS[rnd.nextInt(PATHS.length)];
        boolean gzip = !rw && rnd.nextInt(3) == 0;
        List<String> headers = new ArrayList<>(List.of(
                "Content-Type",
                rw ? "application/x-protobuf" : json ? "application/json" : "application/x-protobuf",
                "X-Scope-OrgID",
                TENANT));
        if (rw) {
            headers.addAll(List.of("Content-Encoding", "snappy", "X-Prometheus-Remote-Write-Version", "0.1.0"));
        } else if (gzip) {
            headers.addAll(List.of("Content-Encoding", "gzip"));
        }
        String kind = rw ? "remote write" : json ? "OTLP JSON" : "OTLP protobuf";
        int strategy = rnd.nextInt(10);
        if (strategy < 5) {
            int mutations = 1 + rnd.nextInt(4);
            byte[] mutated = plain;
            for (int i = 0; i < mutations; i++) {
                mutated = mutate(mutated);
            }
            return new Request(
                    path,
                    compress(mutated, rw, gzip),
                    headers,
                    kind + ", " + mutations + " mutations before compression");
        }
        if (strategy < 7 && (rw || gzip)) {
            byte[] mutated = compress(plain, rw, gzip);
            int mutations = 1 + rnd.nextInt(3);
            for (int i = 0; i < mutations; i++) {
                mutated = mutate(mutated);
            }
            return new Request(path, mutated, headers, kind + ", " + mutations + " mutations after compression");
        }
        if (strategy < 9) {
            mutateHeaders(headers);
            return new Request(path, compress(plain, rw, gzip), headers, kind + ", mutated headers");
        }
        return new Request(path, compress(plain, rw, gzip), headers, kind + ", unmutated");
    }

    private static byte[] compress(byte[] plain, boolean rw, boolean gzip) throws IOException {
        if (rw) {
            return Snappy.compress(plain);
        }
        if (!gzip) {
            return plain;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(plain);
        }
        return out.toByteArray();
    }

    private static final byte[] INTERESTING = {0, 1, 0x7F, (byte) 0x80, (byte) 0xFF, 0x0A, 0x12, 0x22, 0x09, '"', '{'};

    private byte[] mutate(byte[] in) {
        if (in.length == 0) {
            return new byte[] {(byte) rnd.nextInt(256)};
        }
        int at = rnd.nextInt(in.length);
        switch (rnd.nextInt(9)) {
            case 0 -> {
                byte[] out = in.clone();
                out[at] ^= (byte) (1 << rnd.nextInt(8));
                return out;
            }
            case 1 -> {
                byte[] out = in.clone();
                out[at] = (byte) rnd.nextInt(256);
                return out;
            }
            case 2 -> {
                byte[] out = in.clone();
                out[at] = INTERESTING[rnd.nextInt(INTERESTING.length)];
                return out;
            }
            case 3 -> {
                // insert random bytes
                byte[] extra = new byte[1 + rnd.nextInt(8)];
                rnd.nextBytes(extra);
                return splice(in, at, at, extra);
            }
            case 4 -> {
                // delete a range
                int len = 1 + rnd.nextInt(Math.min(16, in.length - at));
                return splice(in, at, at + len, new byte[0]);
            }
            case 5 -> {
                // duplicate a range elsewhere
                int len = 1 + rnd.nextInt(Math.min(64, in.length - at));
                return splice(in, rnd.nextInt(in.length + 1), -1, Arrays.copyOfRange(in, at, at + len));
            }
            case 6 -> {
                return Arrays.copyOf(in, at);
            }
            case 7 -> {
                // an oversized varint, as a length prefix gone wrong would be
                byte[] big = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
                return splice(in, at, Math.min(in.length, at + 1), big);
            }
            default -> {
                byte[] tail = new byte[1 + rnd.nextInt(32)];
                rnd.nextBytes(tail);
                return splice(in, in.length, in.length, tail);
            }
        }
    }

    /** {@code in} with {@code [from, to)} replaced by {@code insert}; {@code to < 0} inserts at {@code from}. */
    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        int end = to < 0 ? from : to;
        byte[] out = new byte[in.length - (end - from) + insert.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(in, end, out, from + insert.length, in.length - end);
        return out;
    }

    private static final String[] CONTENT_TYPES = {
        "application/x-protobuf",
        "application/json",
        "application/x-protobuf;proto=prometheus.WriteRequest",
        "application/x-protobuf; proto=io.prometheus.write.v2.Request",
        "application/x-protobuf;proto=\"nonsense\"",
        "APPLICATION/X-PROTOBUF",
        "application/json; charset=utf-8",
        "text/plain",
        "",
        ";;;",
        "application/x-protobuf;proto",
        "multipart/form-data; boundary=x"
    };
    private static final String[] ENCODINGS = {"snappy", "gzip", "identity", "", "br", "SNAPPY", " gzip ", "x-gzip"};

    private void mutateHeaders(List<String> headers) {
        int changes = 1 + rnd.nextInt(3);
        for (int c = 0; c < changes; c++) {
            switch (rnd.nextInt(6)) {
                case 0 -> set(headers, "Content-Type", CONTENT_TYPES[rnd.nextInt(CONTENT_TYPES.length)]);
                case 1 -> set(headers, "Content-Encoding", ENCODINGS[rnd.nextInt(ENCODINGS.length)]);
                case 2 -> set(headers, "X-Scope-OrgID", randomTenant());
                case 3 -> set(headers, "X-Tenant-ID", rnd.nextBoolean() ? TENANT : randomTenant());
                case 4 -> remove(headers, rnd.nextBoolean() ? "Content-Type" : "Content-Encoding");
                default -> set(headers, "X-Prometheus-Remote-Write-Version", rnd.nextBoolean() ? "2.0.0" : "x");
            }
        }
    }

    /** Printable ASCII only: other bytes the HTTP client itself refuses to send. Never the tenant {@code good}. */
    private String randomTenant() {
        String[] fixed = {"", "a|b", "..", ".", "../etc", "t".repeat(151), "fuzz-2", "Fuzz", "*", "(x)"};
        if (rnd.nextBoolean()) {
            return fixed[rnd.nextInt(fixed.length)];
        }
        StringBuilder sb = new StringBuilder();
        int len = rnd.nextInt(20);
        for (int i = 0; i < len; i++) {
            sb.append((char) (0x21 + rnd.nextInt(0x7E - 0x21)));
        }
        String t = sb.toString();
        return t.equals(GOOD) ? "not-good" : t;
    }

    private static void set(List<String> headers, String name, String value) {
        remove(headers, name);
        headers.add(name);
        headers.add(value);
    }

    private static void remove(List<String> headers, String name) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                headers.remove(i);
                headers.remove(i);
                return;
            }
        }
    }

    // ---------------------------------------------------------------- random valid requests

    private static final String[] LABEL_NAMES = {
        "job", "instance", "le", "quantile", "a.b", "ünï", "code", "path", "x_y", "__meta_x", "ns:sub"
    };
    private static final String[] LABEL_VALUES = {
        "", "a", "api", "0.5", "+Inf", "a\"b\\c\nd", "ünïcødé ☃ \uD83D\uDE00", "/x/y?z=1", " ", "NaN"
    };

    private String word(String prefix) {
        return prefix + (char) ('a' + rnd.nextInt(6));
    }

    private double value() {
        return switch (rnd.nextInt(10)) {
            case 0 -> Double.NaN;
            case 1 -> Double.longBitsToDouble(Samples.STALE_NAN_BITS);
            case 2 -> rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 3 -> rnd.nextBoolean() ? 1e308 : -Double.MIN_VALUE;
            case 4 -> rnd.nextInt(1000);
            default -> rnd.nextDouble() * 1000 - 500;
        };
    }

    private long timestampMs() {
        return now - rnd.nextInt(600_000) + (rnd.nextInt(50) == 0 ? 3_600_000L : 0);
    }

    private static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    private WriteRequest randomWriteRequest() {
        WriteRequest.Builder b = WriteRequest.newBuilder();
        int series = rnd.nextInt(5);
        for (int s = 0; s < series; s++) {
            TimeSeries.Builder t = TimeSeries.newBuilder();
            if (rnd.nextInt(20) != 0) {
                t.addLabels(label("__name__", word("fz_")));
            }
            int labels = rnd.nextInt(4);
            for (int i = 0; i < labels; i++) {
                t.addLabels(label(
                        LABEL_NAMES[rnd.nextInt(LABEL_NAMES.length)], LABEL_VALUES[rnd.nextInt(LABEL_VALUES.length)]));
            }
            int samples = rnd.nextInt(5);
            long ts = timestampMs();
            for (int i = 0; i < samples; i++) {
                t.addSamples(Sample.newBuilder().setTimestamp(ts + i * 1000L).setValue(value()));
            }
            if (rnd.nextInt(8) == 0) {
                t.addExemplars(io.sextant.ingest.remotewrite.proto.Exemplar.newBuilder()
                        .addLabels(label("trace_id", Long.toHexString(rnd.nextLong())))
                        .setValue(value())
                        .setTimestamp(ts));
            }
            if (rnd.nextInt(15) == 0) {
                t.addHistograms(io.sextant.ingest.remotewrite.proto.Histogram.newBuilder()
                        .setCountInt(3)
                        .setSum(1.5)
                        .setSchema(rnd.nextInt(10) - 4)
                        .addPositiveSpans(BucketSpan.newBuilder().setOffset(0).setLength(2))
                        .addPositiveDeltas(1)
                        .addPositiveDeltas(1)
                        .setTimestamp(ts));
            }
            b.addTimeseries(t);
        }
        if (rnd.nextInt(4) == 0) {
            b.addMetadata(MetricMetadata.newBuilder()
                    .setTypeValue(rnd.nextInt(10))
                    .setMetricFamilyName(word("fz_"))
                    .setHelp(LABEL_VALUES[rnd.nextInt(LABEL_VALUES.length)])
                    .setUnit(rnd.nextBoolean() ? "" : "seconds"));
        }
        return b.build();
    }

    private KeyValue attribute() {
        String key = LABEL_NAMES[rnd.nextInt(LABEL_NAMES.length)];
        AnyValue.Builder v = AnyValue.newBuilder();
        switch (rnd.nextInt(6)) {
            case 0 -> v.setIntValue(rnd.nextLong());
            case 1 -> v.setDoubleValue(value());
            case 2 -> v.setBoolValue(rnd.nextBoolean());
            case 3 ->
                v.setArrayValue(ArrayValue.newBuilder()
                        .addValues(AnyValue.newBuilder().setStringValue("x"))
                        .addValues(AnyValue.newBuilder().setIntValue(2)));
            case 4 -> v.setBytesValue(ByteString.copyFrom(new byte[] {1, 2, (byte) 0xFF}));
            default -> v.setStringValue(LABEL_VALUES[rnd.nextInt(LABEL_VALUES.length)]);
        }
        return KeyValue.newBuilder().setKey(key).setValue(v).build();
    }

    private List<KeyValue> attributes() {
        List<KeyValue> out = new ArrayList<>();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            out.add(attribute());
        }
        return out;
    }

    private AggregationTemporality temporality() {
        int t = rnd.nextInt(8);
        return t == 0
                ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                : t == 1
                        ? AggregationTemporality.AGGREGATION_TEMPORALITY_UNSPECIFIED
                        : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    }

    private long nanos() {
        return timestampMs() * 1_000_000 + rnd.nextInt(1_000_000);
    }

    private Exemplar exemplar() {
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        rnd.nextBytes(trace);
        rnd.nextBytes(span);
        return Exemplar.newBuilder()
                .setTimeUnixNano(nanos())
                .setAsDouble(value())
                .setTraceId(ByteString.copyFrom(trace))
                .setSpanId(ByteString.copyFrom(span))
                .build();
    }

    private ExportMetricsServiceRequest randomOtlp() {
        ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
        int resources = 1 + rnd.nextInt(2);
        for (int r = 0; r < resources; r++) {
            Resource.Builder resource = Resource.newBuilder();
            if (rnd.nextBoolean()) {
                resource.addAttributes(KeyValue.newBuilder()
                        .setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue(word("svc-"))));
            }
            if (rnd.nextBoolean()) {
                resource.addAttributes(KeyValue.newBuilder()
                        .setKey("service.instance.id")
                        .setValue(AnyValue.newBuilder().setStringValue(word("i-"))));
            }
            resource.addAllAttributes(attributes());
            ScopeMetrics.Builder scope = ScopeMetrics.newBuilder()
                    .setScope(InstrumentationScope.newBuilder().setName("fuzz").setVersion("1"));
            int metrics = rnd.nextInt(4);
            for (int m = 0; m < metrics; m++) {
                scope.addMetrics(randomMetric());
            }
            b.addResourceMetrics(
                    ResourceMetrics.newBuilder().setResource(resource).addScopeMetrics(scope));
        }
        return b.build();
    }

    private Metric randomMetric() {
        String[] units = {"", "s", "ms", "By", "1", "{request}", "By/s", "%", "Cel", "weird unit"};
        Metric.Builder m = Metric.newBuilder()
                .setName(word(rnd.nextBoolean() ? "fz." : "fz_"))
                .setUnit(units[rnd.nextInt(units.length)])
                .setDescription(LABEL_VALUES[rnd.nextInt(LABEL_VALUES.length)]);
        int points = rnd.nextInt(3);
        switch (rnd.nextInt(6)) {
            case 0 -> {
                Gauge.Builder g = Gauge.newBuilder();
                for (int i = 0; i < points; i++) {
                    g.addDataPoints(numberPoint());
                }
                m.setGauge(g);
            }
            case 1, 2 -> {
                Sum.Builder s =
                        Sum.newBuilder().setIsMonotonic(rnd.nextBoolean()).setAggregationTemporality(temporality());
                for (int i = 0; i < points; i++) {
                    s.addDataPoints(numberPoint());
                }
                m.setSum(s);
            }
            case 3 -> {
                Histogram.Builder h = Histogram.newBuilder().setAggregationTemporality(temporality());
                for (int i = 0; i < points; i++) {
                    int bounds = rnd.nextInt(5);
                    HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder()
                            .setTimeUnixNano(nanos())
                            .addAllAttributes(attributes());
                    double bound = rnd.nextDouble();
                    long count = 0;
                    for (int k = 0; k < bounds; k++) {
                        p.addExplicitBounds(bound);
                        bound += rnd.nextDouble() * 10;
                    }
                    for (int k = 0; k <= bounds; k++) {
                        long c = rnd.nextInt(5);
                        p.addBucketCounts(c);
                        count += c;
                    }
                    p.setCount(rnd.nextInt(10) == 0 ? count + 1 : count);
                    if (rnd.nextBoolean()) {
                        p.setSum(value());
                    }
                    if (rnd.nextInt(4) == 0) {
                        p.addExemplars(exemplar());
                    }
                    h.addDataPoints(p);
                }
                m.setHistogram(h);
            }
            case 4 -> {
                Summary.Builder s = Summary.newBuilder();
                for (int i = 0; i < points; i++) {
                    s.addDataPoints(SummaryDataPoint.newBuilder()
                            .setTimeUnixNano(nanos())
                            .addAllAttributes(attributes())
                            .setCount(rnd.nextInt(100))
                            .setSum(value())
                            .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder()
                                    .setQuantile(rnd.nextBoolean() ? 0.5 : 0.99)
                                    .setValue(value())));
                }
                m.setSummary(s);
            }
            default -> {
                ExponentialHistogram.Builder e =
                        ExponentialHistogram.newBuilder().setAggregationTemporality(temporality());
                for (int i = 0; i < points; i++) {
                    e.addDataPoints(ExponentialHistogramDataPoint.newBuilder()
                            .setTimeUnixNano(nanos())
                            .setScale(rnd.nextInt(30) - 10)
                            .setCount(2)
                            .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder()
                                    .setOffset(rnd.nextInt(10))
                                    .addBucketCounts(2)));
                }
                m.setExponentialHistogram(e);
            }
        }
        return m.build();
    }

    private NumberDataPoint numberPoint() {
        NumberDataPoint.Builder p =
                NumberDataPoint.newBuilder().setTimeUnixNano(nanos()).addAllAttributes(attributes());
        if (rnd.nextBoolean()) {
            p.setAsDouble(value());
        } else {
            p.setAsInt(rnd.nextInt(5) == 0 ? rnd.nextLong() : rnd.nextInt(1000));
        }
        if (rnd.nextInt(10) == 0) {
            p.setFlags(1);
        }
        if (rnd.nextInt(6) == 0) {
            p.addExemplars(exemplar());
        }
        return p.build();
    }

    /** OTLP/JSON: ids in hex (as the specification wants, unlike protobuf's JSON mapping), enums as integers. */
    private byte[] otlpJson() throws IOException {
        ExportMetricsServiceRequest request = randomOtlp();
        String json = JsonFormat.printer().printingEnumsAsInts().print(request);
        // JsonFormat writes bytes fields in base64; OTLP/JSON writes trace and span ids in hex.
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("\"(traceId|spanId)\": \"([^\"]*)\"").matcher(json);
        while (m.find()) {
            byte[] id = Base64.getDecoder().decode(m.group(2));
            StringBuilder hex = new StringBuilder();
            for (byte x : id) {
                hex.append(String.format("%02x", x));
            }
            m.appendReplacement(out, "\"" + m.group(1) + "\": \"" + hex + "\"");
        }
        m.appendTail(out);
        return out.toString().getBytes(UTF_8);
    }
}
