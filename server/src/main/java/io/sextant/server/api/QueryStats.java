package io.sextant.server.api;

/**
 * The timings of one query, for {@code stats=...}: measured by the API around the phases it can see. Prometheus
 * also reports sample counts; Sextant's engine does not count them yet, so they are left out rather than made
 * up.
 */
final class QueryStats {
    private final long started;
    private long prepared;
    private long dequeued;
    private long evaluated;
    private long planningNanos;

    /** @param started when the request began, in {@link System#nanoTime()} terms */
    QueryStats(long started) {
        this.started = started;
    }

    /** Parameters and query parsed. */
    void prepared() {
        prepared = System.nanoTime();
    }

    /** A slot was free; evaluation starts. */
    void dequeued() {
        dequeued = System.nanoTime();
    }

    /** @param planningNanos how long of the evaluation was planning (0 for a cached plan) */
    void evaluated(long planningNanos) {
        evaluated = System.nanoTime();
        this.planningNanos = planningNanos;
    }

    /** Parsing, parameter checks and planning: Prometheus' queryPreparationTime. */
    double preparationSeconds() {
        return seconds(prepared - started + planningNanos);
    }

    double queueSeconds() {
        return seconds(dequeued - prepared);
    }

    /** The evaluation itself without planning, results sorted by the engine included. */
    double evalSeconds() {
        return seconds(evaluated - dequeued - planningNanos);
    }

    /** Everything from the request's start to the evaluation's end. */
    double totalSeconds() {
        return seconds(evaluated - started);
    }

    private static double seconds(long nanos) {
        return Math.max(0, nanos) / 1e9;
    }
}
