package io.sextant.promql.eval;

import io.sextant.planner.RollupSource;
import io.sextant.planner.ScanContext;
import io.sextant.planner.ScanWindow;
import io.sextant.planner.SeriesSource;
import io.sextant.promql.ast.At;
import io.sextant.promql.ast.Call;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.MatrixSelector;
import io.sextant.promql.ast.ParenExpr;
import io.sextant.promql.ast.SubqueryExpr;
import io.sextant.promql.ast.VectorMatching;
import io.sextant.promql.ast.VectorSelector;
import io.sextant.promql.parser.ParsedQuery;
import io.sextant.promql.rollup.RollupEvaluator;
import io.sextant.storage.Labels;
import io.sextant.storage.Querier;
import io.sextant.storage.Samples;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.cold.LabeledRollup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of one query's execution (storage, tenant, the query's step grid, annotations, samples read) and
 * the operators the plan's nodes execute with ({@link Selectors}, {@link RangeFunction}, {@link Aggregation},
 * {@link BinaryOperators}, {@link Functions}). Every instant-vector operator produces series × steps at once,
 * never step by step through the plan.
 *
 * <p>Values: a {@code List<StepSeries>} for an instant vector, {@code double[]} (one per step) for a scalar, a
 * {@link RangeValue} for a range vector, a {@code String} for a string.
 */
public final class Evaluation implements ScanContext {
    private final Engine engine;
    private final Querier querier;
    private final String tenant;
    private final ParsedQuery query;
    private final StepGrid queryGrid;
    final Annotations annotations = new Annotations();
    private final Window window = new Window();
    private final Durations durations;
    private long samplesLoaded;

    public Evaluation(Engine engine, Querier querier, String tenant, ParsedQuery query, StepGrid grid) {
        this.engine = engine;
        this.querier = querier;
        this.tenant = tenant;
        this.query = query;
        this.queryGrid = grid;
        this.durations = new Durations(query, grid);
    }

    public EngineOptions options() {
        return engine.options();
    }

    /** A range vector: raw samples per series (stale markers removed), read for a window ending at {@code t}. */
    public record RangeValue(List<Series> series, long rangeMs, long offsetMs, boolean dropName) {}

    /** The query's result from the value its plan computed over the query's grid. */
    public QueryResult finish(Object v, boolean rangeQuery, long planningNanos) {
        QueryValue value;
        if (v instanceof String s) {
            if (rangeQuery) {
                throw QueryErrors.execution(
                        "invalid expression type \"string\" for range query, must be Scalar or instant Vector");
            }
            value = new QueryValue.Str(queryGrid.start(), s);
        } else if (v instanceof double[] scalar) {
            value = rangeQuery
                    ? toMatrix(List.of(constantSeries(scalar)))
                    : new QueryValue.Scalar(queryGrid.start(), scalar[0]);
        } else if (v instanceof RangeValue r) {
            if (rangeQuery) {
                throw QueryErrors.execution(
                        "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector");
            }
            value = rangeToMatrix(r);
        } else {
            @SuppressWarnings("unchecked")
            List<StepSeries> series = finishNames((List<StepSeries>) v);
            if (rangeQuery) {
                value = toMatrix(series);
            } else {
                checkDuplicates(series);
                List<QueryValue.Sample> samples = new ArrayList<>(series.size());
                for (StepSeries s : series) {
                    if (s.has(0)) {
                        samples.add(new QueryValue.Sample(s.labels(), s.values()[0]));
                    }
                }
                value = new QueryValue.Vector(queryGrid.start(), samples);
            }
        }
        return new QueryResult(value, annotations.all(), planningNanos);
    }

    private static StepSeries constantSeries(double[] values) {
        BitSet all = new BitSet(values.length);
        all.set(0, values.length);
        return new StepSeries(Labels.EMPTY, values, all, false);
    }

    // ------------------------------------------------------------------ names

    /** Delayed name removal: drop {@code __name__} from marked series at the end. */
    private List<StepSeries> finishNames(List<StepSeries> series) {
        List<StepSeries> out = new ArrayList<>(series.size());
        for (StepSeries s : series) {
            out.add(
                    s.dropName()
                            ? new StepSeries(BinaryOperators.withoutName(s.labels()), s.values(), s.present(), false)
                            : s);
        }
        return out;
    }

    private static void checkDuplicates(List<StepSeries> series) {
        Set<Labels> seen = new java.util.HashSet<>();
        for (StepSeries s : series) {
            if (!s.isEmpty() && !seen.add(s.labels())) {
                throw QueryErrors.execution("vector cannot contain metrics with the same labelset");
            }
        }
    }

    /** A range query's matrix: series sorted by labels, equal label sets merged when their steps do not meet. */
    private QueryValue.Matrix toMatrix(List<StepSeries> series) {
        Map<Labels, StepSeries> merged = new LinkedHashMap<>();
        for (StepSeries s : series) {
            if (s.isEmpty()) {
                continue;
            }
            StepSeries existing = merged.get(s.labels());
            if (existing == null) {
                merged.put(s.labels(), s);
                continue;
            }
            if (existing.present().intersects(s.present())) {
                throw QueryErrors.execution("vector cannot contain metrics with the same labelset");
            }
            StepSeries union = StepSeries.empty(s.labels(), queryGrid.size());
            for (StepSeries part : List.of(existing, s)) {
                for (int t = part.present().nextSetBit(0);
                        t >= 0;
                        t = part.present().nextSetBit(t + 1)) {
                    union.set(t, part.values()[t]);
                }
            }
            merged.put(s.labels(), union);
        }
        List<QueryValue.MatrixSeries> out = new ArrayList<>(merged.size());
        for (StepSeries s : merged.values()) {
            Samples points = points(s, queryGrid);
            out.add(new QueryValue.MatrixSeries(s.labels(), points.timestamps(), points.values()));
        }
        out.sort(Comparator.comparing(QueryValue.MatrixSeries::labels, LabelOrder.BYTEWISE));
        return new QueryValue.Matrix(out);
    }

    private QueryValue.Matrix rangeToMatrix(RangeValue r) {
        List<QueryValue.MatrixSeries> out = new ArrayList<>();
        for (Series s : r.series()) {
            Samples smp = s.samples();
            if (smp.count() == 0) {
                continue;
            }
            Labels labels = r.dropName() ? BinaryOperators.withoutName(s.labels()) : s.labels();
            out.add(new QueryValue.MatrixSeries(
                    labels, Arrays.copyOf(smp.timestamps(), smp.count()), Arrays.copyOf(smp.values(), smp.count())));
        }
        out.sort(Comparator.comparing(QueryValue.MatrixSeries::labels, LabelOrder.BYTEWISE));
        return new QueryValue.Matrix(out);
    }

    // ------------------------------------------------------------------ the walk

    public static Expr unwrap(Expr e) {
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        return e;
    }

    /** A number literal on every step. */
    public static double[] constant(double value, StepGrid grid) {
        double[] v = new double[grid.size()];
        Arrays.fill(v, value);
        return v;
    }

    @SuppressWarnings("unchecked")
    public static List<StepSeries> asVector(Object v) {
        return (List<StepSeries>) v;
    }

    /** Applies {@code f} to every value; {@code dropsName} as arithmetic does. */
    public List<StepSeries> mapValues(
            List<StepSeries> in, java.util.function.DoubleUnaryOperator f, boolean dropsName) {
        List<StepSeries> out = new ArrayList<>(in.size());
        int steps = in.isEmpty() ? 0 : in.get(0).values().length;
        for (StepSeries s : in) {
            StepSeries r = renamed(s, dropsName, steps);
            for (int t = s.present().nextSetBit(0); t >= 0; t = s.present().nextSetBit(t + 1)) {
                r.set(t, f.applyAsDouble(s.values()[t]));
            }
            out.add(r);
        }
        return out;
    }

    /** An empty series with the input's labels, the name dropped (now or, in delayed mode, at the end). */
    StepSeries renamed(StepSeries s, boolean dropsName, int steps) {
        if (!dropsName) {
            return new StepSeries(s.labels(), new double[steps], new BitSet(steps), s.dropName());
        }
        if (options().delayedNameRemoval()) {
            return new StepSeries(s.labels(), new double[steps], new BitSet(steps), true);
        }
        return StepSeries.empty(BinaryOperators.withoutName(s.labels()), steps);
    }

    /**
     * A query whose caller gave up (timeout, client gone) interrupts the evaluating thread; stopping at the
     * next node or series frees its resources instead of finishing work nobody reads.
     */
    public static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new java.util.concurrent.CancellationException("query evaluation was interrupted");
        }
    }

    // ------------------------------------------------------------------ selectors

    /**
     * Counts the raw samples a query reads from storage against {@link EngineOptions#maxSamples()}, with
     * Prometheus' error. Prometheus limits the samples held at once; counting everything read is stricter,
     * never looser.
     */
    private List<Series> counted(List<Series> selected) {
        for (Series s : selected) {
            samplesLoaded += s.samples().count();
        }
        if (samplesLoaded > options().maxSamples()) {
            throw QueryErrors.execution("query processing would load too many samples into memory in query execution");
        }
        return selected;
    }

    /** The fixed evaluation time of an {@code @} modifier, or {@code Long.MIN_VALUE} when there is none. */
    public long atTime(At at) {
        return switch (at.kind()) {
            case NONE -> Long.MIN_VALUE;
            case TIMESTAMP -> at.millis();
            case START -> queryGrid.start();
            case END -> queryGrid.end();
        };
    }

    /** Reads the series matching {@code matchers} with their samples in {@code [from, to]}, counted. */
    public List<Series> read(List<io.sextant.storage.Matcher> matchers, long from, long to) {
        return counted(querier.select(tenant, matchers, from, to, SelectHints.SAMPLES));
    }

    /** Reads a plan's series source for {@code [from, to]}, counted. */
    public List<Series> read(SeriesSource source, long from, long to) {
        return counted(source.read(this, from, to));
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public Querier querier() {
        return querier;
    }

    /**
     * Applies an exactly rollup-answerable range function ({@link RollupEvaluator#isExact}) to the rollups of
     * {@code source} for windows {@code (t − offset − range, t − offset]} at the steps of {@code grid}, with the
     * labels and annotations {@link #rangeFunction} gives. Empty when some window needs the raw samples (values
     * too extreme for the buckets' partial sums to be exact): the caller evaluates raw then.
     */
    public Optional<List<StepSeries>> rollupFunction(
            RangeFunction f, RollupSource source, long rangeMs, long offsetMs, StepGrid grid, int position) {
        List<LabeledRollup> rollups =
                source.readRollups(this, grid.start() - offsetMs - rangeMs + 1, grid.end() - offsetMs);
        for (LabeledRollup r : rollups) {
            samplesLoaded += r.rollup().size();
        }
        if (samplesLoaded > options().maxSamples()) {
            throw QueryErrors.execution("query processing would load too many samples into memory in query execution");
        }
        RollupEvaluator evaluator = new RollupEvaluator();
        List<StepSeries> out = new ArrayList<>(rollups.size());
        for (LabeledRollup r : rollups) {
            checkInterrupted();
            StepSeries res = new StepSeries(r.labels(), new double[grid.size()], new BitSet(grid.size()), false);
            for (int i = 0; i < grid.size(); i++) {
                switch (evaluator.apply(f, r.rollup(), grid.time(i) - offsetMs, rangeMs, res.values(), i)) {
                    case POINT -> res.present().set(i);
                    case NO_POINT -> {}
                    case NEEDS_RAW -> {
                        return Optional.empty();
                    }
                }
            }
            if (res.isEmpty()) {
                continue;
            }
            if (f == RangeFunction.RATE || f == RangeFunction.INCREASE) {
                warnIfNotCounter(r.labels(), position);
            }
            out.add(f.keepsName() ? res : nameDropped(r.labels(), res));
        }
        return Optional.of(out);
    }

    /** An informational annotation at {@code position}, as Prometheus' {@code infos}. */
    public void info(String text, int position) {
        annotations.info(text, position);
    }

    /**
     * Aligns selected series to the steps of {@code grid} with lookback and staleness (or once at {@code at},
     * repeated on every step). The values are the samples', or with {@code sampleTimes} the timestamps (ms) of
     * the samples chosen. A smoothed selector has read up to a lookback after the step, to interpolate towards.
     */
    public List<StepSeries> instantAlign(
            List<Series> selected, long at, long off, boolean smoothed, boolean sampleTimes, StepGrid grid) {
        StepGrid readGrid = at == Long.MIN_VALUE ? grid : StepGrid.instant(at);
        long lookback = options().lookbackMs();
        List<StepSeries> out = new ArrayList<>(selected.size());
        long[] times = sampleTimes ? new long[readGrid.size()] : null;
        for (Series s : selected) {
            StepSeries r = StepSeries.empty(s.labels(), readGrid.size());
            Selectors.instant(s.samples(), readGrid, off, lookback, smoothed, r.values(), r.present(), times);
            if (r.isEmpty()) {
                continue;
            }
            if (sampleTimes) {
                for (int t = r.present().nextSetBit(0); t >= 0; t = r.present().nextSetBit(t + 1)) {
                    r.values()[t] = times[t];
                }
            }
            out.add(at == Long.MIN_VALUE ? r : replicate(r, grid.size()));
        }
        return out;
    }

    /**
     * The info series for info(): instant-selected at every step as of the time the first selector of {@code
     * arg} reads (its and its enclosing subqueries' {@code @} and offsets), each value being the timestamp of
     * the sample selected.
     */
    List<StepSeries> infoSeries(Expr arg, List<io.sextant.storage.Matcher> matchers, StepGrid grid) {
        long[] reference = readTime(arg, Long.MIN_VALUE, 0);
        long at = reference == null ? Long.MIN_VALUE : reference[0];
        long off = reference == null ? 0 : reference[1];
        // the window of an instant selector at that time, as the planner gives a selector's scan
        ScanWindow w = at == Long.MIN_VALUE
                ? new ScanWindow(ScanWindow.Anchor.STEPS, 0, -off - options().lookbackMs(), -off)
                : new ScanWindow(ScanWindow.Anchor.FIXED, at, -off - options().lookbackMs(), -off);
        List<Series> selected = read(
                matchers,
                w.from(grid.start(), queryGrid.start(), queryGrid.end()),
                w.to(grid.end(), queryGrid.start(), queryGrid.end()));
        return instantAlign(selected, at, off, false, true, grid);
    }

    /**
     * When the first selector of {@code e} reads, as {@code {at, offset}}: a fixed time ({@code Long.MIN_VALUE}
     * for the step) minus an offset. An {@code @} on the way down replaces the time; offsets add up. Null when
     * {@code e} has no selector.
     */
    private long[] readTime(Expr e, long at, long off) {
        e = unwrap(e);
        if (e instanceof VectorSelector v) {
            return v.at().isSet()
                    ? new long[] {atTime(v.at()), durations.offset(v)}
                    : new long[] {at, off + durations.offset(v)};
        }
        if (e instanceof MatrixSelector m) {
            return readTime(m.selector(), at, off);
        }
        if (e instanceof SubqueryExpr q) {
            long qOff = durations.duration(q.offsetExpr(), q.offsetMillis(), false);
            return q.at().isSet() ? readTime(q.expr(), atTime(q.at()), qOff) : readTime(q.expr(), at, off + qOff);
        }
        for (Expr child : e.children()) {
            long[] r = readTime(child, at, off);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** A one-step result repeated on every step (an {@code @}-fixed selection). */
    private static StepSeries replicate(StepSeries one, int steps) {
        StepSeries r = new StepSeries(one.labels(), new double[steps], new BitSet(steps), one.dropName());
        for (int t = 0; t < steps; t++) {
            r.set(t, one.values()[0]);
        }
        return r;
    }

    /** The raw samples of a range selector, stale markers removed. */
    public RangeValue rangeOf(List<Series> selected, long rangeMs, long offsetMs) {
        List<Series> out = new ArrayList<>(selected.size());
        for (Series s : selected) {
            out.add(new Series(s.labels(), Selectors.withoutStaleMarkers(s.samples())));
        }
        return new RangeValue(out, rangeMs, offsetMs, false);
    }

    /**
     * Applies a range function over a range vector at every step of {@code grid}. {@code fixedEnd} is the
     * {@code @} time of the argument ({@code Long.MIN_VALUE} if none); {@code position} is the argument's, for
     * annotations.
     */
    public List<StepSeries> rangeFunction(
            RangeFunction f,
            RangeValue r,
            long fixedEnd,
            io.sextant.promql.ast.RangeExtension extension,
            StepGrid grid,
            double[] param0,
            double[] param1,
            int position) {
        boolean keepsName = f.keepsName();
        window.extension = extension;
        checkExtension(f, extension);
        // With @ every step reads the same window (only the function's other arguments may vary by step).
        window.fixedEnd = fixedEnd;
        long lookback = options().lookbackMs();
        List<StepSeries> out = new ArrayList<>(r.series().size());
        for (Series s : r.series()) {
            checkInterrupted();
            StepSeries res = new StepSeries(s.labels(), new double[grid.size()], new BitSet(grid.size()), false);
            Selectors.range(
                    f,
                    s.samples(),
                    grid,
                    r.offsetMs(),
                    r.rangeMs(),
                    lookback,
                    window,
                    param0,
                    param1,
                    res.values(),
                    res.present());
            if (res.isEmpty()) {
                continue;
            }
            if (f == RangeFunction.RATE || f == RangeFunction.INCREASE) {
                warnIfNotCounter(s.labels(), position);
            }
            StepSeries named = keepsName
                    ? new StepSeries(s.labels(), res.values(), res.present(), r.dropName())
                    : nameDropped(s.labels(), res);
            out.add(named);
        }
        return out;
    }

    /** quantile_over_time's φ outside [0, 1]: a warning at the parameter's position. */
    public void checkQuantile(double[] phi, int position) {
        for (double q : phi) {
            if (Double.isNaN(q) || q < 0 || q > 1) {
                annotations.warn(
                        "quantile value should be between 0 and 1, got "
                                + io.sextant.promql.parser.GoNumbers.formatG(q),
                        position);
            }
        }
    }

    /** The range function called {@code name} (rate, avg_over_time, ...), if it is one. */
    public static Optional<RangeFunction> rangeFunction(String name) {
        return Optional.ofNullable(Functions.rangeFunction(name));
    }

    /** The element-wise math function called {@code name} (abs, ln, sgn, ...), if it is one. */
    public static Optional<java.util.function.DoubleUnaryOperator> mathFunction(String name) {
        return Optional.ofNullable(Functions.math(name));
    }

    /** Prometheus' PossibleNonCounterInfo: rate/increase over a metric not named like a counter. */
    private void warnIfNotCounter(Labels input, int position) {
        String metric = input.metricName();
        if (!metric.isEmpty()
                && !metric.endsWith("_total")
                && !metric.endsWith("_sum")
                && !metric.endsWith("_count")
                && !metric.endsWith("_bucket")) {
            annotations.info(
                    "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "
                            + io.sextant.promql.parser.PromQLParser.quote(metric),
                    position);
        }
    }

    /** Prometheus allows anchored and smoothed ranges only in some functions. */
    private static void checkExtension(RangeFunction f, io.sextant.promql.ast.RangeExtension ext) {
        String name = f.name().toLowerCase(java.util.Locale.ROOT);
        if (ext == io.sextant.promql.ast.RangeExtension.ANCHORED
                && !Set.of("changes", "delta", "increase", "rate", "resets").contains(name)) {
            throw QueryErrors.execution(
                    "anchored modifier can only be used with: changes, delta, increase, rate, resets - not with "
                            + name);
        }
        if (ext == io.sextant.promql.ast.RangeExtension.SMOOTHED
                && !Set.of("delta", "increase", "rate").contains(name)) {
            throw QueryErrors.execution(
                    "smoothed modifier can only be used with: delta, increase, rate - not with " + name);
        }
    }

    private StepSeries nameDropped(Labels labels, StepSeries values) {
        if (options().delayedNameRemoval()) {
            return new StepSeries(labels, values.values(), values.present(), true);
        }
        return new StepSeries(BinaryOperators.withoutName(labels), values.values(), values.present(), false);
    }

    /**
     * The grid a subquery's inner expression is evaluated on for windows ending at the steps of {@code outer}
     * (or at {@code at}), aligned to absolute multiples of {@code step}; empty if no inner step falls inside.
     */
    public Optional<StepGrid> subqueryGrid(long rangeMs, long step, long off, long at, StepGrid outer) {
        long first = (at == Long.MIN_VALUE ? outer.start() : at) - off - rangeMs;
        long last = (at == Long.MIN_VALUE ? outer.end() : at) - off;
        long start = step * Math.floorDiv(first, step);
        if (start <= first) {
            start += step;
        }
        if (start > last) {
            return Optional.empty();
        }
        return Optional.of(new StepGrid(start, start + ((last - start) / step) * step, step));
    }

    /** The steps where {@code s} has a value, as samples at the times of {@code grid}. */
    private static Samples points(StepSeries s, StepGrid grid) {
        int n = s.present().cardinality();
        long[] ts = new long[n];
        double[] vs = new double[n];
        int o = 0;
        for (int t = s.present().nextSetBit(0); t >= 0; t = s.present().nextSetBit(t + 1)) {
            ts[o] = grid.time(t);
            vs[o++] = s.values()[t];
        }
        return new Samples(ts, vs, n);
    }

    /** A subquery's inner result (vector or scalar on {@code inner}) as a range vector. */
    public static RangeValue subqueryValue(Object v, StepGrid inner, long rangeMs, long off) {
        List<StepSeries> vec = v instanceof double[] scalar ? List.of(constantSeries(scalar)) : asVector(v);
        List<Series> series = new ArrayList<>(vec.size());
        for (StepSeries s : vec) {
            series.add(new Series(s.labels(), points(s, inner)));
        }
        boolean anyDrop = vec.stream().anyMatch(StepSeries::dropName);
        return new RangeValue(series, rangeMs, off, anyDrop);
    }

    // ------------------------------------------------------------------ operators

    /** {@code l op r} over evaluated operands (scalars or vectors), with Prometheus' matching rules. */
    public Object binary(
            io.sextant.promql.ast.BinaryOp op,
            Object l,
            Object r,
            VectorMatching m,
            boolean returnBool,
            StepGrid grid) {
        boolean delayed = options().delayedNameRemoval();
        if (l instanceof double[] ls && r instanceof double[] rs) {
            double[] out = new double[ls.length];
            for (int t = 0; t < out.length; t++) {
                out[t] = BinaryOperators.apply(op, ls[t], rs[t]);
            }
            return out;
        }
        if (l instanceof double[] ls) {
            return BinaryOperators.vectorScalar(op, asVector(r), ls, true, returnBool, delayed);
        }
        if (r instanceof double[] rs) {
            return BinaryOperators.vectorScalar(op, asVector(l), rs, false, returnBool, delayed);
        }
        BinaryOperators.Matching matching = BinaryOperators.Matching.of(m);
        if (op.isSetOperator()) {
            return BinaryOperators.setOperation(op, asVector(l), asVector(r), matching, grid.size());
        }
        return BinaryOperators.vectorVector(op, asVector(l), asVector(r), matching, returnBool, delayed, grid.size());
    }

    /**
     * An aggregation over {@code in}. {@code param} is the evaluated parameter (a {@code double[]}, a {@code
     * String} for count_values, or null); {@code paramPosition} its byte offset for annotations, -1 if none.
     */
    public List<StepSeries> aggregate(
            io.sextant.promql.ast.AggregateOp op,
            List<StepSeries> in,
            boolean without,
            List<String> grouping,
            Object param,
            int paramPosition,
            StepGrid grid) {
        double[] values = null;
        String label = null;
        if (param instanceof String s) {
            label = s;
            if (!LabelOrder.isValidName(s)) {
                throw QueryErrors.execution("invalid label name " + io.sextant.promql.parser.PromQLParser.quote(s));
            }
        } else if (param != null) {
            values = (double[]) param;
        }
        Aggregation.Grouping g = new Aggregation.Grouping(without, Set.copyOf(grouping));
        return Aggregation.evaluate(
                Aggregation.Op.valueOf(op.name()), in, grid.size(), g, values, label, annotations, paramPosition);
    }

    /** A function call over its evaluated arguments; {@code c} gives its name and argument positions. */
    public Object call(Call c, Operands args, StepGrid grid) {
        return Functions.call(this, c, args, grid);
    }

    /** Byte offset of a node in the query, for annotations. */
    public int position(Expr e) {
        return query.positions().of(e).start();
    }

    public StepGrid queryGrid() {
        return queryGrid;
    }
}
