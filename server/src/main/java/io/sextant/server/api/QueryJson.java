package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sextant.promql.eval.Annotations;
import io.sextant.promql.eval.QueryResult;
import io.sextant.promql.eval.QueryValue;
import io.sextant.promql.parser.PromQLParser;
import io.sextant.server.http.Exchange;
import io.sextant.storage.Exemplar;
import io.sextant.storage.Querier;
import io.sextant.storage.text.GoFloat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of query results as Prometheus writes it ({@code json_codec.go}, {@code util/jsonutil}, {@code
 * promql/value.go}): vectors and matrices with {@code jsonutil} timestamps ({@code 1.500}) and values ({@code
 * "1e-07"}); scalars and strings through Go's {@code encoding/json} ({@code [1.5,"0.0000001"]}).
 */
final class QueryJson {
    /** Prometheus reports at most this many warnings and infos each, then a count of the rest. */
    private static final int MAX_ANNOTATIONS = 10;

    private QueryJson() {}

    /** A success response for {@code result}, cut to {@code limit} series (0: no limit), with stats if asked. */
    static void write(Exchange ex, QueryResult result, String query, int limit, String statsParam, QueryStats stats)
            throws IOException {
        List<String> warnings = new ArrayList<>();
        List<String> infos = new ArrayList<>();
        for (Annotations.Annotation a : result.annotations()) {
            (a.severity() == Annotations.Severity.INFO ? infos : warnings).add(Annotations.render(a, query));
        }
        QueryValue value = truncate(result.value(), limit);
        if (value != result.value()) {
            warnings.add("results truncated due to limit");
        }
        if (!statsParam.isEmpty() && !statsParam.equals("true") && !statsParam.equals("all")) {
            warnings.add("value " + quote(statsParam) + " for parameter \"stats\" is deprecated and will be rejected"
                    + " in the next major release, use \"true\" or \"all\"");
        }
        PromJson.success(
                ex,
                g -> {
                    g.writeStartObject();
                    writeValue(g, value);
                    if (!statsParam.isEmpty()) {
                        g.writeFieldName("stats");
                        writeStats(g, stats);
                    }
                    g.writeEndObject();
                },
                capped(warnings, "warning"),
                capped(infos, "info"));
    }

    private static String quote(String s) {
        return PromQLParser.quote(s);
    }

    private static List<String> capped(List<String> annotations, String kind) {
        if (annotations.size() <= MAX_ANNOTATIONS) {
            return annotations;
        }
        List<String> out = new ArrayList<>(annotations.subList(0, MAX_ANNOTATIONS));
        out.add((annotations.size() - MAX_ANNOTATIONS) + " more " + kind + " annotations omitted");
        return out;
    }

    /** Prometheus' {@code truncateResults}: the first {@code limit} series of a vector or matrix. */
    private static QueryValue truncate(QueryValue value, int limit) {
        if (limit <= 0) {
            return value;
        }
        if (value instanceof QueryValue.Vector v && v.samples().size() > limit) {
            return new QueryValue.Vector(v.timeMs(), v.samples().subList(0, limit));
        }
        if (value instanceof QueryValue.Matrix m && m.series().size() > limit) {
            return new QueryValue.Matrix(m.series().subList(0, limit));
        }
        return value;
    }

    private static void writeValue(JsonGenerator g, QueryValue value) throws IOException {
        if (value instanceof QueryValue.Vector v) {
            g.writeStringField("resultType", "vector");
            g.writeArrayFieldStart("result");
            String t = PromFormat.formatTimestamp(v.timeMs());
            for (QueryValue.Sample s : v.samples()) {
                g.writeStartObject();
                g.writeFieldName("metric");
                PromJson.metric(g, s.labels());
                g.writeArrayFieldStart("value");
                g.writeNumber(t);
                g.writeString(PromFormat.formatValue(s.value()));
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        } else if (value instanceof QueryValue.Matrix m) {
            g.writeStringField("resultType", "matrix");
            g.writeArrayFieldStart("result");
            for (QueryValue.MatrixSeries s : m.series()) {
                g.writeStartObject();
                g.writeFieldName("metric");
                PromJson.metric(g, s.labels());
                if (s.timestamps().length > 0) {
                    g.writeArrayFieldStart("values");
                    for (int i = 0; i < s.timestamps().length; i++) {
                        g.writeStartArray();
                        g.writeNumber(PromFormat.formatTimestamp(s.timestamps()[i]));
                        g.writeString(PromFormat.formatValue(s.values()[i]));
                        g.writeEndArray();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } else if (value instanceof QueryValue.Scalar s) {
            g.writeStringField("resultType", "scalar");
            g.writeArrayFieldStart("result");
            g.writeNumber(GoFloat.jsonNumber(s.timeMs() / 1000.0));
            g.writeString(PromFormat.formatPlain(s.value()));
            g.writeEndArray();
        } else if (value instanceof QueryValue.Str s) {
            g.writeStringField("resultType", "string");
            g.writeArrayFieldStart("result");
            g.writeNumber(GoFloat.jsonNumber(s.timeMs() / 1000.0));
            g.writeString(s.value());
            g.writeEndArray();
        }
    }

    /** Prometheus' {@code stats.QueryTimings}, in its field order; see {@link QueryStats} for what is left out. */
    private static void writeStats(JsonGenerator g, QueryStats stats) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("timings");
        g.writeFieldName("evalTotalTime");
        g.writeNumber(GoFloat.jsonNumber(stats.preparationSeconds() + stats.evalSeconds()));
        // the engine sorts its results itself; that time is part of innerEvalTime
        g.writeFieldName("resultSortTime");
        g.writeNumber("0");
        g.writeFieldName("queryPreparationTime");
        g.writeNumber(GoFloat.jsonNumber(stats.preparationSeconds()));
        g.writeFieldName("innerEvalTime");
        g.writeNumber(GoFloat.jsonNumber(stats.evalSeconds()));
        g.writeFieldName("execQueueTime");
        g.writeNumber(GoFloat.jsonNumber(stats.queueSeconds()));
        g.writeFieldName("execTotalTime");
        g.writeNumber(GoFloat.jsonNumber(stats.totalSeconds()));
        g.writeEndObject();
        g.writeEndObject();
    }

    /** {@code /query_exemplars} data: series labels, then each exemplar's labels, value and timestamp. */
    static void writeExemplars(JsonGenerator g, List<Querier.SeriesExemplars> result) throws IOException {
        g.writeStartArray();
        for (Querier.SeriesExemplars s : result) {
            g.writeStartObject();
            g.writeFieldName("seriesLabels");
            PromJson.metric(g, s.labels());
            g.writeArrayFieldStart("exemplars");
            for (Exemplar e : s.exemplars()) {
                g.writeStartObject();
                g.writeFieldName("labels");
                PromJson.metric(g, e.labels());
                g.writeStringField("value", PromFormat.formatValue(e.value()));
                g.writeFieldName("timestamp");
                g.writeNumber(PromFormat.formatTimestamp(e.timestampMs()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
