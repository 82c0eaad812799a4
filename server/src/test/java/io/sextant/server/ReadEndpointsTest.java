package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.Samples;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Prometheus read endpoints over real HTTP against a real store holding two tenants. */
class ReadEndpointsTest {
    private static final String A = "X-Scope-OrgID";
    private static final String UP_SERIES = "[{\"__name__\":\"up\",\"instance\":\"a:1\",\"job\":\"api\"},"
            + "{\"__name__\":\"up\",\"instance\":\"a:2\",\"job\":\"api\"}]";

    @TempDir
    static Path dir;

    static TestServer server;
    static long base;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir);
        base = System.currentTimeMillis() / 60_000 * 60_000 - 3_600_000;
        server.write("team-a", base, 1, Labels.of("__name__", "up", "job", "api", "instance", "a:1"));
        server.write("team-a", base + 15_000, 0, Labels.of("__name__", "up", "job", "api", "instance", "a:1"));
        server.write("team-a", base, 1, Labels.of("__name__", "up", "job", "api", "instance", "a:2"));
        server.write("team-a", base, 10, Labels.of("__name__", "http_requests_total", "job", "api", "code", "200"));
        server.write("team-a", base, 3, Labels.of("__name__", "http_requests_total", "job", "web", "code", "500"));
        server.write("team-a", base, 1, Labels.of("__name__", "dotted", "http.status_code", "404"));
        server.write("team-a", base, 2, Labels.of("__name__", "escapes", "v", "<a&b>\u2028\u0001\n"));
        server.write("team-a", base, Double.NaN, Labels.of("__name__", "special", "kind", "nan"));
        server.write("team-a", base, Double.POSITIVE_INFINITY, Labels.of("__name__", "special", "kind", "inf"));
        server.write("team-a", base, 1e-7, Labels.of("__name__", "special", "kind", "small"));
        server.write("team-a", base, -0.0, Labels.of("__name__", "special", "kind", "zero"));
        server.write(
                "team-a",
                base,
                Double.longBitsToDouble(Samples.STALE_NAN_BITS),
                Labels.of("__name__", "special", "kind", "stale"));
        server.writeMetadata(
                "team-a",
                new MetricMetadata("up", MetricMetadata.Type.GAUGE, "Up.", ""),
                new MetricMetadata("http_requests_total", MetricMetadata.Type.COUNTER, "Requests.", ""),
                new MetricMetadata("http_requests_total", MetricMetadata.Type.COUNTER, "Requests, again.", ""),
                new MetricMetadata("dotted", MetricMetadata.Type.UNKNOWN, "", "seconds"));
        server.write("team-b", base, 5, Labels.of("__name__", "up", "job", "b", "instance", "b:1"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String ok(String data) {
        return "{\"status\":\"success\",\"data\":" + data + "}";
    }

    private static String bad(String error) {
        return "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"" + error.replace("\"", "\\\"") + "\"}";
    }

    private static void assertJson(HttpResponse<String> r, int status, String body) {
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    // ---------------------------------------------------------------- series

    @Test
    void seriesGetAndPostAnswerTheSame() throws Exception {
        assertJson(server.get("/api/v1/series?match[]=up", A, "team-a"), 200, ok(UP_SERIES));
        assertJson(server.get("/api/v1/series?match%5B%5D=up", A, "team-a"), 200, ok(UP_SERIES));
        assertJson(server.postForm("/api/v1/series", "match[]=up", A, "team-a"), 200, ok(UP_SERIES));
        assertJson(server.postForm("/api/v1/series?match[]=up", "", A, "team-a"), 200, ok(UP_SERIES));
    }

    @Test
    void streamedJsonIsGzippedWhenAccepted() throws Exception {
        HttpResponse<byte[]> r = server.client.send(
                HttpRequest.newBuilder(server.uri("/api/v1/series?match[]=up"))
                        .header(A, "team-a")
                        .header("Accept-Encoding", "gzip")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
        byte[] plain = new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes();
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(ok(UP_SERIES));
    }

    @Test
    void tenantsAreIsolated() throws Exception {
        assertJson(
                server.get("/api/v1/series?match[]=up", A, "team-b"),
                200,
                ok("[{\"__name__\":\"up\",\"instance\":\"b:1\",\"job\":\"b\"}]"));
        assertJson(server.get("/api/v1/series?match[]=up"), 200, ok("[]"));
        assertJson(server.get("/api/v1/series?match[]=up", "X-Tenant-ID", "nobody"), 200, ok("[]"));
        assertJson(server.get("/api/v1/labels", A, "team-b"), 200, ok("[\"__name__\",\"instance\",\"job\"]"));
        assertJson(server.get("/api/v1/label/job/values", A, "team-b"), 200, ok("[\"b\"]"));
        assertJson(server.get("/api/v1/metadata", A, "team-b"), 200, ok("{}"));
        assertThat(server.get("/api/v1/export?match[]=up", A, "team-b").body()).doesNotContain("a:1");
    }

    @Test
    void severalMatchersAreAUnionSortedByLabels() throws Exception {
        assertJson(
                server.get(
                        "/api/v1/series?match[]=up&match[]=" + q("http_requests_total{code=\"500\"}") + "&match[]="
                                + q("{instance=\"a:2\"}"),
                        A,
                        "team-a"),
                200,
                ok("[{\"__name__\":\"http_requests_total\",\"code\":\"500\",\"job\":\"web\"},"
                        + UP_SERIES.substring(1)));
    }

    @Test
    void seriesLimitTruncatesWithAWarning() throws Exception {
        assertJson(
                server.get("/api/v1/series?match[]=up&limit=1", A, "team-a"),
                200,
                "{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"instance\":\"a:1\",\"job\":\"api\"}],"
                        + "\"warnings\":[\"results truncated due to limit\"]}");
        assertJson(server.get("/api/v1/series?match[]=up&limit=2", A, "team-a"), 200, ok(UP_SERIES));
        assertJson(server.get("/api/v1/series?match[]=up&limit=0", A, "team-a"), 200, ok(UP_SERIES));
    }

    @Test
    void timeRangeSelectsSeriesWithSamplesInIt() throws Exception {
        String before = "&start=" + (base / 1000 - 600) + "&end=" + (base / 1000 - 1);
        assertJson(server.get("/api/v1/series?match[]=up" + before, A, "team-a"), 200, ok("[]"));
        String late = "&start=" + (base / 1000 + 10) + "&end=" + (base / 1000 + 20);
        assertJson(
                server.get("/api/v1/series?match[]=up" + late, A, "team-a"),
                200,
                ok("[{\"__name__\":\"up\",\"instance\":\"a:1\",\"job\":\"api\"}]"));
        String rfc3339 =
                "&start=" + q(java.time.Instant.ofEpochMilli(base + 10_000).toString()) + "&end="
                        + q(java.time.Instant.ofEpochMilli(base + 20_000).toString());
        assertJson(
                server.get("/api/v1/series?match[]=up" + rfc3339, A, "team-a"),
                200,
                ok("[{\"__name__\":\"up\",\"instance\":\"a:1\",\"job\":\"api\"}]"));
    }

    @Test
    void jsonStringsAreEscapedLikePrometheus() throws Exception {
        assertJson(
                server.get("/api/v1/series?match[]=escapes", A, "team-a"),
                200,
                ok("[{\"__name__\":\"escapes\",\"v\":\"\\u003ca\\u0026b\\u003e\\u2028\\u0001\\n\"}]"));
    }

    // ---------------------------------------------------------------- labels and label values

    @Test
    void labelNames() throws Exception {
        assertJson(
                server.get("/api/v1/labels", A, "team-a"),
                200,
                ok("[\"__name__\",\"code\",\"http.status_code\",\"instance\",\"job\",\"kind\",\"v\"]"));
        assertJson(
                server.get("/api/v1/labels?match[]=" + q("http_requests_total") + "&limit=2", A, "team-a"),
                200,
                "{\"status\":\"success\",\"data\":[\"__name__\",\"code\"],"
                        + "\"warnings\":[\"results truncated due to limit\"]}");
    }

    @Test
    void grafanaLabelRequests() throws Exception {
        String start = Long.toString(base / 1000 - 3600);
        String end = Long.toString(base / 1000 + 3600);
        // POST /api/v1/labels with match[], start, end and limit=40000, as the Prometheus data source sends it
        assertJson(
                server.postForm(
                        "/api/v1/labels",
                        "match%5B%5D=up&start=" + start + "&end=" + end + "&limit=40000",
                        A,
                        "team-a"),
                200,
                ok("[\"__name__\",\"instance\",\"job\"]"));
        // label values always by GET, start and end in seconds, optional match[]
        assertJson(
                server.get(
                        "/api/v1/label/__name__/values?start=" + start + "&end=" + end + "&limit=40000", A, "team-a"),
                200,
                ok("[\"dotted\",\"escapes\",\"http_requests_total\",\"special\",\"up\"]"));
        assertJson(
                server.get(
                        "/api/v1/label/job/values?match[]=" + q("{__name__=\"up\"}") + "&start=" + start + "&end="
                                + end,
                        A,
                        "team-a"),
                200,
                ok("[\"api\"]"));
        // the health check's time=4 and the exemplar probe's millisecond values are valid times
        assertJson(server.get("/api/v1/labels?start=1&end=4", A, "team-a"), 200, ok("[]"));
        assertJson(server.get("/api/v1/labels?start=1700000000000&end=1700001800000", A, "team-a"), 200, ok("[]"));
        assertJson(server.get("/api/v1/series?match[]=up&start=" + 1.7e12, A, "team-a"), 200, ok("[]"));
    }

    @Test
    void labelValues() throws Exception {
        assertJson(server.get("/api/v1/label/job/values", A, "team-a"), 200, ok("[\"api\",\"web\"]"));
        assertJson(server.get("/api/v1/label/nothing/values", A, "team-a"), 200, ok("[]"));
        assertJson(
                server.get("/api/v1/label/job/values?limit=1", A, "team-a"),
                200,
                "{\"status\":\"success\",\"data\":[\"api\"],\"warnings\":[\"results truncated due to limit\"]}");
        assertJson(
                server.get("/api/v1/label/job/values?match[]=http_requests_total", A, "team-a"),
                200,
                ok("[\"api\",\"web\"]"));
        // Prometheus serves label values by GET only; Grafana retries a refused POST as GET
        assertThat(server.postForm("/api/v1/label/job/values", "", A, "team-a").statusCode())
                .isEqualTo(405);
    }

    @Test
    void escapedLabelNamesInThePath() throws Exception {
        assertJson(server.get("/api/v1/label/U__http_2e_status__code/values", A, "team-a"), 200, ok("[\"404\"]"));
        assertJson(server.get("/api/v1/label/http.status_code/values", A, "team-a"), 200, ok("[\"404\"]"));
        assertJson(server.get("/api/v1/label/http%2Estatus_code/values", A, "team-a"), 200, ok("[\"404\"]"));
    }

    // ---------------------------------------------------------------- metadata and buildinfo

    @Test
    void metadata() throws Exception {
        String up = "\"up\":[{\"type\":\"gauge\",\"help\":\"Up.\",\"unit\":\"\"}]";
        String requests = "\"http_requests_total\":[{\"type\":\"counter\",\"help\":\"Requests.\",\"unit\":\"\"},"
                + "{\"type\":\"counter\",\"help\":\"Requests, again.\",\"unit\":\"\"}]";
        String dotted = "\"dotted\":[{\"type\":\"unknown\",\"help\":\"\",\"unit\":\"seconds\"}]";
        assertJson(
                server.get("/api/v1/metadata", A, "team-a"), 200, ok("{" + dotted + "," + requests + "," + up + "}"));
        assertJson(server.get("/api/v1/metadata?metric=up", A, "team-a"), 200, ok("{" + up + "}"));
        assertJson(server.get("/api/v1/metadata?limit=1", A, "team-a"), 200, ok("{" + dotted + "}"));
        assertJson(server.get("/api/v1/metadata?limit=0", A, "team-a"), 200, ok("{}"));
        assertJson(
                server.get("/api/v1/metadata?metric=http_requests_total&limit_per_metric=1", A, "team-a"),
                200,
                ok("{\"http_requests_total\":[{\"type\":\"counter\",\"help\":\"Requests.\",\"unit\":\"\"}]}"));
        assertJson(server.get("/api/v1/metadata?limit=x", A, "team-a"), 400, bad("limit must be a number"));
        assertJson(
                server.get("/api/v1/metadata?limit_per_metric=x", A, "team-a"),
                400,
                bad("limit_per_metric must be a number"));
    }

    @Test
    void buildInfoHasPrometheusFieldsOnly() throws Exception {
        HttpResponse<String> r = server.get("/api/v1/status/buildinfo");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .matches("\\{\"status\":\"success\",\"data\":\\{\"version\":\"[^\"]+\",\"revision\":\"[^\"]+\","
                        + "\"branch\":\"[^\"]+\",\"buildUser\":\"[^\"]*\",\"buildDate\":\"[^\"]+\","
                        + "\"goVersion\":\"java[^\"]+\"}}")
                .doesNotContain("features");
    }

    // ---------------------------------------------------------------- export

    @Test
    void exportWritesVictoriaMetricsJsonLines() throws Exception {
        HttpResponse<String> r =
                server.get("/api/v1/export?match[]=special&match[]=" + q("up{instance=\"a:1\"}"), A, "team-a");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/stream+json; charset=utf-8");
        String m = "{\"metric\":{\"__name__\":\"special\",\"kind\":\"";
        assertThat(r.body())
                .isEqualTo(m + "inf\"},\"values\":[+Inf],\"timestamps\":[" + base + "]}\n"
                        + m + "nan\"},\"values\":[NaN],\"timestamps\":[" + base + "]}\n"
                        + m + "small\"},\"values\":[0.0000001],\"timestamps\":[" + base + "]}\n"
                        + m + "stale\"},\"values\":[NaN],\"timestamps\":[" + base + "]}\n"
                        + m + "zero\"},\"values\":[0],\"timestamps\":[" + base + "]}\n"
                        + "{\"metric\":{\"__name__\":\"up\",\"instance\":\"a:1\",\"job\":\"api\"},\"values\":[1,0],"
                        + "\"timestamps\":[" + base + "," + (base + 15_000) + "]}\n");
        HttpResponse<String> window = server.postForm(
                "/api/v1/export",
                "match[]=" + q("up{instance=\"a:1\"}") + "&start=" + (base / 1000 + 1) + "&end=" + (base / 1000 + 60),
                A,
                "team-a");
        assertThat(window.body())
                .isEqualTo("{\"metric\":{\"__name__\":\"up\",\"instance\":\"a:1\",\"job\":\"api\"},\"values\":[0],"
                        + "\"timestamps\":[" + (base + 15_000) + "]}\n");
        assertJson(server.get("/api/v1/export", A, "team-a"), 400, bad("no match[] parameter provided"));
    }

    // ---------------------------------------------------------------- errors

    @Test
    void errorsUsePrometheusEnvelopeAndMessages() throws Exception {
        assertJson(server.get("/api/v1/series", A, "team-a"), 400, bad("no match[] parameter provided"));
        assertJson(
                server.get("/api/v1/series?match[]=" + q("up{"), A, "team-a"),
                400,
                bad("invalid parameter \"match[]\": 1:4: parse error: unexpected end of input inside braces"));
        assertJson(
                server.get("/api/v1/labels?match[]=" + q("up{"), A, "team-a"),
                400,
                bad("1:4: parse error: unexpected end of input inside braces"));
        assertJson(
                server.get("/api/v1/series?match[]=" + q("{job=~\".*\"}"), A, "team-a"),
                400,
                bad("invalid parameter \"match[]\": match[] must contain at least one non-empty matcher"));
        assertJson(
                server.get("/api/v1/label/job/values?match[]=" + q("{}"), A, "team-a"),
                400,
                bad("match[] must contain at least one non-empty matcher"));
        assertJson(
                server.get("/api/v1/series?match[]=up&start=abc", A, "team-a"),
                400,
                bad("invalid parameter \"start\": invalid time value for 'start': cannot parse \"abc\" to a valid"
                        + " timestamp"));
        assertJson(
                server.get("/api/v1/labels?start=20&end=10", A, "team-a"),
                400,
                bad("invalid parameter \"end\": end timestamp must not be before start time"));
        assertJson(
                server.get("/api/v1/series?match[]=up&limit=x", A, "team-a"),
                400,
                bad("invalid parameter \"limit\": strconv.Atoi: parsing \"x\": invalid syntax"));
        assertJson(
                server.get("/api/v1/labels?limit=-1", A, "team-a"),
                400,
                bad("invalid parameter \"limit\": limit must be non-negative"));
        assertJson(
                server.postForm("/api/v1/series", "match[]=up&start=%zz", A, "team-a"),
                400,
                bad("error parsing form values: invalid URL escape \"%zz\""));
        assertJson(server.get("/api/v1/label/U__/values", A, "team-a"), 400, bad("invalid label name: \"\""));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"/api/v1/series?match[]=up", "/api/v1/labels", "/api/v1/label/job/values", "/api/v1/metadata"})
    void badTenantHeaderIsRefusedNamingTheHeader(String path) throws Exception {
        HttpResponse<String> r = server.get(path, A, "a|b");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"X-Scope-OrgID");
        assertThat(server.get(path, A, "a", "X-Tenant-ID", "b").statusCode()).isEqualTo(400);
    }

    @Test
    void unknownPathsAndMethods() throws Exception {
        HttpResponse<String> r = server.get("/api/v1/nothing");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("404 page not found\n");
        HttpResponse<String> m = server.postForm("/api/v1/metadata", "");
        assertThat(m.statusCode()).isEqualTo(405);
        assertThat(m.headers().firstValue("Allow")).hasValue("GET");
    }
}
