package io.sextant.ingest.remotewrite;

import static io.sextant.ingest.remotewrite.Requests.label;
import static io.sextant.ingest.remotewrite.Requests.patch;
import static io.sextant.ingest.remotewrite.Requests.request;
import static io.sextant.ingest.remotewrite.Requests.sample;
import static io.sextant.ingest.remotewrite.Requests.series;
import static io.sextant.ingest.remotewrite.Requests.snappy;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.IngestResponse;
import io.sextant.ingest.remotewrite.RecordingMetricsWriter.StoredSample;
import io.sextant.ingest.remotewrite.proto.Histogram;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Exemplar;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.SextantException;
import io.sextant.storage.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RemoteWriteHandlerTest {
    private static final String TENANT = "team-a";
    private static final long STALE_NAN = 0x7ff0000000000002L;
    static final IngestLimits LIMITS = new IngestLimits(1 << 20, 4 << 20, 8, 32, 64, 1000);

    private final RecordingMetricsWriter writer = new RecordingMetricsWriter();
    private final RecordingMetricsWriter.Tenant store = writer.tenant(TENANT);
    private final Telemetry telemetry = new Telemetry();
    private final RemoteWriteHandler handler = new RemoteWriteHandler(writer, LIMITS, telemetry);

    private IngestResponse post(byte[] protobuf) {
        byte[] body = snappy(protobuf);
        return handler.handle(TENANT, "application/x-protobuf", "snappy", body, body.length);
    }

    private static String text(IngestResponse r) {
        return new String(r.body(), UTF_8);
    }

    private static TimeSeries.Builder good() {
        return series("__name__", "up", "job", "good").addSamples(sample(1000, 1));
    }

    private void assertGoodSeriesStored() {
        assertThat(store.samplesOf(Labels.of("__name__", "up", "job", "good")))
                .containsExactly(new StoredSample(Labels.of("__name__", "up", "job", "good"), 1000, doubleBits(1)));
    }

    private static long doubleBits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    @Test
    void roundTripsARealisticRequest() {
        io.sextant.ingest.remotewrite.proto.Exemplar exemplar =
                io.sextant.ingest.remotewrite.proto.Exemplar.newBuilder()
                        .addLabels(label("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"))
                        .setValue(0.042)
                        .setTimestamp(1_700_000_000_123L)
                        .build();
        byte[] req = WriteRequest.newBuilder()
                .addTimeseries(series("__name__", "http_requests_total", "code", "200", "job", "api", "path", "/ä/€")
                        .addSamples(sample(1_700_000_000_000L, 41))
                        .addSamples(sample(1_700_000_015_000L, 42)))
                .addTimeseries(series("__name__", "latency_seconds_bucket", "le", "+Inf")
                        .addSamples(sample(1_700_000_000_000L, Double.NaN))
                        .addSamples(sample(1_700_000_001_000L, Double.POSITIVE_INFINITY))
                        .addSamples(sample(1_700_000_002_000L, Double.NEGATIVE_INFINITY))
                        .addSamples(sample(1_700_000_003_000L, Double.longBitsToDouble(STALE_NAN)))
                        .addExemplars(exemplar))
                .addMetadata(io.sextant.ingest.remotewrite.proto.MetricMetadata.newBuilder()
                        .setType(io.sextant.ingest.remotewrite.proto.MetricMetadata.MetricType.COUNTER)
                        .setMetricFamilyName("http_requests_total")
                        .setHelp("Requests served.")
                        .setUnit("requests"))
                .build()
                .toByteArray();

        IngestResponse r = post(req);

        assertThat(r.status()).as(text(r)).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        Labels http = Labels.of("__name__", "http_requests_total", "code", "200", "job", "api", "path", "/ä/€");
        Labels bucket = Labels.of("__name__", "latency_seconds_bucket", "le", "+Inf");
        assertThat(store.samples)
                .containsExactly(
                        new StoredSample(http, 1_700_000_000_000L, doubleBits(41)),
                        new StoredSample(http, 1_700_000_015_000L, doubleBits(42)),
                        new StoredSample(bucket, 1_700_000_000_000L, doubleBits(Double.NaN)),
                        new StoredSample(bucket, 1_700_000_001_000L, doubleBits(Double.POSITIVE_INFINITY)),
                        new StoredSample(bucket, 1_700_000_002_000L, doubleBits(Double.NEGATIVE_INFINITY)),
                        new StoredSample(bucket, 1_700_000_003_000L, STALE_NAN));
        assertThat(store.exemplars)
                .containsExactly(new RecordingMetricsWriter.StoredExemplar(
                        bucket,
                        new Exemplar(
                                Labels.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"), 0.042, 1_700_000_000_123L)));
        assertThat(store.metadata)
                .containsExactly(new MetricMetadata(
                        "http_requests_total", MetricMetadata.Type.COUNTER, "Requests served.", "requests"));
        assertThat(counter("sextant_ingest_samples_total", "result", "accepted"))
                .isEqualTo(6);
        assertThat(counter("sextant_ingest_exemplars_total", "result", "accepted"))
                .isEqualTo(1);
        assertThat(telemetry
                        .counter("sextant_ingest_metadata_total", "", "protocol", "remote_write")
                        .get())
                .isEqualTo(1);
        assertThat(counter("sextant_ingest_requests_total", "code", "204")).isEqualTo(1);
    }

    private long counter(String name, String label, String value) {
        return telemetry
                .counter(name, "", "protocol", "remote_write", label, value)
                .get();
    }

    @Test
    void secondRequestResolvesSeriesByWireKey() {
        byte[] first = request(
                series("__name__", "up", "instance", "a:9100", "job", "node").addSamples(sample(1000, 1)),
                series("__name__", "up", "instance", "b:9100", "job", "node").addSamples(sample(1000, 1)));
        byte[] second = request(
                series("__name__", "up", "instance", "a:9100", "job", "node").addSamples(sample(2000, 0)),
                series("__name__", "up", "instance", "b:9100", "job", "node").addSamples(sample(2000, 1)));

        assertThat(post(first).status()).isEqualTo(204);
        assertThat(store.seriesRefHits).isZero();
        assertThat(store.newEntries).isEqualTo(2);

        assertThat(post(second).status()).isEqualTo(204);
        assertThat(store.seriesRefHits).isEqualTo(2);
        assertThat(store.resolvedEntries).isEqualTo(2);
        assertThat(store.newEntries).isEqualTo(2);
        assertThat(store.samplesOf(Labels.of("__name__", "up", "instance", "a:9100", "job", "node")))
                .extracting(StoredSample::timestamp)
                .containsExactly(1000L, 2000L);
    }

    @Test
    void unsortedLabelsResolveToTheSameSeries() {
        assertThat(post(request(series("job", "node", "__name__", "up", "instance", "a")
                                .addSamples(sample(1000, 1))))
                        .status())
                .isEqualTo(204);
        assertThat(post(request(series("__name__", "up", "instance", "a", "job", "node")
                                .addSamples(sample(2000, 1))))
                        .status())
                .isEqualTo(204);
        // and again in the unsorted order: now a key hit
        assertThat(post(request(series("job", "node", "__name__", "up", "instance", "a")
                                .addSamples(sample(3000, 1))))
                        .status())
                .isEqualTo(204);

        Labels up = Labels.of("__name__", "up", "instance", "a", "job", "node");
        assertThat(store.series()).containsExactly(up);
        assertThat(store.samplesOf(up)).extracting(StoredSample::timestamp).containsExactly(1000L, 2000L, 3000L);
        assertThat(store.seriesRefHits).isEqualTo(1);
    }

    @Test
    void acceptsAMetadataOnlyRequest() {
        byte[] req = WriteRequest.newBuilder()
                .addMetadata(io.sextant.ingest.remotewrite.proto.MetricMetadata.newBuilder()
                        .setType(io.sextant.ingest.remotewrite.proto.MetricMetadata.MetricType.GAUGE)
                        .setMetricFamilyName("node_load1")
                        .setHelp("1m load average."))
                .build()
                .toByteArray();

        IngestResponse r = post(req);

        assertThat(r.status()).isEqualTo(204);
        assertThat(store.metadata)
                .containsExactly(new MetricMetadata("node_load1", MetricMetadata.Type.GAUGE, "1m load average.", ""));
        assertThat(store.samples).isEmpty();
    }

    @Test
    void acceptsAnEmptyRequest() {
        assertThat(post(new byte[0]).status()).isEqualTo(204);
        assertThat(store.commits).isZero();
    }

    @Test
    void acceptsExtremeAndSpecialValues() {
        double[] values = {
            Double.MAX_VALUE,
            -Double.MAX_VALUE,
            Double.MIN_VALUE,
            -0.0,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.longBitsToDouble(STALE_NAN),
            Double.longBitsToDouble(0xfff8000000000001L)
        };
        TimeSeries.Builder s = series("__name__", "weird");
        for (int i = 0; i < values.length; i++) {
            s.addSamples(sample(1000L + i, values[i]));
        }

        assertThat(post(request(s)).status()).isEqualTo(204);
        long[] bits = store.samples.stream().mapToLong(StoredSample::valueBits).toArray();
        long[] expected = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            expected[i] = Double.doubleToRawLongBits(values[i]);
        }
        assertThat(bits).containsExactly(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "application/x-protobuf",
                "Application/X-Protobuf",
                "application/x-protobuf;proto=prometheus.WriteRequest",
                "application/x-protobuf; proto=\"prometheus.WriteRequest\"; charset=binary"
            })
    void acceptsRemoteWrite1ContentTypes(String contentType) {
        byte[] body = snappy(request(good()));
        assertThat(handler.handle(TENANT, contentType, "snappy", body, body.length)
                        .status())
                .isEqualTo(204);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"snappy", "SNAPPY", " snappy "})
    void acceptsSnappyEncoding(String encoding) {
        byte[] body = snappy(request(good()));
        assertThat(handler.handle(TENANT, "application/x-protobuf", encoding, body, body.length)
                        .status())
                .isEqualTo(204);
    }

    static Stream<Arguments> unsupportedContentTypes() {
        return Stream.of(
                Arguments.of("application/json", "\"application/json\""),
                Arguments.of("application/x-protobuf;proto=io.prometheus.write.v2.Request", "remote write 2.0"),
                Arguments.of("application/x-protobuf; proto=\"io.prometheus.write.v2.Request\"", "remote write 2.0"),
                Arguments.of("application/x-protobuf;proto=opentelemetry.Metrics", "proto=opentelemetry.Metrics"),
                Arguments.of("text/plain", "\"text/plain\""));
    }

    @ParameterizedTest
    @MethodSource("unsupportedContentTypes")
    void refusesOtherContentTypesWith415(String contentType, String mentioned) {
        byte[] body = snappy(request(good()));

        IngestResponse r = handler.handle(TENANT, contentType, "snappy", body, body.length);

        assertThat(r.status()).isEqualTo(415);
        assertThat(text(r)).contains(mentioned);
        assertThat(store.commits).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "identity", "zstd", "snappy-framed"})
    void refusesOtherEncodingsWith415(String encoding) {
        byte[] body = snappy(request(good()));

        IngestResponse r = handler.handle(TENANT, "application/x-protobuf", encoding, body, body.length);

        assertThat(r.status()).isEqualTo(415);
        assertThat(text(r)).contains("Content-Encoding \"" + encoding + "\"").contains("snappy");
    }

    @Test
    void refusesABodyOverTheLimitWith413() {
        byte[] body = new byte[LIMITS.maxBodyBytes() + 1];

        IngestResponse r = handler.handle(TENANT, null, null, body, body.length);

        assertThat(r.status()).isEqualTo(413);
        assertThat(text(r)).contains("request body of " + body.length + " bytes exceeds the limit");
    }

    @Test
    void refusesADecompressionBombBeforeAllocating() {
        // declares Integer.MAX_VALUE bytes; allocating that would fail with OutOfMemoryError
        byte[] body = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x00, 0x01, 0x02};
        RemoteWriteHandler generous = new RemoteWriteHandler(
                writer, new IngestLimits(1 << 20, Integer.MAX_VALUE - 1, 8, 32, 64, 1000), telemetry);

        IngestResponse r = generous.handle(TENANT, null, null, body, body.length);

        assertThat(r.status()).isEqualTo(413);
        assertThat(text(r)).contains("decompressed body of 2147483647 bytes");
    }

    @Test
    void refusesADecompressedSizeOverTheLimitWith413() {
        byte[] raw = request(series("__name__", "x", "big", "v".repeat(60)).addSamples(sample(1, 1)));
        RemoteWriteHandler tight =
                new RemoteWriteHandler(writer, new IngestLimits(1 << 20, raw.length - 1, 8, 32, 64, 1000), telemetry);
        byte[] body = snappy(raw);

        IngestResponse r = tight.handle(TENANT, null, null, body, body.length);

        assertThat(r.status()).isEqualTo(413);
        assertThat(text(r)).contains("decompressed body of " + raw.length + " bytes");
    }

    @Test
    void refusesInvalidSnappyWith400() {
        byte[] body = snappy(request(good()));
        byte[] broken = body.clone();
        for (int i = 1; i < broken.length; i++) {
            broken[i] = (byte) 0xFF;
        }

        IngestResponse r = handler.handle(TENANT, null, null, broken, broken.length);

        assertThat(r.status()).isEqualTo(400);
        assertThat(text(r)).startsWith("invalid snappy-compressed body: ");
        assertThat(handler.handle(TENANT, null, null, new byte[0], 0).status()).isEqualTo(400);
        assertThat(handler.handle(TENANT, null, null, new byte[] {(byte) 0x80}, 1)
                        .status())
                .isEqualTo(400);
        assertThat(store.commits).isZero();
    }

    @Test
    void everyTruncationIsRejectedUnlessItEndsBetweenTopLevelFields() {
        WriteRequest full = WriteRequest.newBuilder()
                .addTimeseries(series("__name__", "up", "job", "a").addSamples(sample(1000, 1)))
                .addTimeseries(series("__name__", "up", "job", "b")
                        .addSamples(sample(1000, 2))
                        .addExemplars(io.sextant.ingest.remotewrite.proto.Exemplar.newBuilder()
                                .addLabels(label("trace_id", "abc"))
                                .setValue(2)
                                .setTimestamp(999)))
                .addMetadata(io.sextant.ingest.remotewrite.proto.MetricMetadata.newBuilder()
                        .setMetricFamilyName("up"))
                .build();
        byte[] bytes = full.toByteArray();
        List<Integer> boundaries = new ArrayList<>(List.of(0));
        WriteRequest.Builder prefix = WriteRequest.newBuilder();
        for (TimeSeries ts : full.getTimeseriesList()) {
            boundaries.add(prefix.addTimeseries(ts).build().getSerializedSize());
        }
        boundaries.add(prefix.addAllMetadata(full.getMetadataList()).build().getSerializedSize());

        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(bytes, cut);
            IngestResponse r = post(truncated);
            if (boundaries.contains(cut)) {
                assertThat(r.status()).as("cut at %d: %s", cut, text(r)).isEqualTo(204);
            } else {
                assertThat(r.status()).as("cut at %d", cut).isEqualTo(400);
                assertThat(text(r)).as("cut at %d", cut).contains("malformed WriteRequest protobuf at byte offset ");
            }
        }
    }

    static Stream<Arguments> invalidSeries() {
        byte[] badNameBytes = {'b', 'a', 'd', (byte) 0xC3, 0x28};
        byte[] badValueBytes = {'v', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'x'};
        return Stream.of(
                Arguments.of(
                        "empty label name",
                        request(series("__name__", "m", "", "v").addSamples(sample(1, 1)), good()),
                        "series m{\"\"=\"v\"} (timeseries[0]) has empty label name"),
                Arguments.of(
                        "duplicate label name",
                        request(series("__name__", "m", "a", "1", "a", "2").addSamples(sample(1, 1)), good()),
                        "series m{a=\"1\", a=\"2\"} (timeseries[0]) has duplicate label name \"a\""),
                Arguments.of(
                        "invalid UTF-8 in a name",
                        patch(
                                request(series("__name__", "m", "badXY", "v").addSamples(sample(1, 1)), good()),
                                "badXY".getBytes(UTF_8),
                                badNameBytes),
                        "series m{\"bad\uFFFD(\"=\"v\"} (timeseries[0]) has invalid UTF-8 in labels[1].name at byte offset 24"),
                Arguments.of(
                        "invalid UTF-8 in a value",
                        patch(
                                request(series("__name__", "m", "l", "vABCx").addSamples(sample(1, 1)), good()),
                                "vABCx".getBytes(UTF_8),
                                badValueBytes),
                        "series m{l=\"v\uFFFDx\"} (timeseries[0]) has invalid UTF-8 in labels[1].value"
                                + " (name \"l\") at byte offset 25"),
                Arguments.of(
                        "too many labels",
                        request(
                                series(
                                                "__name__",
                                                "m",
                                                "a",
                                                "1",
                                                "b",
                                                "2",
                                                "c",
                                                "3",
                                                "d",
                                                "4",
                                                "e",
                                                "5",
                                                "f",
                                                "6",
                                                "g",
                                                "7",
                                                "h",
                                                "8")
                                        .addSamples(sample(1, 1)),
                                good()),
                        "(timeseries[0]) has 9 labels, more than the limit of 8"),
                Arguments.of(
                        "name too long",
                        request(series("__name__", "m", "n".repeat(33), "v").addSamples(sample(1, 1)), good()),
                        "(timeseries[0]) has labels[1].name of 33 bytes, more than the limit of 32"),
                Arguments.of(
                        "value too long",
                        request(series("__name__", "m", "l", "é".repeat(33)).addSamples(sample(1, 1)), good()),
                        "(timeseries[0]) has labels[1].value (name \"l\") of 66 bytes, more than the limit of 64"),
                Arguments.of(
                        "missing metric name",
                        request(series("job", "x").addSamples(sample(1, 1)), good()),
                        "series {job=\"x\"} (timeseries[0]) has no metric name (__name__)"),
                Arguments.of(
                        "empty metric name",
                        request(series("__name__", "", "job", "x").addSamples(sample(1, 1)), good()),
                        "(timeseries[0]) has no metric name (__name__)"),
                Arguments.of(
                        "native histogram",
                        request(
                                series("__name__", "rpc_duration_seconds", "job", "x")
                                        .addHistograms(Histogram.newBuilder()
                                                .setCountInt(3)
                                                .setSum(1.5)
                                                .setSchema(3)
                                                .setTimestamp(1000)),
                                good()),
                        "series rpc_duration_seconds{job=\"x\"} (timeseries[0]) native histograms are not supported"
                                + " yet (1 histogram samples dropped)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSeries")
    void rejectsAnInvalidSeriesAndStoresTheRest(String what, byte[] protobuf, String message) {
        IngestResponse r = post(protobuf);

        assertThat(r.status()).isEqualTo(400);
        assertThat(text(r)).startsWith("1 series rejected (").contains(message);
        assertGoodSeriesStored();
        assertThat(store.series()).containsExactly(Labels.of("__name__", "up", "job", "good"));
        assertThat(counter("sextant_ingest_requests_total", "code", "400")).isEqualTo(1);
    }

    @Test
    void rejectedSamplesAreCountedByReason() {
        post(request(good()));
        TimeSeries.Builder late = series("__name__", "up", "job", "good").addSamples(sample(500, 1));

        IngestResponse r =
                post(request(late, series("__name__", "up", "job", "other").addSamples(sample(1, 1))));

        assertThat(r.status()).isEqualTo(400);
        assertThat(text(r))
                .startsWith("1 samples rejected (out of order: 1)")
                .contains("out of order sample for series up{job=\"good\"} at 500");
        assertThat(store.samplesOf(Labels.of("__name__", "up", "job", "other"))).hasSize(1);
        assertThat(counter("sextant_ingest_samples_total", "result", "rejected_out_of_order"))
                .isEqualTo(1);
    }

    @Test
    void refusesTooManySamplesWith413AndCommitsNothing() {
        TimeSeries.Builder a = series("__name__", "a");
        TimeSeries.Builder b = series("__name__", "b");
        for (int i = 0; i < 600; i++) {
            a.addSamples(sample(i, i));
            b.addSamples(sample(i, i));
        }

        IngestResponse r = post(request(a, b));

        assertThat(r.status()).isEqualTo(413);
        assertThat(text(r)).contains("more than 1000 samples and exemplars");
        assertThat(store.commits).isZero();
    }

    @Test
    void invalidExemplarLabelsDropOnlyTheExemplar() {
        TimeSeries.Builder s = good().addExemplars(io.sextant.ingest.remotewrite.proto.Exemplar.newBuilder()
                .addLabels(label("trace_id", "a"))
                .addLabels(label("trace_id", "b"))
                .setValue(1)
                .setTimestamp(1000));

        IngestResponse r = post(request(s));

        assertThat(r.status()).isEqualTo(400);
        assertThat(text(r))
                .startsWith("1 exemplars rejected")
                .contains("series up{job=\"good\"} (timeseries[0]) has duplicate label name \"trace_id\" in"
                        + " exemplars[0]; exemplar dropped");
        assertGoodSeriesStored();
        assertThat(store.exemplars).isEmpty();
    }

    @Test
    void invalidMetadataIsReported() {
        byte[] req = WriteRequest.newBuilder()
                .addTimeseries(good())
                .addMetadata(io.sextant.ingest.remotewrite.proto.MetricMetadata.newBuilder()
                        .setMetricFamilyName("up")
                        .setHelp("helpXY"))
                .build()
                .toByteArray();

        IngestResponse r =
                post(patch(req, "helpXY".getBytes(UTF_8), new byte[] {'h', 'e', 'l', 'p', (byte) 0xFF, 'Y'}));

        assertThat(r.status()).isEqualTo(400);
        assertThat(text(r)).contains("metadata \"up\" (metadata[0]) has invalid UTF-8 in help at byte offset");
        assertGoodSeriesStored();
    }

    @Test
    void listsTheFirstTenErrorsAndCountsTheRest() {
        TimeSeries.Builder[] series = new TimeSeries.Builder[13];
        for (int i = 0; i < series.length; i++) {
            series[i] = series("job", "j" + i).addSamples(sample(1, 1));
        }

        IngestResponse r = post(request(series));

        assertThat(r.status()).isEqualTo(400);
        assertThat(text(r))
                .startsWith("13 series rejected (13 samples dropped)")
                .contains("series {job=\"j9\"} (timeseries[9]) has no metric name")
                .doesNotContain("j10")
                .contains("... and 3 more");
        assertThat(store.commits).isZero();
        assertThat(counter("sextant_ingest_samples_total", "result", "rejected_invalid"))
                .isEqualTo(13);
    }

    static Stream<Arguments> commitFailures() {
        return Stream.of(
                Arguments.of(new SextantException(ErrorCode.OVERLOADED, "WAL queue full"), 503, "1"),
                Arguments.of(new SextantException(ErrorCode.UNAVAILABLE, "shutting down"), 503, "1"),
                Arguments.of(new SextantException(ErrorCode.EXTERNAL_FAILURE, "disk full"), 500, null),
                Arguments.of(new SextantException(ErrorCode.INTERNAL, "bug"), 500, null),
                Arguments.of(new IllegalStateException("boom"), 500, null));
    }

    @ParameterizedTest
    @MethodSource("commitFailures")
    void mapsCommitFailures(RuntimeException failure, int status, String retryAfter) {
        store.failNextCommit = failure;

        IngestResponse r = post(request(good()));

        assertThat(r.status()).isEqualTo(status);
        assertThat(r.headers().get("Retry-After")).isEqualTo(retryAfter);
        if (failure instanceof SextantException) {
            assertThat(text(r)).contains(failure.getMessage());
        }
        assertThat(counter("sextant_ingest_requests_total", "code", Integer.toString(status)))
                .isEqualTo(1);
        assertThat(post(request(good())).status()).isEqualTo(204);
    }

    @Test
    void countsBytesAndDurations() {
        byte[] body = snappy(request(good()));
        handler.handle(TENANT, null, null, body, body.length);
        handler.handle(TENANT, "text/html", null, body, body.length);

        assertThat(telemetry
                        .counter("sextant_ingest_request_bytes_total", "", "protocol", "remote_write")
                        .get())
                .isEqualTo(2L * body.length);
        assertThat(telemetry
                        .histogram(
                                "sextant_ingest_request_duration_seconds",
                                "",
                                Telemetry.LATENCY_BUCKETS,
                                "protocol",
                                "remote_write")
                        .count())
                .isEqualTo(2);
        assertThat(counter("sextant_ingest_requests_total", "code", "415")).isEqualTo(1);
    }

    @Test
    void handlesConcurrentRequests() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 50; i++) {
                        TimeSeries.Builder s = series("__name__", "c", "thread", Integer.toString(thread))
                                .addSamples(sample(i, i));
                        ok += post(request(s)).status() == 204 ? 1 : 0;
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
        assertThat(store.samples).hasSize(200);
        assertThat(store.series()).hasSize(4);
    }
}
