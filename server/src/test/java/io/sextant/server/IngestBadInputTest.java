package io.sextant.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.sextant.ingest.remotewrite.proto.Label;
import io.sextant.ingest.remotewrite.proto.Sample;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import io.sextant.storage.Matcher;
import io.sextant.storage.Samples;
import io.sextant.storage.Series;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Bad input over real HTTP, for remote write (snappy protobuf) and OTLP (protobuf and JSON): each case expects a
 * status, a message naming the offending field, series or header, and that the valid data stored before it (in the
 * tenant {@code good} and in the tenant the cases write to) is byte-for-byte unchanged. Where the protocol stores
 * the valid part of a request (remote write answers 400 and keeps the valid series; OTLP answers 200 with
 * {@code partial_success}), the valid series sent alongside the bad one must be stored; where the whole request
 * fails, it must not be. Expected messages are built from the request: series, label positions, byte offsets,
 * timestamps and limits.
 */
class IngestBadInputTest {
    private static final String TENANT = "bad";
    private static final String GOOD = "good";
    private static final int MAX_BODY = 2 << 20;
    private static final int MAX_DECOMPRESSED = 16 << 20;
    private static final int MAX_SAMPLES = 1000;
    private static final int MAX_LABELS = 64;
    private static final int MAX_NAME = 1024;
    private static final int MAX_VALUE = 4096;
    private static final long MINUTE = 60_000;
    private static final String BASELINE = "{__name__=~\"known_good_.*\"}";
    /** Stands for bytes that cannot be put into a proto3 string field through the generated builders. */
    private static final String PLACEHOLDER = "QQQQ";

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static TestServer server;
    static long now;
    static String baselineGood;
    static String baselineBad;
    static final List<String> summary = new ArrayList<>();

    enum Protocol {
        RW("remote-write"),
        OTLP_PROTO("otlp-proto"),
        OTLP_JSON("otlp-json");

        final String label;

        Protocol(String label) {
            this.label = label;
        }

        boolean otlp() {
            return this != RW;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(
                dir,
                "--max-body-size",
                Integer.toString(MAX_BODY),
                "--max-decompressed-size",
                Integer.toString(MAX_DECOMPRESSED),
                "--max-samples-per-request",
                Integer.toString(MAX_SAMPLES),
                "--max-labels-per-series",
                Integer.toString(MAX_LABELS),
                "--max-label-name-length",
                Integer.toString(MAX_NAME),
                "--max-label-value-length",
                Integer.toString(MAX_VALUE),
                "--ooo-window",
                "10m",
                "--max-future",
                "10m",
                "--retention",
                "15d");
        now = System.currentTimeMillis();
        for (String tenant : List.of(GOOD, TENANT)) {
            S rw1 = new S(
                    "known_good_rw",
                    new long[] {now - 5 * MINUTE, now - 4 * MINUTE, now - 3 * MINUTE, now - 2 * MINUTE},
                    new double[] {1, 0.1, Double.POSITIVE_INFINITY, Double.NaN},
                    "k",
                    "a");
            S rw2 = new S("known_good_rw", new long[] {now - 5 * MINUTE}, new double[] {1e-7}, "k", "b");
            Answer a = send(Protocol.RW, tenant, rw(rw1, rw2));
            assertThat(a.status).as(a.message).isEqualTo(204);
            S otlp = new S(
                    "known_good_otlp",
                    new long[] {now - 5 * MINUTE, now - 4 * MINUTE, now - 3 * MINUTE},
                    new double[] {3, -4.5, 1e21},
                    "k",
                    "c");
            Answer b = send(Protocol.OTLP_PROTO, tenant, otlp(otlp).toByteArray());
            assertThat(b.status).isEqualTo(200);
            assertThat(b.rejected).isZero();
            assertThat(b.message).isEmpty();
        }
        baselineGood = server.export(GOOD, BASELINE);
        baselineBad = server.export(TENANT, BASELINE);
        assertThat(TestServer.parseExport(baselineGood)).hasSize(3);
        assertThat(baselineBad).isEqualTo(baselineGood);
    }

    @AfterAll
    static void stop() {
        StringBuilder sb = new StringBuilder("\nIngestBadInputTest cases:\n");
        sb.append(String.format("%-48s %-13s %6s  %-7s %s%n", "case", "protocol", "status", "outcome", "message"));
        summary.forEach(row -> sb.append(row).append('\n'));
        System.out.println(sb);
        server.close();
    }

    // ---------------------------------------------------------------- the matrix

    @TestFactory
    Stream<DynamicTest> badInput() {
        List<Case> cases = new ArrayList<>();
        transport(cases);
        labels(cases);
        values(cases);
        tenants(cases);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name + " [" + c.protocol.label + "]", () -> run(c)));
    }

    private static void run(Case c) throws Throwable {
        Answer a = null;
        String outcome = "FAILED";
        try {
            a = c.request.call();
            assertThat(a.status).as("status; message: %s", a.message).isEqualTo(c.status);
            for (String part : c.parts) {
                assertThat(a.message).as("message").contains(part);
            }
            if (c.rejected >= 0) {
                assertThat(a.rejected)
                        .as("rejected_data_points; message: %s", a.message)
                        .isEqualTo(c.rejected);
            }
            assertThat(server.export(GOOD, BASELINE))
                    .as("tenant good unchanged")
                    .isEqualTo(baselineGood);
            assertThat(server.export(TENANT, BASELINE))
                    .as("tenant bad unchanged")
                    .isEqualTo(baselineBad);
            if (c.present != null) {
                assertThat(stored(c.presentTenant, c.present))
                        .as("valid series %s stored in %s", c.present, c.presentTenant)
                        .isNotEmpty();
            }
            if (c.absent != null) {
                for (String tenant : List.of(TENANT, GOOD, "default")) {
                    assertThat(stored(tenant, c.absent))
                            .as("series %s of a failed request not stored in %s", c.absent, tenant)
                            .isEmpty();
                }
            }
            if (c.then != null) {
                c.then.execute();
            }
            outcome = "ok";
        } finally {
            String message = a == null ? "" : a.message.strip().replace('\n', ' ');
            summary.add(String.format(
                    "%-48s %-13s %6s  %-7s %s",
                    c.name,
                    c.protocol.label,
                    a == null ? "-" : a.status,
                    outcome,
                    message.length() > 90 ? message.substring(0, 90) + "..." : message));
        }
    }

    // ---------------------------------------------------------------- transport: bodies, compression, media types

    private static void transport(List<Case> cases) {
        for (Protocol p : Protocol.values()) {
            String id = "t1_" + p.name().toLowerCase();
            S ok = ok(id);
            S other = new S(id + "_b", now, 2, "k", "v");
            byte[] body = encode(p, ok, other);
            byte[] cut = Arrays.copyOf(body, body.length - 3);
            cases.add(new Case("truncated body", p)
                    .request(() -> send(p, TENANT, cut))
                    .expect(
                            400,
                            switch (p) {
                                case RW -> new String[] {"malformed WriteRequest protobuf", "truncated"};
                                case OTLP_PROTO -> new String[] {"invalid protobuf body"};
                                case OTLP_JSON -> new String[] {"invalid JSON body"};
                            })
                    .absent(ok.name));
        }

        byte[] snappyGarbage = new byte[64];
        Arrays.fill(snappyGarbage, (byte) 0xFF);
        snappyGarbage[0] = 100; // declares 100 bytes, then a stream of invalid tags
        cases.add(new Case("invalid snappy", Protocol.RW)
                .request(() -> post("/api/v1/write", snappyGarbage, rwHeaders(TENANT)))
                .expect(400, "invalid snappy-compressed body"));
        cases.add(new Case("empty body", Protocol.RW)
                .request(() -> post("/api/v1/write", new byte[0], rwHeaders(TENANT)))
                .expect(400, "invalid snappy-compressed body", "empty"));
        for (Protocol p : List.of(Protocol.OTLP_PROTO, Protocol.OTLP_JSON)) {
            S ok = ok("t2_" + p.name().toLowerCase());
            cases.add(new Case("invalid gzip", p)
                    .request(() -> post(
                            "/v1/metrics", encode(p, ok), with(otlpHeaders(p, TENANT), "Content-Encoding", "gzip")))
                    .expect(400, "invalid gzip body")
                    .absent(ok.name));
        }

        // A decompression bomb: 1 GiB of zeros in about 1 MB of gzip.
        for (Protocol p : List.of(Protocol.OTLP_PROTO, Protocol.OTLP_JSON)) {
            cases.add(new Case("gzip bomb (1 GiB of zeros)", p)
                    .request(() ->
                            post("/v1/metrics", gzipBomb(), with(otlpHeaders(p, TENANT), "Content-Encoding", "gzip")))
                    .expect(
                            413,
                            "decompressed request body is larger than the limit of " + MAX_DECOMPRESSED + " bytes"));
        }
        byte[] liar = new byte[32];
        int n = varint(liar, 0, 1L << 30);
        Arrays.fill(liar, n, liar.length, (byte) 0x42);
        cases.add(new Case("snappy header claims 1 GiB", Protocol.RW)
                .request(() -> post("/api/v1/write", liar, rwHeaders(TENANT)))
                .expect(
                        413,
                        "decompressed body of " + (1L << 30) + " bytes (per the snappy header) exceeds the limit of "
                                + MAX_DECOMPRESSED));
        cases.add(new Case("snappy bomb (limit + 1 zeros)", Protocol.RW)
                .request(
                        () -> post("/api/v1/write", Snappy.compress(new byte[MAX_DECOMPRESSED + 1]), rwHeaders(TENANT)))
                .expect(413, "decompressed body of " + (MAX_DECOMPRESSED + 1) + " bytes"));

        S rwOk = ok("t4_rw");
        byte[] rwBody = encode(Protocol.RW, rwOk);
        cases.add(new Case("wrong content type", Protocol.RW)
                .request(() ->
                        post("/api/v1/write", rwBody, with(rwHeaders(TENANT), "Content-Type", "application/json")))
                .expect(415, "Content-Type \"application/json\"")
                .absent(rwOk.name));
        cases.add(new Case("remote write 2.0 content type", Protocol.RW)
                .request(() -> post(
                        "/api/v1/write",
                        rwBody,
                        with(
                                rwHeaders(TENANT),
                                "Content-Type",
                                "application/x-protobuf;proto=io.prometheus.write.v2.Request")))
                .expect(415, "remote write 2.0")
                .absent(rwOk.name));
        cases.add(new Case("wrong content encoding", Protocol.RW)
                .request(() -> post("/api/v1/write", rwBody, with(rwHeaders(TENANT), "Content-Encoding", "gzip")))
                .expect(415, "Content-Encoding \"gzip\"")
                .absent(rwOk.name));
        S otlpOk = ok("t4_otlp");
        byte[] otlpBody = encode(Protocol.OTLP_PROTO, otlpOk);
        cases.add(new Case("wrong content type", Protocol.OTLP_PROTO)
                .request(() -> post(
                        "/v1/metrics",
                        otlpBody,
                        with(otlpHeaders(Protocol.OTLP_PROTO, TENANT), "Content-Type", "text/plain")))
                .expect(415, "Content-Type \"text/plain\"")
                .absent(otlpOk.name));
        cases.add(new Case("missing content type", Protocol.OTLP_PROTO)
                .request(() -> post("/v1/metrics", otlpBody, "X-Scope-OrgID", TENANT))
                .expect(415, "Content-Type (none)")
                .absent(otlpOk.name));
        for (String encoding : List.of("snappy", "br")) {
            cases.add(new Case("wrong content encoding " + encoding, Protocol.OTLP_PROTO)
                    .request(() -> post(
                            "/v1/metrics",
                            otlpBody,
                            with(otlpHeaders(Protocol.OTLP_PROTO, TENANT), "Content-Encoding", encoding)))
                    .expect(415, "Content-Encoding \"" + encoding + "\"")
                    .absent(otlpOk.name));
        }

        for (Protocol p : Protocol.values()) {
            byte[] big = new byte[MAX_BODY + 1024];
            new Random(1).nextBytes(big);
            cases.add(new Case("body over --max-body-size", p)
                    .request(() -> rawExchange(path(p), List.of(headers(p, TENANT)), big, false))
                    .expect(413, "request body of " + big.length + " bytes exceeds the limit of " + MAX_BODY));
            if (p != Protocol.OTLP_JSON) {
                // Without Content-Length (chunked), the body is cut off once it passes the limit.
                cases.add(new Case("chunked body over --max-body-size", p)
                        .request(() -> rawExchange(path(p), List.of(headers(p, TENANT)), big, true))
                        .expect(413, "exceeds the limit of " + MAX_BODY + " bytes"));
            }
            S ok = ok("t6_" + p.name().toLowerCase());
            long[] ts = new long[MAX_SAMPLES];
            double[] vs = new double[MAX_SAMPLES];
            for (int i = 0; i < MAX_SAMPLES; i++) {
                ts[i] = now - MAX_SAMPLES + i;
                vs[i] = i;
            }
            // one sample in the valid series plus MAX_SAMPLES in the other: one over the limit
            S many = new S(ok.name + "_many", ts, vs, "k", "v");
            cases.add(new Case("too many samples (limit + 1)", p)
                    .request(() -> send(p, TENANT, encode(p, ok, many)))
                    .expect(413, "more than " + MAX_SAMPLES + " samples")
                    .absent(ok.name));
        }
    }

    // ---------------------------------------------------------------- labels

    private static void labels(List<Case> cases) {
        for (Protocol p : Protocol.values()) {
            String id = "l_" + p.name().toLowerCase();

            S ok1 = ok(id + "_empty");
            S emptyName = new S(ok1.name + "_bad", now, 1, "", "x");
            Case empty = new Case("empty label name", p).request(() -> send(p, TENANT, encode(p, ok1, emptyName)));
            cases.add(
                    p.otlp()
                            ? empty.partial(1, "label name is empty", "(metric \"" + emptyName.name + "\")")
                                    .present(ok1.name)
                            : empty.expect(400, "(timeseries[1])", emptyName.name + "{", "empty label name")
                                    .present(ok1.name));

            S ok2 = ok(id + "_dup");
            S dup = new S(ok2.name + "_bad", now, 1, "dup", "1", "dup", "2");
            Case duplicate = new Case("duplicate label name", p).request(() -> send(p, TENANT, encode(p, ok2, dup)));
            if (p.otlp()) {
                // Prometheus' translator joins the values of colliding attribute keys with ';', in order.
                cases.add(duplicate.partial(0).present(ok2.name).then(() -> assertThat(labelsOf(TENANT, dup.name))
                        .containsExactly(Map.of("__name__", dup.name, "dup", "1;2"))));
            } else {
                cases.add(duplicate
                        .expect(400, "(timeseries[1])", "duplicate label name \"dup\"")
                        .present(ok2.name));
            }

            // Prometheus 3 accepts any UTF-8 label name; OTLP attribute keys are sanitized to legacy names.
            S dotted = new S(id + "_utf8_name", now, 1, "a.b", "v", "ünï", "ü");
            Case utf8 = new Case("UTF-8 label names", p).request(() -> send(p, TENANT, encode(p, dotted)));
            cases.add(
                    p.otlp()
                            ? utf8.partial(0).then(() -> assertThat(labelsOf(TENANT, dotted.name))
                                    .containsExactly(Map.of("__name__", dotted.name, "a_b", "v", "key_n_", "ü")))
                            : utf8.expect(204).then(() -> assertThat(labelsOf(TENANT, dotted.name))
                                    .containsExactly(Map.of("__name__", dotted.name, "a.b", "v", "ünï", "ü"))));

            S ok3 = ok(id + "_badname");
            S badName = new S(ok3.name + "_bad", now, 1, PLACEHOLDER, "v");
            byte[] invalidName = {'n', (byte) 0xC3, (byte) 0x28, 'x'};
            int[] at = new int[1];
            Case nonUtf8Name = new Case("non-UTF-8 label name", p)
                    .request(() -> send(p, TENANT, patch(encode(p, ok3, badName), invalidName, at)));
            cases.add(
                    switch (p) {
                        // the offset is that of the first byte of the invalid sequence in the decompressed body
                        case RW ->
                            nonUtf8Name
                                    .expectLazy(400, () -> new String[] {
                                        "(timeseries[1])",
                                        "invalid UTF-8 in labels[1].name at byte offset " + (at[0] + 1)
                                    })
                                    .present(ok3.name);
                        case OTLP_PROTO ->
                            nonUtf8Name
                                    .expect(400, "invalid protobuf body", "UTF-8")
                                    .absent(ok3.name);
                        case OTLP_JSON ->
                            nonUtf8Name
                                    .expect(400, "invalid JSON body: not valid UTF-8")
                                    .absent(ok3.name);
                    });

            S ok4 = ok(id + "_badvalue");
            S badValue = new S(ok4.name + "_bad", now, 1, "k", PLACEHOLDER);
            byte[] invalidValue = {'v', (byte) 0xFF, 'a', 'l'};
            int[] at2 = new int[1];
            Case nonUtf8Value = new Case("non-UTF-8 label value", p);
            cases.add(
                    switch (p) {
                        case RW ->
                            nonUtf8Value
                                    .request(() -> send(p, TENANT, patch(encode(p, ok4, badValue), invalidValue, at2)))
                                    .expectLazy(400, () -> new String[] {
                                        "(timeseries[1])",
                                        "invalid UTF-8 in labels[1].value (name \"k\") at byte offset " + (at2[0] + 1)
                                    })
                                    .present(ok4.name);
                        case OTLP_PROTO ->
                            nonUtf8Value
                                    .request(() -> send(p, TENANT, patch(encode(p, ok4, badValue), invalidValue, at2)))
                                    .expect(400, "invalid protobuf body", "UTF-8")
                                    .absent(ok4.name);
                        // JSON text is valid UTF-8, but a \\u escape can name a lone surrogate
                        case OTLP_JSON ->
                            nonUtf8Value
                                    .request(() -> send(
                                            p,
                                            TENANT,
                                            new String(encode(p, ok4, badValue), UTF_8)
                                                    .replace(PLACEHOLDER, "\\ud800")
                                                    .getBytes(UTF_8)))
                                    .partial(1, "value of label \"k\" is not valid UTF-8", "(metric \"" + badValue.name)
                                    .present(ok4.name);
                    });

            // __name__ counts: the limit allows MAX_LABELS - 1 more labels.
            S ok5 = ok(id + "_many");
            S atLimit = new S(ok5.name + "_at_limit", now, 1, numbered(MAX_LABELS - 1));
            S overLimit = new S(ok5.name + "_over_limit", now, 1, numbered(MAX_LABELS));
            Case tooMany = new Case("too many labels", p)
                    .request(() -> send(p, TENANT, encode(p, ok5, overLimit, atLimit)))
                    .present(ok5.name)
                    .then(() -> assertThat(stored(TENANT, atLimit.name))
                            .as("series with exactly the limit")
                            .isNotEmpty());
            cases.add(
                    p.otlp()
                            ? tooMany.partial(
                                    1, "has " + (MAX_LABELS + 1) + " labels, more than the limit of " + MAX_LABELS)
                            : tooMany.expect(
                                    400,
                                    "(timeseries[1])",
                                    "has " + (MAX_LABELS + 1) + " labels, more than the limit of " + MAX_LABELS));

            S ok6 = ok(id + "_longname");
            S nameAtLimit = new S(ok6.name + "_at_limit", now, 1, "n".repeat(MAX_NAME), "v");
            S nameOver = new S(ok6.name + "_over_limit", now, 1, "n".repeat(MAX_NAME + 1), "v");
            Case longName = new Case("label name too long", p)
                    .request(() -> send(p, TENANT, encode(p, ok6, nameOver, nameAtLimit)))
                    .present(ok6.name)
                    .then(() -> assertThat(stored(TENANT, nameAtLimit.name)).isNotEmpty());
            cases.add(
                    p.otlp()
                            ? longName.partial(1, "is longer than " + MAX_NAME + " bytes")
                            : longName.expect(
                                    400,
                                    "(timeseries[1])",
                                    "labels[1].name of " + (MAX_NAME + 1) + " bytes, more than the limit of "
                                            + MAX_NAME));

            // Two bytes per character: the limit counts UTF-8 bytes, not characters.
            S ok7 = ok(id + "_longvalue");
            S valueAtLimit = new S(ok7.name + "_at_limit", now, 1, "k", "é".repeat(MAX_VALUE / 2));
            S valueOver = new S(ok7.name + "_over_limit", now, 1, "k", "é".repeat(MAX_VALUE / 2 + 1));
            Case longValue = new Case("label value too long", p)
                    .request(() -> send(p, TENANT, encode(p, ok7, valueOver, valueAtLimit)))
                    .present(ok7.name)
                    .then(() -> assertThat(stored(TENANT, valueAtLimit.name)).isNotEmpty());
            cases.add(
                    p.otlp()
                            ? longValue.partial(1, "value of label \"k\" is longer than " + MAX_VALUE + " bytes")
                            : longValue.expect(
                                    400,
                                    "(timeseries[1])",
                                    "labels[1].value (name \"k\") of " + (MAX_VALUE + 2) + " bytes, more than the"
                                            + " limit of " + MAX_VALUE));
        }
        // The configuration spells durations as Prometheus does (10m, 15d); rejections should quote them so.
        S okDurations = ok("v_rw_durations");
        S future = new S(okDurations.name + "_future", now + 60 * MINUTE, 1, "k", "v");
        S old = new S(okDurations.name + "_old", now - 16L * 24 * 60 * MINUTE, 1, "k", "v");
        cases.add(new Case("rejections quote --max-future and --retention", Protocol.RW)
                .request(() -> send(Protocol.RW, TENANT, rw(okDurations, future, old)))
                .expect(400, "more than 10m in the future", "older than the retention of 15d")
                .present(okDurations.name));

        S ok = ok("l_rw_noname");
        S noName = new S(null, new long[] {now}, new double[] {1}, "k", "v");
        cases.add(new Case("series without __name__", Protocol.RW)
                .request(() -> send(Protocol.RW, TENANT, rw(ok, noName)))
                .expect(400, "(timeseries[1])", "has no metric name")
                .present(ok.name));
    }

    // ---------------------------------------------------------------- values and timestamps

    private static void values(List<Case> cases) {
        for (Protocol p : Protocol.values()) {
            String id = "v_" + p.name().toLowerCase();

            double[] huge = {1e308, -1e308, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 0.1};
            S hugeSeries = new S(id + "_huge", times(huge.length), huge, "k", "v");
            cases.add(new Case("huge and tiny values", p)
                    .request(() -> send(p, TENANT, encode(p, hugeSeries)))
                    .accepted(p)
                    .then(() -> {
                        assertStoredBits(hugeSeries);
                        TestServer.Exported e = exported(hugeSeries.name);
                        assertThat(e.timestamps()).containsExactly(hugeSeries.ts);
                        for (int i = 0; i < huge.length; i++) {
                            assertThat(Double.doubleToRawLongBits(e.values()[i]))
                                    .as("exported %s for %s", e.values()[i], huge[i])
                                    .isEqualTo(Double.doubleToRawLongBits(huge[i]));
                        }
                    }));

            // Prometheus (Go) keeps the sign of a negative zero through remote write and OTLP, JSON included.
            S negativeZero = new S(id + "_negative_zero", now, -0.0, "k", "v");
            cases.add(new Case("negative zero keeps its sign", p)
                    .request(() -> send(p, TENANT, encode(p, negativeZero)))
                    .accepted(p)
                    .then(() -> assertStoredBits(negativeZero)));

            long[] special = p == Protocol.OTLP_JSON
                    // JSON spells NaN and the infinities as strings and cannot carry a NaN's payload
                    ? new long[] {
                        Double.doubleToRawLongBits(Double.NaN),
                        Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
                        Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY)
                    }
                    : new long[] {
                        0x7ff8000000000000L, // Java's NaN
                        0x7ff8000000000001L, // Go's math.NaN()
                        0x7ff80000deadbeefL, // a NaN with a payload
                        0xfff8000000000000L, // a negative NaN
                        Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
                        Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY),
                        Samples.STALE_NAN_BITS
                    };
            double[] specialValues = new double[special.length];
            for (int i = 0; i < special.length; i++) {
                specialValues[i] = Double.longBitsToDouble(special[i]);
            }
            S specialSeries = new S(id + "_special", times(special.length), specialValues, "k", "v");
            // OTLP marks "no recorded value" with a flag; Prometheus stores the stale marker for it.
            S flagged = new S(id + "_no_recorded_value", new long[] {now}, new double[] {5}, 1, "k", "v");
            List<S> sent = p.otlp() ? List.of(specialSeries, flagged) : List.of(specialSeries);
            cases.add(new Case("NaN, ±Inf and stale markers", p)
                    .request(() -> send(p, TENANT, encode(p, sent.toArray(S[]::new))))
                    .accepted(p)
                    .then(() -> {
                        if (p == Protocol.OTLP_JSON) {
                            long[] bits = storedBits(specialSeries.name);
                            assertThat(Double.longBitsToDouble(bits[0])).isNaN();
                            assertThat(bits[0]).isNotEqualTo(Samples.STALE_NAN_BITS);
                            assertThat(Arrays.copyOfRange(bits, 1, bits.length))
                                    .containsExactly(Arrays.copyOfRange(special, 1, special.length));
                        } else {
                            assertStoredBits(specialSeries);
                        }
                        TestServer.Exported e = exported(specialSeries.name);
                        for (int i = 0; i < special.length; i++) {
                            double v = specialValues[i];
                            if (Double.isNaN(v)) {
                                assertThat(e.values()[i]).isNaN();
                            } else {
                                assertThat(e.values()[i]).isEqualTo(v);
                            }
                        }
                        if (p.otlp()) {
                            assertThat(storedBits(flagged.name)).containsExactly(Samples.STALE_NAN_BITS);
                            assertThat(exported(flagged.name).values()[0]).isNaN();
                        }
                    }));

            S ok1 = ok(id + "_future");
            long future = now + 60 * MINUTE;
            S inFuture = new S(ok1.name + "_bad", future, 1, "k", "v");
            Case farFuture =
                    new Case("far-future timestamp", p).request(() -> send(p, TENANT, encode(p, ok1, inFuture)));
            String[] futureParts = {"in the future", "series " + inFuture.name + "{k=\"v\"}", "timestamp " + future};
            cases.add((p.otlp()
                            ? farFuture.partial(1, futureParts)
                            : farFuture.expect(400, concat(futureParts, "too far in the future: 1")))
                    .present(ok1.name)
                    .then(() -> assertThat(stored(TENANT, inFuture.name)).isEmpty()));

            S ok2 = ok(id + "_old");
            long old = now - 16L * 24 * 60 * MINUTE;
            S tooOld = new S(ok2.name + "_bad", old, 1, "k", "v");
            Case ancient = new Case("timestamp older than retention", p)
                    .request(() -> send(p, TENANT, encode(p, ok2, tooOld)));
            String[] oldParts = {"older than the retention", "series " + tooOld.name + "{k=\"v\"}", "timestamp " + old};
            cases.add((p.otlp() ? ancient.partial(1, oldParts) : ancient.expect(400, concat(oldParts, "too old: 1")))
                    .present(ok2.name)
                    .then(() -> assertThat(stored(TENANT, tooOld.name)).isEmpty()));

            // Out of order: the newest sample is at now; 11 minutes back is outside the 10m window, 5 inside.
            S ok3 = ok(id + "_ooo");
            String ooo = ok3.name + "_series";
            long late = now - 11 * MINUTE;
            long inWindow = now - 5 * MINUTE;
            String[] oooParts = {"out of order", "series " + ooo + "{k=\"v\"}", "timestamp " + late};
            Case outOfOrder = new Case("out of order beyond the window", p).request(() -> {
                Answer first = send(p, TENANT, encode(p, new S(ooo, now, 1, "k", "v")));
                assertThat(first.status).as(first.message).isEqualTo(p.otlp() ? 200 : 204);
                return send(p, TENANT, encode(p, ok3, new S(ooo, late, 2, "k", "v")));
            });
            cases.add((p.otlp() ? outOfOrder.partial(1, oooParts) : outOfOrder.expect(400, oooParts))
                    .present(ok3.name)
                    .then(() -> {
                        Answer a = send(p, TENANT, encode(p, new S(ooo, inWindow, 3, "k", "v")));
                        assertAccepted(p, a, "in-window out-of-order sample");
                        TestServer.Exported e = exported(ooo);
                        assertThat(e.timestamps()).containsExactly(inWindow, now);
                        assertThat(e.values()).containsExactly(3, 1);
                    }));

            String dupName = id + "_dup_ts";
            S ok4 = ok(id + "_dup_ts_ok");
            String[] dupParts = {
                "duplicate sample for timestamp with a different value",
                "series " + dupName + "{k=\"v\"}",
                "timestamp " + now
            };
            Case duplicate = new Case("same timestamp, different value", p).request(() -> {
                Answer first = send(p, TENANT, encode(p, new S(dupName, now, 1, "k", "v")));
                assertAccepted(p, first, "first sample");
                return send(p, TENANT, encode(p, ok4, new S(dupName, now, 2, "k", "v")));
            });
            cases.add((p.otlp() ? duplicate.partial(1, dupParts) : duplicate.expect(400, dupParts))
                    .present(ok4.name)
                    .then(() -> {
                        // An exact duplicate (a retried request) is accepted without error and changes nothing.
                        Answer again = send(p, TENANT, encode(p, new S(dupName, now, 1, "k", "v")));
                        assertAccepted(p, again, "exact duplicate");
                        TestServer.Exported e = exported(dupName);
                        assertThat(e.timestamps()).containsExactly(now);
                        assertThat(e.values()).containsExactly(1);
                    }));
        }
    }

    // ---------------------------------------------------------------- tenant headers

    private static void tenants(List<Case> cases) {
        for (Protocol p : List.of(Protocol.RW, Protocol.OTLP_PROTO)) {
            String id = "h_" + p.name().toLowerCase();
            List<Object[]> bad = List.of(
                    new Object[] {"empty X-Scope-OrgID", "X-Scope-OrgID", "", "X-Scope-OrgID is empty"},
                    new Object[] {"X-Scope-OrgID a|b", "X-Scope-OrgID", "a|b", "X-Scope-OrgID: multiple tenants"},
                    new Object[] {
                        "X-Scope-OrgID ../x",
                        "X-Scope-OrgID",
                        "../x",
                        "X-Scope-OrgID contains the unsupported character '/' at position 2"
                    },
                    new Object[] {"X-Scope-OrgID ..", "X-Scope-OrgID", "..", "X-Scope-OrgID must not be '.' or '..'"},
                    new Object[] {
                        "X-Scope-OrgID of 151 characters",
                        "X-Scope-OrgID",
                        "t".repeat(151),
                        "X-Scope-OrgID is longer than 150 characters"
                    },
                    new Object[] {
                        "X-Scope-OrgID with UTF-8 (tënant)",
                        "X-Scope-OrgID",
                        "tënant",
                        "X-Scope-OrgID contains the unsupported character"
                    },
                    new Object[] {
                        "X-Tenant-ID a/b", "X-Tenant-ID", "a/b", "X-Tenant-ID contains the unsupported character '/'"
                    });
            int i = 0;
            for (Object[] b : bad) {
                S ok = ok(id + "_" + i++);
                cases.add(new Case((String) b[0], p)
                        .request(() -> rawPost(p, encode(p, ok), List.of((String) b[1], (String) b[2])))
                        .expect(400, (String) b[3])
                        .absent(ok.name));
            }
            S conflict = ok(id + "_conflict");
            cases.add(new Case("X-Scope-OrgID and X-Tenant-ID differ", p)
                    .request(() ->
                            rawPost(p, encode(p, conflict), List.of("X-Scope-OrgID", TENANT, "X-Tenant-ID", "other")))
                    .expect(400, "X-Scope-OrgID and X-Tenant-ID name different tenants")
                    .absent(conflict.name));

            S alt = ok(id + "_alt");
            cases.add(new Case("X-Tenant-ID alone", p)
                    .request(() -> rawPost(p, encode(p, alt), List.of("X-Tenant-ID", "alt-" + p.label)))
                    .accepted(p)
                    .present("alt-" + p.label, alt.name));
            S same = ok(id + "_same");
            cases.add(new Case("X-Scope-OrgID and X-Tenant-ID agree", p)
                    .request(() -> rawPost(p, encode(p, same), List.of("X-Scope-OrgID", TENANT, "X-Tenant-ID", TENANT)))
                    .accepted(p)
                    .present(same.name));
            S longest = ok(id + "_150");
            String tenant150 = (p.otlp() ? "o" : "r").repeat(150);
            cases.add(new Case("X-Scope-OrgID of 150 characters", p)
                    .request(() -> rawPost(p, encode(p, longest), List.of("X-Scope-OrgID", tenant150)))
                    .accepted(p)
                    .present(tenant150, longest.name));
        }
    }

    // ---------------------------------------------------------------- cases

    /** A request and what must hold after it. */
    private static final class Case {
        final String name;
        final Protocol protocol;
        Callable<Answer> request;
        int status;
        String[] parts = {};
        long rejected = -1;
        String present;
        String presentTenant = TENANT;
        String absent;
        Executable then;
        private Callable<String[]> lazyParts;

        Case(String name, Protocol protocol) {
            this.name = name;
            this.protocol = protocol;
        }

        Case request(Callable<Answer> r) {
            Callable<Answer> inner = r;
            request = () -> {
                Answer a = inner.call();
                if (lazyParts != null) {
                    parts = lazyParts.call();
                }
                return a;
            };
            return this;
        }

        Case expect(int status, String... parts) {
            this.status = status;
            this.parts = parts;
            return this;
        }

        /** Message parts that depend on the request, known once it is built. */
        Case expectLazy(int status, Callable<String[]> parts) {
            this.status = status;
            this.lazyParts = parts;
            return this;
        }

        /** OTLP's partial success: 200, this many data points rejected, the reasons in the message. */
        Case partial(long rejected, String... parts) {
            this.status = 200;
            this.rejected = rejected;
            this.parts = parts;
            return this;
        }

        Case accepted(Protocol p) {
            return p.otlp() ? partial(0) : expect(204);
        }

        Case present(String series) {
            present = series;
            return this;
        }

        Case present(String tenant, String series) {
            presentTenant = tenant;
            present = series;
            return this;
        }

        Case absent(String series) {
            absent = series;
            return this;
        }

        Case then(Executable check) {
            then = check;
            return this;
        }
    }

    /** Status, the message (plain text, partial_success.error_message or google.rpc.Status.message), rejected. */
    private record Answer(int status, String message, long rejected) {}

    private static void assertAccepted(Protocol p, Answer a, String what) {
        assertThat(a.status).as("%s: %s", what, a.message).isEqualTo(p.otlp() ? 200 : 204);
        if (p.otlp()) {
            assertThat(a.rejected).as("%s: %s", what, a.message).isZero();
        }
        assertThat(a.message).as(what).isEmpty();
    }

    // ---------------------------------------------------------------- series and their encodings

    /** A series: metric name (null for none), labels as name/value pairs in order, samples; OTLP point flags. */
    private record S(String name, String[] labels, long[] ts, double[] vs, int flags) {
        S(String name, long[] ts, double[] vs, String... labels) {
            this(name, labels, ts, vs, 0);
        }

        S(String name, long t, double v, String... labels) {
            this(name, labels, new long[] {t}, new double[] {v}, 0);
        }

        S(String name, long[] ts, double[] vs, int flags, String... labels) {
            this(name, labels, ts, vs, flags);
        }
    }

    /** The valid series each request carries alongside the bad one. */
    private static S ok(String id) {
        return new S(id + "_ok", now, 1, "k", "v");
    }

    private static long[] times(int n) {
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            ts[i] = now - (n - i) * 1000L;
        }
        return ts;
    }

    private static String[] numbered(int n) {
        String[] out = new String[2 * n];
        for (int i = 0; i < n; i++) {
            out[2 * i] = String.format("l%02d", i);
            out[2 * i + 1] = "v";
        }
        return out;
    }

    private static byte[] encode(Protocol p, S... series) {
        return switch (p) {
            case RW -> rw(series);
            case OTLP_PROTO -> otlp(series).toByteArray();
            case OTLP_JSON -> otlpJson(series);
        };
    }

    /** A remote-write request with labels in the order given (senders should sort; the receiver must cope). */
    private static byte[] rw(S... series) {
        WriteRequest.Builder b = WriteRequest.newBuilder();
        for (S s : series) {
            TimeSeries.Builder t = TimeSeries.newBuilder();
            if (s.name != null) {
                t.addLabels(Label.newBuilder().setName("__name__").setValue(s.name));
            }
            for (int i = 0; i < s.labels.length; i += 2) {
                t.addLabels(Label.newBuilder().setName(s.labels[i]).setValue(s.labels[i + 1]));
            }
            for (int i = 0; i < s.ts.length; i++) {
                t.addSamples(Sample.newBuilder().setTimestamp(s.ts[i]).setValue(s.vs[i]));
            }
            b.addTimeseries(t);
        }
        return b.build().toByteArray();
    }

    /** One gauge metric per series, labels as attributes, no resource attributes (so no job, instance, target_info). */
    private static ExportMetricsServiceRequest otlp(S... series) {
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
        for (S s : series) {
            Gauge.Builder g = Gauge.newBuilder();
            for (int i = 0; i < s.ts.length; i++) {
                NumberDataPoint.Builder point = NumberDataPoint.newBuilder()
                        .setTimeUnixNano(s.ts[i] * 1_000_000)
                        .setAsDouble(s.vs[i])
                        .setFlags(s.flags);
                for (int j = 0; j < s.labels.length; j += 2) {
                    point.addAttributes(KeyValue.newBuilder()
                            .setKey(s.labels[j])
                            .setValue(AnyValue.newBuilder().setStringValue(s.labels[j + 1])));
                }
                g.addDataPoints(point);
            }
            scope.addMetrics(Metric.newBuilder().setName(s.name).setGauge(g));
        }
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder().addScopeMetrics(scope))
                .build();
    }

    /** OTLP/JSON as the specification spells it: lowerCamelCase keys, enums as integers. */
    private static byte[] otlpJson(S... series) {
        try {
            return JsonFormat.printer()
                    .printingEnumsAsInts()
                    .print(otlp(series))
                    .getBytes(UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces the one occurrence of {@link #PLACEHOLDER} by {@code bytes} (same length); its offset in {@code at}. */
    private static byte[] patch(byte[] data, byte[] bytes, int[] at) {
        byte[] ph = PLACEHOLDER.getBytes(UTF_8);
        assertThat(bytes).hasSameSizeAs(ph);
        int found = -1;
        for (int i = 0; i + ph.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + ph.length, ph, 0, ph.length)) {
                assertThat(found).as("one placeholder").isEqualTo(-1);
                found = i;
            }
        }
        assertThat(found).as("placeholder present").isNotNegative();
        byte[] out = data.clone();
        System.arraycopy(bytes, 0, out, found, bytes.length);
        at[0] = found;
        return out;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---------------------------------------------------------------- HTTP

    private static String[] rwHeaders(String tenant) {
        return new String[] {
            "Content-Type", "application/x-protobuf",
            "Content-Encoding", "snappy",
            "X-Prometheus-Remote-Write-Version", "0.1.0",
            "X-Scope-OrgID", tenant
        };
    }

    private static String[] otlpHeaders(Protocol p, String tenant) {
        return new String[] {
            "Content-Type",
            p == Protocol.OTLP_JSON ? "application/json" : "application/x-protobuf",
            "X-Scope-OrgID",
            tenant
        };
    }

    private static String[] headers(Protocol p, String tenant) {
        return p.otlp() ? otlpHeaders(p, tenant) : rwHeaders(tenant);
    }

    /** {@code headers} with {@code name} set to {@code value}. */
    private static String[] with(String[] headers, String name, String value) {
        List<String> out = new ArrayList<>();
        boolean replaced = false;
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase(name)) {
                out.add(name);
                out.add(value);
                replaced = true;
            } else {
                out.add(headers[i]);
                out.add(headers[i + 1]);
            }
        }
        if (!replaced) {
            out.add(name);
            out.add(value);
        }
        return out.toArray(String[]::new);
    }

    /** Encodes for the wire (snappy for remote write) and sends with the protocol's usual headers. */
    private static Answer send(Protocol p, String tenant, byte[] encoded) throws Exception {
        byte[] body = p.otlp() ? encoded : Snappy.compress(encoded);
        return post(p.otlp() ? "/v1/metrics" : "/api/v1/write", body, headers(p, tenant));
    }

    private static Answer post(String path, byte[] body, String... headers) throws Exception {
        HttpResponse<byte[]> r = server.post(path, body, headers);
        return answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    private static String path(Protocol p) {
        return p.otlp() ? "/v1/metrics" : "/api/v1/write";
    }

    /** A request whose tenant headers go out exactly as given: empty, or UTF-8 bytes java.net.http refuses. */
    private static Answer rawPost(Protocol p, byte[] encoded, List<String> tenantHeaders) throws Exception {
        byte[] body = p.otlp() ? encoded : Snappy.compress(encoded);
        String[] base = headers(p, "unused");
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < base.length; i += 2) {
            if (!base[i].equals("X-Scope-OrgID")) {
                headers.add(base[i]);
                headers.add(base[i + 1]);
            }
        }
        headers.addAll(tenantHeaders);
        return rawExchange(path(p), headers, body, false);
    }

    /**
     * One request on its own connection, written by hand (header values as UTF-8 bytes). The body goes out from
     * another thread while this one reads the answer: a server may answer before it reads a body it refuses, and a
     * client that only reads once it has sent everything (as java.net.http does) can then see a reset instead.
     */
    private static Answer rawExchange(String path, List<String> headers, byte[] body, boolean chunked)
            throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.sextant.port()
                        + "\r\nConnection: close\r\n"
                        + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n"))
                .getBytes(ISO_8859_1));
        for (int i = 0; i < headers.size(); i += 2) {
            head.write((headers.get(i) + ": ").getBytes(ISO_8859_1));
            head.write(headers.get(i + 1).getBytes(UTF_8));
            head.write("\r\n".getBytes(ISO_8859_1));
        }
        head.write("\r\n".getBytes(ISO_8859_1));
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Socket socket = new Socket("127.0.0.1", server.sextant.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toByteArray());
            out.flush();
            Thread writer = new Thread(
                    () -> {
                        try {
                            if (chunked) {
                                for (int at = 0; at < body.length; at += 64 << 10) {
                                    int n = Math.min(64 << 10, body.length - at);
                                    out.write((Integer.toHexString(n) + "\r\n").getBytes(ISO_8859_1));
                                    out.write(body, at, n);
                                    out.write("\r\n".getBytes(ISO_8859_1));
                                }
                                out.write("0\r\n\r\n".getBytes(ISO_8859_1));
                            } else {
                                out.write(body);
                            }
                            out.flush();
                        } catch (IOException answeredFirst) {
                            // the server answered and closed before taking the whole body
                        }
                    },
                    "raw-body-writer");
            writer.setDaemon(true);
            writer.start();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    received.write(buf, 0, n);
                }
            } catch (SocketException reset) {
                // a reset after the answer arrived; what was read is checked below
            }
            writer.join(10_000);
        }
        byte[] response = received.toByteArray();
        String text = new String(response, ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        assertThat(end).as("response head: %s", text).isPositive();
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        String contentType = "";
        boolean chunkedAnswer = false;
        for (String line : lines) {
            String lower = line.toLowerCase();
            if (lower.startsWith("content-type:")) {
                contentType = line.substring(13).trim();
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunkedAnswer = true;
            }
        }
        byte[] payload = Arrays.copyOfRange(response, end + 4, response.length);
        if (chunkedAnswer) {
            payload = dechunk(payload);
        }
        return answer(status, contentType, payload);
    }

    private static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < b.length) {
            int lineEnd = i;
            while (b[lineEnd] != '\r') {
                lineEnd++;
            }
            int size = Integer.parseInt(new String(b, i, lineEnd - i, ISO_8859_1).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(b, lineEnd + 2, size);
            i = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    /** Reads the message of any of the answers the two protocols give. */
    private static Answer answer(int status, String contentType, byte[] body) throws IOException {
        if (contentType.startsWith("application/x-protobuf")) {
            if (status == 200) {
                ExportMetricsServiceResponse r = ExportMetricsServiceResponse.parseFrom(body);
                return new Answer(
                        status,
                        r.getPartialSuccess().getErrorMessage(),
                        r.getPartialSuccess().getRejectedDataPoints());
            }
            // google.rpc.Status{int32 code = 1; string message = 2}
            UnknownFieldSet status2 = UnknownFieldSet.parseFrom(body);
            String message = status2.hasField(2)
                    ? status2.getField(2).getLengthDelimitedList().get(0).toStringUtf8()
                    : "";
            return new Answer(status, message, -1);
        }
        if (contentType.startsWith("application/json")) {
            if (status == 200) {
                ExportMetricsServiceResponse.Builder r = ExportMetricsServiceResponse.newBuilder();
                JsonFormat.parser().merge(new String(body, UTF_8), r);
                return new Answer(
                        status,
                        r.getPartialSuccess().getErrorMessage(),
                        r.getPartialSuccess().getRejectedDataPoints());
            }
            return new Answer(status, JSON.readTree(body).get("message").textValue(), -1);
        }
        return new Answer(status, new String(body, UTF_8), -1);
    }

    // ---------------------------------------------------------------- the store

    private static List<Series> stored(String tenant, String name) {
        return server.stored(tenant, Matcher.equal("__name__", name));
    }

    private static List<Map<String, String>> labelsOf(String tenant, String name) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Series s : stored(tenant, name)) {
            Map<String, String> m = new TreeMap<>();
            s.labels().forEach(m::put);
            out.add(m);
        }
        return out;
    }

    private static long[] storedBits(String name) {
        List<Series> series = stored(TENANT, name);
        assertThat(series).as("series %s", name).hasSize(1);
        Samples samples = series.get(0).samples();
        long[] bits = new long[samples.count()];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = Double.doubleToRawLongBits(samples.values()[i]);
        }
        return bits;
    }

    private static void assertStoredBits(S s) {
        List<Series> series = stored(TENANT, s.name);
        assertThat(series).as("series %s", s.name).hasSize(1);
        Samples samples = series.get(0).samples();
        assertThat(Arrays.copyOf(samples.timestamps(), samples.count())).containsExactly(s.ts);
        long[] want = new long[s.vs.length];
        for (int i = 0; i < want.length; i++) {
            want[i] = Double.doubleToRawLongBits(s.vs[i]);
        }
        assertThat(storedBits(s.name)).as("stored bit patterns of %s", s.name).containsExactly(want);
    }

    private static TestServer.Exported exported(String name) throws Exception {
        List<TestServer.Exported> e = TestServer.parseExport(server.export(TENANT, name));
        assertThat(e).as("export of %s", name).hasSize(1);
        return e.get(0);
    }

    // ---------------------------------------------------------------- compression bombs

    private static byte[] bomb;

    /**
     * A valid gzip member inflating to 1 GiB of zeros. Compressing a gigabyte takes seconds, so one MiB of zeros is
     * deflated once with a full flush (which ends byte-aligned and resets the dictionary, making the chunk
     * self-contained) and repeated 1024 times, then closed with an empty final block, CRC-32 and length.
     */
    private static synchronized byte[] gzipBomb() throws IOException {
        if (bomb == null) {
            byte[] zeros = new byte[1 << 20];
            Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
            deflater.setInput(zeros);
            byte[] chunk = new byte[64 << 10];
            int n = deflater.deflate(chunk, 0, chunk.length, Deflater.FULL_FLUSH);
            deflater.end();
            CRC32 crc = new CRC32();
            ByteArrayOutputStream out = new ByteArrayOutputStream(1100 * n);
            out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
            for (int i = 0; i < 1024; i++) {
                out.write(chunk, 0, n);
                crc.update(zeros);
            }
            out.write(new byte[] {3, 0});
            long c = crc.getValue();
            long size = 1L << 30;
            for (int i = 0; i < 4; i++) {
                out.write((int) (c >>> (8 * i)));
            }
            for (int i = 0; i < 4; i++) {
                out.write((int) (size >>> (8 * i)));
            }
            bomb = out.toByteArray();
            assertThat(bomb.length).isLessThan(MAX_BODY);
        }
        return bomb;
    }

    private static int varint(byte[] buf, int at, long v) {
        while ((v & ~0x7FL) != 0) {
            buf[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[at++] = (byte) v;
        return at;
    }
}
