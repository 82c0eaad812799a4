package io.sextant.storage.block;

/**
 * The lossless scaled-decimal value encoding of a block (FORMAT.md, "Values"). Most scraped values are
 * decimals with few digits (byte counts, request counts, {@code 0.25}); stored as integer mantissas and
 * differenced per series, they compress several times better than IEEE bits. A value that is not exactly
 * {@code m / 10^decimals} for the series' {@code decimals} (NaN, staleness markers, infinities, {@code -0.0},
 * sums of floats) keeps its IEEE bits in the {@code raw} column instead.
 */
final class ValueCodec {
    /** Most decimal digits tried; {@code 10^9} keeps mantissas of ordinary values well inside 2^53. */
    static final int MAX_DECIMALS = 9;

    private static final double MAX_MANTISSA = 0x1p53;
    private static final double[] POW10 = new double[MAX_DECIMALS + 1];

    static {
        double p = 1;
        for (int i = 0; i <= MAX_DECIMALS; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private ValueCodec() {}

    /** A series' encoding parameters; {@code decimals < 0} when every value is stored raw. */
    record Params(int decimals, long gcd, long firstMantissa) {
        static final Params RAW = new Params(-1, 1, 0);
    }

    /** The value of mantissa {@code m} with {@code decimals} digits. */
    static double decode(long m, int decimals) {
        return m / POW10[decimals];
    }

    /**
     * The mantissa of {@code v} with {@code decimals} digits, or {@link Long#MIN_VALUE} when {@code v} is not
     * exactly such a decimal. Exactness is checked by decoding, so a stored mantissa always round-trips to the
     * same bits.
     */
    static long mantissa(double v, int decimals) {
        double m = Math.rint(v * POW10[decimals]);
        if (!(Math.abs(m) < MAX_MANTISSA)) {
            return Long.MIN_VALUE;
        }
        long lm = (long) m;
        return Double.doubleToRawLongBits(decode(lm, decimals)) == Double.doubleToRawLongBits(v) ? lm : Long.MIN_VALUE;
    }

    /** The fewest digits that represent {@code v} exactly, or -1. */
    static int digits(double v) {
        if (!Double.isFinite(v)) {
            return -1;
        }
        for (int d = 0; d <= MAX_DECIMALS; d++) {
            if (mantissa(v, d) != Long.MIN_VALUE) {
                return d;
            }
        }
        return -1;
    }

    /**
     * Chooses the parameters for a series' values: the most digits any value needs (values that then fail stay
     * raw), the greatest common divisor of the differences between consecutive decimal values, and the first
     * decimal value's mantissa.
     */
    static Params choose(double[] values, int count) {
        int decimals = -1;
        for (int i = 0; i < count; i++) {
            decimals = Math.max(decimals, digits(values[i]));
        }
        if (decimals < 0) {
            return Params.RAW;
        }
        long gcd = 0;
        long first = 0;
        boolean seen = false;
        long prev = 0;
        for (int i = 0; i < count; i++) {
            long m = mantissa(values[i], decimals);
            if (m == Long.MIN_VALUE) {
                continue;
            }
            if (!seen) {
                first = m;
                seen = true;
            } else {
                gcd = gcd(gcd, Math.abs(m - prev));
            }
            prev = m;
        }
        if (!seen) {
            return Params.RAW;
        }
        return new Params(decimals, Math.max(gcd, 1), first);
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
