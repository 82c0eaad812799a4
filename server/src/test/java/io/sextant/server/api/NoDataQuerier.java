package io.sextant.server.api;

import io.sextant.storage.Matcher;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.Querier;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import java.util.List;
import java.util.Map;

/** A querier without data, for API tests that watch or control reads by overriding {@link #select}. */
class NoDataQuerier implements Querier {
    @Override
    public List<Series> select(String tenant, List<Matcher> matchers, long mint, long maxt, SelectHints hints) {
        return List.of();
    }

    @Override
    public List<String> labelNames(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt) {
        return List.of();
    }

    @Override
    public List<String> labelValues(String tenant, String name, List<List<Matcher>> matcherSets, long mint, long maxt) {
        return List.of();
    }

    @Override
    public Map<String, List<MetricMetadata>> metadata(String tenant) {
        return Map.of();
    }

    @Override
    public List<SeriesExemplars> exemplars(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt) {
        return List.of();
    }
}
