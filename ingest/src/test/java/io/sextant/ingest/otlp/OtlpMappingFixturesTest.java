package io.sextant.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.IngestResponse;
import io.sextant.storage.telemetry.Telemetry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every {@code otlp/fixtures/<name>.json} request through the handler, as OTLP/JSON and as the same request
 * in binary protobuf, and compares everything stored and the partial success with {@code <name>.expected}:
 * one {@code partial_success rejected=<n> message=<text>} line, then {@code series}, {@code exemplar} and {@code
 * metadata} lines as {@link RecordingMetricsWriter#lines} writes them, in any order. Lines starting with
 * {@code #} are comments.
 */
class OtlpMappingFixturesTest {
    private static final String TENANT = "t1";

    static Stream<String> fixtures() throws IOException, URISyntaxException {
        Path dir = fixtureDir();
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .sorted()
                    .toList();
            assertThat(names).hasSizeGreaterThanOrEqualTo(8);
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void json(String fixture) throws Exception {
        byte[] json = Files.readAllBytes(fixtureDir().resolve(fixture + ".json"));
        check(fixture, "application/json", json);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void protobuf(String fixture) throws Exception {
        byte[] json = Files.readAllBytes(fixtureDir().resolve(fixture + ".json"));
        byte[] proto = OtlpCodec.parseJson(json, json.length).toByteArray();
        check(fixture, "application/x-protobuf", proto);
    }

    private static void check(String fixture, String contentType, byte[] body) throws Exception {
        RecordingMetricsWriter writer = new RecordingMetricsWriter();
        OtlpMetricsHandler handler = new OtlpMetricsHandler(writer, IngestLimits.DEFAULTS, new Telemetry());
        IngestResponse response = handler.handle(TENANT, contentType, null, body, body.length);

        assertThat(response.status())
                .as(new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(response.contentType()).isEqualTo(contentType);
        ExportMetricsServiceResponse parsed = parseResponse(contentType, response.body());

        List<String> actual = new ArrayList<>();
        actual.add("partial_success rejected=" + parsed.getPartialSuccess().getRejectedDataPoints() + " message="
                + parsed.getPartialSuccess().getErrorMessage());
        actual.addAll(writer.lines(TENANT));

        List<String> expected = new ArrayList<>();
        for (String line : Files.readAllLines(fixtureDir().resolve(fixture + ".expected"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                expected.add(line);
            }
        }
        assertThat(expected.get(0)).startsWith("partial_success ");
        assertThat(actual.get(0)).as("partial success of %s", fixture).isEqualTo(expected.get(0));
        List<String> expectedRest = new ArrayList<>(expected.subList(1, expected.size()));
        expectedRest.sort(null);
        assertThat(actual.subList(1, actual.size()))
                .as("stored by %s", fixture)
                .containsExactlyElementsOf(expectedRest);
    }

    static ExportMetricsServiceResponse parseResponse(String contentType, byte[] body) throws IOException {
        if (contentType.equals("application/json")) {
            ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
            JsonFormat.parser().merge(new String(body, StandardCharsets.UTF_8), b);
            return b.build();
        }
        return ExportMetricsServiceResponse.parseFrom(body);
    }

    static Path fixtureDir() throws URISyntaxException {
        return Path.of(
                OtlpMappingFixturesTest.class.getResource("/otlp/fixtures").toURI());
    }
}
