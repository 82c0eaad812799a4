package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import io.sextant.storage.WriteBatch;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PromQL answers do not change when the data moves from the head into warm blocks: every query of a dashboard
 * set, as range and instant queries over windows that straddle the flush cutoffs, answers byte for byte the same
 * from the head alone, from head and flushed blocks, after compaction, and after a restart.
 */
class WarmQueryTest {
    private static final long STEP = 15_000;

    @TempDir
    Path dir;

    private static final List<String> QUERIES = List.of(
            "requests_total",
            "rate(requests_total[5m])",
            "sum by (job) (rate(requests_total[5m]))",
            "increase(requests_total[1h])",
            "resets(requests_total[30m])",
            "irate(requests_total[1m])",
            "temperature",
            "max_over_time(temperature[10m])",
            "min_over_time(temperature[10m])",
            "avg_over_time(temperature[20m])",
            "stddev_over_time(temperature[20m])",
            "quantile_over_time(0.9, temperature[15m])",
            "changes(temperature[30m])",
            "count_over_time(temperature[7m])",
            "last_over_time(temperature[3m])",
            "deriv(temperature[10m])",
            "temperature offset 37m",
            "sum(temperature) / count(temperature)",
            "absent(nonexistent)");

    @Test
    void answersAreTheSameFromHeadBlocksCompactedBlocksAndAfterRestart() throws Exception {
        long now = System.currentTimeMillis();
        long start = now - Duration.ofHours(5).toMillis();
        Map<String, String> fromHead;
        Map<String, String> fromBlocks;
        String[] flags = {"--ooo-window", "10m"};
        try (TestServer server = TestServer.start(dir, flags)) {
            write(server, start, now);
            fromHead = answers(server, start, now);
            // the scheduled flushes: the head keeps the newest 10-25 minutes
            while (server.store.flushDue().isPresent()) {
                server.store.flush(server.store.flushDue().get());
            }
            assertThat(server.store.blocks().blocks("default")).hasSizeGreaterThan(2);
            assertThat(server.store.stats().samples()).isPositive();
            fromBlocks = answers(server, start, now);
            assertSame(fromBlocks, fromHead, "head and flushed blocks");
            assertThat(post(server, "/api/v1/admin/compact")).isEqualTo(200);
            assertThat(server.store.blocks().blocks("default"))
                    .anySatisfy(b -> assertThat(b.level()).isPositive());
            assertSame(answers(server, start, now), fromHead, "head and compacted blocks");
            assertThat(post(server, "/api/v1/admin/flush")).isEqualTo(200);
            assertThat(server.store.stats().samples()).isZero();
            assertSame(answers(server, start, now), fromHead, "blocks only");
        }
        try (TestServer server = TestServer.start(dir, flags)) {
            assertSame(answers(server, start, now), fromHead, "blocks after a restart");
        }
    }

    /** 40 series every 15 s: counters with resets, decimal gauges with NaN and stale markers, float gauges. */
    private static void write(TestServer server, long start, long end) {
        SplittableRandom r = new SplittableRandom(3);
        double[] counters = new double[20];
        for (long t = start; t <= end; t += STEP) {
            WriteBatch b = new WriteBatch();
            for (int s = 0; s < 20; s++) {
                String job = "job" + (s % 3);
                String instance = "host" + s;
                counters[s] = r.nextInt(400) == 0 ? 0 : counters[s] + r.nextInt(1000);
                b.addSample(
                        b.addNewSeries(
                                Labels.of("__name__", "requests_total", "job", job, "instance", instance),
                                null,
                                0,
                                0,
                                0),
                        t + s,
                        counters[s]);
                double g =
                        switch (r.nextInt(60)) {
                            case 0 -> Double.NaN;
                            case 1 -> Double.longBitsToDouble(Samples.STALE_NAN_BITS);
                            default -> s % 2 == 0 ? Math.round(r.nextGaussian() * 1000) / 100.0 : 20 + r.nextDouble();
                        };
                b.addSample(
                        b.addNewSeries(
                                Labels.of("__name__", "temperature", "job", job, "instance", instance), null, 0, 0, 0),
                        t + 2 * s,
                        g);
            }
            server.store.tenant("default").commit(b);
        }
    }

    /** Range answers over the whole span and instant answers at times around the flush cutoffs. */
    private static Map<String, String> answers(TestServer server, long start, long end) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        List<Long> instants = new ArrayList<>();
        for (long t = start + 3_600_000; t <= end; t += 7 * 60_000 + 13_000) {
            instants.add(t);
        }
        instants.add(end);
        for (String q : QUERIES) {
            String e = URLEncoder.encode(q, StandardCharsets.UTF_8);
            out.put(
                    "range " + q,
                    body(
                            server,
                            "/api/v1/query_range?query=" + e + "&start=" + seconds(start) + "&end=" + seconds(end)
                                    + "&step=60"));
            for (long t : instants) {
                out.put("instant " + q + " @" + t, body(server, "/api/v1/query?query=" + e + "&time=" + seconds(t)));
            }
        }
        return out;
    }

    private static String seconds(long ms) {
        return String.format(java.util.Locale.ROOT, "%.3f", ms / 1000.0);
    }

    private static String body(TestServer server, String path) throws Exception {
        HttpResponse<String> r = server.get(path);
        assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    private static int post(TestServer server, String path) throws Exception {
        return server.client
                .send(
                        HttpRequest.newBuilder(server.uri(path))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static void assertSame(Map<String, String> actual, Map<String, String> expected, String what) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach(
                (k, v) -> assertThat(actual.get(k)).as("%s: %s", what, k).isEqualTo(v));
        // the data is there: not every answer may be empty
        assertThat(expected.values()).anySatisfy(v -> assertThat(v).contains("\"values\":[["));
    }
}
