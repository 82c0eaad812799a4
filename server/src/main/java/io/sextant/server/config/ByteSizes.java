package io.sextant.server.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes in bytes written as a number with an optional unit: {@code B}, decimal {@code kB KB MB GB TB} (powers of
 * 1000) or binary {@code KiB MiB GiB TiB} (powers of 1024), case-insensitive, for example {@code 64MiB},
 * {@code 128MB}, {@code 1.5GiB} or {@code 1048576}.
 */
public final class ByteSizes {
    private static final Pattern SYNTAX = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");
    private static final String[] UNITS = {"TiB", "TB", "GiB", "GB", "MiB", "MB", "KiB", "kB"};
    private static final long[] UNIT_BYTES = {
        1L << 40, 1_000_000_000_000L, 1L << 30, 1_000_000_000L, 1L << 20, 1_000_000L, 1L << 10, 1_000L
    };

    private ByteSizes() {}

    /** @throws IllegalArgumentException naming the expected syntax */
    public static long parse(String s) {
        Matcher m = SYNTAX.matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size (expected for example 64MiB, 128MB or 1048576)");
        }
        long unit =
                switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "", "b" -> 1L;
                    case "kb" -> 1_000L;
                    case "mb" -> 1_000_000L;
                    case "gb" -> 1_000_000_000L;
                    case "tb" -> 1_000_000_000_000L;
                    case "kib" -> 1L << 10;
                    case "mib" -> 1L << 20;
                    case "gib" -> 1L << 30;
                    case "tib" -> 1L << 40;
                    default ->
                        throw new IllegalArgumentException("unknown size unit \"" + m.group(2)
                                + "\" (expected B, kB, MB, GB, TB, KiB, MiB, GiB or TiB)");
                };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        try {
            return bytes.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("not a whole number of bytes or out of range");
        }
    }

    /** The unit that divides {@code bytes} exactly with the smallest quotient (binary on a tie), else bytes. */
    public static String format(long bytes) {
        String best = Long.toString(bytes);
        long bestQuotient = bytes;
        for (int i = 0; i < UNITS.length; i++) {
            if (bytes != 0 && bytes % UNIT_BYTES[i] == 0 && bytes / UNIT_BYTES[i] < bestQuotient) {
                bestQuotient = bytes / UNIT_BYTES[i];
                best = bestQuotient + UNITS[i];
            }
        }
        return best;
    }
}
