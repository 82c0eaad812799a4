package io.sextant.promql.eval;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.Labels;
import java.util.BitSet;

/**
 * One series of an instant-vector result over a step grid: a value per step and which steps have one.
 * {@code dropName} marks a series whose {@code __name__} is to be removed at the end of evaluation (Prometheus'
 * delayed name removal); without that mode the name is removed at once and the flag stays false.
 */
public record StepSeries(Labels labels, double[] values, BitSet present, boolean dropName) {
    public StepSeries {
        requireNonNull(labels, "labels is null");
        requireNonNull(values, "values is null");
        requireNonNull(present, "present is null");
    }

    public static StepSeries empty(Labels labels, int steps) {
        return new StepSeries(labels, new double[steps], new BitSet(steps), false);
    }

    public boolean has(int step) {
        return present.get(step);
    }

    public void set(int step, double value) {
        values[step] = value;
        present.set(step);
    }

    public boolean isEmpty() {
        return present.isEmpty();
    }
}
