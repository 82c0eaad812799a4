package io.sextant.promql.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.Labels;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExpectedTest {
    @ParameterizedTest
    @CsvSource({
        "1, 1",
        "-5, -5",
        "+Inf, Infinity",
        "-Inf, -Infinity",
        "inf, Infinity",
        "0x10, 16",
        "-0x10, -16",
        "010, 8",
        "1e-6, 1e-6",
        "0.00001234, 0.00001234",
        "12340000, 12340000",
        "NaN, NaN",
        "1_000, 1000"
    })
    void scalarsParseAsGoIntegersThenFloats(String text, double value) {
        // Boxed, so that NaN equals NaN.
        assertThat(Double.valueOf(Expected.parseScalar(text))).isEqualTo(Double.valueOf(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-NaN", "+-1", "--1", "1x", "0x"})
    void invalidScalars(String text) {
        assertThatThrownBy(() -> Expected.parseScalar(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{} 1 | 1",
                "{} 1 _ | 2",
                "{} 1 _x3 | 4",
                "{} _ 1 | 2",
                "{} _x2 | 2",
                "m{a=\"_\"} 1 2 _ _x2 | 5",
                "{} 1+1x2 _ | 4"
            })
    void lengthCountsTrailingGaps(String line, int length) {
        TestScript.Eval eval =
                new TestScript.Eval(1, true, 0, 0, 1, "q", List.of(), List.of(line), null, null, null, false);
        Expected.SeriesSet set = (Expected.SeriesSet) Expected.of(eval);
        assertThat(set.byLabels().values()).singleElement().satisfies(s -> assertThat(s.length())
                .isEqualTo(length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} {{count:1}}", "{} 1 {{schema:0 sum:1 count:1}}"})
    void histogramsAreRejected(String line) {
        TestScript.Eval eval =
                new TestScript.Eval(1, false, 0, 0, 0, "q", List.of(), List.of(line), null, null, null, false);
        assertThatThrownBy(() -> Expected.of(eval)).hasMessageContaining("native histograms are not supported");
    }

    @org.junit.jupiter.api.Test
    void aRepeatedLabelSetKeepsTheLaterLine() {
        TestScript.Eval eval = new TestScript.Eval(
                1,
                false,
                0,
                0,
                0,
                "q",
                List.of(),
                List.of("{a=\"1\"} 1", "{a=\"2\"} 2", "{a=\"1\"} 3"),
                null,
                null,
                null,
                false);
        Expected.Series s = ((Expected.SeriesSet) Expected.of(eval)).byLabels().get(Labels.of("a", "1"));
        assertThat(s.position()).isEqualTo(3);
        assertThat(s.values().get(0).value()).isEqualTo(3);
    }
}
