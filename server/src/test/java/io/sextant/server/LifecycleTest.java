package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.ingest.scrape.TextFormatParser;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.SextantException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleTest {
    @TempDir
    Path dir;

    @Test
    void healthyAtOnceReadyOnlyAfterReplay() throws Exception {
        try (TestServer s = TestServer.startHttpOnly(dir)) {
            HttpResponse<String> healthy = s.get("/-/healthy");
            assertThat(healthy.statusCode()).isEqualTo(200);
            assertThat(healthy.body()).isEqualTo("Sextant is Healthy.\n");
            HttpResponse<String> notReady = s.get("/-/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).isEqualTo("Service Unavailable");
            HttpResponse<String> query = s.get("/api/v1/series?match[]=up");
            assertThat(query.statusCode()).isEqualTo(503);
            assertThat(query.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(s.get("/api/v1/query?query=up").statusCode()).isEqualTo(503);
            assertThat(s.get("/api/v1/query_range?query=up&start=0&end=1&step=1")
                            .statusCode())
                    .isEqualTo(503);
            // parsing and formatting need no data
            assertThat(s.get("/api/v1/format_query?query=up").statusCode()).isEqualTo(200);
            assertThat(s.get("/api/v1/status/buildinfo").statusCode()).isEqualTo(200);
            assertThat(s.get("/metrics").statusCode()).isEqualTo(200);

            s.sextant.replay();

            HttpResponse<String> ready = s.get("/-/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("Sextant is Ready.\n");
            assertThat(s.get("/api/v1/series?match[]=up").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void metricsEndpointParsesAndHasServerAndProcessMetrics() throws Exception {
        try (TestServer s = TestServer.start(dir)) {
            s.get("/-/healthy");
            s.get("/api/v1/nothing");
            HttpResponse<String> r = s.get("/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");

            List<String> samples = new ArrayList<>();
            List<String> families = new ArrayList<>();
            TextFormatParser.parse(r.body(), new TextFormatParser.Sink() {
                @Override
                public void sample(Labels labels, double value, long timestampMs) {
                    samples.add(labels.toString());
                }

                @Override
                public void metadata(MetricMetadata metadata) {
                    families.add(metadata.metricFamilyName() + " " + metadata.type());
                }
            });
            assertThat(samples)
                    .contains(
                            "sextant_http_requests_total{code=\"200\", handler=\"/-/healthy\"}",
                            "sextant_http_requests_total{code=\"404\", handler=\"other\"}",
                            "sextant_http_request_duration_seconds_count{handler=\"/-/healthy\"}",
                            "jvm_memory_used_bytes{area=\"heap\"}",
                            "jvm_memory_used_bytes{area=\"nonheap\"}",
                            "process_start_time_seconds{}",
                            "process_cpu_seconds_total{}",
                            "process_open_fds{}",
                            "process_resident_memory_bytes{}",
                            "sextant_head_ready{}");
            assertThat(samples)
                    .anyMatch(l -> l.startsWith("sextant_build_info{branch=") && l.contains("javaversion=\"java"));
            assertThat(families)
                    .contains(
                            "sextant_http_requests_total COUNTER",
                            "sextant_http_request_duration_seconds HISTOGRAM",
                            "sextant_build_info GAUGE");
        }
    }

    @Test
    void selfScrapeStoresOwnMetricsInTenantSextant() throws Exception {
        try (TestServer s = TestServer.start(dir, "--self-scrape-interval", "1s")) {
            s.sextant.startBackgroundJobs();
            String instance = "127.0.0.1:" + s.sextant.port();
            String up = "{\"__name__\":\"up\",\"instance\":\"" + instance + "\",\"job\":\"sextant\"}";
            HttpResponse<String> r = null;
            for (int i = 0; i < 100; i++) {
                r = s.get("/api/v1/series?match[]=up", "X-Scope-OrgID", "sextant");
                if (r.body().contains(up)) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":[" + up + "]}");
            HttpResponse<String> own = s.get(
                    "/api/v1/series?match[]=%7B__name__%3D~%22sextant_head_.%2B%22%7D", "X-Scope-OrgID", "sextant");
            assertThat(own.body()).contains("\"__name__\":\"sextant_head_ready\"", "\"job\":\"sextant\"");
            assertThat(s.get("/api/v1/metadata?metric=sextant_head_ready", "X-Scope-OrgID", "sextant")
                            .body())
                    .isEqualTo("{\"status\":\"success\",\"data\":{\"sextant_head_ready\":[{\"type\":\"gauge\","
                            + "\"help\":\"1 once WAL replay has finished.\",\"unit\":\"\"}]}}");
            // the default tenant sees none of it
            assertThat(s.get("/api/v1/series?match[]=up").body()).isEqualTo("{\"status\":\"success\",\"data\":[]}");
        }
    }

    @Test
    void closeStopsListeningAndClosesTheStore() throws Exception {
        TestServer s = TestServer.start(dir);
        s.write("t", System.currentTimeMillis(), 1, Labels.of("__name__", "x"));
        java.net.URI healthy = s.uri("/-/healthy");
        s.sextant.close();
        s.sextant.close();
        assertThatThrownBy(() -> s.client.send(
                        java.net.http.HttpRequest.newBuilder(healthy).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
        assertThat(s.sextant.ready()).isFalse();
        assertThatThrownBy(() -> s.write("t", System.currentTimeMillis(), 2, Labels.of("__name__", "x")))
                .isInstanceOf(SextantException.class)
                .satisfies(e -> assertThat(((SextantException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void dataSurvivesAStopAndRestartOnTheSameDirectory() throws Exception {
        long t = System.currentTimeMillis();
        try (TestServer s = TestServer.start(dir)) {
            s.write("t", t, 7, Labels.of("__name__", "kept", "job", "j"));
        }
        try (TestServer s = TestServer.start(dir)) {
            assertThat(s.get("/api/v1/export?match[]=kept", "X-Scope-OrgID", "t")
                            .body())
                    .isEqualTo("{\"metric\":{\"__name__\":\"kept\",\"job\":\"j\"},\"values\":[7],\"timestamps\":[" + t
                            + "]}\n");
        }
    }
}
