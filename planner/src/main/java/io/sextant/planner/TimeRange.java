package io.sextant.planner;

/**
 * Milliseconds {@code [min, max]}, both inclusive; {@link #EMPTY} when {@code min > max}. Used for the times a
 * scan may read in one execution and for the data a tier holds.
 */
public record TimeRange(long min, long max) {
    public static final TimeRange EMPTY = new TimeRange(Long.MAX_VALUE, Long.MIN_VALUE);
    public static final TimeRange ALL = new TimeRange(Long.MIN_VALUE, Long.MAX_VALUE);

    public boolean isEmpty() {
        return min > max;
    }

    public TimeRange intersect(TimeRange o) {
        TimeRange r = new TimeRange(Math.max(min, o.min), Math.min(max, o.max));
        return r.isEmpty() ? EMPTY : r;
    }

    public boolean overlaps(TimeRange o) {
        return !intersect(o).isEmpty();
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "[]";
        }
        return "[" + (min == Long.MIN_VALUE ? "-inf" : instant(min)) + ", "
                + (max == Long.MAX_VALUE ? "+inf" : instant(max)) + "]";
    }

    private static String instant(long ms) {
        return java.time.Instant.ofEpochMilli(ms).toString();
    }
}
