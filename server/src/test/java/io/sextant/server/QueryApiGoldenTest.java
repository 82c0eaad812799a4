package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Exemplar;
import io.sextant.storage.Labels;
import io.sextant.storage.WriteBatch;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PromQL endpoints over real HTTP against a real store, case by case from the golden files in {@code
 * src/test/resources/api/}. A case is
 *
 * <pre>
 * # comment
 * GET /api/v1/query          (or POST: the parameters go into a form body)
 *   query=sum by (job) (up)  (parameters, one a line, raw: the test encodes them)
 *   time=60
 * -> 200
 * {"status":"success",...}   (the exact body; "~ regex" to match instead; nothing for an empty body)
 * </pre>
 *
 * <p>and cases are separated by blank lines. Every request is made for tenant {@code team-a}. The data: {@code
 * up} (instances a:1 = 1 and a:2 = 0) and two {@code http_requests_total} counters (job api +10, job web +1 per
 * sample) every 15 s from 0 to 600 s, {@code escapes{v="<a&b>"}} and {@code small} (1e-7) at 60 s, an exemplar
 * on {@code http_requests_total{job="api"}} at 30.5 s; tenant team-b holds {@code up{job="b"}}.
 */
class QueryApiGoldenTest {
    private static final List<String> FILES =
            List.of("query.txt", "query_range.txt", "errors.txt", "format_parse.txt", "exemplars.txt");

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        // a long retention, so that the data can sit at readable times near 1970
        server = TestServer.start(dir, "--retention", "36500d");
        Labels a1 = Labels.of("__name__", "up", "job", "api", "instance", "a:1");
        Labels a2 = Labels.of("__name__", "up", "job", "api", "instance", "a:2");
        Labels api = Labels.of("__name__", "http_requests_total", "job", "api", "code", "200");
        Labels web = Labels.of("__name__", "http_requests_total", "job", "web", "code", "500");
        for (int i = 0; i <= 40; i++) {
            long t = i * 15_000L;
            server.write("team-a", t, 1, a1);
            server.write("team-a", t, 0, a2);
            server.write("team-a", t, 10 * i, api);
            server.write("team-a", t, i, web);
        }
        server.write("team-a", 60_000, 2, Labels.of("__name__", "escapes", "v", "<a&b>"));
        server.write("team-a", 60_000, 1e-7, Labels.of("__name__", "small"));
        WriteBatch exemplar = new WriteBatch();
        int entry = exemplar.addNewSeries(api, null, 0, 0, 0);
        exemplar.addExemplar(entry, new Exemplar(Labels.of("trace_id", "abc<1>"), 6, 30_500));
        server.store.tenant("team-a").commit(exemplar);
        server.write("team-b", 60_000, 5, Labels.of("__name__", "up", "job", "b", "instance", "b:1"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Case(
            String file,
            int line,
            String method,
            String path,
            List<Map.Entry<String, String>> params,
            int status,
            String body) {
        @Override
        public String toString() {
            return file + ":" + line + " " + method + " " + path + " " + params;
        }
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String file : FILES) {
            for (Case c : parse(file)) {
                out.add(Arguments.of(c));
            }
        }
        return out.stream();
    }

    private static List<Case> parse(String file) throws IOException {
        String text;
        try (InputStream in = QueryApiGoldenTest.class.getResourceAsStream("/api/" + file)) {
            if (in == null) {
                throw new IOException("missing golden file " + file);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            if (lines[i].isBlank() || lines[i].startsWith("#")) {
                i++;
                continue;
            }
            int start = i + 1;
            String[] request = lines[i++].split(" ", 2);
            List<Map.Entry<String, String>> params = new ArrayList<>();
            while (lines[i].startsWith("  ")) {
                String p = lines[i++].substring(2);
                int eq = p.indexOf('=');
                params.add(Map.entry(p.substring(0, eq), p.substring(eq + 1)));
            }
            if (!lines[i].startsWith("-> ")) {
                throw new IOException(file + ":" + (i + 1) + ": expected \"-> STATUS\", got " + lines[i]);
            }
            int status = Integer.parseInt(lines[i++].substring(3).trim());
            StringBuilder body = new StringBuilder();
            while (i < lines.length && !lines[i].isEmpty()) {
                body.append(body.length() == 0 ? "" : "\n").append(lines[i++]);
            }
            cases.add(new Case(file, start, request[0], request[1], params, status, body.toString()));
        }
        return cases;
    }

    @Test
    void queriesSeeOneTenant() throws Exception {
        String path = "/api/v1/query?query=up&time=60";
        assertThat(server.get(path, "X-Scope-OrgID", "team-b").body())
                .isEqualTo(
                        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                                + "{\"metric\":{\"__name__\":\"up\",\"instance\":\"b:1\",\"job\":\"b\"},\"value\":[60,\"5\"]}]}}");
        assertThat(server.get(path).body())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
        HttpResponse<String> bad = server.get(path, "X-Scope-OrgID", "a|b");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).startsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"X-Scope-OrgID");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsPrometheus(Case c) throws Exception {
        StringBuilder form = new StringBuilder();
        for (Map.Entry<String, String> p : c.params()) {
            form.append(form.length() == 0 ? "" : "&")
                    .append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = c.method().equals("POST")
                ? server.postForm(c.path(), form.toString(), "X-Scope-OrgID", "team-a")
                : server.get(c.path() + (form.length() == 0 ? "" : "?" + form), "X-Scope-OrgID", "team-a");
        if (c.body().startsWith("~ ")) {
            assertThat(r.body()).matches(c.body().substring(2));
        } else {
            assertThat(r.body()).isEqualTo(c.body());
        }
        assertThat(r.statusCode()).as("status").isEqualTo(c.status());
        if (c.status() != 204) {
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        }
    }
}
