package io.sextant.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sextant.server.http.Exchange;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.Querier;
import io.sextant.storage.Samples;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.TreeMap;

/**
 * VictoriaMetrics' {@code /api/v1/export}: the raw samples of the series selected by {@code match[]}
 * (required, repeatable) between {@code start} and {@code end}, as JSON lines, one per series:
 *
 * <pre>{"metric":{"__name__":"up","job":"a"},"values":[1,0.5,NaN],"timestamps":[1700000000000,...]}</pre>
 *
 * <p>Byte for byte as VictoriaMetrics' {@code export.qtpl} writes them: {@code __name__} first; timestamps as
 * integer ms; values with Go's {@code 'f'} shortest format (integral values as integers, so {@code -0} is
 * {@code 0}; never an exponent); NaN, +Inf and -Inf as the bare tokens {@code NaN}, {@code +Inf}, {@code -Inf},
 * which VictoriaMetrics' {@code /api/v1/import} reads back (they are not strict JSON). Prometheus staleness
 * markers come out as {@code NaN}, as in VictoriaMetrics, so an export and re-import loses the marker bit
 * pattern. Content type {@code application/stream+json; charset=utf-8}.
 */
final class ExportEndpoint {
    private static final String CONTENT_TYPE = "application/stream+json; charset=utf-8";

    private final Querier querier;

    ExportEndpoint(Querier querier) {
        this.querier = requireNonNull(querier, "querier is null");
    }

    void handle(Exchange ex) throws IOException {
        Exchange.Params p = ex.params();
        List<String> match = p.all("match[]");
        if (match.isEmpty()) {
            throw ApiError.badData("no match[] parameter provided");
        }
        ApiParams.Window w = ApiParams.window(p);
        List<List<Matcher>> sets = ApiParams.matchers(match, true);
        String tenant = ex.tenant();

        TreeMap<Labels, Samples> series = new TreeMap<>();
        for (List<Matcher> set : sets) {
            for (Series s : querier.select(tenant, set, w.start(), w.end(), SelectHints.SAMPLES)) {
                series.putIfAbsent(s.labels(), s.samples());
            }
        }
        OutputStream out = new BufferedOutputStream(ex.stream(200, CONTENT_TYPE), 64 * 1024);
        try (JsonGenerator g = PromJson.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            for (var e : series.entrySet()) {
                line(g, e.getKey(), e.getValue());
            }
        }
    }

    private static void line(JsonGenerator g, Labels labels, Samples samples) throws IOException {
        if (samples.count() == 0) {
            return;
        }
        g.writeStartObject();
        g.writeObjectFieldStart("metric");
        String name = labels.metricName();
        if (!name.isEmpty()) {
            g.writeStringField(Labels.METRIC_NAME, name);
        }
        for (int i = 0; i < labels.size(); i++) {
            if (!labels.name(i).equals(Labels.METRIC_NAME)) {
                g.writeStringField(labels.name(i), labels.value(i));
            }
        }
        g.writeEndObject();
        g.writeArrayFieldStart("values");
        double[] values = samples.values();
        for (int i = 0; i < samples.count(); i++) {
            g.writeRawValue(formatValue(values[i]));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("timestamps");
        long[] timestamps = samples.timestamps();
        for (int i = 0; i < samples.count(); i++) {
            g.writeNumber(timestamps[i]);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /** quicktemplate's {@code F}: integral values that fit an int64 as integers, else Go's {@code 'f', -1}. */
    static String formatValue(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 0x1p63) {
            return Long.toString((long) v);
        }
        return PromFormat.formatPlain(v);
    }
}
