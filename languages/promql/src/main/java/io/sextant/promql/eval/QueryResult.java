package io.sextant.promql.eval;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A query's value, the annotations (warnings, infos) its evaluation raised, and the time spent planning it (0
 * when the plan came from the cache).
 */
public record QueryResult(QueryValue value, List<Annotations.Annotation> annotations, long planningNanos) {
    public QueryResult {
        requireNonNull(value, "value is null");
        annotations = List.copyOf(annotations);
    }

    public QueryResult(QueryValue value, List<Annotations.Annotation> annotations) {
        this(value, annotations, 0);
    }
}
