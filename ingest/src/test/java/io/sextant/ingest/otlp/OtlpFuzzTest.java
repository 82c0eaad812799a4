package io.sextant.ingest.otlp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.IngestResponse;
import io.sextant.storage.Labels;
import io.sextant.storage.telemetry.Telemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Feeds thousands of mutations of the fixture requests to the handler: random byte edits of the binary protobuf,
 * random character edits of the JSON, and structure-aware edits (odd names, units, attribute values, flags,
 * temporalities, timestamps, counts, bounds, exemplar ids) in both encodings, sometimes gzipped. Every answer
 * must be 200 or 4xx in the request's encoding, never an exception, and everything stored must be valid labels.
 * Set {@code -Dotlp.fuzz.seed=<seed>} to replay a run; the seed is printed and in every failure message.
 */
class OtlpFuzzTest {
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";
    private static final int ROUNDS = 1300;
    private static final IngestLimits LIMITS = new IngestLimits(1 << 20, 1 << 20, 32, 200, 1000, 20_000);
    private static final String[] UNITS = {"", "1", "s", "ms", "By/s", "{req}", "%", "/", "1/", "ä/ß", " s ", "By/{x}"};
    private static final String[] NAMES = {
        "",
        "_",
        "__",
        "...",
        "9",
        "a.b.c",
        "ключ",
        "\ud83d\ude00",
        "total",
        "x_total",
        "__name__",
        "le",
        "job",
        "instance",
        "quantile",
        "a\u0000b",
        "service.name",
        "trace_id"
    };
    private static final double[] DOUBLES = {
        0,
        -0.0,
        1,
        -1,
        0.5,
        1e-7,
        1e21,
        1e308,
        Double.MIN_VALUE,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        Double.longBitsToDouble(0x7ff0000000000002L)
    };

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final RecordingMetricsWriter writer = new RecordingMetricsWriter();
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private long storedSamples;
    private final OtlpMetricsHandler handler = new OtlpMetricsHandler(writer, LIMITS, new Telemetry());

    @Test
    void mutatedRequestsNeverFailTheServer() throws Exception {
        long seed = Long.getLong("otlp.fuzz.seed", System.nanoTime());
        System.out.println("OtlpFuzzTest seed " + seed + " (-Dotlp.fuzz.seed=" + seed + " to replay)");
        SplittableRandom random = new SplittableRandom(seed);
        List<ExportMetricsServiceRequest> corpus = corpus();
        List<byte[]> corpusJson = new ArrayList<>();
        for (ExportMetricsServiceRequest request : corpus) {
            corpusJson.add(hexJson(request));
        }
        int iterations = 0;
        int ok = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int pick = random.nextInt(corpus.size());
            ExportMetricsServiceRequest base = corpus.get(pick);
            check(seed, iterations++, PROTOBUF, mutateBytes(random, base.toByteArray(), corpus));
            check(seed, iterations++, JSON, mutateText(random, corpusJson.get(pick)));
            ExportMetricsServiceRequest mutated = mutateStructure(random, base);
            ok += check(seed, iterations++, PROTOBUF, mutated.toByteArray()) == 200 ? 1 : 0;
            check(seed, iterations++, JSON, hexJson(mutated));
        }
        System.out.println("OtlpFuzzTest statuses " + statuses + ", samples stored " + storedSamples);
        assertThat(iterations).isGreaterThanOrEqualTo(5000);
        // The structure-aware mutations must mostly get through parsing, or they test nothing.
        assertThat(ok).as("seed %d", seed).isGreaterThan(ROUNDS / 2);
    }

    private int check(long seed, int iteration, String contentType, byte[] body) {
        SplittableRandom r = new SplittableRandom(seed + iteration);
        String encoding = null;
        if (r.nextInt(8) == 0) {
            body = OtlpTestRequests.gzip(body);
            encoding = "gzip";
            if (r.nextBoolean()) {
                body[r.nextInt(body.length)] ^= (byte) (1 << r.nextInt(8));
            }
        }
        writer.clear();
        IngestResponse response;
        try {
            response = handler.handle("fuzz", contentType, encoding, body, body.length);
        } catch (Throwable t) {
            throw new AssertionError(describe(seed, iteration, contentType, body) + " threw", t);
        }
        byte[] sent = body;
        IngestResponse answer = response;
        Supplier<String> context = () -> describe(seed, iteration, contentType, sent) + " answered " + answer.status()
                + " " + new String(answer.body(), UTF_8);
        if (response.status() != 200 && (response.status() < 400 || response.status() >= 500)) {
            fail(context.get());
        }
        assertThat(response.contentType()).as(context).isEqualTo(contentType);
        if (response.status() == 200) {
            try {
                OtlpMappingFixturesTest.parseResponse(contentType, response.body());
            } catch (IOException e) {
                throw new AssertionError(context.get(), e);
            }
        }
        statuses.merge(response.status(), 1, Integer::sum);
        storedSamples += writer.samples("fuzz").size();
        for (RecordingMetricsWriter.Sample s : writer.samples("fuzz")) {
            checkSeriesLabels(context, s.labels());
        }
        for (RecordingMetricsWriter.RecordedExemplar e : writer.exemplars("fuzz")) {
            for (int i = 0; i < e.exemplar().labels().size(); i++) {
                assertThat(e.exemplar().labels().name(i)).as(context).isNotEmpty();
                assertThat(isValidUtf16(e.exemplar().labels().value(i)))
                        .as(context)
                        .isTrue();
            }
        }
        return response.status();
    }

    private static void checkSeriesLabels(Supplier<String> context, Labels labels) {
        assertThat(labels.size()).as(context).isBetween(1, LIMITS.maxLabelsPerSeries());
        assertThat(labels.metricName()).as(context).matches(METRIC_NAME);
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            String value = labels.value(i);
            assertThat(name).as(context).matches(LABEL_NAME).hasSizeLessThanOrEqualTo(200);
            assertThat(value).as(context).isNotEmpty();
            assertThat(isValidUtf16(value)).as(context).isTrue();
            assertThat(value.getBytes(UTF_8).length).as(context).isLessThanOrEqualTo(LIMITS.maxLabelValueLength());
        }
    }

    private static boolean isValidUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String describe(long seed, int iteration, String contentType, byte[] body) {
        return "seed " + seed + " iteration " + iteration + " " + contentType + " body (base64) "
                + Base64.getEncoder().encodeToString(body);
    }

    private static List<ExportMetricsServiceRequest> corpus() throws Exception {
        List<ExportMetricsServiceRequest> corpus = new ArrayList<>();
        try (Stream<Path> files = Files.list(OtlpMappingFixturesTest.fixtureDir())) {
            for (Path p :
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                byte[] json = Files.readAllBytes(p);
                corpus.add(OtlpCodec.parseJson(json, json.length));
            }
        }
        return corpus;
    }

    /** OTLP/JSON: proto3 JSON with ids rewritten from base64 to hex. */
    private static byte[] hexJson(ExportMetricsServiceRequest request) throws IOException {
        String json = JsonFormat.printer().omittingInsignificantWhitespace().print(request);
        StringBuilder out = new StringBuilder(json.length());
        int i = 0;
        while (true) {
            int trace = json.indexOf("\"traceId\":\"", i);
            int span = json.indexOf("\"spanId\":\"", i);
            int at = trace < 0 ? span : span < 0 ? trace : Math.min(trace, span);
            if (at < 0) {
                break;
            }
            int start = json.indexOf(':', at) + 2;
            int end = json.indexOf('"', start);
            out.append(json, i, start);
            for (byte b : Base64.getDecoder().decode(json.substring(start, end))) {
                out.append(String.format("%02x", b));
            }
            i = end;
        }
        return out.append(json, i, json.length()).toString().getBytes(UTF_8);
    }

    private static byte[] mutateBytes(SplittableRandom r, byte[] in, List<ExportMetricsServiceRequest> corpus) {
        byte[] b = in.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) new int[] {0, 0xff, 0x80, 0x7f, 0x01, 0x0a, 0x12}[r.nextInt(7)];
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> b = splice(b, at, at + Math.min(b.length - at, r.nextInt(16)), new byte[0]);
                case 4 -> b = splice(b, at, at, randomBytes(r, 1 + r.nextInt(8)));
                case 5 -> {
                    int from = r.nextInt(b.length);
                    int len = Math.min(b.length - from, 1 + r.nextInt(64));
                    b = splice(b, at, at, Arrays.copyOfRange(b, from, from + len));
                }
                default -> {
                    byte[] other = corpus.get(r.nextInt(corpus.size())).toByteArray();
                    int from = r.nextInt(other.length);
                    b = splice(b, at, b.length, Arrays.copyOfRange(other, from, other.length));
                }
            }
        }
        return b;
    }

    private static byte[] mutateText(SplittableRandom r, byte[] json) {
        StringBuilder s = new StringBuilder(new String(json, UTF_8));
        String[] tokens = {
            "{",
            "}",
            "[",
            "]",
            "\"",
            ":",
            ",",
            "\\",
            "\\u",
            "\\ud800",
            "null",
            "true",
            "1e400",
            "-0",
            "\"NaN\"",
            "18446744073709551616",
            "-1",
            "\"\"",
            "0.5",
            "\"x\"",
            "\u00e9",
            "\ud83d\ude00"
        };
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && s.length() > 0; e++) {
            int at = r.nextInt(s.length());
            switch (r.nextInt(5)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, tokens[r.nextInt(tokens.length)]);
                case 2 -> s.setLength(at);
                case 3 -> {
                    int end = Math.min(s.length(), at + 1 + r.nextInt(40));
                    s.insert(r.nextInt(s.length()), s.substring(at, end));
                }
                default -> {
                    // Replace a number or string value with a token.
                    int colon = s.indexOf(":", at);
                    if (colon > 0) {
                        int end = colon + 1;
                        while (end < s.length() && ",}]".indexOf(s.charAt(end)) < 0) {
                            end++;
                        }
                        s.replace(colon + 1, end, tokens[r.nextInt(tokens.length)]);
                    }
                }
            }
        }
        return s.toString().getBytes(UTF_8);
    }

    private static ExportMetricsServiceRequest mutateStructure(SplittableRandom r, ExportMetricsServiceRequest in) {
        ExportMetricsServiceRequest.Builder b = in.toBuilder();
        int edits = 1 + r.nextInt(6);
        for (int e = 0; e < edits; e++) {
            if (b.getResourceMetricsCount() == 0) {
                return b.build();
            }
            ResourceMetrics.Builder rm = b.getResourceMetricsBuilder(r.nextInt(b.getResourceMetricsCount()));
            if (r.nextInt(5) == 0) {
                rm.getResourceBuilder().addAttributes(randomAttribute(r));
                continue;
            }
            if (rm.getScopeMetricsCount() == 0) {
                continue;
            }
            ScopeMetrics.Builder sm = rm.getScopeMetricsBuilder(r.nextInt(rm.getScopeMetricsCount()));
            if (sm.getMetricsCount() == 0) {
                continue;
            }
            Metric.Builder m = sm.getMetricsBuilder(r.nextInt(sm.getMetricsCount()));
            switch (r.nextInt(4)) {
                case 0 -> m.setName(pick(r, NAMES) + (r.nextBoolean() ? "" : pick(r, NAMES)));
                case 1 -> m.setUnit(pick(r, UNITS));
                case 2 -> mutateTemporality(r, m);
                default -> mutatePoints(r, m);
            }
        }
        return b.build();
    }

    private static void mutateTemporality(SplittableRandom r, Metric.Builder m) {
        int value = r.nextInt(4);
        switch (m.getDataCase()) {
            case SUM -> m.getSumBuilder().setAggregationTemporalityValue(value).setIsMonotonic(r.nextBoolean());
            case HISTOGRAM -> m.getHistogramBuilder().setAggregationTemporalityValue(value);
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogramBuilder().setAggregationTemporalityValue(value);
            default -> {}
        }
    }

    private static void mutatePoints(SplittableRandom r, Metric.Builder m) {
        switch (m.getDataCase()) {
            case GAUGE -> {
                for (NumberDataPoint.Builder p : m.getGaugeBuilder().getDataPointsBuilderList()) {
                    mutateNumber(r, p);
                }
            }
            case SUM -> {
                for (NumberDataPoint.Builder p : m.getSumBuilder().getDataPointsBuilderList()) {
                    mutateNumber(r, p);
                }
            }
            case HISTOGRAM -> {
                for (HistogramDataPoint.Builder p : m.getHistogramBuilder().getDataPointsBuilderList()) {
                    p.setFlags(r.nextInt(4)).setCount(r.nextLong()).setTimeUnixNano(randomTime(r));
                    if (r.nextBoolean()) {
                        p.setSum(pick(r, DOUBLES));
                    }
                    p.clearBucketCounts().clearExplicitBounds();
                    int n = r.nextInt(12);
                    for (int i = 0; i < n; i++) {
                        p.addExplicitBounds(r.nextBoolean() ? pick(r, DOUBLES) : r.nextDouble() * 100);
                        p.addBucketCounts(r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(100));
                    }
                    if (r.nextBoolean()) {
                        p.addBucketCounts(r.nextInt(10));
                    }
                    p.addAttributes(randomAttribute(r)).addExemplars(randomExemplar(r));
                }
            }
            case SUMMARY -> {
                for (SummaryDataPoint.Builder p : m.getSummaryBuilder().getDataPointsBuilderList()) {
                    p.setFlags(r.nextInt(4)).setCount(r.nextLong()).setSum(pick(r, DOUBLES));
                    p.addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder()
                            .setQuantile(pick(r, DOUBLES))
                            .setValue(pick(r, DOUBLES)));
                    p.addAttributes(randomAttribute(r));
                }
            }
            default -> {}
        }
    }

    private static void mutateNumber(SplittableRandom r, NumberDataPoint.Builder p) {
        switch (r.nextInt(5)) {
            case 0 -> p.setAsDouble(pick(r, DOUBLES));
            case 1 -> p.setAsInt(r.nextLong());
            case 2 -> p.setFlags(r.nextInt(4)).setTimeUnixNano(randomTime(r));
            case 3 -> p.addExemplars(randomExemplar(r));
            default -> p.addAttributes(randomAttribute(r));
        }
    }

    private static long randomTime(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> r.nextLong();
            default -> OtlpTestRequests.T0_NANOS + r.nextLong(1_000_000_000_000L);
        };
    }

    private static Exemplar randomExemplar(SplittableRandom r) {
        Exemplar.Builder e = Exemplar.newBuilder().setTimeUnixNano(randomTime(r));
        switch (r.nextInt(3)) {
            case 0 -> e.setAsDouble(pick(r, DOUBLES));
            case 1 -> e.setAsInt(r.nextLong());
            default -> {}
        }
        // Mostly valid id lengths: invalid ones fail the whole request.
        int[] traceLengths = {0, 16, 16, 16, 3};
        int[] spanLengths = {0, 8, 8, 8, 9};
        e.setTraceId(ByteString.copyFrom(randomBytes(r, traceLengths[r.nextInt(traceLengths.length)])));
        e.setSpanId(ByteString.copyFrom(randomBytes(r, spanLengths[r.nextInt(spanLengths.length)])));
        for (int i = r.nextInt(3); i > 0; i--) {
            e.addFilteredAttributes(randomAttribute(r));
        }
        return e.build();
    }

    private static KeyValue randomAttribute(SplittableRandom r) {
        return KeyValue.newBuilder()
                .setKey(pick(r, NAMES) + (r.nextBoolean() ? "" : "." + pick(r, NAMES)))
                .setValue(randomValue(r, 3))
                .build();
    }

    private static AnyValue randomValue(SplittableRandom r, int depth) {
        AnyValue.Builder v = AnyValue.newBuilder();
        switch (r.nextInt(depth > 0 ? 8 : 6)) {
            case 0 -> v.setStringValue(pick(r, NAMES) + "x".repeat(r.nextInt(3) == 0 ? r.nextInt(2000) : 0));
            case 1 -> v.setBoolValue(r.nextBoolean());
            case 2 -> v.setIntValue(r.nextLong());
            case 3 -> v.setDoubleValue(pick(r, DOUBLES));
            case 4 -> v.setBytesValue(ByteString.copyFrom(randomBytes(r, r.nextInt(5))));
            case 5 -> {}
            case 6 -> {
                ArrayValue.Builder a = ArrayValue.newBuilder();
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.addValues(randomValue(r, depth - 1));
                }
                v.setArrayValue(a);
            }
            default -> {
                KeyValueList.Builder kv = KeyValueList.newBuilder();
                for (int i = r.nextInt(4); i > 0; i--) {
                    kv.addValues(KeyValue.newBuilder().setKey(pick(r, NAMES)).setValue(randomValue(r, depth - 1)));
                }
                v.setKvlistValue(kv);
            }
        }
        return v.build();
    }

    private static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    private static double pick(SplittableRandom r, double[] values) {
        return values[r.nextInt(values.length)];
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }
}
