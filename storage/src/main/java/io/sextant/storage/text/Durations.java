package io.sextant.storage.text;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in Prometheus' syntax ({@code model.ParseDuration}): units {@code y w d h m s ms}, largest first,
 * each at most once, for example {@code 1h30m}, {@code 15d}, {@code 500ms}; {@code 0} alone is zero. A year is
 * 365 days.
 */
public final class Durations {
    private static final Pattern SYNTAX =
            Pattern.compile("(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNIT_MILLIS = {
        365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1
    };

    private Durations() {}

    /** @throws IllegalArgumentException naming the expected syntax */
    public static Duration parse(String s) {
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = SYNTAX.matcher(s);
        if (s.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException(
                    "not a duration (expected for example 10m, 1h30m, 15d or 500ms: units y w d h m s ms)");
        }
        long ms = 0;
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            String g = m.group(i + 1);
            if (g != null) {
                try {
                    ms = Math.addExact(ms, Math.multiplyExact(Long.parseLong(g), UNIT_MILLIS[i]));
                } catch (ArithmeticException | NumberFormatException e) {
                    throw new IllegalArgumentException("duration out of range");
                }
            }
        }
        return Duration.ofMillis(ms);
    }

    /** Prometheus' {@code model.Duration.String()}: years and weeks only when exact, {@code 0s} for zero. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            long mult = UNIT_MILLIS[i];
            if (i < 2 && ms % mult != 0) {
                continue;
            }
            long v = ms / mult;
            if (v > 0) {
                sb.append(v).append(units[i]);
                ms -= v * mult;
            }
        }
        return sb.toString();
    }
}
