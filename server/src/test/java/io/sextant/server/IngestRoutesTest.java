package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.sextant.ingest.remotewrite.proto.Label;
import io.sextant.ingest.remotewrite.proto.Sample;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/** Remote write and OTLP through the real server into the real store, and back out through the read API. */
class IngestRoutesTest {
    @TempDir
    Path dir;

    private static byte[] writeRequest(String metric, String job, long t, double v) throws Exception {
        WriteRequest request = WriteRequest.newBuilder()
                .addTimeseries(TimeSeries.newBuilder()
                        .addLabels(Label.newBuilder().setName("__name__").setValue(metric))
                        .addLabels(Label.newBuilder().setName("job").setValue(job))
                        .addSamples(Sample.newBuilder().setTimestamp(t).setValue(v)))
                .build();
        return Snappy.compress(request.toByteArray());
    }

    private static HttpResponse<String> post(TestServer s, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri("/api/v1/write"))
                .header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return s.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void remoteWriteIsStoredPerTenantAndReadBack() throws Exception {
        try (TestServer s = TestServer.start(dir)) {
            long now = System.currentTimeMillis();
            HttpResponse<String> r = post(s, writeRequest("rw_metric", "a", now, 42), "X-Scope-OrgID", "writer");
            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(s.get("/api/v1/series?match[]=rw_metric", "X-Scope-OrgID", "writer")
                            .body())
                    .isEqualTo("{\"status\":\"success\",\"data\":[{\"__name__\":\"rw_metric\",\"job\":\"a\"}]}");
            assertThat(s.get("/api/v1/export?match[]=rw_metric", "X-Scope-OrgID", "writer")
                            .body())
                    .isEqualTo("{\"metric\":{\"__name__\":\"rw_metric\",\"job\":\"a\"},\"values\":[42],"
                            + "\"timestamps\":[" + now + "]}\n");
            assertThat(s.get("/api/v1/series?match[]=rw_metric").body())
                    .isEqualTo("{\"status\":\"success\",\"data\":[]}");
        }
    }

    @Test
    void writesWaitForReplayAndBadTenantsAndLargeBodiesAreRefused() throws Exception {
        try (TestServer s = TestServer.startHttpOnly(dir, "--max-body-size", "1KiB")) {
            byte[] body = writeRequest("m", "a", System.currentTimeMillis(), 1);
            HttpResponse<String> early = post(s, body);
            assertThat(early.statusCode()).isEqualTo(503);
            assertThat(early.headers().firstValue("Retry-After")).hasValue("5");

            s.sextant.replay();

            HttpResponse<String> badTenant = post(s, body, "X-Scope-OrgID", "..");
            assertThat(badTenant.statusCode()).isEqualTo(400);
            assertThat(badTenant.body()).isEqualTo("X-Scope-OrgID must not be '.' or '..'\n");
            HttpResponse<String> tooLarge = post(s, new byte[2048]);
            assertThat(tooLarge.statusCode()).isEqualTo(413);
            assertThat(tooLarge.body()).isEqualTo("request body of 2048 bytes exceeds the limit of 1024 bytes\n");
            assertThat(post(s, body).statusCode()).isEqualTo(204);
        }
    }

    @Test
    void otlpFromTheOpenTelemetrySdkIsStoredPerTenant() throws Exception {
        try (TestServer s = TestServer.start(dir)) {
            for (String path : List.of("/v1/metrics", "/otlp/v1/metrics", "/api/v1/otlp/v1/metrics")) {
                OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
                        .setEndpoint(s.uri(path).toString())
                        .addHeader("X-Scope-OrgID", "otel")
                        .setCompression("gzip")
                        .build();
                SdkMeterProvider provider = SdkMeterProvider.builder()
                        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout")))
                        .registerMetricReader(PeriodicMetricReader.builder(exporter)
                                .setInterval(Duration.ofHours(1))
                                .build())
                        .build();
                provider.get("test")
                        .counterBuilder("orders")
                        .build()
                        .add(3, Attributes.of(AttributeKey.stringKey("path"), path));
                CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
                assertThat(flushed.isSuccess()).as(path).isTrue();
                provider.shutdown().join(10, TimeUnit.SECONDS);
            }
            String body = s.get("/api/v1/series?match[]=orders_total", "X-Scope-OrgID", "otel")
                    .body();
            assertThat(body)
                    .contains(
                            "\"path\":\"/v1/metrics\"",
                            "\"path\":\"/otlp/v1/metrics\"",
                            "\"path\":\"/api/v1/otlp/v1/metrics\"",
                            "\"job\":\"checkout\"");
            assertThat(s.get("/api/v1/series?match[]=orders_total").body())
                    .isEqualTo("{\"status\":\"success\",\"data\":[]}");
        }
    }
}
