package io.sextant.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.text.Durations;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsAndSizesTest {
    @ParameterizedTest
    @CsvSource({
        "0, 0, 0s",
        "500ms, 500, 500ms",
        "10m, 600000, 10m",
        "1h30m, 5400000, 1h30m",
        "90m, 5400000, 1h30m",
        "15d, 1296000000, 15d",
        "2w, 1209600000, 2w",
        "1y, 31536000000, 1y",
        "1d1ms, 86400001, 1d1ms",
        "1y2w3d4h5m6s7ms, 33019506007, 382d4h5m6s7ms",
    })
    void prometheusDurations(String text, long millis, String formatted) {
        Duration d = Durations.parse(text);
        assertThat(d.toMillis()).isEqualTo(millis);
        assertThat(Durations.format(d)).isEqualTo(formatted);
    }

    @Test
    void weeksAndYearsOnlyWhenExact() {
        assertThat(Durations.format(Duration.ofDays(90))).isEqualTo("90d");
        assertThat(Durations.format(Duration.ofDays(14))).isEqualTo("2w");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "1m1h", "1.5h", "-1m", "1 m", "5M", "1h1h", "99999999999999999999y"})
    void invalidDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "1048576, 1048576, 1MiB",
        "64MiB, 67108864, 64MiB",
        "64mib, 67108864, 64MiB",
        "128MB, 128000000, 128MB",
        "1kB, 1000, 1kB",
        "1.5GiB, 1610612736, 1536MiB",
        "4096B, 4096, 4KiB",
        "1TiB, 1099511627776, 1TiB",
        "1000, 1000, 1kB",
        "1001, 1001, 1001",
        "2048000, 2048000, 2000KiB",
    })
    void sizes(String text, long bytes, String formatted) {
        assertThat(ByteSizes.parse(text)).isEqualTo(bytes);
        assertThat(ByteSizes.format(bytes)).isEqualTo(formatted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MiB", "1.5B", "-1", "1 XB", "1e3", "99999999999TiB"})
    void invalidSizes(String text) {
        assertThatThrownBy(() -> ByteSizes.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
