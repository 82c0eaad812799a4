package io.sextant.server.api;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.Matcher;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.Querier;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import java.util.List;
import java.util.Map;

/**
 * A querier that refuses reads once its query's deadline has passed or its thread was interrupted (the
 * request gave up). The PromQL engine has no cancellation points of its own, so its storage reads are where
 * an abandoned evaluation stops instead of running to the end.
 */
final class DeadlineQuerier implements Querier {
    /** Unwinds an evaluation that should stop. */
    static final class Aborted extends RuntimeException {
        private final boolean timedOut;

        Aborted(boolean timedOut) {
            super(timedOut ? "deadline passed" : "interrupted", null, false, false);
            this.timedOut = timedOut;
        }

        boolean timedOut() {
            return timedOut;
        }
    }

    private final Querier delegate;
    private final long deadlineNanos;

    /** @param deadlineNanos in {@link System#nanoTime()} terms */
    DeadlineQuerier(Querier delegate, long deadlineNanos) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.deadlineNanos = deadlineNanos;
    }

    void check() {
        if (Thread.currentThread().isInterrupted()) {
            throw new Aborted(false);
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new Aborted(true);
        }
    }

    @Override
    public List<Series> select(String tenant, List<Matcher> matchers, long mint, long maxt, SelectHints hints) {
        check();
        return delegate.select(tenant, matchers, mint, maxt, hints);
    }

    @Override
    public List<String> labelNames(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt) {
        check();
        return delegate.labelNames(tenant, matcherSets, mint, maxt);
    }

    @Override
    public List<String> labelValues(String tenant, String name, List<List<Matcher>> matcherSets, long mint, long maxt) {
        check();
        return delegate.labelValues(tenant, name, matcherSets, mint, maxt);
    }

    @Override
    public Map<String, List<MetricMetadata>> metadata(String tenant) {
        check();
        return delegate.metadata(tenant);
    }

    @Override
    public List<SeriesExemplars> exemplars(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt) {
        check();
        return delegate.exemplars(tenant, matcherSets, mint, maxt);
    }
}
