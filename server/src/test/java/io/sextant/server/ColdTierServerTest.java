package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.storage.Labels;
import io.sextant.storage.WriteBatch;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cold tier end to end in a running server: three days of backfilled samples are flushed, compacted and
 * rolled up through the admin endpoints; then dashboard panels over them answer from rollups (reported in
 * {@code infos}, shown by EXPLAIN) with the values they have from raw samples, also after a restart, and a bad
 * {@code max_source_resolution} is a 400 naming the parameter.
 */
class ColdTierServerTest {
    private static final long HOUR = 3_600_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static final List<String> PANELS = List.of(
            "rate(requests_total[1h])",
            "sum by (job) (increase(requests_total[1h]))",
            "max_over_time(temperature[1h])",
            "avg_over_time(temperature[6h])",
            "stddev_over_time(temperature[1h])");

    @Test
    void panelsAnswerFromRollupsWithTheRawValues() throws Exception {
        long now = System.currentTimeMillis();
        long start = Math.floorDiv(now - 5 * 24 * HOUR, 48 * HOUR) * 48 * HOUR;
        long end = start + 3 * 24 * HOUR;
        List<JsonNode> raw = new ArrayList<>();
        try (TestServer server = TestServer.start(dir)) {
            write(server, start, end);
            for (String q : PANELS) {
                raw.add(range(server, q, start, end, "raw"));
            }
            assertThat(post(server, "/api/v1/admin/flush").statusCode()).isEqualTo(200);
            assertThat(post(server, "/api/v1/admin/compact").statusCode()).isEqualTo(200);
            HttpResponse<String> rollup = post(server, "/api/v1/admin/rollup");
            assertThat(rollup.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(rollup.body()).at("/data/blocks").size()).isPositive();
            assertPanels(server, start, end, raw);

            String explain = server.get("/api/v1/explain?query="
                            + URLEncoder.encode(PANELS.get(0), StandardCharsets.UTF_8) + "&start=" + start / 1000
                            + "&end=" + end / 1000 + "&step=21600")
                    .body();
            assertThat(explain)
                    .contains("PromRollupWindow")
                    .contains("ColdTableScan")
                    .contains("resolution=[1h]");

            HttpResponse<String> bad = server.get("/api/v1/query_range?query=up&start=" + start / 1000 + "&end="
                    + end / 1000 + "&step=3600&max_source_resolution=2h");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("max_source_resolution").contains("2h");
        }
        try (TestServer server = TestServer.start(dir)) {
            assertPanels(server, start, end, raw);
        }
    }

    private static void assertPanels(TestServer server, long start, long end, List<JsonNode> raw) throws Exception {
        for (int i = 0; i < PANELS.size(); i++) {
            JsonNode got = range(server, PANELS.get(i), start, end, "auto");
            assertThat(got.path("infos").toString()).as(PANELS.get(i)).contains("1h rollups for");
            assertSameValues(PANELS.get(i), got.at("/data/result"), raw.get(i).at("/data/result"));
        }
    }

    /** 20 series every 60 s: counters with resets, gauges. */
    private static void write(TestServer server, long start, long end) {
        SplittableRandom r = new SplittableRandom(5);
        double[] counters = new double[10];
        for (long t = start; t < end; t += 60_000) {
            WriteBatch b = new WriteBatch();
            for (int s = 0; s < 10; s++) {
                Labels base = Labels.of("job", "job" + (s % 3), "instance", "host" + s);
                counters[s] = r.nextInt(500) == 0 ? 0 : counters[s] + r.nextInt(1000);
                b.addSample(b.addNewSeries(named(base, "requests_total"), null, 0, 0, 0), t + s, counters[s]);
                b.addSample(
                        b.addNewSeries(named(base, "temperature"), null, 0, 0, 0),
                        t + 2 * s,
                        20 + r.nextGaussian() * 3);
            }
            server.store.tenant("default").commit(b);
        }
    }

    private static Labels named(Labels base, String name) {
        Labels.Builder b = Labels.builder().set("__name__", name);
        for (int i = 0; i < base.size(); i++) {
            b.set(base.name(i), base.value(i));
        }
        return b.build();
    }

    private static JsonNode range(TestServer server, String q, long start, long end, String resolution)
            throws Exception {
        HttpResponse<String> r = server.get("/api/v1/query_range?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                + "&start=" + start / 1000 + "&end=" + end / 1000 + "&step=21600&max_source_resolution="
                + resolution);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void assertSameValues(String what, JsonNode got, JsonNode want) {
        assertThat(want.size()).as(what).isPositive();
        assertThat(got.size()).as(what).isEqualTo(want.size());
        for (int i = 0; i < want.size(); i++) {
            assertThat(got.get(i).get("metric")).as(what).isEqualTo(want.get(i).get("metric"));
            JsonNode gv = got.get(i).get("values");
            JsonNode wv = want.get(i).get("values");
            assertThat(gv.size()).as(what).isEqualTo(wv.size());
            for (int k = 0; k < wv.size(); k++) {
                assertThat(gv.get(k).get(0).asDouble())
                        .isEqualTo(wv.get(k).get(0).asDouble());
                double a = Double.parseDouble(gv.get(k).get(1).asText());
                double b = Double.parseDouble(wv.get(k).get(1).asText());
                assertThat(Math.abs(a - b))
                        .as("%s at %s", what, wv.get(k).get(0))
                        .isLessThanOrEqualTo(Math.abs(b) * 1e-9);
            }
        }
    }

    private static HttpResponse<String> post(TestServer server, String path) throws Exception {
        return server.client.send(
                HttpRequest.newBuilder(server.uri(path))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
