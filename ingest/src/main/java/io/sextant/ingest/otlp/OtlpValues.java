package io.sextant.ingest.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.sextant.storage.text.GoFloat;
import java.util.Base64;
import java.util.TreeMap;

/**
 * Attribute values and numbers as strings, exactly as the Go code behind Prometheus' OTLP receiver writes them:
 * {@code pcommon.Value.AsString} for attribute values and {@code strconv.FormatFloat(f, 'f', -1, 64)} for
 * {@code le} and {@code quantile}. Both print the shortest decimal that reads back as the same double, which
 * Java 17's {@link Double#toString} does not always find.
 */
final class OtlpValues {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private OtlpValues() {}

    /**
     * {@code pcommon.Value.AsString}: strings as they are, booleans and integers in decimal, doubles as JSON
     * numbers, bytes in base64, arrays and maps as JSON (map keys sorted, later duplicates winning). An empty
     * value is the empty string.
     */
    static String asString(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue() ? "true" : "false";
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> {
                double d = v.getDoubleValue();
                // pcommon reproduces encoding/json's error text here instead of failing.
                yield Double.isFinite(d) ? jsonNumber(d) : "json: unsupported value: " + formatFloat(d);
            }
            case BYTES_VALUE ->
                Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case ARRAY_VALUE, KVLIST_VALUE -> {
                StringBuilder sb = new StringBuilder();
                // encoding/json fails on NaN and infinities, and pcommon then returns an empty string.
                yield appendJson(sb, v) ? sb.toString() : "";
            }
            case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> "";
        };
    }

    /** Go's {@code strconv.FormatFloat(f, 'f', -1, 64)}: shortest round-trip digits, never an exponent. */
    static String formatFloat(double d) {
        return GoFloat.formatFixed(d);
    }

    /** A finite double as Go's encoding/json writes it. */
    static String jsonNumber(double d) {
        return GoFloat.jsonNumber(d);
    }

    /** Appends the value as encoding/json marshals {@code AsRaw()}; false if it holds a NaN or an infinity. */
    private static boolean appendJson(StringBuilder sb, AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> appendJsonString(sb, v.getStringValue());
            case BOOL_VALUE -> sb.append(v.getBoolValue());
            case INT_VALUE -> sb.append(v.getIntValue());
            case DOUBLE_VALUE -> {
                if (!Double.isFinite(v.getDoubleValue())) {
                    return false;
                }
                sb.append(jsonNumber(v.getDoubleValue()));
            }
            case BYTES_VALUE -> {
                // AsRaw copies bytes by appending to a nil slice, so empty bytes marshal as null.
                if (v.getBytesValue().isEmpty()) {
                    sb.append("null");
                } else {
                    sb.append('"')
                            .append(Base64.getEncoder()
                                    .encodeToString(v.getBytesValue().toByteArray()))
                            .append('"');
                }
            }
            case ARRAY_VALUE -> {
                sb.append('[');
                int n = v.getArrayValue().getValuesCount();
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    if (!appendJson(sb, v.getArrayValue().getValues(i))) {
                        return false;
                    }
                }
                sb.append(']');
            }
            case KVLIST_VALUE -> {
                TreeMap<String, AnyValue> sorted = new TreeMap<>(OtlpValues::compareCodePoints);
                for (KeyValue kv : v.getKvlistValue().getValuesList()) {
                    sorted.put(kv.getKey(), kv.getValue());
                }
                sb.append('{');
                boolean first = true;
                for (var e : sorted.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    appendJsonString(sb, e.getKey());
                    sb.append(':');
                    if (!appendJson(sb, e.getValue())) {
                        return false;
                    }
                }
                sb.append('}');
            }
            case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> sb.append("null");
        }
        return true;
    }

    /**
     * Go's string order: UTF-8 bytes, which is code point order. UTF-16 order differs only between surrogates and
     * U+E000..U+FFFF, so those are shifted before comparing.
     */
    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                return Integer.compare(codePointOrder(ca), codePointOrder(cb));
            }
        }
        return a.length() - b.length();
    }

    private static int codePointOrder(char c) {
        if (c < 0xd800) {
            return c;
        }
        return c >= 0xe000 ? c - 0x800 : c + 0x2000;
    }

    /** A JSON string as encoding/json writes it, HTML-safe, with lone surrogates replaced like invalid UTF-8. */
    static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '<', '>', '&', '\u2028', '\u2029' -> appendUnicodeEscape(sb, c);
                default -> {
                    if (c < 0x20) {
                        appendUnicodeEscape(sb, c);
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        sb.append("\\ufffd");
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void appendUnicodeEscape(StringBuilder sb, char c) {
        sb.append("\\u")
                .append(HEX[(c >> 12) & 0xf])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}
