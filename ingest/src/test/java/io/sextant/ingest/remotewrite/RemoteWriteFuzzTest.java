package io.sextant.ingest.remotewrite;

import static io.sextant.ingest.remotewrite.Requests.label;
import static io.sextant.ingest.remotewrite.Requests.sample;
import static io.sextant.ingest.remotewrite.Requests.series;
import static io.sextant.ingest.remotewrite.Requests.snappy;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.IngestResponse;
import io.sextant.ingest.remotewrite.RecordingMetricsWriter.StoredSample;
import io.sextant.ingest.remotewrite.proto.Histogram;
import io.sextant.ingest.remotewrite.proto.Label;
import io.sextant.ingest.remotewrite.proto.MetricMetadata;
import io.sextant.ingest.remotewrite.proto.Sample;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import io.sextant.storage.Labels;
import io.sextant.storage.telemetry.Telemetry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid requests at random and checks that the handler answers 204 or 4xx, never throws, and
 * never hands the store an invalid label set. A 204 is checked against protobuf-java's own parse of the
 * same bytes. Rerun a failure with {@code -Dfuzz.seed=<seed>}.
 */
class RemoteWriteFuzzTest {
    private static final int ITERATIONS = 20_000;
    private static final int SNAPPY_ITERATIONS = 5_000;
    private static final IngestLimits LIMITS = new IngestLimits(1 << 20, 1 << 20, 12, 48, 96, 5_000);

    private final long seed = Long.getLong("fuzz.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private final RecordingMetricsWriter writer = new RecordingMetricsWriter();
    private final RecordingMetricsWriter.Tenant store = writer.tenant("fuzz");
    private final RemoteWriteHandler handler = new RemoteWriteHandler(writer, LIMITS, new Telemetry());

    @Test
    void mutatedProtobufIsAnsweredWith204Or4xx() {
        System.out.println("RemoteWriteFuzzTest protobuf seed " + seed);
        List<byte[]> corpus = corpus();
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        List<byte[]> shapes = RemoteWriteDecoderShapesTest.singlePassCorpus();
        for (int i = 0; i < shapes.size(); i++) {
            // the decoder's special shapes unmutated first: valid, so they must come out as protobuf-java reads them
            byte[] raw = shapes.get(i);
            int commitsBefore = store.commits;
            int exemplarsBefore = store.exemplars.size();
            IngestResponse r = handle(snappy(raw), -1 - i, raw);
            assertThat(r.status()).as(describe(-1 - i, raw, r)).isEqualTo(204);
            assertSameAsProtobufJava(raw, commitsBefore, exemplarsBefore, -1 - i, r);
        }
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] raw = mutate(corpus, random);
            byte[] body = snappy(raw);
            int commitsBefore = store.commits;
            int exemplarsBefore = store.exemplars.size();
            IngestResponse r = handle(body, i, raw);
            statuses.merge(r.status(), 1, Integer::sum);
            assertThat(r.status()).as(describe(i, raw, r)).isIn(204, 400, 413);
            if (r.status() == 204) {
                assertSameAsProtobufJava(raw, commitsBefore, exemplarsBefore, i, r);
            }
        }
        System.out.println("RemoteWriteFuzzTest statuses " + statuses);
        assertThat(statuses.get(204)).as("some mutations stay valid").isPositive();
        assertThat(statuses.get(400)).as("most mutations are invalid").isGreaterThan(ITERATIONS / 4);
        assertStoreHoldsOnlyValidSeries();
    }

    @Test
    void mutatedSnappyIsAnsweredWith204Or4xx() {
        System.out.println("RemoteWriteFuzzTest snappy seed " + seed);
        List<byte[]> compressed = corpus().stream().map(Requests::snappy).toList();
        for (int i = 0; i < SNAPPY_ITERATIONS; i++) {
            byte[] body = mutate(compressed, random);
            IngestResponse r = handle(body, i, body);
            assertThat(r.status()).as(describe(i, body, r)).isIn(204, 400, 413);
        }
        assertStoreHoldsOnlyValidSeries();
    }

    private IngestResponse handle(byte[] body, int iteration, byte[] input) {
        try {
            return handler.handle("fuzz", "application/x-protobuf", "snappy", body, body.length);
        } catch (Throwable t) {
            throw new AssertionError(describe(iteration, input, null), t);
        }
    }

    private String describe(int iteration, byte[] input, IngestResponse r) {
        return "seed " + seed + ", iteration " + iteration + ", input "
                + HexFormat.of().formatHex(input)
                + (r == null ? "" : ", response " + r.status() + " " + new String(r.body(), UTF_8));
    }

    /** On 204 the store must have received exactly what protobuf-java parses from the same bytes. */
    private void assertSameAsProtobufJava(
            byte[] raw, int commitsBefore, int exemplarsBefore, int iteration, IngestResponse r) {
        WriteRequest parsed;
        try {
            parsed = WriteRequest.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("accepted what protobuf-java rejects: " + e + "; " + describe(iteration, raw, r));
        }
        List<StoredSample> expected = new ArrayList<>();
        int exemplars = 0;
        for (TimeSeries ts : parsed.getTimeseriesList()) {
            assertThat(ts.getHistogramsCount()).isZero();
            if (ts.getSamplesCount() == 0 && ts.getExemplarsCount() == 0) {
                continue;
            }
            Labels labels = labels(ts.getLabelsList());
            for (Sample s : ts.getSamplesList()) {
                expected.add(new StoredSample(labels, s.getTimestamp(), Double.doubleToRawLongBits(s.getValue())));
            }
            exemplars += ts.getExemplarsCount();
        }
        List<StoredSample> actual = store.commits > commitsBefore ? store.lastCommit : List.of();
        assertThat(actual).as(describe(iteration, raw, r)).isEqualTo(expected);
        assertThat(store.exemplars.size() - exemplarsBefore).isEqualTo(exemplars);
    }

    private static Labels labels(List<Label> labels) {
        Labels.Builder b = Labels.builder();
        for (Label l : labels) {
            b.add(l.getName(), l.getValue());
        }
        return b.build();
    }

    private void assertStoreHoldsOnlyValidSeries() {
        assertThat(store.series()).isNotEmpty();
        for (Labels labels : store.series()) {
            assertThat(labels.metricName()).isNotEmpty();
            assertThat(labels.size()).isLessThanOrEqualTo(LIMITS.maxLabelsPerSeries());
            List<String> pairs = new ArrayList<>();
            labels.forEach((name, value) -> {
                assertThat(name.getBytes(UTF_8).length).isLessThanOrEqualTo(LIMITS.maxLabelNameLength());
                assertThat(value.getBytes(UTF_8).length).isLessThanOrEqualTo(LIMITS.maxLabelValueLength());
                assertThat(new String(name.getBytes(UTF_8), UTF_8)).isEqualTo(name);
                assertThat(new String(value.getBytes(UTF_8), UTF_8)).isEqualTo(value);
                pairs.add(name);
                pairs.add(value);
            });
            assertThat((Object) Labels.of(pairs.toArray(String[]::new))).isEqualTo(labels);
        }
        // every wire key must decode, with protobuf-java, to the series it resolves to
        for (Map.Entry<ByteBuffer, Labels> e : store.keys().entrySet()) {
            ByteBuffer key = e.getKey().duplicate();
            try {
                assertThat((Object) labels(TimeSeries.parseFrom(key).getLabelsList()))
                        .isEqualTo(e.getValue());
            } catch (InvalidProtocolBufferException ex) {
                throw new AssertionError("stored key does not parse: " + ex);
            }
        }
    }

    static List<byte[]> corpus() {
        List<byte[]> corpus = new ArrayList<>(RemoteWriteDecoderShapesTest.singlePassCorpus());
        WriteRequest.Builder node = WriteRequest.newBuilder();
        for (int cpu = 0; cpu < 3; cpu++) {
            for (String mode : List.of("idle", "user", "system")) {
                node.addTimeseries(series(
                                "__name__", "node_cpu_seconds_total",
                                "cpu", Integer.toString(cpu),
                                "instance", "10.0.0.1:9100",
                                "job", "node",
                                "mode", mode)
                        .addSamples(sample(1_700_000_000_000L + cpu, 1234.5 * cpu))
                        .addSamples(sample(1_700_000_015_000L + cpu, 1240.25 * cpu)));
            }
        }
        corpus.add(node.build().toByteArray());

        corpus.add(WriteRequest.newBuilder()
                .addTimeseries(series("__name__", "http_request_duration_seconds_bucket", "le", "0.25", "path", "/ä")
                        .addSamples(sample(1_700_000_000_000L, 17))
                        .addExemplars(io.sextant.ingest.remotewrite.proto.Exemplar.newBuilder()
                                .addLabels(label("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"))
                                .addLabels(label("span_id", "00f067aa0ba902b7"))
                                .setValue(0.2)
                                .setTimestamp(1_699_999_999_999L)))
                .addTimeseries(series("job", "api", "__name__", "up", "instance", "b")
                        .addSamples(sample(-5, Double.longBitsToDouble(0x7ff0000000000002L)))
                        .addSamples(sample(1, Double.NaN))
                        .addSamples(sample(2, Double.NEGATIVE_INFINITY)))
                .build()
                .toByteArray());

        corpus.add(WriteRequest.newBuilder()
                .addMetadata(MetricMetadata.newBuilder()
                        .setType(MetricMetadata.MetricType.COUNTER)
                        .setMetricFamilyName("node_cpu_seconds_total")
                        .setHelp("Seconds the CPUs spent in each mode.")
                        .setUnit("seconds"))
                .addMetadata(MetricMetadata.newBuilder().setTypeValue(42).setMetricFamilyName("x"))
                .build()
                .toByteArray());

        corpus.add(WriteRequest.newBuilder()
                .addTimeseries(series("__name__", "rpc_seconds", "job", "api")
                        .addHistograms(Histogram.newBuilder()
                                .setCountInt(10)
                                .setSum(3.5)
                                .setSchema(1)
                                .setZeroThreshold(1e-128)
                                .addPositiveSpans(io.sextant.ingest.remotewrite.proto.BucketSpan.newBuilder()
                                        .setOffset(-2)
                                        .setLength(2))
                                .addPositiveDeltas(3)
                                .addPositiveDeltas(-1)
                                .setTimestamp(1000)))
                .addTimeseries(series("__name__", "up", "job", "api").addSamples(sample(1000, 1)))
                .build()
                .toByteArray());

        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(
                        15,
                        UnknownFieldSet.Field.newBuilder()
                                .addVarint(300)
                                .addFixed32(7)
                                .addFixed64(-1)
                                .addLengthDelimited(ByteString.copyFromUtf8("ignored"))
                                .build())
                .build();
        corpus.add(WriteRequest.newBuilder()
                .addTimeseries(TimeSeries.newBuilder()
                        .addLabels(label("__name__", "interleaved"))
                        .addSamples(
                                Sample.newBuilder().setValue(1).setTimestamp(5).setUnknownFields(unknown))
                        .addLabels(
                                Label.newBuilder().setName("z").setValue("last").setUnknownFields(unknown))
                        .setUnknownFields(unknown))
                .setUnknownFields(unknown)
                .build()
                .toByteArray());
        return corpus;
    }

    static byte[] mutate(List<byte[]> corpus, Random random) {
        byte[] b = corpus.get(random.nextInt(corpus.size()));
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            b = mutateOnce(b, corpus, random);
        }
        return b;
    }

    private static byte[] mutateOnce(byte[] b, List<byte[]> corpus, Random random) {
        int n = b.length;
        int at = n == 0 ? 0 : random.nextInt(n);
        switch (random.nextInt(8)) {
            case 0 -> {
                if (n == 0) {
                    return b;
                }
                byte[] out = b.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1 -> {
                byte[] insert = new byte[1 + random.nextInt(4)];
                random.nextBytes(insert);
                return splice(b, at, at, insert);
            }
            case 2 -> {
                return splice(b, at, Math.min(n, at + 1 + random.nextInt(4)), new byte[0]);
            }
            case 3 -> {
                return Arrays.copyOf(b, n == 0 ? 0 : random.nextInt(n));
            }
            case 4 -> {
                byte[] other = corpus.get(random.nextInt(corpus.size()));
                int from = other.length == 0 ? 0 : random.nextInt(other.length);
                return splice(b, at, n, Arrays.copyOfRange(other, from, other.length));
            }
            case 5 -> {
                // a long or overflowing varint, typically read as a huge length or a tag
                int len = 1 + random.nextInt(11);
                byte[] varint = new byte[len];
                Arrays.fill(varint, (byte) 0xFF);
                varint[len - 1] = (byte) random.nextInt(0x80);
                return splice(b, at, Math.min(n, at + len), varint);
            }
            case 6 -> {
                if (n == 0) {
                    return b;
                }
                byte[] out = b.clone();
                out[at] = (byte) ((1 + random.nextInt(5)) << 3 | random.nextInt(8));
                return out;
            }
            default -> {
                if (n == 0) {
                    return b;
                }
                int end = Math.min(n, at + 1 + random.nextInt(32));
                int to = random.nextInt(n + 1);
                return splice(b, to, to, Arrays.copyOfRange(b, at, end));
            }
        }
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        if (to < from) {
            to = from;
        }
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }
}
