package io.sextant.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.Labels;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeriesDescriptionTest {
    /** Values as "index:value" pairs, stale markers as "index:stale". */
    private static String render(SeriesDescription d) {
        return d.values().stream()
                .map(v -> v.index() + ":" + (v.stale() ? "stale" : GoNumbers.formatG(v.value())))
                .collect(Collectors.joining(" "));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "m 0+10x3|0:0 1:10 2:20 3:30",
                "m 1-1x3|0:1 1:0 2:-1 3:-2",
                "m -2x3|0:-2 1:-2 2:-2 3:-2",
                "m -2+3x2|0:-2 1:1 2:4",
                "m 1 _x3 5|0:1 4:5",
                "m 0 1 stale 2|0:0 1:1 2:stale 3:2",
                "m _ _ 3|2:3",
                "m Inf -inf NaN|0:+Inf 1:-Inf 2:NaN",
                "m 1_000 .5 2. 1e3 12.34e-6|0:1000 1:0.5 2:2 3:1000 4:1.234e-05",
                "m 1x0|0:1",
                // no hex in series values: 0x2 is 0 repeated
                "m 0x2|0:0 1:0 2:0",
                "m|''",
                "m 0.1+0.1x2|0:0.1 1:0.2 2:0.30000000000000004",
            })
    void values(String line, String expected) {
        assertThat(render(SeriesDescription.parse(line))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "http_requests{job=\"api\", instance=\"0\"} 1|http_requests{instance=\"0\", job=\"api\"}",
                "{a=\"b\",} 1|{a=\"b\"}",
                "{\"my.metric\", \"a.b\"='x'} 1|{__name__=\"my.metric\", \"a.b\"=\"x\"}",
                "{__name__=\"up\", job=`raw`} 1|up{job=\"raw\"}",
                "sum 1|sum{}",
                "{} 1|{}",
            })
    void labels(String line, String expected) {
        Labels labels = SeriesDescription.parse(line).labels();
        assertThat(labels.toString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "m {{schema:0 sum:1 count:1}}|1:3: parse error: native histograms are not supported",
                "m 1 {{}}x2|1:5: parse error: native histograms are not supported",
                "m 1 foo|1:5: parse error: unexpected \"foo\" in series values, expected number or \"stale\"",
                "m 1+2|1:3: parse error: unexpected \"1+2\" in series values, expected number or \"stale\"",
                "m{a=~\"b\"} 1|1:1: parse error: unexpected \"=~\" in label set, expected \"=\"",
                "{a=\"b\" 1|1:8: parse error: unexpected character inside braces: '1'",
            })
    void errors(String line, String expected) {
        assertThatThrownBy(() -> SeriesDescription.parse(line))
                .isInstanceOf(PromQLParseException.class)
                .hasMessage(expected);
    }
}
