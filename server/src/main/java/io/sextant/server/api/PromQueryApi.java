package io.sextant.server.api;

import static java.util.Objects.requireNonNull;

import io.sextant.connectors.TierScans;
import io.sextant.connectors.TierStore;
import io.sextant.planner.RollupChoice;
import io.sextant.planner.Tiering;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.ValueType;
import io.sextant.promql.ast.VectorSelector;
import io.sextant.promql.eval.Engine;
import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.eval.QueryResult;
import io.sextant.promql.parser.ParsedQuery;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.promql.parser.PromQLParser;
import io.sextant.promql.plan.PromPlanner;
import io.sextant.server.http.ClientWatch;
import io.sextant.server.http.Exchange;
import io.sextant.server.http.Router;
import io.sextant.storage.Matcher;
import io.sextant.storage.Querier;
import io.sextant.storage.SextantException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus HTTP API endpoints that run PromQL, per tenant: {@code /api/v1/query}, {@code /query_range},
 * {@code /format_query}, {@code /parse_query} and {@code /query_exemplars}. Parameters, checks, messages and
 * JSON follow Prometheus' {@code web/api/v1/api.go}.
 *
 * <p>Queries run on the request's own thread, at most {@code maxConcurrency} at once (the rest wait for a slot,
 * as in Prometheus' active query tracker): handing each query to another thread and back costs two thread
 * wake-ups, a large part of a small query's time. When the deadline passes, or the client closes the connection
 * ({@link ClientWatch}), the evaluating thread is interrupted; it stops at its next storage read (see {@link
 * DeadlineQuerier}) or the engine's next node or series, and answers {@code timeout} (503) or {@code canceled}
 * (499) as Prometheus does.
 */
public final class PromQueryApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PromQueryApi.class);

    /** Prometheus' cap on the points of one series in a range query. */
    private static final long MAX_POINTS = 11_000;

    private final Querier querier;
    private final ParserOptions parserOptions;
    private final EngineOptions engineOptions;
    private final Engine engine;
    private final long timeoutNanos;
    private final Semaphore slots;
    private final ScheduledThreadPoolExecutor deadlines;
    private final LongSupplier clock;

    /**
     * @param timeout the longest a query may wait for a slot and run; the {@code timeout} parameter may only
     *     shorten it
     * @param maxConcurrency the most evaluations running at once
     * @param clock the current time in ms, the default of {@code time}
     */
    public PromQueryApi(
            Querier querier,
            ParserOptions parserOptions,
            EngineOptions engineOptions,
            Duration timeout,
            int maxConcurrency,
            LongSupplier clock) {
        this.querier = requireNonNull(querier, "querier is null");
        this.parserOptions = requireNonNull(parserOptions, "parserOptions is null");
        this.engineOptions = requireNonNull(engineOptions, "engineOptions is null");
        this.engine = new Engine(engineOptions);
        this.timeoutNanos = requireNonNull(timeout, "timeout is null").toNanos();
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1");
        }
        this.slots = new Semaphore(maxConcurrency, true);
        this.clock = requireNonNull(clock, "clock is null");
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "query-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        // most queries finish long before their deadline: drop their timers at once, not at the deadline
        t.setRemoveOnCancelPolicy(true);
        this.deadlines = t;
    }

    /** Adds the routes; until {@code ready} they answer 503, as the read endpoints do. */
    public void register(Router router, BooleanSupplier ready) {
        for (String method : List.of("GET", "POST")) {
            router.add(method, "/api/v1/query", PromReadApi.api(ready, this::query));
            router.add(method, "/api/v1/query_range", PromReadApi.api(ready, this::queryRange));
            router.add(method, "/api/v1/format_query", PromReadApi.api(() -> true, this::formatQuery));
            router.add(method, "/api/v1/parse_query", PromReadApi.api(() -> true, this::parseQuery));
            router.add(method, "/api/v1/query_exemplars", PromReadApi.api(ready, this::queryExemplars));
            router.add(method, "/api/v1/explain", PromReadApi.api(() -> true, this::explain));
        }
    }

    /** Stops the deadline timer; evaluations still running end with their requests. */
    @Override
    public void close() {
        deadlines.shutdownNow();
    }

    // ---------------------------------------------------------------- /api/v1/query

    private void query(Exchange ex) throws IOException {
        long started = System.nanoTime();
        Exchange.Params p = ex.params();
        int limit = ApiParams.limit(p);
        long time = ApiParams.time(p, "time", clock.getAsLong());
        long deadline = deadline(p, started);
        Engine e = engineFor(p);
        String text = p.first("query");
        ParsedQuery q = parse(text);
        String tenant = ex.tenant();
        QueryStats stats = new QueryStats(started);
        stats.prepared();
        RollupChoice.MaxResolution maxResolution = maxSourceResolution(p);
        QueryResult result = run(
                ex,
                () -> {
                    Querier reads = reads(deadline);
                    return e.instant(reads, tenant, q, time, tiering(reads, tenant, maxResolution));
                },
                deadline,
                stats);
        QueryJson.write(ex, result, text, limit, p.first("stats"), stats);
    }

    // ---------------------------------------------------------------- /api/v1/query_range

    private void queryRange(Exchange ex) throws IOException {
        long started = System.nanoTime();
        Exchange.Params p = ex.params();
        int limit = ApiParams.limit(p);
        long start = requiredTime(p, "start");
        long end = requiredTime(p, "end");
        if (end < start) {
            throw ApiError.invalidParam("end", "end timestamp must not be before start time");
        }
        long stepNanos;
        try {
            stepNanos = ApiParams.parseDuration(p.first("step"));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidParam("step", e.getMessage());
        }
        if (stepNanos <= 0) {
            throw ApiError.invalidParam(
                    "step", "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        // Prometheus divides nanosecond durations, saturating as Go's Time.Sub does
        if (saturatingNanos(start, end) / stepNanos > MAX_POINTS) {
            throw ApiError.badData("exceeded maximum resolution of 11,000 points per timeseries."
                    + " Try decreasing the query resolution (?step=XX)");
        }
        long deadline = deadline(p, started);
        Engine e = engineFor(p);
        String text = p.first("query");
        ParsedQuery q = parse(text);
        ValueType type = q.expr().type();
        if (type != ValueType.VECTOR && type != ValueType.SCALAR) {
            throw ApiError.invalidParam(
                    "query",
                    "invalid expression type \"" + type.documentedName()
                            + "\" for range query, must be Scalar or instant Vector");
        }
        // Prometheus' engine truncates the step to ms; a sub-millisecond step would never advance
        long stepMs = Math.max(1, stepNanos / 1_000_000);
        String tenant = ex.tenant();
        QueryStats stats = new QueryStats(started);
        stats.prepared();
        RollupChoice.MaxResolution maxResolution = maxSourceResolution(p);
        QueryResult result = run(
                ex,
                () -> {
                    Querier reads = reads(deadline);
                    return e.range(reads, tenant, q, start, end, stepMs, tiering(reads, tenant, maxResolution));
                },
                deadline,
                stats);
        QueryJson.write(ex, result, text, limit, p.first("stats"), stats);
    }

    /** The store a query reads, refusing reads past {@code deadline}. */
    private Querier reads(long deadline) {
        return querier instanceof TierStore tiers
                ? new DeadlineTierStore(tiers, deadline)
                : new DeadlineQuerier(querier, deadline);
    }

    /**
     * How the query is routed across the tiers of {@code reads}, with the watermarks as of now; no routing when the
     * store has no tiers.
     */
    private static Tiering tiering(Querier reads, String tenant, RollupChoice.MaxResolution maxResolution) {
        if (!(reads instanceof TierStore tiers)) {
            return Tiering.NONE;
        }
        return Tiering.of(tiers.watermarks(tenant), new TierScans(tiers), tiers.resolutions(), maxResolution);
    }

    /** Sextant's and Thanos' {@code max_source_resolution}: {@code raw}, {@code 5m}, {@code 1h} or {@code auto}. */
    private static RollupChoice.MaxResolution maxSourceResolution(Exchange.Params p) {
        try {
            return RollupChoice.MaxResolution.parse(p.first("max_source_resolution"));
        } catch (SextantException e) {
            throw ApiError.invalidParam("max_source_resolution", e.getMessage());
        }
    }

    /** {@code /query_range} calls {@code parseTime} directly: no default, no "invalid time value" prefix. */
    private static long requiredTime(Exchange.Params p, String name) {
        try {
            return ApiParams.parseTime(p.first(name));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidParam(name, e.getMessage());
        }
    }

    private static long saturatingNanos(long startMs, long endMs) {
        try {
            return Math.multiplyExact(Math.subtractExact(endMs, startMs), 1_000_000L);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    // ---------------------------------------------------------------- /api/v1/format_query, /parse_query

    private void formatQuery(Exchange ex) throws IOException {
        ParsedQuery q = parse(ex.params().first("query"));
        String pretty = q.expr().pretty();
        PromJson.success(ex, g -> g.writeString(pretty), List.of());
    }

    /**
     * Sextant's {@code /api/v1/explain?query=...[&time=...|&start=...&end=...&step=...]}: the query's Calcite plan
     * as translated ({@code logical}) and as executed ({@code physical}), one node per line, and the time
     * planning took ({@code planningTime}, seconds; 0 when the plan was cached). Nothing is evaluated.
     */
    private void explain(Exchange ex) throws IOException {
        Exchange.Params p = ex.params();
        Engine e = engineFor(p);
        ParsedQuery q = parse(p.first("query"));
        long start;
        long end;
        long stepMs = 1;
        if (!p.first("start").isEmpty()
                || !p.first("end").isEmpty()
                || !p.first("step").isEmpty()) {
            start = requiredTime(p, "start");
            end = requiredTime(p, "end");
            if (end < start) {
                throw ApiError.invalidParam("end", "end timestamp must not be before start time");
            }
            try {
                stepMs = Math.max(1, ApiParams.parseDuration(p.first("step")) / 1_000_000);
            } catch (IllegalArgumentException err) {
                throw ApiError.invalidParam("step", err.getMessage());
            }
        } else {
            start = ApiParams.time(p, "time", clock.getAsLong());
            end = start;
        }
        RollupChoice.MaxResolution maxResolution = maxSourceResolution(p);
        long started = System.nanoTime();
        PromPlanner.Plan plan;
        try {
            plan = e.explain(q, start, end, stepMs, tiering(querier, ex.tenant(), maxResolution));
        } catch (SextantException err) {
            throw PromReadApi.toApiError(err);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        PromJson.success(
                ex,
                g -> {
                    g.writeStartObject();
                    g.writeStringField("query", q.query());
                    g.writeStringField("logical", plan.logical());
                    g.writeStringField("physical", plan.physical());
                    g.writeNumberField("planningTime", seconds);
                    g.writeEndObject();
                },
                List.of());
    }

    /** The AST as JSON for Prometheus' UI tree view; experimental in Prometheus too. */
    private void parseQuery(Exchange ex) throws IOException {
        ParsedQuery q = parse(ex.params().first("query"));
        Map<String, Object> tree = AstJson.tree(q.expr());
        PromJson.success(ex, g -> AstJson.write(g, tree), List.of());
    }

    // ---------------------------------------------------------------- /api/v1/query_exemplars

    private void queryExemplars(Exchange ex) throws IOException {
        Exchange.Params p = ex.params();
        long start = ApiParams.time(p, "start", ApiParams.MIN_TIME);
        long end = ApiParams.time(p, "end", ApiParams.MAX_TIME);
        if (end < start) {
            throw ApiError.badData("end timestamp must not be before start timestamp");
        }
        ParsedQuery q;
        try {
            q = PromQLParser.parse(p.first("query"), parserOptions);
        } catch (SextantException e) {
            throw ApiError.badData(e.getMessage());
        }
        List<List<Matcher>> selectors = new ArrayList<>();
        collectSelectors(q.expr(), selectors);
        if (selectors.isEmpty()) {
            // Prometheus answers a query without selectors with no data at all
            ex.respond(204, PromJson.CONTENT_TYPE, new byte[0], 0);
            return;
        }
        List<Querier.SeriesExemplars> result = querier.exemplars(ex.tenant(), selectors, start, end);
        PromJson.success(ex, g -> QueryJson.writeExemplars(g, result), List.of());
    }

    /** Prometheus' {@code parser.ExtractSelectors}: the matchers of every vector selector, in tree order. */
    private static void collectSelectors(Expr expr, List<List<Matcher>> out) {
        if (expr instanceof VectorSelector v) {
            out.add(v.matchers());
        } else {
            expr.children().forEach(child -> collectSelectors(child, out));
        }
    }

    // ---------------------------------------------------------------- shared

    private ParsedQuery parse(String query) {
        try {
            return PromQLParser.parse(query, parserOptions);
        } catch (SextantException e) {
            throw ApiError.invalidParam("query", e.getMessage());
        }
    }

    /**
     * The deadline in {@link System#nanoTime()} terms: the engine timeout, shortened by a {@code timeout}
     * parameter.
     */
    private long deadline(Exchange.Params p, long started) {
        long timeout = timeoutNanos;
        String to = p.first("timeout");
        if (!to.isEmpty()) {
            try {
                timeout = Math.min(timeout, ApiParams.parseDuration(to));
            } catch (IllegalArgumentException e) {
                throw ApiError.invalidParam("timeout", e.getMessage());
            }
        }
        return started + timeout;
    }

    /** The engine, or one with the query's {@code lookback_delta} (zero or negative: the server's). */
    private Engine engineFor(Exchange.Params p) {
        String s = p.first("lookback_delta");
        if (s.isEmpty()) {
            return engine;
        }
        long nanos;
        try {
            nanos = ApiParams.parseDuration(s);
        } catch (IllegalArgumentException e) {
            // Prometheus returns this one unwrapped
            throw ApiError.badData("error parsing lookback delta duration: " + e.getMessage());
        }
        long ms = nanos / 1_000_000;
        if (ms <= 0) {
            return engine;
        }
        return new Engine(new EngineOptions(
                ms,
                engineOptions.defaultSubqueryStepMs(),
                engineOptions.maxSamples(),
                engineOptions.delayedNameRemoval()));
    }

    /** An evaluation, run on a query thread. */
    @FunctionalInterface
    private interface Evaluation {
        QueryResult run();
    }

    /**
     * Waits for a slot and runs {@code evaluation} within the deadline, abandoning it if the client closes the
     * connection meanwhile.
     *
     * @throws ApiError {@code timeout} (503) when the deadline passes in the queue or during evaluation, {@code
     *     canceled} (499) when the client goes away or the request thread is interrupted, the engine's errors
     *     mapped to their types
     */
    private QueryResult run(Exchange ex, Evaluation evaluation, long deadline, QueryStats stats) {
        try {
            long remaining = deadline - System.nanoTime();
            // a deadline already passed fails here, not by a race between a fast evaluation and the wait for it
            if (remaining <= 0 || !slots.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
                throw new ApiError(ApiError.Type.TIMEOUT, "query timed out in query queue");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(ApiError.Type.CANCELED, "query was canceled in query queue");
        }
        stats.dequeued();
        Interruption interruption = new Interruption(Thread.currentThread());
        ScheduledFuture<?> timer;
        try {
            timer = deadlines.schedule(
                    () -> interruption.interrupt(ApiError.Type.TIMEOUT),
                    Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            slots.release();
            throw new ApiError(ApiError.Type.UNAVAILABLE, "the server is stopping");
        }
        try (ClientWatch client = ex.watchClient(() -> interruption.interrupt(ApiError.Type.CANCELED))) {
            QueryResult result = evaluation.run();
            stats.evaluated(result.planningNanos());
            return result;
        } catch (RuntimeException e) {
            // the engine and the querier stop with their own exceptions once interrupted
            ApiError stopped = interruption.error();
            throw stopped != null ? stopped : toApiError(e);
        } finally {
            interruption.finish();
            timer.cancel(false);
            slots.release();
        }
    }

    /**
     * Interrupts an evaluating thread for a deadline or a client that went away, only while it evaluates: once
     * {@link #finish()} ran, the request thread is Jetty's again and must not be interrupted.
     */
    private static final class Interruption {
        private final Thread thread;
        private boolean running = true;
        private ApiError.Type reason;

        Interruption(Thread thread) {
            this.thread = thread;
        }

        synchronized void interrupt(ApiError.Type why) {
            if (running && reason == null) {
                reason = why;
                thread.interrupt();
            }
        }

        /** Ends the evaluation on its own thread, clearing an interrupt that came too late to be noticed. */
        synchronized void finish() {
            running = false;
            Thread.interrupted();
        }

        synchronized ApiError error() {
            if (reason == null) {
                return null;
            }
            return reason == ApiError.Type.TIMEOUT
                    ? new ApiError(ApiError.Type.TIMEOUT, "query timed out in expression evaluation")
                    : new ApiError(ApiError.Type.CANCELED, "query was canceled in expression evaluation");
        }
    }

    private static ApiError toApiError(Throwable cause) {
        if (cause instanceof DeadlineQuerier.Aborted a) {
            return a.timedOut()
                    ? new ApiError(ApiError.Type.TIMEOUT, "query timed out in expression evaluation")
                    : new ApiError(ApiError.Type.CANCELED, "query was canceled in expression evaluation");
        }
        if (cause instanceof SextantException s) {
            return PromReadApi.toApiError(s);
        }
        log.error("query evaluation failed", cause);
        return new ApiError(ApiError.Type.INTERNAL, "unexpected error: " + cause);
    }
}
