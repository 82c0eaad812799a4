package io.sextant.promql.eval;

/**
 * Prometheus' extrapolation of a window's change towards its edges, the last part of rate, increase and delta
 * (functions.go {@code extrapolatedRate}). It needs only five facts of the window: the change (last − first,
 * plus the value before each reset for counters), the first value, the first and last sample times and the
 * number of samples; the raw kernel and the rollup evaluator both know them, and share this one formula.
 */
public final class Extrapolation {
    private Extrapolation() {}

    /**
     * The extrapolated change (or per-second rate, with {@code isRate}) of a window {@code (rangeStart,
     * rangeEnd]} of {@code samples ≥ 2} samples from {@code firstTime} to {@code lastTime} (ms).
     */
    public static double extrapolate(
            double change,
            double first,
            long firstTime,
            long lastTime,
            long samples,
            long rangeStart,
            long rangeEnd,
            double rangeSeconds,
            boolean isCounter,
            boolean isRate) {
        double durationToStart = (firstTime - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - lastTime) / 1000.0;
        double sampled = (lastTime - firstTime) / 1000.0;
        double averageBetweenSamples = sampled / (samples - 1);
        // A sample further from an edge than 1.1 intervals means the series starts or ends inside the window:
        // extrapolate only half an interval there.
        double threshold = averageBetweenSamples * 1.1;
        if (durationToStart >= threshold) {
            durationToStart = averageBetweenSamples / 2;
        }
        if (isCounter) {
            // A counter cannot go below zero: do not extrapolate past the point where it would have been zero.
            double durationToZero = durationToStart;
            if (change > 0 && first >= 0) {
                durationToZero = sampled * (first / change);
            }
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        if (durationToEnd >= threshold) {
            durationToEnd = averageBetweenSamples / 2;
        }
        double factor = sampled != 0 ? (sampled + durationToStart + durationToEnd) / sampled : 1;
        if (isRate) {
            factor /= rangeSeconds;
        }
        return change * factor;
    }
}
