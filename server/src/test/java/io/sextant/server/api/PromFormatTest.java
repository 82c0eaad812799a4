package io.sextant.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Samples;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected strings follow Go's strconv.AppendFloat(f, 'f' or 'e', -1, 64) as used by Prometheus' jsonutil. */
class PromFormatTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0                        | 0",
                "-0.0                     | -0",
                "1                        | 1",
                "-1                       | -1",
                "1.5                      | 1.5",
                "0.1                      | 0.1",
                "0.3                      | 0.3",
                "-2.5                     | -2.5",
                "100                      | 100",
                "1e7                      | 10000000",
                "123.456                  | 123.456",
                "0.000123                 | 0.000123",
                "1e-6                     | 0.000001",
                "9.99e-7                  | 9.99e-07",
                "1e-7                     | 1e-07",
                "1.5e-7                   | 1.5e-07",
                "-1e-7                    | -1e-07",
                "1e-10                    | 1e-10",
                "1e-100                   | 1e-100",
                "1e20                     | 100000000000000000000",
                "123456789012345680000    | 123456789012345680000",
                "9.999999999999999e20     | 999999999999999900000",
                "1e21                     | 1e+21",
                "1.5e21                   | 1.5e+21",
                "-1e21                    | -1e+21",
                "1e23                     | 1e+23",
                "1e22                     | 1e+22",
                "2.82879384806159e17      | 282879384806159000",
                "9007199254740993         | 9007199254740992",
                "0.6666666666666666       | 0.6666666666666666",
                "0.3333333333333333       | 0.3333333333333333",
                "5e-324                   | 5e-324",
                "1e-323                   | 1e-323",
                "1.5e-323                 | 1.5e-323",
                "2.2250738585072014e-308  | 2.2250738585072014e-308",
                "1.7976931348623157e308   | 1.7976931348623157e+308",
                "1234567.891              | 1234567.891",
                "0.1e-5                   | 0.000001",
                "12345678901234567890     | 12345678901234567000",
            })
    void valuesMatchGo(String input, String expected) {
        assertThat(PromFormat.formatValue(Double.parseDouble(input))).isEqualTo(expected);
    }

    @Test
    void specialValues() {
        assertThat(PromFormat.formatValue(Double.NaN)).isEqualTo("NaN");
        assertThat(PromFormat.formatValue(Double.longBitsToDouble(Samples.STALE_NAN_BITS)))
                .isEqualTo("NaN");
        assertThat(PromFormat.formatValue(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PromFormat.formatValue(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(PromFormat.formatValue(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(PromFormat.formatValue(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "1e-7    | 0.0000001",
                "1e21    | 1000000000000000000000",
                "1.5e22  | 15000000000000000000000",
                "-0.0    | -0",
                "0.25    | 0.25",
                "3       | 3",
            })
    void plainNeverUsesExponent(String input, String expected) {
        assertThat(PromFormat.formatPlain(Double.parseDouble(input))).isEqualTo(expected);
    }

    @Test
    void plainSmallestSubnormal() {
        assertThat(PromFormat.formatPlain(Double.MIN_VALUE)).isEqualTo("0." + "0".repeat(323) + "5");
    }

    @Test
    void shortestDigitsRoundTrip() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 20_000; i++) {
            double v = Double.longBitsToDouble(r.nextLong());
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            String s = PromFormat.formatValue(v);
            assertThat(Double.parseDouble(s)).as(s).isEqualTo(v);
            assertThat(s).doesNotContain("E").doesNotEndWith(".");
            String plain = PromFormat.formatPlain(v);
            assertThat(Double.parseDouble(plain)).as(plain).isEqualTo(v);
            assertThat(plain).doesNotContain("e");
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0              | 0",
                "1000           | 1",
                "1500           | 1.500",
                "1001           | 1.001",
                "1010           | 1.010",
                "1435781451781  | 1435781451.781",
                "1435781451000  | 1435781451",
                "4000           | 4",
                "-1500          | -1.500",
                "-1             | -0.001",
                "1700000000000000 | 1700000000000",
            })
    void timestampsMatchPrometheus(long ms, String expected) {
        assertThat(PromFormat.formatTimestamp(ms)).isEqualTo(expected);
    }

    @Test
    void timestampExtremesDoNotOverflow() {
        assertThat(PromFormat.formatTimestamp(Long.MAX_VALUE)).isEqualTo("9223372036854775.807");
        assertThat(PromFormat.formatTimestamp(Long.MIN_VALUE)).isEqualTo("-9223372036854775.808");
    }
}
