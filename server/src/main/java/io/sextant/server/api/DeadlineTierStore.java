package io.sextant.server.api;

import static java.util.Objects.requireNonNull;

import io.sextant.connectors.TierStore;
import io.sextant.planner.TierWatermarks;
import io.sextant.storage.Matcher;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.cold.LabeledRollup;
import java.util.List;
import java.util.Map;

/** {@link DeadlineQuerier} for the tier adapters' reads: every tier read is a point where a query stops. */
final class DeadlineTierStore implements TierStore {
    private final TierStore delegate;
    private final DeadlineQuerier deadline;

    DeadlineTierStore(TierStore delegate, long deadlineNanos) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.deadline = new DeadlineQuerier(delegate, deadlineNanos);
    }

    @Override
    public List<Series> selectHot(String tenant, List<Matcher> matchers, long from, long to) {
        deadline.check();
        return delegate.selectHot(tenant, matchers, from, to);
    }

    @Override
    public List<Series> selectWarm(String tenant, List<Matcher> matchers, long from, long to) {
        deadline.check();
        return delegate.selectWarm(tenant, matchers, from, to);
    }

    @Override
    public List<LabeledRollup> selectCold(
            String tenant, List<Matcher> matchers, long from, long to, long resolutionMs) {
        deadline.check();
        return delegate.selectCold(tenant, matchers, from, to, resolutionMs);
    }

    @Override
    public TierWatermarks watermarks(String tenant) {
        return delegate.watermarks(tenant);
    }

    @Override
    public long flushGeneration() {
        return delegate.flushGeneration();
    }

    @Override
    public List<Long> resolutions() {
        return delegate.resolutions();
    }

    @Override
    public List<Series> select(String tenant, List<Matcher> matchers, long mint, long maxt, SelectHints hints) {
        return deadline.select(tenant, matchers, mint, maxt, hints);
    }

    @Override
    public List<String> labelNames(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt) {
        return deadline.labelNames(tenant, matcherSets, mint, maxt);
    }

    @Override
    public List<String> labelValues(String tenant, String name, List<List<Matcher>> matcherSets, long mint, long maxt) {
        return deadline.labelValues(tenant, name, matcherSets, mint, maxt);
    }

    @Override
    public Map<String, List<MetricMetadata>> metadata(String tenant) {
        return deadline.metadata(tenant);
    }

    @Override
    public List<SeriesExemplars> exemplars(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt) {
        return deadline.exemplars(tenant, matcherSets, mint, maxt);
    }
}
