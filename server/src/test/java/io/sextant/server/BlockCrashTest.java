package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.ingest.remotewrite.proto.Label;
import io.sextant.ingest.remotewrite.proto.Sample;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xerial.snappy.Snappy;

/**
 * A child Sextant is killed (the JVM halts, as with {@code kill -9}) at each crash point of a flush into warm
 * blocks and of a compaction. After the restart every acknowledged sample is present exactly once with its
 * exact value (counted per tier: the read API would hide a sample held twice), the catalog lists only complete
 * blocks and nothing else is left in the tenant's directory, and another flush or compaction and restart keep
 * it so.
 */
class BlockCrashTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int SERIES = 6;
    private static final int SAMPLES = 240;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The requests interleave their samples in time, so each is out of order against the one before. */
    private static final String[] OOO = {"--ooo-window", "2h"};

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** What was acknowledged: series → timestamp → value bits. */
    private final Map<String, TreeMap<Long, Long>> acked = new TreeMap<>();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "block.before-rename",
                "block.after-rename",
                "catalog.before-rename",
                "flush.before-publish",
                "flush.after-publish"
            })
    void aCrashAnywhereInAFlushLosesAndDoublesNothing(String point) throws Exception {
        Path data = dir.resolve("data");
        Path log = Path.of(System.getProperty("basedir", "."), "target", "crash-test", "flush-" + point + ".log");
        long t0 = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        try (ChildSextant child = ChildSextant.start(data, log, List.of("-Dsextant.crash.at=" + point), OOO)) {
            child.awaitReady(TIMEOUT);
            write(child, t0, 0);
            write(child, t0, 1);
            expectCrash(child, "/api/v1/admin/flush", point);
        }
        try (ChildSextant child = ChildSextant.start(data, log, OOO)) {
            child.awaitReady(TIMEOUT);
            verify(child, data);
            assertOnlyPublishedBlocks(data);
            write(child, t0, 2);
            HttpResponse<String> r = post(child, "/api/v1/admin/flush");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode tenants = JSON.readTree(r.body()).path("data").path("tenants");
            assertThat(tenants).hasSize(1);
            verify(child, data);
        }
        restartAndCheck(data, log);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "block.before-rename",
                "block.after-rename",
                "catalog.before-rename",
                "compaction.before-publish",
                "compaction.after-publish"
            })
    void aCrashAnywhereInACompactionLosesAndDoublesNothing(String point) throws Exception {
        Path data = dir.resolve("data");
        Path log = Path.of(System.getProperty("basedir", "."), "target", "crash-test", "compaction-" + point + ".log");
        // hours back, so that the 2h windows of the data are complete
        long t0 = System.currentTimeMillis() - Duration.ofHours(6).toMillis();
        try (ChildSextant child = ChildSextant.start(data, log, OOO)) {
            child.awaitReady(TIMEOUT);
            write(child, t0, 0);
            assertThat(post(child, "/api/v1/admin/flush").statusCode()).isEqualTo(200);
            write(child, t0, 1);
            assertThat(post(child, "/api/v1/admin/flush").statusCode()).isEqualTo(200);
            verify(child, data);
        }
        // the background job compacts within seconds of readiness; the request may come first or find it dead
        try (ChildSextant child = ChildSextant.start(data, log, List.of("-Dsextant.crash.at=" + point), OOO)) {
            child.awaitReady(TIMEOUT);
            expectCrash(child, "/api/v1/admin/compact", point);
        }
        try (ChildSextant child = ChildSextant.start(data, log, OOO)) {
            child.awaitReady(TIMEOUT);
            verify(child, data);
            assertOnlyPublishedBlocks(data);
            HttpResponse<String> r = post(child, "/api/v1/admin/compact");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            verify(child, data);
            assertThat(levels(data)).as("block levels after compaction").doesNotContain(0);
            write(child, t0, 2);
            assertThat(post(child, "/api/v1/admin/flush").statusCode()).isEqualTo(200);
            verify(child, data);
        }
        restartAndCheck(data, log);
    }

    /** Restarts the child and checks every acknowledged sample and the tenant directory. */
    private void restartAndCheck(Path data, Path log) throws Exception {
        try (ChildSextant child = ChildSextant.start(data, log, OOO)) {
            child.awaitReady(TIMEOUT);
            verify(child, data);
            assertOnlyPublishedBlocks(data);
        }
    }

    /** Posts to {@code path} and expects the child to halt at {@code point} (it may already have, in a job). */
    private void expectCrash(ChildSextant child, String path, String point) throws Exception {
        try {
            HttpResponse<String> r = post(child, path);
            throw new AssertionError(path + " answered " + r.statusCode() + " instead of crashing: " + r.body());
        } catch (IOException expected) {
            // the child halted
        }
        assertThat(child.awaitExit(TIMEOUT)).isEqualTo(137);
        assertThat(child.logSinceStart()).contains("crash point reached: " + point);
    }

    private HttpResponse<String> post(ChildSextant child, String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(child.uri(path))
                        .timeout(TIMEOUT)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<Integer> levels(Path data) throws IOException {
        List<Integer> levels = new ArrayList<>();
        try (Stream<Path> tenants = Files.list(data.resolve("blocks"))) {
            for (Path t : tenants.toList()) {
                for (JsonNode b :
                        JSON.readTree(t.resolve("catalog.json").toFile()).path("blocks")) {
                    levels.add(b.path("level").asInt());
                }
            }
        }
        return levels;
    }

    /**
     * One request: every series gets the samples {@code k} with {@code k % 3 == part} of an hour from {@code t0},
     * so that the requests' blocks cover the same windows.
     */
    private void write(ChildSextant child, long t0, int part) throws Exception {
        WriteRequest.Builder request = WriteRequest.newBuilder();
        for (int s = 0; s < SERIES; s++) {
            TimeSeries.Builder ts = TimeSeries.newBuilder()
                    .addLabels(Label.newBuilder().setName("__name__").setValue("flushed"))
                    .addLabels(Label.newBuilder().setName("s").setValue(Integer.toString(s)));
            TreeMap<Long, Long> expected = acked.computeIfAbsent(Integer.toString(s), k -> new TreeMap<>());
            for (int k = part; k < SAMPLES; k += 3) {
                long t = t0 + k * 15_000L + s;
                // decimals, a float sum and NaN: each value encoding of a block
                double v = s % 3 == 0 ? k * 1.5 : s % 3 == 1 ? k * 0.1 : k % 50 == 0 ? Double.NaN : k * 1e6;
                ts.addSamples(Sample.newBuilder().setTimestamp(t).setValue(v));
                expected.put(t, Double.doubleToRawLongBits(v));
            }
            request.addTimeseries(ts);
        }
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(child.uri("/api/v1/write"))
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/x-protobuf")
                        .header("Content-Encoding", "snappy")
                        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(
                                Snappy.compress(request.build().toByteArray())))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    }

    private void verify(ChildSextant child, Path data) throws Exception {
        Map<String, TreeMap<Long, Long>> found = new TreeMap<>();
        ExportReader.read(http, child.uri(ExportReader.path("{__name__=\"flushed\"}")), e -> {
            TreeMap<Long, Long> series = found.computeIfAbsent(e.labels().get("s"), k -> new TreeMap<>());
            for (int i = 0; i < e.timestamps().length; i++) {
                Long previous = series.put(e.timestamps()[i], Double.doubleToRawLongBits(e.values()[i]));
                assertThat(previous)
                        .as("sample %s@%d exported twice", e.labels(), e.timestamps()[i])
                        .isNull();
            }
        });
        assertThat(found).isEqualTo(acked);
        // The API merges tiers, so a sample both in a block and in the head would show once: count each tier.
        long total = acked.values().stream().mapToLong(Map::size).sum();
        assertThat(headSamples(child) + blockSamples(data))
                .as("samples in the head plus samples in blocks")
                .isEqualTo(total);
    }

    private long headSamples(ChildSextant child) throws Exception {
        String metrics = http.send(
                        HttpRequest.newBuilder(child.uri("/metrics")).GET().build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("sextant_head_samples ")) {
                return (long)
                        Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
            }
        }
        throw new AssertionError("no sextant_head_samples in /metrics");
    }

    private static long blockSamples(Path data) throws IOException {
        long samples = 0;
        try (Stream<Path> tenants = Files.list(data.resolve("blocks"))) {
            for (Path t : tenants.toList()) {
                Path catalog = t.resolve("catalog.json");
                if (Files.exists(catalog)) {
                    for (JsonNode b : JSON.readTree(catalog.toFile()).path("blocks")) {
                        samples += b.path("samples").asLong();
                    }
                }
            }
        }
        return samples;
    }

    /** The tenant directory holds the catalog and exactly the blocks it lists. */
    private static void assertOnlyPublishedBlocks(Path data) throws IOException {
        Path tenantDir;
        try (Stream<Path> tenants = Files.list(data.resolve("blocks"))) {
            List<Path> all = tenants.toList();
            assertThat(all).hasSize(1);
            tenantDir = all.get(0);
        }
        Set<String> listed = new HashSet<>();
        Path catalog = tenantDir.resolve("catalog.json");
        if (Files.exists(catalog)) {
            for (JsonNode b : JSON.readTree(catalog.toFile()).path("blocks")) {
                listed.add(b.path("id").asText());
            }
        }
        List<String> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(tenantDir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("catalog.json"))
                    .forEach(entries::add);
        }
        assertThat(entries).containsExactlyInAnyOrderElementsOf(listed);
    }
}
