package io.sextant.ingest.scrape;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.SextantException;
import io.sextant.storage.WriteBatch;

/**
 * Turns one scraped text exposition into a {@link WriteBatch} the way a Prometheus scrape does: every sample
 * gets the target's labels (a scraped label of the same name is kept as {@code exported_<name>}, Prometheus'
 * {@code honor_labels: false}), samples without a timestamp get the scrape time, and the synthetic series
 * {@code up}, {@code scrape_duration_seconds} and {@code scrape_samples_scraped} are added. A body that does
 * not parse contributes nothing but {@code up 0} and the duration.
 */
public final class ScrapeBatchBuilder {
    private ScrapeBatchBuilder() {}

    /** What a scrape produced: the samples taken from the body, or why the body was refused. */
    public record Result(int samplesScraped, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Clears {@code batch} and fills it from {@code body}.
     *
     * @param target labels of the target, typically {@code job} and {@code instance}
     * @param scrapeTimeMs timestamp for samples without one, and for the synthetic series
     */
    public static Result build(
            String body, Labels target, long scrapeTimeMs, double durationSeconds, WriteBatch batch) {
        requireNonNull(body, "body is null");
        requireNonNull(target, "target is null");
        requireNonNull(batch, "batch is null");
        batch.clear();
        int[] scraped = {0};
        String error = null;
        try {
            TextFormatParser.parse(body, new TextFormatParser.Sink() {
                @Override
                public void sample(Labels labels, double value, long timestampMs) {
                    int entry = batch.addNewSeries(withTarget(labels, target), null, 0, 0, 0);
                    long t = timestampMs == TextFormatParser.NO_TIMESTAMP ? scrapeTimeMs : timestampMs;
                    batch.addSample(entry, t, value);
                    scraped[0]++;
                }

                @Override
                public void metadata(MetricMetadata metadata) {
                    batch.addMetadata(metadata);
                }
            });
        } catch (SextantException e) {
            batch.clear();
            scraped[0] = 0;
            error = e.getMessage();
        }
        addSynthetic(batch, target, "up", scrapeTimeMs, error == null ? 1 : 0);
        addSynthetic(batch, target, "scrape_duration_seconds", scrapeTimeMs, durationSeconds);
        addSynthetic(batch, target, "scrape_samples_scraped", scrapeTimeMs, scraped[0]);
        return new Result(scraped[0], error);
    }

    private static Labels withTarget(Labels scraped, Labels target) {
        Labels.Builder b = scraped.toBuilder();
        for (int i = 0; i < target.size(); i++) {
            String name = target.name(i);
            String existing = scraped.get(name);
            if (!existing.isEmpty()) {
                String exported = "exported_" + name;
                while (scraped.has(exported)) {
                    exported = "exported_" + exported;
                }
                b.set(exported, existing);
            }
            b.set(name, target.value(i));
        }
        return b.build();
    }

    private static void addSynthetic(WriteBatch batch, Labels target, String name, long t, double value) {
        int entry = batch.addNewSeries(
                target.toBuilder().set(Labels.METRIC_NAME, name).build(), null, 0, 0, 0);
        batch.addSample(entry, t, value);
    }
}
