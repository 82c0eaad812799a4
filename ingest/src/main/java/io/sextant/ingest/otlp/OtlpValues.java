package io.sextant.ingest.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
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
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return Double.doubleToRawLongBits(d) < 0 ? "-0" : "0";
        }
        String plain = shortest(Math.abs(d)).toPlainString();
        return d < 0 ? "-" + plain : plain;
    }

    /**
     * A finite double as Go's encoding/json writes it (the ES6 number format): plain between 1e-6 and 1e21,
     * otherwise {@code 1.5e-7} / {@code 1e+21}.
     */
    static String jsonNumber(double d) {
        double abs = Math.abs(d);
        if (abs == 0 || (abs >= 1e-6 && abs < 1e21)) {
            return formatFloat(d);
        }
        BigDecimal s = shortest(abs);
        String digits = s.unscaledValue().toString();
        int exponent = digits.length() - 1 - s.scale();
        StringBuilder sb = new StringBuilder(digits.length() + 8);
        if (d < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        // Go pads exponents to two digits and encoding/json strips that padding again; positive exponents
        // here are at least 21.
        return sb.append('e')
                .append(exponent < 0 ? '-' : '+')
                .append(Math.abs(exponent))
                .toString();
    }

    /**
     * The shortest decimal, without trailing zeros, that reads back as {@code v} (positive and finite); among
     * several of that length the one closest to {@code v}, as Go's strconv picks.
     *
     * <p>Java's digits always read back, so the shortest decimal has at most as many digits. The decimals that
     * read back as {@code v} form an interval, so if one of {@code p} digits exists, the {@code p}-digit decimal
     * just below or just above Java's is one, and one of {@code p + 1} digits exists too: the shortest length can
     * be found by bisection, and usually one probe shows that Java's is already shortest. Working from Java's at
     * most 17 digits rather than from the exact binary value, which has up to 767, keeps this cheap for any input.
     */
    private static BigDecimal shortest(double v) {
        BigDecimal java = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        int digits = java.precision();
        if (digits == 1) {
            return java;
        }
        if (readingBack(java, digits - 1, v) == null) {
            // Java's last digit may still be one off the nearest; its neighbours decide.
            BigDecimal step = BigDecimal.ONE.scaleByPowerOfTen(-java.scale());
            BigDecimal best = java;
            for (BigDecimal neighbour : new BigDecimal[] {java.subtract(step), java.add(step)}) {
                if (neighbour.signum() > 0 && neighbour.doubleValue() == v && !atLeastAsClose(best, neighbour, v)) {
                    best = neighbour;
                }
            }
            return best.stripTrailingZeros();
        }
        int lo = 1;
        int hi = digits - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (readingBack(java, mid, v) != null) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return readingBack(java, hi, v).stripTrailingZeros();
    }

    /** The {@code p}-digit neighbour of {@code java} that reads back as {@code v} (the closer if both), or null. */
    private static BigDecimal readingBack(BigDecimal java, int p, double v) {
        BigDecimal below = java.round(new MathContext(p, RoundingMode.FLOOR));
        BigDecimal above = java.round(new MathContext(p, RoundingMode.CEILING));
        boolean belowReadsBack = below.doubleValue() == v;
        boolean aboveReadsBack = above.doubleValue() == v;
        if (belowReadsBack && (!aboveReadsBack || atLeastAsClose(below, above, v))) {
            return below;
        }
        return aboveReadsBack ? above : null;
    }

    /** Whether {@code a} is at least as close to {@code v} as {@code b}; a tie goes to the even last digit. */
    private static boolean atLeastAsClose(BigDecimal a, BigDecimal b, double v) {
        BigDecimal exact = new BigDecimal(v);
        int c = exact.subtract(a).abs().compareTo(exact.subtract(b).abs());
        return c < 0 || (c == 0 && !a.unscaledValue().testBit(0));
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
