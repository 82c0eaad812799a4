package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real OpenTelemetry Java SDK and its OTLP/HTTP exporter push counters, an up-down counter, gauges and an
 * explicit-bucket histogram to a running Sextant; the exported series must be what Prometheus' OTLP translator
 * makes of them, with the exact values the test recorded. Every expectation is computed here from the recorded
 * measurements and from the translation rules (prometheus/otlptranslator), never copied from Sextant's output.
 */
class OtelSdkInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String NAMESPACE = "shop";
    private static final String SERVICE = "checkout";
    private static final String INSTANCE = "checkout-7f9c-1";
    private static final String JOB = NAMESPACE + "/" + SERVICE;

    /** Explicit bucket boundaries chosen so that recorded values fall on, between and beyond them. */
    private static final List<Double> BOUNDARIES = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5);

    private static final double[] LATENCIES_FIRST = {0.003, 0.005, 0.02, 0.02, 0.3, 0.75, 3.0};
    private static final double[] LATENCIES_SECOND = {0.05, 7.5, 0.0001};

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "compression={0}")
    @ValueSource(strings = {"none", "gzip"})
    void sdkMetricsArriveWithExactValuesNamesAndMetadata(String compression) throws Exception {
        String tenant = "otel-" + compression;
        OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
                .setEndpoint(server.uri("/v1/metrics").toString())
                .addHeader("X-Scope-OrgID", tenant)
                .setCompression(compression)
                .build();
        Resource resource = Resource.create(Attributes.builder()
                .put("service.name", SERVICE)
                .put("service.namespace", NAMESPACE)
                .put("service.instance.id", INSTANCE)
                .put("deployment.environment", "staging")
                .build());
        // A period of an hour: only forceFlush collects, so the test decides when each collection happens.
        SdkMeterProvider provider = SdkMeterProvider.builder()
                .setResource(resource)
                // The SDK measures its own collections (otel.sdk.metric_reader.*); only the test's own
                // instruments have known values, so the SDK's are dropped before export.
                .registerView(
                        InstrumentSelector.builder().setName("otel.sdk.*").build(),
                        View.builder().setAggregation(Aggregation.drop()).build())
                .registerMetricReader(PeriodicMetricReader.builder(exporter)
                        .setInterval(Duration.ofHours(1))
                        .build())
                .build();
        try {
            Meter meter = provider.get("io.sextant.interop");
            Attributes card = Attributes.of(AttributeKey.stringKey("payment.method"), "card");
            Attributes cash = Attributes.of(AttributeKey.stringKey("payment.method"), "cash");
            Attributes route = Attributes.builder()
                    .put("http.request.method", "GET")
                    .put("http.route", "/checkout")
                    .build();
            Attributes cpu = Attributes.of(AttributeKey.stringKey("cpu"), "0");

            LongCounter orders = meter.counterBuilder("orders.placed")
                    .setUnit("{order}")
                    .setDescription("Orders placed.")
                    .build();
            DoubleCounter transferred = meter.counterBuilder("io.transferred")
                    .ofDoubles()
                    .setUnit("By")
                    .setDescription("Bytes moved.")
                    .build();
            LongUpDownCounter queue = meter.upDownCounterBuilder("queue.depth")
                    .setUnit("{item}")
                    .setDescription("Items waiting.")
                    .build();
            DoubleHistogram latency = meter.histogramBuilder("http.server.request.duration")
                    .setUnit("s")
                    .setDescription("Request latency.")
                    .setExplicitBucketBoundariesAdvice(BOUNDARIES)
                    .build();
            AtomicReference<Double> temperature = new AtomicReference<>(0.1);
            AtomicReference<Double> utilization = new AtomicReference<>(0.75);
            meter.gaugeBuilder("cpu.temperature")
                    .setUnit("Cel")
                    .setDescription("CPU temperature.")
                    .buildWithCallback(m -> m.record(temperature.get(), cpu));
            meter.gaugeBuilder("memory.utilization")
                    .setUnit("1")
                    .setDescription("Share of memory in use.")
                    .buildWithCallback(m -> m.record(utilization.get()));

            // First collection.
            orders.add(3, card);
            orders.add(4, card);
            orders.add(1, cash);
            transferred.add(0.1, card);
            transferred.add(0.2, card);
            queue.add(10);
            queue.add(-3);
            for (double v : LATENCIES_FIRST) {
                latency.record(v, route);
            }
            long before = System.currentTimeMillis();
            flush(provider);
            long between = System.currentTimeMillis();

            // Second collection: cumulative temporality reports running totals, gauges their new values. Sample
            // times are milliseconds, so the second collection must start in a later millisecond.
            while (System.currentTimeMillis() <= between) {
                Thread.onSpinWait();
            }
            orders.add(5, card);
            transferred.add(0.001, card);
            queue.add(-9);
            for (double v : LATENCIES_SECOND) {
                latency.record(v, route);
            }
            temperature.set(1e21);
            utilization.set(0.5);
            flush(provider);
            long after = System.currentTimeMillis();

            Map<Map<String, String>, TestServer.Exported> series = new HashMap<>();
            for (TestServer.Exported e : TestServer.parseExport(server.export(tenant, "{job=\"" + JOB + "\"}"))) {
                series.put(e.metric(), e);
            }

            Map<Map<String, String>, double[]> expected = new HashMap<>();
            expected.put(labels("orders_placed_total", "payment_method", "card"), new double[] {3 + 4, 3 + 4 + 5});
            expected.put(labels("orders_placed_total", "payment_method", "cash"), new double[] {1, 1});
            expected.put(
                    labels("io_transferred_bytes_total", "payment_method", "card"),
                    new double[] {0.1 + 0.2, 0.1 + 0.2 + 0.001});
            expected.put(labels("queue_depth"), new double[] {10 - 3, 10 - 3 - 9});
            expected.put(labels("cpu_temperature_celsius", "cpu", "0"), new double[] {0.1, 1e21});
            expected.put(labels("memory_utilization_ratio"), new double[] {0.75, 0.5});
            expectHistogram(expected, "http_server_request_duration_seconds", route);
            expected.put(labels("target_info", "deployment_environment", "staging"), new double[] {1, 1});

            assertThat(series.keySet())
                    .as("series of job %s", JOB)
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
            long[] times = series.get(labels("queue_depth")).timestamps();
            assertThat(times).hasSize(2);
            assertThat(times[0]).isBetween(before, between);
            assertThat(times[1]).isGreaterThan(times[0]).isBetween(between, after);
            for (Map.Entry<Map<String, String>, double[]> e : expected.entrySet()) {
                TestServer.Exported got = series.get(e.getKey());
                assertThat(got.timestamps()).as("timestamps of %s", e.getKey()).containsExactly(times);
                assertThat(bits(got.values()))
                        .as("values of %s: %s", e.getKey(), Arrays.toString(got.values()))
                        .containsExactly(bits(e.getValue()));
            }

            assertMetadata(tenant);
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    private static void flush(SdkMeterProvider provider) {
        CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
        assertThat(flushed.isSuccess()).as("the exporter's request succeeded").isTrue();
    }

    /**
     * Classic histogram series as Prometheus' translator writes them: {@code le} buckets counting recorded values
     * at most the bound (OTLP buckets are upper-inclusive), {@code +Inf} counting all, {@code _sum} and {@code
     * _count}; each after the first and after both collections.
     */
    private static void expectHistogram(Map<Map<String, String>, double[]> expected, String name, Attributes attrs) {
        List<Double> all = new ArrayList<>();
        for (double v : LATENCIES_FIRST) {
            all.add(v);
        }
        int firstCount = all.size();
        for (double v : LATENCIES_SECOND) {
            all.add(v);
        }
        String[] base = {"http_request_method", "GET", "http_route", "/checkout"};
        assertThat(attrs.size()).isEqualTo(base.length / 2);
        List<Double> bounds = new ArrayList<>(BOUNDARIES);
        bounds.add(Double.POSITIVE_INFINITY);
        for (double bound : bounds) {
            double[] counts = new double[2];
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i) <= bound) {
                    counts[1]++;
                    if (i < firstCount) {
                        counts[0]++;
                    }
                }
            }
            expected.put(labels(name + "_bucket", with(base, "le", le(bound))), counts);
        }
        double firstSum = 0;
        for (int i = 0; i < firstCount; i++) {
            firstSum += all.get(i);
        }
        double totalSum = firstSum;
        for (int i = firstCount; i < all.size(); i++) {
            totalSum += all.get(i);
        }
        expected.put(labels(name + "_sum", base), new double[] {firstSum, totalSum});
        expected.put(labels(name + "_count", base), new double[] {firstCount, all.size()});
    }

    /** Go's {@code strconv.FormatFloat(b, 'f', -1, 64)}, which Prometheus uses for {@code le}. */
    private static String le(double bound) {
        if (bound == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        return new BigDecimal(Double.toString(bound)).stripTrailingZeros().toPlainString();
    }

    private static String[] with(String[] pairs, String name, String value) {
        String[] out = Arrays.copyOf(pairs, pairs.length + 2);
        out[pairs.length] = name;
        out[pairs.length + 1] = value;
        return out;
    }

    /** The labels every series of the resource carries plus the metric name and {@code extra} pairs. */
    private static Map<String, String> labels(String name, String... extra) {
        Map<String, String> m = new TreeMap<>();
        m.put("__name__", name);
        m.put("job", JOB);
        m.put("instance", INSTANCE);
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return m;
    }

    private static long[] bits(double[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Double.doubleToRawLongBits(values[i]);
        }
        return out;
    }

    /**
     * Type from the OTLP data type, help from the description, unit through Prometheus' unit namer ({@code s} to
     * {@code seconds}, {@code By} to {@code bytes}, {@code Cel} to {@code celsius}, {@code 1} and annotations in
     * braces to nothing), keyed by the translated family name.
     */
    private static void assertMetadata(String tenant) throws Exception {
        HttpResponse<String> r = server.get("/api/v1/metadata", "X-Scope-OrgID", tenant);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode data = JSON.readTree(r.body()).get("data");
        Map<String, String> expected = new TreeMap<>();
        expected.put("orders_placed_total", "counter|Orders placed.|");
        expected.put("io_transferred_bytes_total", "counter|Bytes moved.|bytes");
        expected.put("queue_depth", "gauge|Items waiting.|");
        expected.put("http_server_request_duration_seconds", "histogram|Request latency.|seconds");
        expected.put("cpu_temperature_celsius", "gauge|CPU temperature.|celsius");
        expected.put("memory_utilization_ratio", "gauge|Share of memory in use.|");
        expected.put("target_info", "gauge|Target metadata|");
        Map<String, List<String>> got = new TreeMap<>();
        data.fields().forEachRemaining(e -> {
            List<String> entries = new ArrayList<>();
            e.getValue()
                    .forEach(m -> entries.add(m.get("type").textValue() + "|"
                            + m.get("help").textValue() + "|" + m.get("unit").textValue()));
            got.put(e.getKey(), entries);
        });
        Map<String, List<String>> want = new TreeMap<>();
        expected.forEach((k, v) -> want.put(k, List.of(v)));
        assertThat(got).as(r.body()).isEqualTo(want);
    }
}
