package io.sextant.storage;

import java.util.List;

/**
 * The read contract every query layer uses (the Prometheus HTTP read endpoints today, PromQL and the tier
 * adapters later).
 *
 * <ul>
 *   <li>Tenancy: every call names one tenant and sees only that tenant's data; an unknown tenant is an
 *       empty store, not an error.
 *   <li>Matchers: all must hold (AND); an empty list selects every series. A matcher that matches the empty
 *       string also selects series without that label.
 *   <li>Time range: {@code [mint, maxt]} in ms, both inclusive. A series is selected when it has at least
 *       one sample in the range; only samples within the range are returned.
 *   <li>Order: series come sorted by their labels ({@link Labels#compareTo}); label names and values come
 *       sorted and distinct.
 *   <li>Consistency: a returned series is a snapshot; later appends do not change it. Samples acknowledged
 *       to a writer before the call started are visible.
 *   <li>Cost: implementations are thread-safe and never block writers for longer than a copy of the
 *       selected samples.
 * </ul>
 */
public interface Querier {
    List<Series> select(String tenant, List<Matcher> matchers, long mint, long maxt, SelectHints hints);

    /**
     * Label names of series selected by any of {@code matcherSets} (all series when empty) within the range.
     */
    List<String> labelNames(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt);

    /** Values of label {@code name} of series selected by any of {@code matcherSets} within the range. */
    List<String> labelValues(String tenant, String name, List<List<Matcher>> matcherSets, long mint, long maxt);

    /** Metric metadata of the tenant, by family name (a family may have several distinct entries). */
    java.util.Map<String, List<MetricMetadata>> metadata(String tenant);

    /** Exemplars of the selected series within the range. */
    List<SeriesExemplars> exemplars(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt);

    /** Exemplars of one series. */
    record SeriesExemplars(Labels labels, List<Exemplar> exemplars) {
        public SeriesExemplars {
            java.util.Objects.requireNonNull(labels, "labels is null");
            exemplars = List.copyOf(exemplars);
        }
    }
}
