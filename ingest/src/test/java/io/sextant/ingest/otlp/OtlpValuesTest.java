package io.sextant.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go number formats and {@code pcommon.Value.AsString}, with expectations taken from Go's behaviour. */
class OtlpValuesTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0.005|0.005",
                "0.1|0.1",
                "1|1",
                "2.5|2.5",
                "100|100",
                "1e9|1000000000",
                "1e-7|0.0000001",
                "0.30000000000000004|0.30000000000000004",
                "-3.25|-3.25",
                "-0.0|-0",
                "0|0",
                // Java 17's Double.toString is not shortest for these; Go is.
                "2e23|200000000000000000000000",
                "1e23|100000000000000000000000",
                "2.31845256772633248E17|231845256772633250",
                "6.8479835487449702E18|6847983548744970000",
                "NaN|NaN",
                "Infinity|+Inf",
                "-Infinity|-Inf",
            })
    void formatsLikeGoFormatFloatF(String input, String expected) {
        assertThat(OtlpValues.formatFloat(Double.parseDouble(input))).isEqualTo(expected);
    }

    @Test
    void formatsSmallestDoubleWithOneDigit() {
        assertThat(OtlpValues.formatFloat(Double.MIN_VALUE)).isEqualTo("0." + "0".repeat(323) + "5");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "1e21|1e+21",
                "8.41e21|8.41e+21",
                "1e20|100000000000000000000",
                "1e-6|0.000001",
                "1e-7|1e-7",
                "-1.5e-7|-1.5e-7",
                "1.2345e-10|1.2345e-10",
                "1.7976931348623157e308|1.7976931348623157e+308",
                "0.5|0.5",
            })
    void formatsLikeEncodingJson(String input, String expected) {
        assertThat(OtlpValues.jsonNumber(Double.parseDouble(input))).isEqualTo(expected);
    }

    @Test
    void shortestDigitsReadBackAndCannotBeShorter() {
        long seed = 20261121L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 5_000; i++) {
            double v = Double.longBitsToDouble(random.nextLong() & Long.MAX_VALUE);
            if (!Double.isFinite(v) || v == 0) {
                continue;
            }
            BigDecimal printed = new BigDecimal(OtlpValues.formatFloat(v));
            assertThat(printed.doubleValue()).as("seed %d, %s", seed, v).isEqualTo(v);
            int digits = printed.stripTrailingZeros().precision();
            assertThat(digits)
                    .as("seed %d, %s", seed, v)
                    .isLessThanOrEqualTo(new BigDecimal(Double.toString(v))
                            .stripTrailingZeros()
                            .precision());
        }
    }

    @Test
    void attributeValuesAsStrings() {
        assertThat(OtlpValues.asString(str("plain"))).isEqualTo("plain");
        assertThat(OtlpValues.asString(AnyValue.newBuilder().setBoolValue(false).build()))
                .isEqualTo("false");
        assertThat(OtlpValues.asString(
                        AnyValue.newBuilder().setIntValue(Long.MIN_VALUE).build()))
                .isEqualTo("-9223372036854775808");
        assertThat(OtlpValues.asString(dbl(1e300))).isEqualTo("1e+300");
        assertThat(OtlpValues.asString(dbl(Double.POSITIVE_INFINITY))).isEqualTo("json: unsupported value: +Inf");
        assertThat(OtlpValues.asString(AnyValue.newBuilder()
                        .setBytesValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 0, 1}))
                        .build()))
                .isEqualTo("/wAB");
        assertThat(OtlpValues.asString(
                        AnyValue.newBuilder().setBytesValue(ByteString.EMPTY).build()))
                .isEmpty();
        assertThat(OtlpValues.asString(AnyValue.getDefaultInstance())).isEmpty();
    }

    @Test
    void listsAndMapsAsGoJson() {
        AnyValue nested = AnyValue.newBuilder()
                .setKvlistValue(KeyValueList.newBuilder()
                        .addValues(kv("z", str("\u0001\t\u2028<>&\"\\")))
                        .addValues(kv("\uffff", str("bmp")))
                        .addValues(kv("\ud83d\ude00", str("astral")))
                        .addValues(kv(
                                "e",
                                AnyValue.newBuilder()
                                        .setBytesValue(ByteString.EMPTY)
                                        .build()))
                        .addValues(kv("n", AnyValue.getDefaultInstance())))
                .build();
        AnyValue list = AnyValue.newBuilder()
                .setArrayValue(ArrayValue.newBuilder()
                        .addValues(nested)
                        .addValues(dbl(-0.0))
                        .addValues(AnyValue.newBuilder()
                                .setArrayValue(ArrayValue.getDefaultInstance())
                                .build()))
                .build();
        // Keys in code point order: "\uffff" before the astral "\ud83d\ude00", unlike UTF-16 order.
        assertThat(OtlpValues.asString(list))
                .isEqualTo("[{\"e\":null,\"n\":null,\"z\":\"\\u0001\\t\\u2028\\u003c\\u003e\\u0026\\\"\\\\\","
                        + "\"\uffff\":\"bmp\",\"\ud83d\ude00\":\"astral\"},-0,[]]");
        AnyValue withNaN = AnyValue.newBuilder()
                .setKvlistValue(KeyValueList.newBuilder().addValues(kv("x", dbl(Double.NaN))))
                .build();
        assertThat(OtlpValues.asString(withNaN)).isEmpty();
    }

    private static AnyValue str(String s) {
        return AnyValue.newBuilder().setStringValue(s).build();
    }

    private static AnyValue dbl(double d) {
        return AnyValue.newBuilder().setDoubleValue(d).build();
    }

    private static KeyValue kv(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }
}
