package io.sextant.promql.conformance;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.conformance.Outcome.Status;
import io.sextant.promql.conformance.TestScript.Eval;
import io.sextant.promql.conformance.TestScript.ExpectKind;
import io.sextant.promql.conformance.TestScript.Load;
import io.sextant.promql.eval.Annotations;
import io.sextant.promql.eval.Engine;
import io.sextant.promql.eval.QueryResult;
import io.sextant.promql.parser.ParsedQuery;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.promql.parser.PromQLParser;
import io.sextant.promql.parser.SeriesDescription;
import io.sextant.storage.AppendResult;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.Querier;
import io.sextant.storage.Samples;
import io.sextant.storage.SextantException;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.telemetry.Telemetry;
import io.sextant.storage.wal.WalOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Runs the commands of one corpus file against a {@link MetricsStore} and an {@link Evaluator}: loads write
 * into the scenario's tenant, {@code clear} starts a new tenant, and each eval becomes one {@link Outcome}.
 *
 * <p>Each query runs on a worker thread with a time limit, so that an engine bug that loops cannot hang the
 * build; a query that overruns fails and its worker is abandoned.
 */
final class ConformanceRunner implements AutoCloseable {
    static final String NATIVE_HISTOGRAMS = "native histograms not supported";
    static final String START_TIMESTAMPS = "start timestamps not supported";

    /** The label set of a load line's series selector (the part before its values). */
    static Labels selectorLabels(String line) {
        String l = line.strip();
        int end;
        int brace = l.indexOf('{');
        int space = indexOfSpace(l);
        if (brace >= 0 && (space < 0 || brace < space)) {
            end = l.indexOf('}', brace) + 1;
        } else {
            end = space < 0 ? l.length() : space;
        }
        String selector = l.substring(0, end).replace("@st", "");
        Labels.Builder b = Labels.builder();
        for (io.sextant.storage.Matcher m : PromQLParser.parseMetricSelector(selector)) {
            b.set(m.name(), m.value());
        }
        return b.build();
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The native histogram series {@code load_with_nhcb} synthesises from a classic-histogram series: the
     * base name (without {@code _bucket}/{@code _sum}/{@code _count}) and the labels without {@code le}.
     */
    static Optional<Labels> nhcbSeries(Labels classic) {
        String name = classic.metricName();
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix)) {
                return Optional.of(classic.toBuilder()
                        .set(Labels.METRIC_NAME, name.substring(0, name.length() - suffix.length()))
                        .remove("le")
                        .build());
            }
        }
        return Optional.empty();
    }

    /**
     * Why an eval must be skipped: one of its selectors can match a series the store could not load as
     * the corpus means it. Empty when it touches none (or the expression does not parse: the eval then
     * runs and reports that).
     */
    static Optional<String> touchesUnsupported(Scenario scenario, String expr) {
        if (scenario.unsupported.isEmpty()) {
            return Optional.empty();
        }
        io.sextant.promql.ast.Expr root;
        try {
            root = PromQLParser.parse(expr, ParserOptions.ALL).expr();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        List<List<io.sextant.storage.Matcher>> selectors = new ArrayList<>();
        collectSelectors(root, selectors);
        if (root instanceof io.sextant.promql.ast.Call c && c.function().name().equals("info")) {
            // info() also reads target_info (or the info metrics its second argument names).
            selectors.add(List.of(io.sextant.storage.Matcher.of(
                    io.sextant.storage.Matcher.Type.REGEX, Labels.METRIC_NAME, ".+_info")));
        }
        for (Map.Entry<Labels, String> u : scenario.unsupported.entrySet()) {
            for (List<io.sextant.storage.Matcher> matchers : selectors) {
                if (matchers.stream().allMatch(m -> m.matches(u.getKey().get(m.name())))) {
                    return Optional.of(u.getValue());
                }
            }
        }
        return Optional.empty();
    }

    private static void collectSelectors(io.sextant.promql.ast.Expr e, List<List<io.sextant.storage.Matcher>> out) {
        if (e instanceof io.sextant.promql.ast.VectorSelector v) {
            out.add(v.matchers());
        } else if (e instanceof io.sextant.promql.ast.MatrixSelector m) {
            out.add(m.selector().matchers());
        } else if (e instanceof io.sextant.promql.ast.SubqueryExpr q) {
            collectSelectors(q.expr(), out);
        } else if (e instanceof io.sextant.promql.ast.ParenExpr p) {
            collectSelectors(p.expr(), out);
        } else if (e instanceof io.sextant.promql.ast.UnaryExpr u) {
            collectSelectors(u.expr(), out);
        } else if (e instanceof io.sextant.promql.ast.BinaryExpr b) {
            collectSelectors(b.lhs(), out);
            collectSelectors(b.rhs(), out);
        } else if (e instanceof io.sextant.promql.ast.AggregateExpr a) {
            if (a.param() != null) {
                collectSelectors(a.param(), out);
            }
            collectSelectors(a.expr(), out);
        } else if (e instanceof io.sextant.promql.ast.Call c) {
            c.args().forEach(arg -> collectSelectors(arg, out));
        }
    }

    /** A start-timestamp line: the series selector directly followed by {@code @st}. */
    private static final Pattern START_TIMESTAMP_LINE =
            Pattern.compile("^(?:[^{\\s\"]*|[^{\\s\"]*\\{.*})@st(?:\\s.*)?$");

    // Far beyond any corpus timestamp (the clock stays at the epoch), so no sample is too old or too new.
    private static final Duration UNBOUNDED = Duration.ofDays(365L * 10_000);

    /** Runs an eval's parsed query; the engine in the corpus run, a stand-in in the runner's own tests. */
    @FunctionalInterface
    interface Evaluator {
        QueryResult evaluate(Querier querier, String tenant, ParsedQuery query, Eval eval);
    }

    /** Sextant's engine: a range query for a range eval, else an instant query at the eval's time. */
    static Evaluator engine(Engine engine) {
        requireNonNull(engine, "engine is null");
        return (querier, tenant, query, eval) -> eval.range()
                ? engine.range(querier, tenant, query, eval.start(), eval.end(), eval.step())
                : engine.instant(querier, tenant, query, eval.start());
    }

    private final MetricsStore store;
    private final Evaluator evaluator;
    private final Duration timeout;
    private final String tenantPrefix;
    private ExecutorService worker = newWorker();
    private int scenarios;

    /** What the evals of the current scenario (since the last {@code clear}) run against. */
    static final class Scenario {
        final String tenant;
        // Non-empty once a load broke the scenario.
        String loadError = "";
        // Series the store cannot hold as the corpus means them (native histograms, start timestamps), with
        // the reason: an eval whose selectors can match one of them is skipped; every other eval runs.
        final Map<Labels, String> unsupported = new LinkedHashMap<>();

        Scenario(String tenant) {
            this.tenant = tenant;
        }
    }

    /**
     * A fresh store in {@code dir} that accepts the corpus' data as the reference test storage does: any
     * timestamp from the epoch on, and no out-of-order samples (FORMAT.md §2.1).
     */
    static MetricsStore openStore(Path dir) {
        StoreOptions options = new StoreOptions(
                dir,
                // No fsync per load: the store lives only as long as one file's run.
                WalOptions.SyncPolicy.BATCH_INTERVAL,
                Duration.ofSeconds(1),
                WalOptions.DEFAULT_SEGMENT_BYTES,
                Duration.ZERO,
                UNBOUNDED,
                UNBOUNDED,
                Long.MAX_VALUE,
                16,
                Duration.ofMinutes(15),
                Long.MAX_VALUE);
        MetricsStore store = MetricsStore.open(options, new Telemetry(), () -> 0L);
        store.replay();
        return store;
    }

    ConformanceRunner(MetricsStore store, Evaluator evaluator, Duration timeout, String tenantPrefix) {
        this.store = requireNonNull(store, "store is null");
        this.evaluator = requireNonNull(evaluator, "evaluator is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.tenantPrefix = requireNonNull(tenantPrefix, "tenantPrefix is null");
    }

    /** Runs a whole file; never throws for what the file or the engine does. */
    List<Outcome> run(String file, String text) {
        List<TestScript.Command> commands;
        try {
            commands = TestScript.parse(text);
        } catch (RuntimeException e) {
            return List.of(new Outcome(file, 0, "", Status.FAILED, "the file does not parse: " + e.getMessage()));
        }
        List<Outcome> out = new ArrayList<>();
        Scenario scenario = newScenario();
        for (TestScript.Command c : commands) {
            if (c instanceof TestScript.Clear) {
                scenario = newScenario();
            } else if (c instanceof Load load) {
                load(scenario, load);
            } else if (c instanceof Eval eval) {
                out.add(eval(file, scenario, eval));
            }
        }
        return out;
    }

    private Scenario newScenario() {
        return new Scenario(tenantPrefix + "-" + ++scenarios);
    }

    private void load(Scenario scenario, Load load) {
        // A repeated label set replaces the earlier line of the same block.
        Map<Labels, SeriesDescription> series = new LinkedHashMap<>();
        for (int i = 0; i < load.series().size(); i++) {
            String line = load.series().get(i);
            int lineNo = load.line() + 1 + i;
            String reason = null;
            if (START_TIMESTAMP_LINE.matcher(line).matches()) {
                reason = START_TIMESTAMPS + " (@st at line " + lineNo + ")";
            } else if (line.contains("{{")) {
                reason = NATIVE_HISTOGRAMS + " (histogram sample at line " + lineNo + ")";
            }
            if (reason != null) {
                try {
                    Labels labels = selectorLabels(line);
                    scenario.unsupported.putIfAbsent(labels, reason);
                    series.remove(labels);
                } catch (RuntimeException e) {
                    scenario.loadError = "load line " + lineNo + " does not parse: " + e.getMessage();
                    return;
                }
                continue;
            }
            try {
                SeriesDescription d = SeriesDescription.parse(line);
                if (scenario.unsupported.containsKey(d.labels())) {
                    // The float line that follows an @st line: the series is unsupported as a whole.
                    continue;
                }
                series.remove(d.labels());
                series.put(d.labels(), d);
                if (load.withNhcb()) {
                    nhcbSeries(d.labels())
                            .ifPresent(h -> scenario.unsupported.putIfAbsent(
                                    h, NATIVE_HISTOGRAMS + " (load_with_nhcb at line " + load.line() + ")"));
                }
            } catch (RuntimeException e) {
                scenario.loadError = "load line " + lineNo + " does not parse: " + e.getMessage();
                return;
            }
        }
        WriteBatch batch = new WriteBatch();
        for (SeriesDescription d : series.values()) {
            int entry = batch.addNewSeries(d.labels(), null, 0, 0, 0);
            for (SeriesDescription.Value v : d.values()) {
                double value = v.stale() ? Double.longBitsToDouble(Samples.STALE_NAN_BITS) : v.value();
                batch.addSample(entry, v.index() * load.intervalMs(), value);
            }
        }
        try {
            AppendResult r = store.tenant(scenario.tenant).commit(batch);
            if (r.rejectedSamples() > 0 && scenario.loadError.isEmpty()) {
                scenario.loadError =
                        "load at line " + load.line() + " rejected " + r.rejectedSamples() + " samples: " + r.errors();
            }
        } catch (RuntimeException e) {
            scenario.loadError = "load at line " + load.line() + " failed: " + e;
        }
    }

    private Outcome eval(String file, Scenario scenario, Eval eval) {
        Optional<String> touched = touchesUnsupported(scenario, eval.expr());
        if (touched.isPresent()) {
            return outcome(file, eval, Status.SKIPPED, touched.get());
        }
        if (eval.series().stream().anyMatch(l -> l.contains("{{"))) {
            return outcome(file, eval, Status.SKIPPED, NATIVE_HISTOGRAMS + " (histogram in the expected result)");
        }
        if (!scenario.loadError.isEmpty()) {
            return outcome(file, eval, Status.FAILED, scenario.loadError);
        }
        Expected expected;
        try {
            expected = Expected.of(eval);
        } catch (RuntimeException e) {
            return outcome(file, eval, Status.FAILED, "the expected result does not parse: " + e.getMessage());
        }
        QueryResult result;
        try {
            result = execute(scenario, eval);
        } catch (SextantException e) {
            if (!isQueryError(e)) {
                return outcome(file, eval, Status.FAILED, "engine error: " + describe(e));
            }
            if (!eval.expectsFailure()) {
                return outcome(file, eval, Status.FAILED, "unexpected error: " + e.getMessage());
            }
            return ResultComparison.checkError(eval.expects(), e.getMessage())
                    .map(r -> outcome(file, eval, Status.FAILED, r))
                    .orElseGet(() -> outcome(file, eval, Status.PASSED, ""));
        } catch (TimeoutException e) {
            return outcome(file, eval, Status.FAILED, "timed out after " + timeout.toMillis() + " ms");
        } catch (RuntimeException | StackOverflowError e) {
            return outcome(file, eval, Status.FAILED, "engine error: " + describe(e));
        }
        if (eval.expectsFailure()) {
            return outcome(file, eval, Status.FAILED, "expected an error, but the query succeeded");
        }
        Optional<String> mismatch =
                ResultComparison.compare(expected, result.value(), eval.expects(ExpectKind.ORDERED), times(eval));
        if (mismatch.isEmpty()) {
            List<String> warnings = new ArrayList<>();
            List<String> infos = new ArrayList<>();
            for (Annotations.Annotation a : result.annotations()) {
                String rendered = Annotations.render(a, eval.expr());
                (a.severity() == Annotations.Severity.WARNING ? warnings : infos).add(rendered);
            }
            mismatch = ResultComparison.checkAnnotations(eval.expects(), warnings, infos);
        }
        return mismatch.map(r -> outcome(file, eval, Status.FAILED, r))
                .orElseGet(() -> outcome(file, eval, Status.PASSED, ""));
    }

    /**
     * Errors the reference runner would also see: a query that does not parse, and the engine's user errors
     * (execution, bad data, limits). An internal error or an unchecked exception is an engine bug, which
     * must not satisfy {@code expect fail}.
     */
    static boolean isQueryError(SextantException e) {
        return e.code().kind() == ErrorCode.Kind.USER_ERROR;
    }

    /** Parses and evaluates the eval's query on the worker thread. */
    private QueryResult execute(Scenario scenario, Eval eval) throws TimeoutException {
        Future<QueryResult> f = worker.submit(() -> {
            ParsedQuery q = PromQLParser.parse(eval.expr(), ParserOptions.ALL);
            return evaluator.evaluate(store, scenario.tenant, q, eval);
        });
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a query", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof StackOverflowError s) {
                throw s;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** The timestamp of each expected position of a matrix result (FORMAT.md §4.2). */
    static long[] times(Eval eval) {
        if (eval.rangeVector() != null) {
            return eval.rangeVector();
        }
        if (!eval.range() || eval.step() <= 0) {
            return new long[] {eval.start()};
        }
        int n = (int) ((eval.end() - eval.start()) / eval.step()) + 1;
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = eval.start() + i * eval.step();
        }
        return out;
    }

    private static Outcome outcome(String file, Eval eval, Status status, String reason) {
        return new Outcome(file, eval.line(), eval.expr(), status, reason);
    }

    private static String describe(Throwable e) {
        String where = e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : "";
        return e.getClass().getSimpleName() + ": " + e.getMessage() + where;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "promql-conformance-query");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
