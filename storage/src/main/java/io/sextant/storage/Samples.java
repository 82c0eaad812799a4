package io.sextant.storage;

import static java.util.Objects.requireNonNull;

/**
 * A run of samples of one series in columnar form: timestamps (ms, strictly increasing) and values in two
 * primitive arrays, of which the first {@code count} entries are valid. The arrays belong to the receiver;
 * the storage never changes them after handing them out.
 */
public record Samples(long[] timestamps, double[] values, int count) {
    public Samples {
        requireNonNull(timestamps, "timestamps is null");
        requireNonNull(values, "values is null");
        if (count < 0 || count > timestamps.length || count > values.length) {
            throw new IllegalArgumentException("count out of range: " + count);
        }
    }

    public static final Samples EMPTY = new Samples(new long[0], new double[0], 0);

    /** The bit pattern Prometheus uses for a staleness marker. */
    public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    public static boolean isStaleNaN(double v) {
        return Double.doubleToRawLongBits(v) == STALE_NAN_BITS;
    }
}
