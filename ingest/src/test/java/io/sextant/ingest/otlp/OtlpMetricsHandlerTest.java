package io.sextant.ingest.otlp;

import static io.sextant.ingest.otlp.OtlpTestRequests.T0_MS;
import static io.sextant.ingest.otlp.OtlpTestRequests.T0_NANOS;
import static io.sextant.ingest.otlp.OtlpTestRequests.attr;
import static io.sextant.ingest.otlp.OtlpTestRequests.gauges;
import static io.sextant.ingest.otlp.OtlpTestRequests.gzip;
import static io.sextant.ingest.otlp.OtlpTestRequests.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.IngestResponse;
import io.sextant.ingest.otlp.OtlpTestRequests.Status;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.telemetry.Telemetry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class OtlpMetricsHandlerTest {
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";
    private static final String TENANT = "t1";

    private final RecordingMetricsWriter writer = new RecordingMetricsWriter();
    private final Telemetry telemetry = new Telemetry();
    private final OtlpMetricsHandler handler = new OtlpMetricsHandler(writer, IngestLimits.DEFAULTS, telemetry);

    private IngestResponse send(String contentType, String encoding, byte[] body) {
        return handler.handle(TENANT, contentType, encoding, body, body.length);
    }

    @Test
    void protobufInProtobufOut() throws IOException {
        IngestResponse r = send(PROTOBUF, null, gauges("up", 1, 2).toByteArray());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo(PROTOBUF);
        assertThat(r.headers()).isEmpty();
        ExportMetricsServiceResponse response = ExportMetricsServiceResponse.parseFrom(r.body());
        assertThat(response.hasPartialSuccess()).isFalse();
        assertThat(writer.lines(TENANT))
                .contains(
                        "series up{i=\"0\", job=\"svc\"} 1@" + T0_MS,
                        "series up{i=\"1\", job=\"svc\"} 2@" + T0_MS,
                        "metadata up gauge unit=\"\" help=\"\"");
    }

    @Test
    void jsonInJsonOut() throws IOException {
        byte[] json = JsonFormat.printer().print(gauges("up", 1)).getBytes(UTF_8);
        IngestResponse r = send("Application/JSON; charset=utf-8", null, json);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo(JSON);
        assertThat(new String(r.body(), UTF_8)).isEqualTo("{}");
        assertThat(writer.samples(TENANT)).hasSize(1);
    }

    @Test
    void partialSuccessInJson() {
        Metric delta = Metric.newBuilder()
                .setName("d")
                .setSum(Sum.newBuilder()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS)))
                .build();
        IngestResponse r = send(JSON, null, json(request(delta)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body(), UTF_8))
                .isEqualTo("{\"partialSuccess\":{\"rejectedDataPoints\":\"1\","
                        + "\"errorMessage\":\"delta temporality is not supported (metric \\\"d\\\")\"}}");
    }

    @Test
    void gzipRequests() throws IOException {
        IngestResponse r = send(PROTOBUF, "gzip", gzip(gauges("a", 1).toByteArray()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(ExportMetricsServiceResponse.parseFrom(r.body()).hasPartialSuccess())
                .isFalse();
        r = send(JSON, " GZIP ", gzip(json(gauges("b", 2))));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo(JSON);
        r = send(PROTOBUF, "identity", gauges("c", 3).toByteArray());
        assertThat(r.status()).isEqualTo(200);
        assertThat(writer.samples(TENANT)).hasSize(3);
    }

    @Test
    void unsupportedContentTypeIs415() {
        IngestResponse r = send("text/plain", null, new byte[0]);
        assertThat(r.status()).isEqualTo(415);
        assertThat(new String(r.body(), UTF_8)).contains("\"text/plain\"", PROTOBUF, JSON);
        assertThat(send(null, null, new byte[0]).status()).isEqualTo(415);
        assertThat(send("application/protobuf", null, new byte[0]).status()).isEqualTo(415);
    }

    @Test
    void unsupportedEncodingIs415InTheRequestsEncoding() throws IOException {
        IngestResponse r = send(PROTOBUF, "br", gauges("a", 1).toByteArray());
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.contentType()).isEqualTo(PROTOBUF);
        Status status = Status.parse(r.body());
        assertThat(status.code()).isEqualTo(3);
        assertThat(status.message()).contains("\"br\"", "gzip");

        r = send(JSON, "snappy", json(gauges("a", 1)));
        assertThat(r.status()).isEqualTo(415);
        assertThat(new String(r.body(), UTF_8)).startsWith("{\"code\":3,\"message\":\"unsupported Content-Encoding");
        assertThat(writer.commits()).isZero();
    }

    @Test
    void truncatedProtobufIs400() throws IOException {
        byte[] full = gauges("some_metric", 1, 2, 3).toByteArray();
        IngestResponse r = send(PROTOBUF, null, Arrays.copyOf(full, full.length - 5));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo(PROTOBUF);
        assertThat(Status.parse(r.body()).message()).startsWith("invalid protobuf body:");
        assertThat(writer.commits()).isZero();
    }

    @Test
    void invalidJsonIs400() {
        for (String body : List.of("{\"resourceMetrics\": [", "not json", "", "[]", "{\"resourceMetrics\": 5}")) {
            IngestResponse r = send(JSON, null, body.getBytes(UTF_8));
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.contentType()).isEqualTo(JSON);
            assertThat(new String(r.body(), UTF_8)).as(body).startsWith("{\"code\":3,\"message\":\"invalid JSON body");
        }
        byte[] notUtf8 = {'{', '"', (byte) 0xc3, '"', ':', '1', '}'};
        assertThat(send(JSON, null, notUtf8).status()).isEqualTo(400);
        assertThat(writer.commits()).isZero();
    }

    @Test
    void unknownJsonFieldsAreIgnored() {
        IngestResponse r = send(JSON, null, "{\"resourceMetrics\":[],\"somethingNew\":{\"x\":1}}".getBytes(UTF_8));
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void invalidGzipIs400() throws IOException {
        IngestResponse r = send(PROTOBUF, "gzip", "definitely not gzip".getBytes(UTF_8));
        assertThat(r.status()).isEqualTo(400);
        assertThat(Status.parse(r.body()).message()).startsWith("invalid gzip body");
        byte[] truncated = gzip(gauges("a", 1).toByteArray());
        r = send(PROTOBUF, "gzip", Arrays.copyOf(truncated, truncated.length - 4));
        assertThat(r.status()).isEqualTo(400);
    }

    /** A gzip bomb: 1024 gzip members of 1 MiB of zeros each (valid RFC 1952), inflating to 1 GiB. */
    @Test
    void gzipBombIs413WithoutInflatingEverything() throws IOException {
        byte[] member = gzip(new byte[1 << 20]);
        ByteArrayOutputStream bomb = new ByteArrayOutputStream(member.length * 1024);
        for (int i = 0; i < 1024; i++) {
            bomb.write(member);
        }
        IngestLimits limits = new IngestLimits(64 << 20, 4 << 20, 64, 1024, 4096, 1_000_000);
        OtlpMetricsHandler small = new OtlpMetricsHandler(writer, limits, telemetry);
        byte[] body = bomb.toByteArray();
        long start = System.nanoTime();
        IngestResponse r = small.handle(TENANT, PROTOBUF, "gzip", body, body.length);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.status()).isEqualTo(413);
        assertThat(Status.parse(r.body()))
                .isEqualTo(new Status(8, "decompressed request body is larger than the limit of 4194304 bytes"));
        // Inflating the whole GiB takes seconds; stopping at 4 MiB takes milliseconds.
        assertThat(millis).isLessThan(1500);
        assertThat(writer.commits()).isZero();
    }

    @Test
    void bodyTooLargeIs413() throws IOException {
        byte[] body = gauges("a", 1).toByteArray();
        IngestLimits limits = new IngestLimits(body.length, 1 << 20, 64, 1024, 4096, 1000);
        OtlpMetricsHandler small = new OtlpMetricsHandler(writer, limits, telemetry);
        // Only bodyLength counts, not the array behind it.
        byte[] padded = Arrays.copyOf(body, body.length * 2);
        IngestResponse r = small.handle(TENANT, PROTOBUF, null, padded, body.length + 1);
        assertThat(r.status()).isEqualTo(413);
        assertThat(Status.parse(r.body()).message())
                .isEqualTo("request body of " + (body.length + 1) + " bytes is larger than the limit of " + body.length
                        + " bytes");
        assertThat(small.handle(TENANT, PROTOBUF, null, padded, body.length).status())
                .isEqualTo(200);
    }

    @Test
    void tooManySamplesIs413AndStoresNothing() throws IOException {
        IngestLimits limits = new IngestLimits(1 << 20, 1 << 20, 64, 1024, 4096, 10);
        OtlpMetricsHandler small = new OtlpMetricsHandler(writer, limits, telemetry);
        HistogramDataPoint.Builder point = HistogramDataPoint.newBuilder()
                .setTimeUnixNano(T0_NANOS)
                .setCount(3)
                .setSum(1);
        for (int i = 0; i < 10; i++) {
            point.addExplicitBounds(i).addBucketCounts(0);
        }
        Metric histogram = Metric.newBuilder()
                .setName("h")
                .setHistogram(Histogram.newBuilder()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .addDataPoints(point))
                .build();
        IngestResponse r = small.handle(
                TENANT,
                PROTOBUF,
                null,
                request(histogram).toByteArray(),
                request(histogram).getSerializedSize());
        assertThat(r.status()).isEqualTo(413);
        assertThat(Status.parse(r.body()).message()).isEqualTo("request has more than 10 samples and exemplars");
        assertThat(writer.commits()).isZero();

        // One point with a hundred thousand buckets stops at the limit, not after building them all.
        HistogramDataPoint.Builder huge = HistogramDataPoint.newBuilder().setTimeUnixNano(T0_NANOS);
        for (int i = 0; i < 100_000; i++) {
            huge.addExplicitBounds(i).addBucketCounts(1);
        }
        byte[] hugeBody = request(histogram.toBuilder()
                        .setHistogram(histogram.getHistogram().toBuilder().setDataPoints(0, huge))
                        .build())
                .toByteArray();
        assertThat(small.handle(TENANT, PROTOBUF, null, hugeBody, hugeBody.length)
                        .status())
                .isEqualTo(413);

        byte[] tenGauges = gauges("g", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10).toByteArray();
        assertThat(small.handle(TENANT, PROTOBUF, null, tenGauges, tenGauges.length)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void labelLimitsRejectPoints() throws IOException {
        IngestLimits limits = new IngestLimits(1 << 20, 1 << 20, 3, 8, 5, 1000);
        OtlpMetricsHandler small = new OtlpMetricsHandler(writer, limits, telemetry);
        Gauge.Builder gauge = Gauge.newBuilder()
                .addDataPoints(point(1, attr("a", "1")))
                .addDataPoints(point(2, attr("a", "1"), attr("b", "2")))
                .addDataPoints(point(3, attr("long_name", "1")))
                .addDataPoints(point(4, attr("a", "123456")));
        ExportMetricsServiceRequest req =
                request(Metric.newBuilder().setName("g").setGauge(gauge).build());
        IngestResponse r = small.handle(TENANT, PROTOBUF, null, req.toByteArray(), req.getSerializedSize());
        ExportMetricsServiceResponse response = ExportMetricsServiceResponse.parseFrom(r.body());
        assertThat(response.getPartialSuccess().getRejectedDataPoints()).isEqualTo(3);
        assertThat(response.getPartialSuccess().getErrorMessage())
                .isEqualTo("series g{a=\"1\", b=\"2\", job=\"svc\"} has 4 labels, more than the limit of 3"
                        + " (metric \"g\"); label name \"long_name\" is longer than 8 bytes (metric \"g\");"
                        + " value of label \"a\" is longer than 5 bytes (metric \"g\")");
        assertThat(writer.lines(TENANT)).contains("series g{a=\"1\", job=\"svc\"} 1@" + T0_MS);
    }

    @Test
    void invalidTraceIdsAre400() throws IOException {
        String template = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"s\",\"sum\":{"
                + "\"aggregationTemporality\":2,\"isMonotonic\":true,\"dataPoints\":[{\"asInt\":\"1\","
                + "\"exemplars\":[{\"asInt\":\"1\",\"traceId\":\"%s\",\"spanId\":\"%s\"}]}]}}]}]}]}";
        String goodTrace = "5b8efff798038103d269b633813fc60c";
        String goodSpan = "eee19b7ec3c1b174";
        assertThat(send(JSON, null, String.format(template, goodTrace, goodSpan).getBytes(UTF_8))
                        .status())
                .isEqualTo(200);
        for (String[] ids : new String[][] {
            {"zz8efff798038103d269b633813fc60c", goodSpan},
            {goodTrace.substring(2), goodSpan},
            {goodTrace, "eee19b7ec3c1b17"},
            {"W46/95gDgQPSabYzgT/GDA==", goodSpan},
            {goodTrace, "+++++++++++++++="},
        }) {
            IngestResponse r =
                    send(JSON, null, String.format(template, ids[0], ids[1]).getBytes(UTF_8));
            assertThat(r.status()).as(Arrays.toString(ids)).isEqualTo(400);
            assertThat(new String(r.body(), UTF_8)).as(Arrays.toString(ids)).contains("invalid JSON body");
        }
        Metric sum = Metric.newBuilder()
                .setName("s")
                .setSum(Sum.newBuilder()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .addDataPoints(NumberDataPoint.newBuilder()
                                .setAsInt(1)
                                .addExemplars(Exemplar.newBuilder()
                                        .setAsInt(1)
                                        .setTraceId(ByteString.copyFrom(new byte[5])))))
                .build();
        IngestResponse r = send(PROTOBUF, null, request(sum).toByteArray());
        assertThat(r.status()).isEqualTo(400);
        assertThat(Status.parse(r.body()).message())
                .isEqualTo(
                        "invalid protobuf body: exemplar trace_id must be 16 bytes and span_id 8 bytes, not 5 and 0");
    }

    @Test
    void invalidUtf8InProtobufStringsIs400() throws IOException {
        byte[] body = gauges("abcdefgh", 1).toByteArray();
        byte[] name = "abcdefgh".getBytes(UTF_8);
        int at = indexOf(body, name);
        body[at] = (byte) 0xff;
        body[at + 1] = (byte) 0xfe;
        IngestResponse r = send(PROTOBUF, null, body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(Status.parse(r.body()).message()).contains("UTF-8");
    }

    @Test
    void loneSurrogateFromJsonEscapeRejectsThePoint() throws IOException {
        String json = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"g\",\"gauge\":{"
                + "\"dataPoints\":[{\"asInt\":\"1\",\"attributes\":[{\"key\":\"k\",\"value\":{\"stringValue\":"
                + "\"\\ud800\"}}]},{\"asInt\":\"2\"}]}}]}]}]}";
        IngestResponse r = send(JSON, null, json.getBytes(UTF_8));
        assertThat(r.status()).isEqualTo(200);
        ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
        JsonFormat.parser().merge(new String(r.body(), UTF_8), b);
        assertThat(b.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
        assertThat(b.getPartialSuccess().getErrorMessage()).contains("not valid UTF-8");
        assertThat(writer.lines(TENANT)).containsExactly("metadata g gauge unit=\"\" help=\"\"", "series g{} 2@0");
    }

    @Test
    void deepNestingIs400() {
        AnyValue v = AnyValue.newBuilder().setStringValue("x").build();
        for (int i = 0; i < 200; i++) {
            v = AnyValue.newBuilder()
                    .setKvlistValue(KeyValueList.newBuilder()
                            .addValues(KeyValue.newBuilder().setKey("k").setValue(v)))
                    .build();
        }
        Metric deep = Metric.newBuilder()
                .setName("g")
                .setGauge(Gauge.newBuilder()
                        .addDataPoints(NumberDataPoint.newBuilder()
                                .addAttributes(
                                        KeyValue.newBuilder().setKey("deep").setValue(v))))
                .build();
        assertThat(send(PROTOBUF, null, request(deep).toByteArray()).status()).isEqualTo(400);
        for (String json : List.of(
                "{\"resourceMetrics\":" + "[".repeat(100_000),
                "{\"resourceMetrics\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}",
                "{\"unknown\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "}")) {
            IngestResponse r = send(JSON, null, json.getBytes(UTF_8));
            assertThat(r.status()).isEqualTo(400);
            assertThat(new String(r.body(), UTF_8)).contains("invalid JSON body");
        }
    }

    @Test
    void storeRejectionsAndFailures() throws IOException {
        assertThat(send(PROTOBUF, null, gauges("g", 1).toByteArray()).status()).isEqualTo(200);

        writer.failWith(new SextantException(ErrorCode.OVERLOADED, "head is full"));
        IngestResponse r = send(PROTOBUF, null, gauges("g", 1).toByteArray());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.headers()).containsEntry("Retry-After", "5");
        assertThat(Status.parse(r.body())).isEqualTo(new Status(14, "head is full"));

        writer.failWith(new SextantException(ErrorCode.EXTERNAL_FAILURE, "disk full"));
        r = send(JSON, null, json(gauges("g", 1)));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.headers()).isEmpty();
        assertThat(new String(r.body(), UTF_8)).isEqualTo("{\"code\":13,\"message\":\"disk full\"}");

        writer.failWith(new SextantException(ErrorCode.OUT_OF_BOUNDS, "too old"));
        assertThat(send(PROTOBUF, null, gauges("g", 1).toByteArray()).status()).isEqualTo(400);
    }

    @Test
    void bugsBecome500() throws IOException {
        OtlpMetricsHandler broken = new OtlpMetricsHandler(
                tenant -> {
                    throw new IllegalStateException("boom");
                },
                IngestLimits.DEFAULTS,
                telemetry);
        byte[] body = gauges("g", 1).toByteArray();
        IngestResponse r = broken.handle(TENANT, PROTOBUF, null, body, body.length);
        assertThat(r.status()).isEqualTo(500);
        assertThat(Status.parse(r.body()).code()).isEqualTo(13);
    }

    @Test
    void telemetry() throws IOException {
        byte[] ok = gauges("g", 1, 2).toByteArray();
        send(PROTOBUF, null, ok);
        send(PROTOBUF, null, new byte[] {1, 2, 3});
        send("text/html", null, new byte[0]);
        StringBuilder text = new StringBuilder();
        telemetry.writeText(text);
        assertThat(text.toString())
                .contains(
                        "sextant_ingest_requests_total{protocol=\"otlp\",code=\"200\"} 1\n",
                        "sextant_ingest_requests_total{protocol=\"otlp\",code=\"400\"} 1\n",
                        "sextant_ingest_requests_total{protocol=\"otlp\",code=\"415\"} 1\n",
                        "sextant_ingest_samples_total{protocol=\"otlp\",result=\"accepted\"} 2\n",
                        "sextant_ingest_request_bytes_total{protocol=\"otlp\"} " + (ok.length + 3) + "\n",
                        "sextant_ingest_request_duration_seconds_count{protocol=\"otlp\"} 3\n");
    }

    @Test
    void concurrentRequests() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String name = "m" + t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 50; i++) {
                        ExportMetricsServiceRequest req = request(Metric.newBuilder()
                                .setName(name)
                                .setGauge(Gauge.newBuilder()
                                        .addDataPoints(NumberDataPoint.newBuilder()
                                                .setTimeUnixNano(T0_NANOS + i * 1_000_000_000L)
                                                .setAsInt(i)))
                                .build());
                        byte[] body = i % 2 == 0 ? req.toByteArray() : json(req);
                        IngestResponse r =
                                handler.handle(TENANT, i % 2 == 0 ? PROTOBUF : JSON, null, body, body.length);
                        ok += r.status() == 200 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(50);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(writer.samples(TENANT)).hasSize(200);
    }

    private static NumberDataPoint point(double value, KeyValue... attributes) {
        return NumberDataPoint.newBuilder()
                .setTimeUnixNano(T0_NANOS)
                .setAsDouble(value)
                .addAllAttributes(List.of(attributes))
                .build();
    }

    private static byte[] json(ExportMetricsServiceRequest request) {
        try {
            return JsonFormat.printer().print(request).getBytes(UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
