package io.sextant.ingest.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScrapeBatchBuilderTest {
    private static final Labels TARGET = Labels.of("job", "sextant", "instance", "localhost:9555");

    @Test
    void addsTargetLabelsScrapeTimeAndSyntheticSeries() {
        WriteBatch batch = new WriteBatch();
        String body = "# TYPE a_total counter\n" + "a_total{x=\"1\"} 5\n" + "b{instance=\"other\"} 2 1000\n";
        ScrapeBatchBuilder.Result r = ScrapeBatchBuilder.build(body, TARGET, 60_000, 0.25, batch);

        assertThat(r.ok()).isTrue();
        assertThat(r.samplesScraped()).isEqualTo(2);
        assertThat(samples(batch))
                .containsExactly(
                        "a_total{instance=\"localhost:9555\", job=\"sextant\", x=\"1\"} 5.0 @60000",
                        "b{exported_instance=\"other\", instance=\"localhost:9555\", job=\"sextant\"} 2.0 @1000",
                        "up{instance=\"localhost:9555\", job=\"sextant\"} 1.0 @60000",
                        "scrape_duration_seconds{instance=\"localhost:9555\", job=\"sextant\"} 0.25 @60000",
                        "scrape_samples_scraped{instance=\"localhost:9555\", job=\"sextant\"} 2.0 @60000");
        assertThat(batch.metadata())
                .containsExactly(new MetricMetadata("a_total", MetricMetadata.Type.COUNTER, "", ""));
    }

    @Test
    void aBodyThatDoesNotParseLeavesOnlyUpZero() {
        WriteBatch batch = new WriteBatch();
        batch.addNewSeries(Labels.of("__name__", "stale"), null, 0, 0, 0);
        ScrapeBatchBuilder.Result r = ScrapeBatchBuilder.build("good 1\nbad{ 2\n", TARGET, 5_000, 0.5, batch);

        assertThat(r.ok()).isFalse();
        assertThat(r.error()).startsWith("line 2, column");
        assertThat(samples(batch))
                .containsExactly(
                        "up{instance=\"localhost:9555\", job=\"sextant\"} 0.0 @5000",
                        "scrape_duration_seconds{instance=\"localhost:9555\", job=\"sextant\"} 0.5 @5000",
                        "scrape_samples_scraped{instance=\"localhost:9555\", job=\"sextant\"} 0.0 @5000");
        assertThat(batch.metadata()).isEmpty();
    }

    private static List<String> samples(WriteBatch batch) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < batch.sampleCount(); i++) {
            out.add(batch.labels(batch.sampleSeries(i)) + " " + batch.value(i) + " @" + batch.timestamp(i));
        }
        return out;
    }
}
