package io.sextant.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Expected values follow Prometheus' parseTime (float seconds rounded to ms, then RFC3339) in Go. */
class ApiParamsTest {
    @ParameterizedTest
    @CsvSource({
        "4, 4000",
        "0, 0",
        "1435781451.781, 1435781451781",
        "1435781451, 1435781451000",
        "1.5, 1500",
        "-1.5, -1500",
        "0.0004, 0",
        "0.0005, 1",
        "-0.0005, -1",
        "1e3, 1000000",
        "+2, 2000",
        ".5, 500",
        "1700000000000, 1700000000000000",
        "1.7e12, 1700000000000000",
        "1.57, 1570",
        "1435781451.7815, 1435781451782",
        "0x1p4, 16000",
        "2015-07-01T20:10:51.781Z, 1435781451781",
        "2015-07-01T20:10:51Z, 1435781451000",
        "2015-07-01T22:10:51.781123+02:00, 1435781451781",
        "1969-12-31T23:59:59.5Z, -500",
        "-292273086-05-16T16:47:06Z, -9223309901257974000",
        "292277025-08-18T07:12:54.999999999Z, 9223309901257974999",
        "Inf, 9223309901257974999",
        "-inf, -9223309901257974000",
    })
    void timesAsPrometheusParsesThem(String text, long millis) {
        assertThat(ApiParams.parseTime(text)).isEqualTo(millis);
    }

    @Test
    void hugeSecondsSaturateInsteadOfWrapping() {
        assertThat(ApiParams.parseTime("1e300")).isEqualTo(Long.MAX_VALUE);
        assertThat(ApiParams.parseTime("-1e300")).isEqualTo(Long.MIN_VALUE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"abc", "NaN", "1e400", "2015-07-01", "2015-07-01T20:10Z", "2015-07-01 20:10:51Z", "1.0d", " 4"})
    void invalidTimes(String text) {
        assertThatThrownBy(() -> ApiParams.parseTime(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot parse \"" + text + "\" to a valid timestamp");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "U__http_2e_status__code | http.status_code",
                "U__my_2e_metric         | my.metric",
                "U___1f600_              | 😀",
                "U__a__b                 | a_b",
                "U__                     | ''",
                "U__http_2e_status_code  | U__http_2e_status_code",
                "U__bad_zz_              | U__bad_zz_",
                "U__trailing_            | U__trailing_",
                "U__x_d800_              | U__x_d800_",
                "U__x_1234567_           | U__x_1234567_",
                "plain                   | plain",
            })
    void prometheusValueEncodingEscapes(String escaped, String name) {
        assertThat(LabelNames.unescape(escaped)).isEqualTo(name);
    }
}
