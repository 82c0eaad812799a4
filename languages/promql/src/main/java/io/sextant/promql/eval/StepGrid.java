package io.sextant.promql.eval;

/**
 * The evaluation times of a query in ms: {@code start, start + step, …, ≤ end}. An instant query is a grid
 * of one step ({@code start == end}).
 */
public record StepGrid(long start, long end, long step) {
    public StepGrid {
        if (end < start) {
            throw new IllegalArgumentException("end " + end + " is before start " + start);
        }
        if (step <= 0 && end != start) {
            throw new IllegalArgumentException("step must be positive, got " + step);
        }
    }

    public static StepGrid instant(long time) {
        return new StepGrid(time, time, 1);
    }

    public int size() {
        return start == end ? 1 : (int) ((end - start) / step) + 1;
    }

    public long time(int i) {
        return start + i * step;
    }
}
