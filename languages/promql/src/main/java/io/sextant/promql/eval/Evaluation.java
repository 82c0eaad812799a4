package io.sextant.promql.eval;

import io.sextant.promql.ast.AggregateExpr;
import io.sextant.promql.ast.At;
import io.sextant.promql.ast.BinaryExpr;
import io.sextant.promql.ast.Call;
import io.sextant.promql.ast.DurationExpr;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.MatrixSelector;
import io.sextant.promql.ast.NumberLiteral;
import io.sextant.promql.ast.ParenExpr;
import io.sextant.promql.ast.StringLiteral;
import io.sextant.promql.ast.SubqueryExpr;
import io.sextant.promql.ast.UnaryExpr;
import io.sextant.promql.ast.ValueType;
import io.sextant.promql.ast.VectorMatching;
import io.sextant.promql.ast.VectorSelector;
import io.sextant.promql.parser.ParsedQuery;
import io.sextant.storage.Labels;
import io.sextant.storage.Querier;
import io.sextant.storage.Samples;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One query's evaluation over a step grid: walks the AST and runs Sextant's columnar operators
 * ({@link Selectors}, {@link RangeFunction}, {@link Aggregation}, {@link BinaryOperators}, {@link Functions}).
 * Every instant-vector node evaluates to series × steps at once, never step by step through the tree.
 */
final class Evaluation {
    private final Engine engine;
    private final Querier querier;
    private final String tenant;
    private final ParsedQuery query;
    private final StepGrid queryGrid;
    final Annotations annotations = new Annotations();
    private final Window window = new Window();
    private long samplesLoaded;

    Evaluation(Engine engine, Querier querier, String tenant, ParsedQuery query, StepGrid grid) {
        this.engine = engine;
        this.querier = querier;
        this.tenant = tenant;
        this.query = query;
        this.queryGrid = grid;
    }

    EngineOptions options() {
        return engine.options();
    }

    /** A range vector: raw samples per series (stale markers removed), read for a window ending at {@code t}. */
    record RangeValue(List<Series> series, long rangeMs, long offsetMs, boolean dropName) {}

    QueryResult run(boolean rangeQuery) {
        Expr root = query.expr();
        Object v = eval(unwrap(root), queryGrid);
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
        return new QueryResult(value, annotations.all());
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
            int n = s.present().cardinality();
            long[] ts = new long[n];
            double[] vs = new double[n];
            int o = 0;
            for (int t = s.present().nextSetBit(0); t >= 0; t = s.present().nextSetBit(t + 1)) {
                ts[o] = queryGrid.time(t);
                vs[o++] = s.values()[t];
            }
            out.add(new QueryValue.MatrixSeries(s.labels(), ts, vs));
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

    static Expr unwrap(Expr e) {
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        return e;
    }

    /**
     * Evaluates {@code e} on {@code grid}: a {@code List<StepSeries>} for an instant vector, {@code double[]}
     * (one per step) for a scalar, a {@link RangeValue} for a range vector, a {@code String} for a string.
     */
    Object eval(Expr e, StepGrid grid) {
        checkInterrupted();
        e = unwrap(e);
        if (e instanceof NumberLiteral n) {
            double[] v = new double[grid.size()];
            Arrays.fill(v, n.value());
            return v;
        }
        if (e instanceof StringLiteral s) {
            return s.value();
        }
        if (e instanceof VectorSelector vs) {
            return selectInstant(vs, grid);
        }
        if (e instanceof MatrixSelector ms) {
            return selectRange(ms, grid.end());
        }
        if (e instanceof SubqueryExpr sq) {
            return subqueryAt(sq, grid.end(), grid);
        }
        if (e instanceof UnaryExpr u) {
            Object inner = eval(u.expr(), grid);
            if (!u.negative()) {
                return inner;
            }
            if (inner instanceof double[] scalar) {
                double[] out = new double[scalar.length];
                for (int t = 0; t < out.length; t++) {
                    out[t] = -scalar[t];
                }
                return out;
            }
            return mapValues(asVector(inner), v -> -v, true);
        }
        if (e instanceof BinaryExpr b) {
            return binary(b, grid);
        }
        if (e instanceof AggregateExpr a) {
            return aggregate(a, grid);
        }
        if (e instanceof Call c) {
            return Functions.call(this, c, grid);
        }
        throw QueryErrors.execution("unsupported expression: " + e);
    }

    @SuppressWarnings("unchecked")
    static List<StepSeries> asVector(Object v) {
        return (List<StepSeries>) v;
    }

    /** Applies {@code f} to every value; {@code dropsName} as arithmetic does. */
    List<StepSeries> mapValues(List<StepSeries> in, java.util.function.DoubleUnaryOperator f, boolean dropsName) {
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
    private static void checkInterrupted() {
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

    private long offset(VectorSelector vs) {
        return duration(vs.offsetExpr(), vs.offsetMillis(), false);
    }

    private long range(MatrixSelector ms) {
        return duration(ms.rangeExpr(), ms.rangeMillis(), true);
    }

    /**
     * A duration in ms: the literal, or the duration expression evaluated in float seconds with the query's
     * {@code step()} (0 for an instant query) and {@code range()}, truncated to ms as Prometheus does.
     */
    long duration(DurationExpr expr, long literalMs, boolean positive) {
        if (expr == null) {
            return literalMs;
        }
        double seconds = durationSeconds(expr);
        String at = positionText(expr);
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            throw badDuration(at + "duration is NaN or infinite");
        }
        if (Math.abs(seconds) * 1000 >= 0x1p63) {
            throw badDuration(at + "duration is out of range");
        }
        long ms = (long) (seconds * 1000);
        if (positive && ms <= 0) {
            throw badDuration(at + "duration must be greater than 0");
        }
        return ms;
    }

    private String positionText(DurationExpr expr) {
        io.sextant.promql.parser.PositionRange p = query.positions().of(expr);
        return p == null ? "" : p.start() + ":" + p.end() + ": ";
    }

    private static RuntimeException badDuration(String message) {
        return new io.sextant.storage.SextantException(io.sextant.storage.ErrorCode.BAD_DATA, message);
    }

    private double durationSeconds(io.sextant.promql.ast.DurationNode n) {
        if (n instanceof NumberLiteral lit) {
            return lit.value();
        }
        DurationExpr d = (DurationExpr) n;
        return switch (d.op()) {
            case STEP -> queryGrid.start() == queryGrid.end() ? 0 : queryGrid.step() / 1000.0;
            case RANGE -> (queryGrid.end() - queryGrid.start()) / 1000.0;
            case MIN_OF -> Math.min(durationSeconds(d.lhs()), durationSeconds(d.rhs()));
            case MAX_OF -> Math.max(durationSeconds(d.lhs()), durationSeconds(d.rhs()));
            default -> {
                double r = durationSeconds(d.rhs());
                if (d.lhs() == null) {
                    yield d.op() == DurationExpr.Op.SUB ? -r : r;
                }
                double l = durationSeconds(d.lhs());
                yield switch (d.op()) {
                    case ADD -> l + r;
                    case SUB -> l - r;
                    case MUL -> l * r;
                    case DIV -> {
                        if (r == 0) {
                            throw badDuration(positionText(d) + "division by zero");
                        }
                        yield l / r;
                    }
                    case MOD -> {
                        if (r == 0) {
                            throw badDuration(positionText(d) + "modulo by zero");
                        }
                        yield l % r;
                    }
                    default -> GoMath.pow(l, r);
                };
            }
        };
    }

    /** The fixed evaluation time of an {@code @} modifier, or {@code Long.MIN_VALUE} when there is none. */
    private long atTime(At at) {
        return switch (at.kind()) {
            case NONE -> Long.MIN_VALUE;
            case TIMESTAMP -> at.millis();
            case START -> queryGrid.start();
            case END -> queryGrid.end();
        };
    }

    private List<StepSeries> selectInstant(VectorSelector vs, StepGrid grid) {
        boolean smoothed = vs.extension() == io.sextant.promql.ast.RangeExtension.SMOOTHED;
        return instantSelect(vs.matchers(), atTime(vs.at()), offset(vs), smoothed, false, grid);
    }

    /** timestamp(selector): the time (s) of the sample each step selected, the name dropped. */
    List<StepSeries> sampleTimestamps(VectorSelector vs, StepGrid grid) {
        List<StepSeries> times = instantSelect(vs.matchers(), atTime(vs.at()), offset(vs), false, true, grid);
        List<StepSeries> out = new ArrayList<>(times.size());
        for (StepSeries s : times) {
            StepSeries r = renamed(s, true, grid.size());
            for (int t = s.present().nextSetBit(0); t >= 0; t = s.present().nextSetBit(t + 1)) {
                r.set(t, s.values()[t] / 1000.0);
            }
            out.add(r);
        }
        return out;
    }

    /**
     * The info series for info(): instant-selected at every step like the first selector of {@code arg} (its
     * offset and {@code @}), each value being the timestamp of the sample selected.
     */
    List<StepSeries> infoSeries(Expr arg, List<io.sextant.storage.Matcher> matchers, StepGrid grid) {
        VectorSelector first = firstSelector(arg);
        long at = first == null ? Long.MIN_VALUE : atTime(first.at());
        long off = first == null ? 0 : offset(first);
        return instantSelect(matchers, at, off, false, true, grid);
    }

    /**
     * Selects series with lookback and staleness at every step (or once at {@code at}, repeated on every
     * step). The values are the samples', or with {@code sampleTimes} the timestamps (ms) of the samples
     * chosen. A smoothed selector also reads up to a lookback after the step, to interpolate towards.
     */
    private List<StepSeries> instantSelect(
            List<io.sextant.storage.Matcher> matchers,
            long at,
            long off,
            boolean smoothed,
            boolean sampleTimes,
            StepGrid grid) {
        StepGrid readGrid = at == Long.MIN_VALUE ? grid : StepGrid.instant(at);
        long lookback = options().lookbackMs();
        List<Series> selected = counted(querier.select(
                tenant,
                matchers,
                readGrid.start() - off - lookback + 1,
                readGrid.end() - off + (smoothed ? lookback : 0),
                SelectHints.SAMPLES));
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

    private static VectorSelector firstSelector(Expr e) {
        e = unwrap(e);
        if (e instanceof VectorSelector v) {
            return v;
        }
        if (e instanceof MatrixSelector m) {
            return m.selector();
        }
        List<Expr> children = List.of();
        if (e instanceof SubqueryExpr q) {
            children = List.of(q.expr());
        } else if (e instanceof UnaryExpr u) {
            children = List.of(u.expr());
        } else if (e instanceof BinaryExpr b) {
            children = List.of(b.lhs(), b.rhs());
        } else if (e instanceof AggregateExpr a) {
            children = a.param() == null ? List.of(a.expr()) : List.of(a.param(), a.expr());
        } else if (e instanceof Call c) {
            children = c.args();
        }
        for (Expr child : children) {
            VectorSelector v = firstSelector(child);
            if (v != null) {
                return v;
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

    /** The raw samples of a range selector for windows ending at or before {@code lastEnd} (before offset). */
    RangeValue selectRange(MatrixSelector ms, long lastEnd) {
        return selectRange(ms, queryGrid.start(), lastEnd);
    }

    private RangeValue selectRange(MatrixSelector ms, long firstEnd, long lastEnd) {
        VectorSelector vs = ms.selector();
        long off = offset(vs);
        long at = atTime(vs.at());
        long rangeMs = range(ms);
        long before = vs.extension() == io.sextant.promql.ast.RangeExtension.NONE
                ? 0
                : options().lookbackMs();
        long after = vs.extension() == io.sextant.promql.ast.RangeExtension.SMOOTHED
                ? options().lookbackMs()
                : 0;
        long from = (at == Long.MIN_VALUE ? firstEnd : at) - off - rangeMs - before + 1;
        long to = (at == Long.MIN_VALUE ? lastEnd : at) - off + after;
        List<Series> selected = counted(querier.select(tenant, vs.matchers(), from, to, SelectHints.SAMPLES));
        List<Series> out = new ArrayList<>(selected.size());
        for (Series s : selected) {
            out.add(new Series(s.labels(), Selectors.withoutStaleMarkers(s.samples())));
        }
        return new RangeValue(out, rangeMs, off, false);
    }

    /**
     * Applies a range function over a range-vector argument ({@code x[d]} or a subquery) at every step of
     * {@code grid}.
     */
    List<StepSeries> rangeFunction(RangeFunction f, Expr arg, StepGrid grid, double[] param0, double[] param1) {
        arg = unwrap(arg);
        RangeValue r;
        StepGrid windows = grid;
        long fixedEnd = Long.MIN_VALUE;
        if (arg instanceof MatrixSelector ms) {
            fixedEnd = atTime(ms.selector().at());
            r = selectRange(ms, grid.start(), grid.end());
        } else if (arg instanceof SubqueryExpr sq) {
            fixedEnd = atTime(sq.at());
            StepGrid at = fixedEnd == Long.MIN_VALUE ? grid : StepGrid.instant(fixedEnd);
            r = subqueryAt(sq, at.end(), at);
        } else {
            throw QueryErrors.execution("expected a range vector, got " + arg);
        }
        boolean keepsName = f.keepsName();
        window.extension = arg instanceof MatrixSelector ms
                ? ms.selector().extension()
                : io.sextant.promql.ast.RangeExtension.NONE;
        checkExtension(f, window.extension);
        // With @ every step reads the same window (only the function's other arguments may vary by step).
        window.fixedEnd = fixedEnd;
        long lookback = options().lookbackMs();
        List<StepSeries> out = new ArrayList<>(r.series().size());
        for (Series s : r.series()) {
            checkInterrupted();
            StepSeries res = new StepSeries(s.labels(), new double[windows.size()], new BitSet(windows.size()), false);
            Selectors.range(
                    f,
                    s.samples(),
                    windows,
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
                warnIfNotCounter(s.labels(), arg);
            }
            StepSeries named = keepsName
                    ? new StepSeries(s.labels(), res.values(), res.present(), r.dropName())
                    : nameDropped(s.labels(), res);
            out.add(named);
        }
        return out;
    }

    /** Prometheus' PossibleNonCounterInfo: rate/increase over a metric not named like a counter. */
    private void warnIfNotCounter(Labels input, Expr arg) {
        String metric = input.metricName();
        if (!metric.isEmpty()
                && !metric.endsWith("_total")
                && !metric.endsWith("_sum")
                && !metric.endsWith("_count")
                && !metric.endsWith("_bucket")) {
            annotations.info(
                    "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "
                            + io.sextant.promql.parser.PromQLParser.quote(metric),
                    position(arg));
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
     * A subquery as a range vector for windows ending at the steps of {@code outer}: the inner expression is
     * evaluated on a grid aligned to absolute multiples of the subquery step.
     */
    RangeValue subqueryAt(SubqueryExpr sq, long lastEnd, StepGrid outer) {
        long step = sq.stepExpr() != null || sq.stepMillis() != 0
                ? duration(sq.stepExpr(), sq.stepMillis(), true)
                : options().defaultSubqueryStepMs();
        long off = duration(sq.offsetExpr(), sq.offsetMillis(), false);
        long range = duration(sq.rangeExpr(), sq.rangeMillis(), true);
        long at = atTime(sq.at());
        long first = (at == Long.MIN_VALUE ? outer.start() : at) - off - range;
        long last = (at == Long.MIN_VALUE ? lastEnd : at) - off;
        long start = step * Math.floorDiv(first, step);
        if (start <= first) {
            start += step;
        }
        List<Series> series = new ArrayList<>();
        if (start <= last) {
            StepGrid inner = new StepGrid(start, start + ((last - start) / step) * step, step);
            Object v = eval(sq.expr(), inner);
            List<StepSeries> vec = v instanceof double[] scalar ? List.of(constantSeries(scalar)) : asVector(v);
            for (StepSeries s : vec) {
                int n = s.present().cardinality();
                long[] ts = new long[n];
                double[] vs = new double[n];
                int o = 0;
                for (int t = s.present().nextSetBit(0); t >= 0; t = s.present().nextSetBit(t + 1)) {
                    ts[o] = inner.time(t);
                    vs[o++] = s.values()[t];
                }
                series.add(new Series(s.labels(), new Samples(ts, vs, n)));
            }
            boolean anyDrop = vec.stream().anyMatch(StepSeries::dropName);
            return new RangeValue(series, range, off, anyDrop);
        }
        return new RangeValue(series, range, off, false);
    }

    // ------------------------------------------------------------------ operators

    private Object binary(BinaryExpr b, StepGrid grid) {
        Object l = eval(b.lhs(), grid);
        Object r = eval(b.rhs(), grid);
        boolean delayed = options().delayedNameRemoval();
        if (l instanceof double[] ls && r instanceof double[] rs) {
            double[] out = new double[ls.length];
            for (int t = 0; t < out.length; t++) {
                out[t] = BinaryOperators.apply(b.op(), ls[t], rs[t]);
            }
            return out;
        }
        if (l instanceof double[] ls) {
            return BinaryOperators.vectorScalar(b.op(), asVector(r), ls, true, b.returnBool(), delayed);
        }
        if (r instanceof double[] rs) {
            return BinaryOperators.vectorScalar(b.op(), asVector(l), rs, false, b.returnBool(), delayed);
        }
        VectorMatching m = b.vectorMatching().orElse(VectorMatching.DEFAULT);
        BinaryOperators.Matching matching = BinaryOperators.Matching.of(m);
        if (b.op().isSetOperator()) {
            return BinaryOperators.setOperation(b.op(), asVector(l), asVector(r), matching, grid.size());
        }
        return BinaryOperators.vectorVector(
                b.op(), asVector(l), asVector(r), matching, b.returnBool(), delayed, grid.size());
    }

    private Object aggregate(AggregateExpr a, StepGrid grid) {
        List<StepSeries> in = asVector(eval(a.expr(), grid));
        double[] param = null;
        String label = null;
        if (a.param() != null) {
            Object p = eval(a.param(), grid);
            if (p instanceof String s) {
                label = s;
                if (!LabelOrder.isValidName(s)) {
                    throw QueryErrors.execution("invalid label name " + io.sextant.promql.parser.PromQLParser.quote(s));
                }
            } else {
                param = (double[]) p;
            }
        }
        Aggregation.Grouping grouping = new Aggregation.Grouping(a.without(), Set.copyOf(a.grouping()));
        int position = a.param() == null ? -1 : query.positions().of(a.param()).start();
        return Aggregation.evaluate(
                Aggregation.Op.valueOf(a.op().name()), in, grid.size(), grouping, param, label, annotations, position);
    }

    /** Byte offset of a node in the query, for annotations. */
    int position(Expr e) {
        return query.positions().of(e).start();
    }

    ValueType typeOf(Expr e) {
        return unwrap(e).type();
    }

    StepGrid queryGrid() {
        return queryGrid;
    }
}
