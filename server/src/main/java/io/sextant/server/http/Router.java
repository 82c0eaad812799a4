package io.sextant.server.http;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches requests by method and path to {@link Endpoint}s, completes their responses, turns failures into
 * error responses, and counts every request in {@code sextant_http_requests_total{handler,code}} and {@code
 * sextant_http_request_duration_seconds{handler}}, where {@code handler} is the route pattern (so label values
 * stay few). Paths may hold {@code :name} segments, for example {@code /api/v1/label/:name/values}.
 */
public final class Router extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private static final String UNMATCHED = "other";

    private record Route(String pattern, String[] segments, Map<String, Endpoint> byMethod) {}

    private record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Route> exact = new LinkedHashMap<>();
    private final Telemetry telemetry;
    private final int maxBodyBytes;
    private final Map<String, Telemetry.Counter> requestCounters = new ConcurrentHashMap<>();
    private final Map<String, Telemetry.Histogram> durations = new ConcurrentHashMap<>();

    /** @param maxBodyBytes the largest request body any endpoint reads */
    public Router(Telemetry telemetry, int maxBodyBytes) {
        this.telemetry = requireNonNull(telemetry, "telemetry is null");
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Adds a route; must not be called once the server runs. */
    public Router add(String method, String pattern, Endpoint endpoint) {
        requireNonNull(endpoint, "endpoint is null");
        Route route = exact.get(pattern);
        if (route == null) {
            route = routes.stream()
                    .filter(r -> r.pattern.equals(pattern))
                    .findFirst()
                    .orElse(null);
        }
        if (route == null) {
            route = new Route(pattern, pattern.split("/", -1), new LinkedHashMap<>());
            if (pattern.contains("/:")) {
                routes.add(route);
            } else {
                exact.put(pattern, route);
            }
        }
        if (route.byMethod.putIfAbsent(method, endpoint) != null) {
            throw new IllegalArgumentException(method + " " + pattern + " is routed twice");
        }
        return this;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String path = request.getHttpURI().getPath();
        Match match = match(path == null ? "/" : path);
        Exchange exchange = new Exchange(request, response, match == null ? Map.of() : match.params, maxBodyBytes);
        String handler = match == null ? UNMATCHED : match.route.pattern;
        try {
            dispatch(match, exchange, request.getMethod());
            exchange.finish();
            callback.succeeded();
        } catch (Throwable t) {
            fail(exchange, request, handler, t, callback);
        } finally {
            record(handler, exchange.status(), System.nanoTime() - start);
        }
        return true;
    }

    private static void dispatch(Match match, Exchange exchange, String method) throws Exception {
        if (match == null) {
            exchange.text(404, "404 page not found\n");
            return;
        }
        Endpoint endpoint = match.route.byMethod.get(method);
        if (endpoint == null) {
            exchange.setHeader("Allow", String.join(", ", match.route.byMethod.keySet()));
            exchange.text(405, "Method Not Allowed\n");
            return;
        }
        endpoint.handle(exchange);
    }

    private void fail(Exchange exchange, Request request, String handler, Throwable t, Callback callback) {
        if (exchange.committed()) {
            if (t instanceof EofException) {
                // the client closed the connection, typically before a canceled query's answer reached it
                log.debug(
                        "{} {}: the client went away during the response: {}",
                        request.getMethod(),
                        handler,
                        t.toString());
            } else {
                log.warn("{} {}: failed after the response started: {}", request.getMethod(), handler, t.toString());
            }
            callback.failed(t);
            return;
        }
        try {
            exchange.reset();
            if (t instanceof HttpError e) {
                exchange.text(e.status(), e.getMessage() + "\n");
            } else {
                log.error("{} {} failed", request.getMethod(), handler, t);
                exchange.text(500, "internal error: " + t + "\n");
            }
            exchange.finish();
            callback.succeeded();
        } catch (Throwable again) {
            callback.failed(again);
        }
    }

    private Match match(String path) {
        Route route = exact.get(path);
        if (route != null) {
            return new Match(route, Map.of());
        }
        String[] parts = path.split("/", -1);
        for (Route r : routes) {
            if (r.segments.length != parts.length) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            boolean ok = true;
            for (int i = 0; i < parts.length && ok; i++) {
                String want = r.segments[i];
                if (want.startsWith(":")) {
                    params.put(want.substring(1), decodePathSegment(parts[i]));
                } else {
                    ok = want.equals(parts[i]);
                }
            }
            if (ok) {
                return new Match(r, params);
            }
        }
        return null;
    }

    /** Percent-decodes a path segment; Jetty has already refused malformed escapes with 400. */
    private static String decodePathSegment(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return FormDecoder.decode("x=" + s.replace("+", "%2B")).get("x").get(0);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private void record(String handler, int code, long nanos) {
        requestCounters
                .computeIfAbsent(
                        handler + ' ' + code,
                        k -> telemetry.counter(
                                "sextant_http_requests_total",
                                "HTTP requests by handler and status code.",
                                "handler",
                                handler,
                                "code",
                                Integer.toString(code)))
                .inc();
        durations
                .computeIfAbsent(
                        handler,
                        h -> telemetry.histogram(
                                "sextant_http_request_duration_seconds",
                                "Time to answer HTTP requests, by handler.",
                                Telemetry.LATENCY_BUCKETS,
                                "handler",
                                h))
                .observeNanos(nanos);
    }
}
