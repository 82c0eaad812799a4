package io.sextant.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.SextantException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The name translation table in {@code otlp/names.tsv} (its header explains the format). */
class OtlpNamesTest {
    static Stream<List<String>> rows() throws IOException {
        String text;
        try (InputStream in = OtlpNamesTest.class.getResourceAsStream("/otlp/names.tsv")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<List<String>> rows = text.lines()
                .filter(l -> !l.startsWith("#") && !l.isEmpty())
                .map(l -> Arrays.stream(l.split("\t", -1))
                        .map(f -> f.equals("\"\"") ? "" : f)
                        .toList())
                .toList();
        assertThat(rows).hasSizeGreaterThan(90);
        return rows.stream();
    }

    @ParameterizedTest
    @MethodSource("rows")
    void translates(List<String> row) {
        switch (row.get(0)) {
            case "metric" -> {
                assertThat(row).hasSize(6);
                OtlpNames.Kind kind = kind(row.get(1));
                String name = row.get(2);
                String unit = row.get(3);
                expect(row.get(4), () -> OtlpNames.metricName(name, unit, kind));
                assertThat(OtlpNames.unitName(unit)).as("unit of %s", row).isEqualTo(row.get(5));
            }
            case "label" -> {
                assertThat(row).hasSize(3);
                expect(row.get(2), () -> OtlpNames.labelName(row.get(1)));
            }
            default -> throw new IllegalArgumentException("unknown row kind " + row);
        }
    }

    private static OtlpNames.Kind kind(String s) {
        return switch (s) {
            case "counter" -> OtlpNames.Kind.MONOTONIC_COUNTER;
            case "updowncounter" -> OtlpNames.Kind.NON_MONOTONIC_COUNTER;
            default -> OtlpNames.Kind.valueOf(s.toUpperCase(Locale.ROOT));
        };
    }

    private static void expect(String expected, java.util.function.Supplier<String> actual) {
        if (expected.startsWith("!")) {
            assertThatThrownBy(actual::get).isInstanceOf(SextantException.class).hasMessage(expected.substring(1));
        } else {
            assertThat(actual.get()).isEqualTo(expected);
        }
    }
}
