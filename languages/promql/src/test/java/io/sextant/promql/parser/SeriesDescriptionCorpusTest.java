package io.sextant.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.promql.conformance.Corpus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every series line of the corpus' load blocks parses, except native-histogram lines, which fail with the
 * unsupported error, and start-timestamp ({@code @st}) lines, which are not series values.
 */
class SeriesDescriptionCorpusTest {
    @Test
    void everyLoadLineParses() throws Exception {
        int parsed = 0;
        int histograms = 0;
        int startTimestamps = 0;
        List<String> failures = new ArrayList<>();
        for (Corpus.Line line : Corpus.loadLines()) {
            String metric = line.text().split("\\s+", 2)[0];
            if (metric.endsWith("@st")) {
                startTimestamps++;
                continue;
            }
            try {
                SeriesDescription d = SeriesDescription.parse(line.text());
                assertThat(d.values()).isNotNull();
                parsed++;
            } catch (PromQLParseException e) {
                if (line.text().contains("{{") && e.getMessage().endsWith("native histograms are not supported")) {
                    histograms++;
                } else {
                    failures.add(line + "\n  " + e.getMessage());
                }
            }
        }
        System.out.println("corpus load lines: " + parsed + " parsed, " + histograms
                + " rejected as native histograms, " + startTimestamps + " @st lines skipped");
        assertThat(failures).isEmpty();
        assertThat(parsed).isGreaterThan(500);
    }
}
