package io.sextant.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sextant.promql.parser.PromQLParser;
import io.sextant.server.BuildInfo;
import io.sextant.server.http.Endpoint;
import io.sextant.server.http.Exchange;
import io.sextant.server.http.HttpError;
import io.sextant.server.http.Router;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.Querier;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.SextantException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * The Prometheus HTTP API read endpoints that need no query engine, per tenant: {@code /api/v1/series}, {@code
 * /labels}, {@code /label/<name>/values}, {@code /metadata}, {@code /status/buildinfo}, plus VictoriaMetrics'
 * {@code /api/v1/export}. Parameters, defaults, limits, messages and JSON follow Prometheus' {@code
 * web/api/v1/api.go}; where Sextant differs it says so below.
 */
public final class PromReadApi {
    private static final String TRUNCATED = "results truncated due to limit";

    private final Querier querier;
    private final BuildInfo build;

    public PromReadApi(Querier querier, BuildInfo build) {
        this.querier = requireNonNull(querier, "querier is null");
        this.build = requireNonNull(build, "build is null");
    }

    /** Adds the routes; until {@code ready} they answer 503 as Prometheus does while its TSDB opens. */
    public void register(Router router, BooleanSupplier ready) {
        router.add("GET", "/api/v1/series", api(ready, this::series));
        router.add("POST", "/api/v1/series", api(ready, this::series));
        router.add("GET", "/api/v1/labels", api(ready, this::labels));
        router.add("POST", "/api/v1/labels", api(ready, this::labels));
        router.add("GET", "/api/v1/label/:name/values", api(ready, this::labelValues));
        router.add("GET", "/api/v1/metadata", api(ready, this::metadata));
        router.add("GET", "/api/v1/status/buildinfo", api(() -> true, this::buildInfo));
        ExportEndpoint export = new ExportEndpoint(querier);
        router.add("GET", "/api/v1/export", api(ready, export::handle));
        router.add("POST", "/api/v1/export", api(ready, export::handle));
    }

    /** Gates on readiness and turns failures into Prometheus' error envelope. */
    static Endpoint api(BooleanSupplier ready, Endpoint endpoint) {
        return exchange -> {
            if (!ready.getAsBoolean()) {
                exchange.setHeader("Retry-After", "5");
                exchange.text(503, "Service Unavailable");
                return;
            }
            try {
                endpoint.handle(exchange);
            } catch (ApiError e) {
                PromJson.error(exchange, e);
            } catch (HttpError e) {
                if (e.status() != 400) {
                    throw e;
                }
                PromJson.error(exchange, ApiError.badData(e.getMessage()));
            } catch (SextantException e) {
                PromJson.error(exchange, toApiError(e));
            }
        };
    }

    /** Sextant's error codes as Prometheus' error types; the engine's execution errors are 422. */
    static ApiError toApiError(SextantException e) {
        if (e.code() == ErrorCode.QUERY_EXECUTION) {
            return new ApiError(ApiError.Type.EXECUTION, e.getMessage());
        }
        ApiError.Type type =
                switch (e.code().kind()) {
                    case USER_ERROR -> ApiError.Type.BAD_DATA;
                    case INSUFFICIENT_RESOURCES -> ApiError.Type.UNAVAILABLE;
                    case EXTERNAL -> ApiError.Type.EXECUTION;
                    case INTERNAL -> ApiError.Type.INTERNAL;
                };
        return new ApiError(type, e.getMessage());
    }

    // ---------------------------------------------------------------- /api/v1/series

    private void series(Exchange ex) throws IOException {
        Exchange.Params p = ex.params();
        List<String> match = p.all("match[]");
        if (match.isEmpty()) {
            throw ApiError.badData("no match[] parameter provided");
        }
        int limit = ApiParams.limit(p);
        ApiParams.Window w = ApiParams.window(p);
        List<List<Matcher>> sets = ApiParams.matchers(match, true);
        String tenant = ex.tenant();

        // one more than the limit tells whether the result was truncated
        SelectHints hints = new SelectHints(false, limit > 0 ? limit + 1 : 0);
        List<Labels> result;
        if (sets.size() == 1) {
            result = new ArrayList<>();
            for (Series s : querier.select(tenant, sets.get(0), w.start(), w.end(), hints)) {
                result.add(s.labels());
            }
        } else {
            TreeSet<Labels> union = new TreeSet<>();
            for (List<Matcher> set : sets) {
                for (Series s : querier.select(tenant, set, w.start(), w.end(), hints)) {
                    union.add(s.labels());
                }
            }
            result = new ArrayList<>(union);
        }
        writeLimited(ex, result, limit, PromJson::labels);
    }

    // ---------------------------------------------------------------- /api/v1/labels, /label/<name>/values

    private void labels(Exchange ex) throws IOException {
        Exchange.Params p = ex.params();
        int limit = ApiParams.limit(p);
        ApiParams.Window w = ApiParams.window(p);
        List<List<Matcher>> sets = ApiParams.matchers(p.all("match[]"), false);
        strings(ex, querier.labelNames(ex.tenant(), sets, w.start(), w.end()), limit);
    }

    private void labelValues(Exchange ex) throws IOException {
        String name = ex.pathParam("name");
        if (name.startsWith("U__")) {
            name = LabelNames.unescape(name);
        }
        if (name.isEmpty()) {
            throw ApiError.badData("invalid label name: " + PromQLParser.quote(name));
        }
        Exchange.Params p = ex.params();
        int limit = ApiParams.limit(p);
        ApiParams.Window w = ApiParams.window(p);
        List<List<Matcher>> sets = ApiParams.matchers(p.all("match[]"), false);
        strings(ex, querier.labelValues(ex.tenant(), name, sets, w.start(), w.end()), limit);
    }

    private static void strings(Exchange ex, List<String> values, int limit) throws IOException {
        writeLimited(ex, values, limit, JsonGenerator::writeString);
    }

    /** Writes an element of a result array. */
    @FunctionalInterface
    private interface ElementWriter<T> {
        void write(JsonGenerator g, T value) throws IOException;
    }

    /** A success response holding {@code values} as an array, cut to {@code limit} (0: none) with a warning. */
    private static <T> void writeLimited(Exchange ex, List<T> values, int limit, ElementWriter<T> element)
            throws IOException {
        boolean truncated = limit > 0 && values.size() > limit;
        List<T> data = truncated ? values.subList(0, limit) : values;
        PromJson.success(
                ex,
                g -> {
                    g.writeStartArray();
                    for (T v : data) {
                        element.write(g, v);
                    }
                    g.writeEndArray();
                },
                truncated ? List.of(TRUNCATED) : List.of());
    }

    // ---------------------------------------------------------------- /api/v1/metadata

    /**
     * Metadata sent by remote-write and OTLP (Prometheus reads its scrape targets instead). {@code limit} caps
     * the number of metrics (negative: no cap; Prometheus picks them in map order, Sextant by name), {@code
     * limit_per_metric} the entries per metric when positive, {@code metric} selects one family.
     */
    private void metadata(Exchange ex) throws IOException {
        Exchange.Params p = ex.params();
        int limit = number(p.first("limit"), "limit must be a number");
        int limitPerMetric = number(p.first("limit_per_metric"), "limit_per_metric must be a number");
        String metric = p.first("metric");
        Map<String, List<MetricMetadata>> all = new TreeMap<>(querier.metadata(ex.tenant()));
        Map<String, Set<MetricMetadata>> result = new TreeMap<>();
        for (Map.Entry<String, List<MetricMetadata>> e : all.entrySet()) {
            if (!metric.isEmpty() && !metric.equals(e.getKey())) {
                continue;
            }
            if (limit >= 0 && result.size() >= limit) {
                break;
            }
            Set<MetricMetadata> entries = new LinkedHashSet<>();
            for (MetricMetadata m : e.getValue()) {
                if (limitPerMetric > 0 && entries.size() >= limitPerMetric) {
                    break;
                }
                entries.add(new MetricMetadata(e.getKey(), m.type(), m.help(), m.unit()));
            }
            result.put(e.getKey(), entries);
        }
        PromJson.success(ex, g -> writeMetadata(g, result), List.of());
    }

    private static void writeMetadata(JsonGenerator g, Map<String, Set<MetricMetadata>> metadata) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Set<MetricMetadata>> e : metadata.entrySet()) {
            g.writeArrayFieldStart(e.getKey());
            for (MetricMetadata m : e.getValue()) {
                g.writeStartObject();
                g.writeStringField("type", m.type().apiName());
                g.writeStringField("help", m.help());
                g.writeStringField("unit", m.unit());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static int number(String s, String error) {
        if (s.isEmpty()) {
            return -1;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw ApiError.badData(error);
        }
    }

    // ---------------------------------------------------------------- /api/v1/status/buildinfo

    /** Prometheus' fields only: a {@code features} map would make Grafana take Sextant for Mimir. */
    private void buildInfo(Exchange ex) throws IOException {
        PromJson.success(
                ex,
                g -> {
                    g.writeStartObject();
                    g.writeStringField("version", build.version());
                    g.writeStringField("revision", build.revision());
                    g.writeStringField("branch", build.branch());
                    g.writeStringField("buildUser", build.buildUser());
                    g.writeStringField("buildDate", build.buildDate());
                    g.writeStringField("goVersion", build.javaVersion());
                    g.writeEndObject();
                },
                List.of());
    }
}
