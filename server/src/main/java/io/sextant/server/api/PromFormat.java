package io.sextant.server.api;

import io.sextant.storage.text.GoFloat;

/**
 * Number formatting byte-identical to Prometheus' JSON API ({@code util/jsonutil/marshal.go}), which Grafana
 * and promql-compliance comparisons read.
 *
 * <ul>
 *   <li>Sample values: Go {@code strconv.AppendFloat(f, 'f', -1, 64)}, switching to {@code 'e'} when {@code
 *       |f| < 1e-6} or {@code |f| >= 1e21}; specials as {@code NaN}, {@code +Inf}, {@code -Inf}.
 *   <li>Timestamps (ms): whole seconds, then {@code .} and exactly three millisecond digits when the
 *       millisecond part is not zero; never an exponent.
 * </ul>
 *
 * <p>The digits are Go's shortest round-trip digits ({@link GoFloat}).
 */
public final class PromFormat {
    private PromFormat() {}

    /** The value as Prometheus writes it inside the JSON string (without the quotes). */
    public static String formatValue(double v) {
        StringBuilder sb = new StringBuilder(24);
        appendValue(sb, v);
        return sb.toString();
    }

    public static void appendValue(StringBuilder sb, double v) {
        double abs = Math.abs(v);
        GoFloat.append(sb, v, abs != 0 && (abs < 1e-6 || abs >= 1e21));
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent. */
    public static String formatPlain(double v) {
        return GoFloat.formatFixed(v);
    }

    /** A millisecond timestamp as Prometheus' JSON number of seconds. */
    public static String formatTimestamp(long ms) {
        StringBuilder sb = new StringBuilder(24);
        appendTimestamp(sb, ms);
        return sb.toString();
    }

    public static void appendTimestamp(StringBuilder sb, long ms) {
        if (ms < 0) {
            sb.append('-');
        }
        // division before abs: -Long.MIN_VALUE would overflow
        sb.append(Math.abs(ms / 1000));
        long fraction = Math.abs(ms % 1000);
        if (fraction != 0) {
            sb.append('.');
            if (fraction < 100) {
                sb.append('0');
            }
            if (fraction < 10) {
                sb.append('0');
            }
            sb.append(fraction);
        }
    }
}
