package io.sextant.promql.eval;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A query's value and the annotations (warnings, infos) its evaluation raised. */
public record QueryResult(QueryValue value, List<Annotations.Annotation> annotations) {
    public QueryResult {
        requireNonNull(value, "value is null");
        annotations = List.copyOf(annotations);
    }
}
