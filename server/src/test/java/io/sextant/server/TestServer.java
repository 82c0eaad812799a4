package io.sextant.server;

import io.sextant.server.config.ConfigLoader;
import io.sextant.server.config.SextantConfig;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.telemetry.Telemetry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real server on an ephemeral loopback port over a real store in a temporary directory. */
final class TestServer implements AutoCloseable {
    final Telemetry telemetry = new Telemetry();
    final SextantConfig config;
    final MetricsStore store;
    final Sextant sextant;
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private TestServer(Path dataDir, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--data-dir", dataDir.toString(),
                "--http-address", "127.0.0.1",
                "--http-port", "0",
                "--self-scrape-interval", "0",
                "--shutdown-timeout", "10s"));
        args.addAll(List.of(flags));
        config = ((ConfigLoader.Run) ConfigLoader.parse(args)).config();
        store = MetricsStore.open(config.storage(), telemetry);
        sextant = new Sextant(config, store, telemetry, BuildInfo.current());
    }

    /** Started, replayed and ready. */
    static TestServer start(Path dataDir, String... flags) throws Exception {
        TestServer s = startHttpOnly(dataDir, flags);
        s.sextant.replay();
        return s;
    }

    /** Listening, but the store has not replayed yet. */
    static TestServer startHttpOnly(Path dataDir, String... flags) throws Exception {
        TestServer s = new TestServer(dataDir, flags);
        s.sextant.startHttp();
        return s;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + sextant.port() + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postForm(String path, String form, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Commits one sample per label set to {@code tenant} through the store's writer. */
    void write(String tenant, long timestampMs, double value, Labels... series) {
        WriteBatch batch = new WriteBatch();
        for (Labels l : series) {
            batch.addSample(batch.addNewSeries(l, null, 0, 0, 0), timestampMs, value);
        }
        store.tenant(tenant).commit(batch);
    }

    void writeMetadata(String tenant, MetricMetadata... metadata) {
        WriteBatch batch = new WriteBatch();
        for (MetricMetadata m : metadata) {
            batch.addMetadata(m);
        }
        store.tenant(tenant).commit(batch);
    }

    @Override
    public void close() {
        sextant.close();
    }
}
