package io.sextant.server;

import static java.util.Objects.requireNonNull;

import io.sextant.connectors.TieredStore;
import io.sextant.ingest.otlp.OtlpMetricsHandler;
import io.sextant.ingest.remotewrite.RemoteWriteHandler;
import io.sextant.server.api.AdminApi;
import io.sextant.server.api.PromQueryApi;
import io.sextant.server.api.PromReadApi;
import io.sextant.server.config.SextantConfig;
import io.sextant.server.http.HttpServer;
import io.sextant.server.http.IngestEndpoint;
import io.sextant.server.http.Router;
import io.sextant.storage.cold.ColdOptions;
import io.sextant.storage.cold.ColdStore;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.object.ObjectStore;
import io.sextant.storage.object.ObjectStores;
import io.sextant.storage.telemetry.Telemetry;
import io.sextant.storage.text.Durations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running server: the HTTP endpoints over an opened {@link MetricsStore}, and the background jobs. The
 * life cycle is {@link #startHttp()} (health answers at once, everything else 503), {@link #replay()} (the
 * store replays its WAL, then the server is ready), {@link #startBackgroundJobs()}, and {@link #close()} (a
 * graceful stop, then the store is closed).
 */
public final class Sextant implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sextant.class);
    static final Duration MAINTENANCE_CHECK_INTERVAL = Duration.ofSeconds(5);
    private static final int MAX_FLUSHES_PER_CHECK = 16;

    private static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final SextantConfig config;
    private final MetricsStore store;
    private final Telemetry telemetry;
    private final HttpServer http;
    private final PromQueryApi queryApi;
    private final ObjectStore objects;
    private final ColdStore cold;
    private final ColdTier coldTier;
    private final ScheduledExecutorService jobs;
    // Flushes and checkpoints take seconds; on their own thread they never delay the self-scrape.
    private final ScheduledExecutorService maintenance;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean stopping;

    public Sextant(SextantConfig config, MetricsStore store, Telemetry telemetry, BuildInfo build) {
        this.config = requireNonNull(config, "config is null");
        this.store = requireNonNull(store, "store is null");
        this.telemetry = requireNonNull(telemetry, "telemetry is null");
        requireNonNull(build, "build is null");
        ProcessMetrics.register(telemetry, build);
        Router router = new Router(telemetry, config.ingest().maxBodyBytes());
        router.add("GET", "/-/healthy", ex -> ex.text(200, "Sextant is Healthy.\n"));
        router.add("GET", "/-/ready", ex -> {
            if (ready()) {
                ex.text(200, "Sextant is Ready.\n");
            } else {
                ex.text(503, "Service Unavailable");
            }
        });
        router.add("GET", "/metrics", ex -> {
            StringBuilder sb = new StringBuilder(64 * 1024);
            telemetry.writeText(sb);
            byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
            ex.respond(200, METRICS_CONTENT_TYPE, body, body.length);
        });
        new PromReadApi(store, build).register(router, this::ready);
        SextantConfig.Query query = config.query();
        Path data = config.storage().dataDir();
        objects = ObjectStores.open(config.objectStore().toConfig(data), telemetry);
        log.info("cold tier in {}", objects);
        cold = ColdStore.open(objects, ColdOptions.defaults(data.resolve("cold-scratch")), telemetry);
        coldTier = new ColdTier(cold, store, config.retention(), System::currentTimeMillis);
        queryApi = new PromQueryApi(
                new TieredStore(store, cold),
                query.parserOptions(),
                query.engineOptions(),
                query.timeout(),
                query.maxConcurrency(),
                System::currentTimeMillis);
        queryApi.register(router, this::ready);
        new AdminApi(store, coldTier).register(router, this::ready);
        RemoteWriteHandler remoteWrite = new RemoteWriteHandler(store, config.ingest(), telemetry);
        router.add("POST", "/api/v1/write", new IngestEndpoint(remoteWrite::handle, this::ready));
        // /v1/metrics is the OTLP/HTTP default; the others are where Mimir and Prometheus receive OTLP
        OtlpMetricsHandler otlp = new OtlpMetricsHandler(store, config.ingest(), telemetry);
        IngestEndpoint otlpEndpoint = new IngestEndpoint(otlp::handle, this::ready);
        for (String path : List.of("/v1/metrics", "/otlp/v1/metrics", "/api/v1/otlp/v1/metrics")) {
            router.add("POST", path, otlpEndpoint);
        }
        http = new HttpServer(
                config.http().address(), config.http().port(), config.http().shutdownTimeout(), router);
        jobs = daemonExecutor("sextant-jobs");
        maintenance = daemonExecutor("sextant-maintenance");
    }

    private static ScheduledExecutorService daemonExecutor(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts listening; {@code /-/healthy} answers from now on. */
    public void startHttp() throws Exception {
        http.start();
    }

    /** Replays the store's WAL (logging progress), after which the server is ready. */
    public void replay() {
        store.replay();
        log.info("ready: accepting writes and queries");
    }

    /** Starts the flush and checkpoint checks and, unless disabled, the self-scrape. */
    public void startBackgroundJobs() {
        long checkMillis = MAINTENANCE_CHECK_INTERVAL.toMillis();
        maintenance.scheduleWithFixedDelay(this::maintain, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
        Duration interval = config.selfScrapeInterval();
        if (!interval.isZero()) {
            SelfScraper scraper = new SelfScraper(telemetry, store, instance(), System::currentTimeMillis);
            jobs.scheduleAtFixedRate(scraper, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
            log.info("self-scrape every {} into tenant {}", Durations.format(interval), SelfScraper.TENANT);
        }
    }

    /**
     * Flushes the head when a flush is due (which checkpoints too), else checkpoints when the WAL is big; then
     * compacts the blocks whose windows are complete and deletes blocks retention has passed.
     */
    private void maintain() {
        try {
            // a flush moves at most one interval of data; a backfill may need several in a row
            boolean flushed = false;
            for (int i = 0; i < MAX_FLUSHES_PER_CHECK; i++) {
                var trigger = store.flushDue();
                if (trigger.isEmpty()) {
                    break;
                }
                store.flush(trigger.get());
                flushed = true;
            }
            if (!flushed && store.checkpointDue()) {
                store.checkpoint();
            }
            store.compact();
            store.enforceRetention(config.retention());
            coldTier.maintain();
        } catch (RuntimeException | Error e) {
            // an escaping throwable would cancel the scheduled job for good, and the head would grow unflushed
            log.error("background flush, checkpoint or compaction failed; retrying at the next check", e);
        }
    }

    /** The {@code instance} label of the self-scrape: the address clients use for this server. */
    String instance() {
        String host = config.http().address();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "localhost";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return host + ":" + port();
    }

    public boolean ready() {
        return !stopping && store.isReady();
    }

    /** The port the server listens on. */
    public int port() {
        return http.port();
    }

    /**
     * Stops accepting connections, lets requests in flight finish (up to the shutdown timeout), stops the
     * background jobs and closes the store, which syncs and closes the WAL. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        log.info(
                "stopping: no new connections, waiting up to {} for requests in flight",
                Durations.format(config.http().shutdownTimeout()));
        try {
            http.stop();
        } catch (Exception e) {
            log.warn("HTTP server did not stop cleanly: {}", e.toString());
        }
        // after the HTTP stop, so that no request waits on a query thread any more
        queryApi.close();
        log.info("HTTP server stopped; stopping background jobs");
        jobs.shutdown();
        maintenance.shutdown();
        try {
            long deadline = System.nanoTime() + config.http().shutdownTimeout().toNanos();
            for (ScheduledExecutorService executor : List.of(jobs, maintenance)) {
                if (!executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    log.warn("a background job is still running; closing the store anyway");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("closing the store (syncing the WAL)");
        store.close();
        cold.close();
        try {
            objects.close();
        } catch (Exception e) {
            log.warn("object store did not close cleanly: {}", e.toString());
        }
        log.info("stopped");
    }
}
