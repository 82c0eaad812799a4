package io.sextant.ingest.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.SextantException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TextFormatParserTest {
    /** Each fixture {@code NAME.prom} parses to the lines of {@code NAME.expected}. */
    @ParameterizedTest
    @ValueSource(strings = {"basic", "histogram", "crlf"})
    void fixtures(String name) throws IOException {
        assertThat(render(resource(name + ".prom"))).isEqualTo(resource(name + ".expected"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\u0000',
            value = {
                "metric{a=\"b\"            | line 1, column 13: expected ',' or '}' after the value of label a, got end of line",
                "metric{a=b} 1             | line 1, column 10: expected '\"' to start the value of label a, got 'b'",
                "metric{a} 1               | line 1, column 9: expected '=' after label name a, got '}'",
                "metric{=\"b\"} 1          | line 1, column 8: expected a label name or '}', got '='",
                "metric 1 2 3              | line 1, column 12: unexpected '3' after the sample",
                "metric abc                | line 1, column 8: invalid value \"abc\"",
                "metric 1.0f               | line 1, column 8: invalid value \"1.0f\"",
                "metric 1 abc              | line 1, column 10: invalid timestamp \"abc\" (expected integer milliseconds)",
                "metric 1 1.5              | line 1, column 10: invalid timestamp \"1.5\" (expected integer milliseconds)",
                "metric                    | line 1, column 7: expected a space and a value after metric, got end of line",
                "metric{a=\"b\",a=\"c\"} 1 | line 1, column 1: duplicate label name \"a\"",
                "# TYPE metric bogus       | line 1, column 15: unknown metric type \"bogus\"",
                "# TYPE metric             | line 1, column 14: expected one of counter, gauge, histogram, summary, untyped after # TYPE metric",
                "# HELP \\t                | line 1, column 9: expected a metric name after # HELP",
                "1metric 1                 | line 1, column 1: expected a metric name, got '1'",
                "metric{a=\"b\\x\"} 1      | line 1, column 12: invalid escape sequence \\x in the value of label a",
                "metric{a=\"b} 1           | line 1, column 10: unterminated value of label a",
                "ok 1\\nbad                | line 2, column 4: expected a space and a value after bad, got end of line",
                "# TYPE m counter\\n# TYPE m gauge | line 2, column 10: second TYPE line for metric m",
                "# HELP m a\\n# HELP m b   | line 2, column 8: second HELP line for metric m",
            })
    void errorsNameLineAndColumn(String input, String message) {
        assertThatThrownBy(
                        () -> TextFormatParser.parse(input.replace("\\n", "\n").replace("\\t", "\t"), new Recorder()))
                .isInstanceOf(SextantException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((SextantException) e).code()).isEqualTo(ErrorCode.BAD_DATA));
    }

    @Test
    void keywordsWithoutANameAreComments() {
        assertThat(render("# HELP\n#TYPE x y\n# just a comment\n#\nx 1\n")).isEqualTo("sample x{} 1.0 -\n");
    }

    static String render(String text) {
        Recorder r = new Recorder();
        TextFormatParser.parse(text, r);
        return String.join("\n", r.lines) + "\n";
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TextFormatParserTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static final class Recorder implements TextFormatParser.Sink {
        final List<String> lines = new ArrayList<>();

        @Override
        public void sample(Labels labels, double value, long timestampMs) {
            String ts = timestampMs == TextFormatParser.NO_TIMESTAMP ? "-" : Long.toString(timestampMs);
            lines.add("sample " + labels + " " + value + " " + ts);
        }

        @Override
        public void metadata(MetricMetadata m) {
            String help = m.help().replace("\\", "\\\\").replace("\n", "\\n");
            lines.add("metadata " + m.metricFamilyName() + " " + m.type() + " \"" + help + "\"");
        }
    }
}
