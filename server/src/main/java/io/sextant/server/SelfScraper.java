package io.sextant.server;

import static java.util.Objects.requireNonNull;

import io.sextant.ingest.scrape.ScrapeBatchBuilder;
import io.sextant.storage.AppendResult;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricsWriter;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.telemetry.Telemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores Sextant's own metrics in the tenant {@value #TENANT}, as a Prometheus scraping Sextant's {@code
 * /metrics} would (job {@code sextant}, the server's address as instance, {@code up} and the scrape series),
 * without going through HTTP. Runs on one thread at a time.
 */
final class SelfScraper implements Runnable {
    static final String TENANT = "sextant";
    private static final Logger log = LoggerFactory.getLogger(SelfScraper.class);

    private final Telemetry telemetry;
    private final MetricsWriter writer;
    private final Labels target;
    private final LongSupplier clock;
    private final WriteBatch batch = new WriteBatch();

    SelfScraper(Telemetry telemetry, MetricsWriter writer, String instance, LongSupplier clock) {
        this.telemetry = requireNonNull(telemetry, "telemetry is null");
        this.writer = requireNonNull(writer, "writer is null");
        this.target = Labels.of("job", "sextant", "instance", requireNonNull(instance, "instance is null"));
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void run() {
        try {
            scrape();
        } catch (RuntimeException e) {
            // a failed scrape must not cancel the schedule
            log.warn("self-scrape failed: {}", e.toString());
        }
    }

    void scrape() {
        long timestamp = clock.getAsLong();
        long start = System.nanoTime();
        StringBuilder text = new StringBuilder(64 * 1024);
        try {
            telemetry.writeText(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ScrapeBatchBuilder.Result result = ScrapeBatchBuilder.build(text.toString(), target, timestamp, seconds, batch);
        if (!result.ok()) {
            log.warn("self-scrape: Sextant's own /metrics does not parse: {}", result.error());
        }
        AppendResult appended = writer.tenant(TENANT).commit(batch);
        if (appended.rejectedSamples() > 0) {
            log.debug("self-scrape: {} samples rejected: {}", appended.rejectedSamples(), appended.errors());
        }
    }
}
