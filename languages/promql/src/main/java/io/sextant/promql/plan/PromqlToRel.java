package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.planner.LabelMatch;
import io.sextant.planner.ScanWindow;
import io.sextant.planner.SeriesScan;
import io.sextant.planner.SeriesTable;
import io.sextant.planner.SextantRel;
import io.sextant.promql.ast.AggregateExpr;
import io.sextant.promql.ast.At;
import io.sextant.promql.ast.BinaryExpr;
import io.sextant.promql.ast.BinaryOp;
import io.sextant.promql.ast.Call;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.MatrixSelector;
import io.sextant.promql.ast.NumberLiteral;
import io.sextant.promql.ast.RangeExtension;
import io.sextant.promql.ast.StringLiteral;
import io.sextant.promql.ast.SubqueryExpr;
import io.sextant.promql.ast.UnaryExpr;
import io.sextant.promql.ast.ValueType;
import io.sextant.promql.ast.VectorMatching;
import io.sextant.promql.ast.VectorSelector;
import io.sextant.promql.eval.Durations;
import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.QueryErrors;
import io.sextant.promql.eval.RangeFunction;
import io.sextant.promql.parser.ParsedQuery;
import io.sextant.storage.Matcher;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Translates a PromQL AST into a Calcite plan. Relational algebra where it fits: aggregation {@code by/without}
 * is an {@code Aggregate} on the group key and the step, vector matching a {@code Join} on the match signature
 * and the step followed by a {@code Project} (arithmetic) or {@code Filter} (comparison), {@code and}/{@code
 * unless} semi/anti joins, element-wise math a {@code Project}, label matchers a {@code Filter} on the series
 * scan. PromQL's own nodes where it does not: instant alignment, range windows, subqueries, literals, {@code
 * or}, the other aggregations and the other functions. Durations are resolved here, times stay parameters.
 */
final class PromqlToRel {
    private static final List<String> VECTOR_FIELDS = List.of("labels", "ts", "value");
    private static final List<String> SCALAR_FIELDS = List.of("ts", "value");

    private final RelOptCluster cluster;
    private final RexBuilder rex;
    private final RelTraitSet sextant;
    private final ParsedQuery query;
    private final Durations durations;
    private final EngineOptions options;

    PromqlToRel(RelOptCluster cluster, ParsedQuery query, Durations durations, EngineOptions options) {
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.rex = cluster.getRexBuilder();
        this.sextant = cluster.traitSetOf(SextantRel.CONVENTION);
        this.query = requireNonNull(query, "query is null");
        this.durations = requireNonNull(durations, "durations is null");
        this.options = requireNonNull(options, "options is null");
    }

    RelNode translate(Expr e) {
        e = Evaluation.unwrap(e);
        if (e instanceof NumberLiteral n) {
            return new PromLiteral(cluster, sextant, type(ValueType.SCALAR), n.value());
        }
        if (e instanceof StringLiteral s) {
            return new PromLiteral(cluster, sextant, type(ValueType.STRING), s.value());
        }
        if (e instanceof VectorSelector vs) {
            return instantSelect(vs, false);
        }
        if (e instanceof MatrixSelector ms) {
            return rangeSelect(ms);
        }
        if (e instanceof SubqueryExpr sq) {
            return subquery(sq);
        }
        if (e instanceof UnaryExpr u) {
            RelNode inner = translate(u.expr());
            return u.negative() ? elementwise(inner, SqlStdOperatorTable.UNARY_MINUS) : inner;
        }
        if (e instanceof BinaryExpr b) {
            return binary(b);
        }
        if (e instanceof AggregateExpr a) {
            return aggregate(a);
        }
        if (e instanceof Call c) {
            return call(c);
        }
        throw QueryErrors.execution("unsupported expression: " + e);
    }

    private RelDataType type(ValueType t) {
        return PromTypes.of(t, cluster.getTypeFactory());
    }

    private int position(Expr e) {
        return query.positions().of(e).start();
    }

    // ------------------------------------------------------------------ selectors

    /** The series scan for {@code vs}'s matchers, reading the window {@code (low, high]} around each anchor. */
    private RelNode scan(VectorSelector vs, long lowMs, long highMs) {
        At at = vs.at();
        ScanWindow.Anchor anchor =
                switch (at.kind()) {
                    case NONE -> ScanWindow.Anchor.STEPS;
                    case TIMESTAMP -> ScanWindow.Anchor.FIXED;
                    case START -> ScanWindow.Anchor.START;
                    case END -> ScanWindow.Anchor.END;
                };
        SeriesScan scan = SeriesScan.create(cluster, new ScanWindow(anchor, at.millis(), lowMs, highMs));
        List<RexNode> matches = new ArrayList<>();
        RexNode labels = rex.makeInputRef(scan, SeriesTable.LABELS);
        for (Matcher m : vs.matchers()) {
            matches.add(LabelMatch.of(rex, labels, m));
        }
        return matches.isEmpty() ? scan : LogicalFilter.create(scan, and(matches));
    }

    private RexNode and(List<RexNode> conjuncts) {
        return conjuncts.size() == 1 ? conjuncts.get(0) : rex.makeCall(SqlStdOperatorTable.AND, conjuncts);
    }

    private RelNode instantSelect(VectorSelector vs, boolean sampleTimes) {
        long off = durations.offset(vs);
        long lookback = options.lookbackMs();
        boolean smoothed = vs.extension() == RangeExtension.SMOOTHED;
        RelNode scan = scan(vs, -off - lookback, -off + (smoothed ? lookback : 0));
        return new PromInstantSelect(
                cluster, sextant, scan, type(ValueType.VECTOR), off, vs.at(), smoothed, sampleTimes);
    }

    private RelNode rangeSelect(MatrixSelector ms) {
        VectorSelector vs = ms.selector();
        long off = durations.offset(vs);
        long range = durations.range(ms);
        long lookback = options.lookbackMs();
        long before = vs.extension() == RangeExtension.NONE ? 0 : lookback;
        long after = vs.extension() == RangeExtension.SMOOTHED ? lookback : 0;
        RelNode scan = scan(vs, -off - range - before, -off + after);
        return new PromRangeSelect(cluster, sextant, scan, type(ValueType.MATRIX), range, off, vs.at(), vs.extension());
    }

    private RelNode subquery(SubqueryExpr sq) {
        long step = sq.stepExpr() != null || sq.stepMillis() != 0
                ? durations.duration(sq.stepExpr(), sq.stepMillis(), true)
                : options.defaultSubqueryStepMs();
        long off = durations.duration(sq.offsetExpr(), sq.offsetMillis(), false);
        long range = durations.duration(sq.rangeExpr(), sq.rangeMillis(), true);
        return new PromSubquery(
                cluster, sextant, translate(sq.expr()), type(ValueType.MATRIX), range, step, off, sq.at());
    }

    /** A range vector argument: a range selector or a subquery. */
    private RelNode rangeSource(Expr arg) {
        Expr e = Evaluation.unwrap(arg);
        if (e instanceof MatrixSelector ms) {
            return rangeSelect(ms);
        }
        if (e instanceof SubqueryExpr sq) {
            return subquery(sq);
        }
        throw QueryErrors.execution("expected a range vector, got " + arg);
    }

    // ------------------------------------------------------------------ element-wise

    /** {@code Project(DROP_NAME(labels), ts, f(value))}, or {@code (ts, f(value))} for a scalar. */
    private RelNode elementwise(RelNode input, org.apache.calcite.sql.SqlOperator f) {
        if (PromTypes.isScalar(input.getRowType())) {
            return LogicalProject.create(
                    input,
                    List.of(),
                    List.of(
                            rex.makeInputRef(input, PromTypes.SCALAR_TS),
                            rex.makeCall(f, rex.makeInputRef(input, PromTypes.SCALAR_VALUE))),
                    SCALAR_FIELDS,
                    Set.of());
        }
        return LogicalProject.create(
                input,
                List.of(),
                List.of(
                        rex.makeCall(PromOperators.DROP_NAME, rex.makeInputRef(input, PromTypes.LABELS)),
                        rex.makeInputRef(input, PromTypes.TS),
                        rex.makeCall(f, rex.makeInputRef(input, PromTypes.VALUE))),
                VECTOR_FIELDS,
                Set.of());
    }

    // ------------------------------------------------------------------ binary operations

    private RelNode binary(BinaryExpr b) {
        RelNode l = translate(b.lhs());
        RelNode r = translate(b.rhs());
        VectorMatching matching = b.vectorMatching().orElse(VectorMatching.DEFAULT);
        if (b.op() == BinaryOp.OR) {
            return new PromBinary(cluster, sextant, l, r, type(ValueType.VECTOR), BinaryOp.OR, false, matching);
        }
        boolean lScalar = PromTypes.isScalar(l.getRowType());
        boolean rScalar = PromTypes.isScalar(r.getRowType());
        int lWidth = l.getRowType().getFieldCount();
        RelDataType joined = cluster.getTypeFactory().createJoinType(l.getRowType(), r.getRowType());
        int lTs = lScalar ? PromTypes.SCALAR_TS : PromTypes.TS;
        int rTs = lWidth + (rScalar ? PromTypes.SCALAR_TS : PromTypes.TS);
        RexNode sameStep = rex.makeCall(SqlStdOperatorTable.EQUALS, ref(joined, lTs), ref(joined, rTs));
        RexNode condition = sameStep;
        if (!lScalar && !rScalar) {
            PromOperators.MatchKey key = new PromOperators.MatchKey(matching);
            RexNode text = rex.makeLiteral(PromOperators.describe(matching));
            RexNode sameKey = rex.makeCall(
                    SqlStdOperatorTable.EQUALS,
                    rex.makeCall(key, ref(joined, PromTypes.LABELS), text),
                    rex.makeCall(key, ref(joined, lWidth + PromTypes.LABELS), text));
            condition = rex.makeCall(SqlStdOperatorTable.AND, sameKey, sameStep);
        }
        if (b.op() == BinaryOp.AND || b.op() == BinaryOp.UNLESS) {
            return LogicalJoin.create(
                    l, r, List.of(), condition, Set.of(), b.op() == BinaryOp.AND ? JoinRelType.SEMI : JoinRelType.ANTI);
        }
        RelNode join = LogicalJoin.create(l, r, List.of(), condition, Set.of(), JoinRelType.INNER);
        int lValue = lScalar ? PromTypes.SCALAR_VALUE : PromTypes.VALUE;
        int rValue = lWidth + (rScalar ? PromTypes.SCALAR_VALUE : PromTypes.VALUE);
        RexNode op = rex.makeCall(PromOperators.binary(b.op()), ref(joined, lValue), ref(joined, rValue));
        if (lScalar && rScalar) {
            RexNode value = b.returnBool() ? asNumber(op) : op;
            return LogicalProject.create(join, List.of(), List.of(ref(joined, lTs), value), SCALAR_FIELDS, Set.of());
        }
        boolean filters = b.op().isComparison() && !b.returnBool();
        RexNode labels;
        if (!lScalar && !rScalar) {
            List<RexNode> operands = new ArrayList<>();
            operands.add(ref(joined, PromTypes.LABELS));
            operands.add(ref(joined, lWidth + PromTypes.LABELS));
            operands.add(rex.makeLiteral(matching.card().text()));
            for (String include : matching.include()) {
                operands.add(rex.makeLiteral(include));
            }
            labels = rex.makeCall(PromOperators.MATCH_LABELS, operands);
        } else {
            RexNode vectorLabels = ref(joined, lScalar ? lWidth + PromTypes.LABELS : PromTypes.LABELS);
            labels = filters ? vectorLabels : rex.makeCall(PromOperators.DROP_NAME, vectorLabels);
        }
        RelNode input = join;
        RexNode value;
        if (filters) {
            input = LogicalFilter.create(join, op);
            value = ref(joined, lScalar ? rValue : lValue);
        } else {
            value = b.returnBool() ? asNumber(op) : op;
        }
        RexNode ts = ref(joined, lScalar ? rTs : lTs);
        return LogicalProject.create(input, List.of(), List.of(labels, ts, value), VECTOR_FIELDS, Set.of());
    }

    private RexNode ref(RelDataType rowType, int field) {
        return rex.makeInputRef(rowType.getFieldList().get(field).getType(), field);
    }

    /** A comparison's {@code bool} result: 1 when true, 0 when false. */
    private RexNode asNumber(RexNode comparison) {
        return rex.makeCall(
                SqlStdOperatorTable.CASE,
                comparison,
                rex.makeApproxLiteral(BigDecimal.ONE),
                rex.makeApproxLiteral(BigDecimal.ZERO));
    }

    // ------------------------------------------------------------------ aggregations

    private RelNode aggregate(AggregateExpr a) {
        RelNode in = translate(a.expr());
        Optional<SqlAggFunction> relational = PromOperators.aggregate(a.op());
        if (relational.isPresent() && a.param() == null) {
            List<RexNode> key = new ArrayList<>();
            key.add(rex.makeInputRef(in, PromTypes.LABELS));
            key.add(rex.makeLiteral(a.without() ? "without" : "by"));
            for (String l : a.grouping()) {
                key.add(rex.makeLiteral(l));
            }
            RelNode project = LogicalProject.create(
                    in,
                    List.of(),
                    List.of(
                            rex.makeCall(PromOperators.GROUP_KEY, key),
                            rex.makeInputRef(in, PromTypes.TS),
                            rex.makeInputRef(in, PromTypes.VALUE)),
                    VECTOR_FIELDS,
                    Set.of());
            AggregateCall call = AggregateCall.create(
                    relational.get(),
                    false,
                    false,
                    false,
                    List.of(),
                    List.of(PromTypes.VALUE),
                    -1,
                    null,
                    RelCollations.EMPTY,
                    2,
                    project,
                    null,
                    "value");
            return LogicalAggregate.create(project, List.of(), ImmutableBitSet.of(0, 1), null, List.of(call));
        }
        List<RelNode> inputs = new ArrayList<>();
        inputs.add(in);
        int paramPosition = -1;
        if (a.param() != null) {
            inputs.add(translate(a.param()));
            paramPosition = position(a.param());
        }
        return new PromAggregate(
                cluster, sextant, inputs, type(ValueType.VECTOR), a.op(), a.without(), a.grouping(), paramPosition);
    }

    // ------------------------------------------------------------------ functions

    private RelNode call(Call c) {
        String name = c.function().name();
        List<Expr> args = c.args();
        Optional<RangeFunction> rf = Evaluation.rangeFunction(name);
        if (rf.isPresent()) {
            return rangeWindow(rf.get(), args);
        }
        if (Evaluation.mathFunction(name).isPresent()) {
            return elementwise(translate(args.get(0)), PromOperators.math(name));
        }
        List<RelNode> inputs = new ArrayList<>();
        switch (name) {
            case "absent_over_time" -> inputs.add(rangeWindow(RangeFunction.COUNT_OVER_TIME, args));
            case "timestamp" -> {
                Expr arg = Evaluation.unwrap(args.get(0));
                inputs.add(arg instanceof VectorSelector vs ? instantSelect(vs, true) : translate(arg));
            }
            // the data-label selector is not evaluated: info() selects the info series it names itself
            case "info" -> inputs.add(translate(args.get(0)));
            default -> {
                for (Expr arg : args) {
                    inputs.add(translate(arg));
                }
            }
        }
        return new PromCall(cluster, sextant, inputs, type(c.type()), c, position(c));
    }

    /** A range function and its window: the range argument first, then the scalar parameters in order. */
    private RelNode rangeWindow(RangeFunction f, List<Expr> args) {
        List<RelNode> inputs = new ArrayList<>();
        Expr range;
        int paramPosition = -1;
        if (f == RangeFunction.QUANTILE_OVER_TIME) {
            range = args.get(1);
            inputs.add(rangeSource(range));
            inputs.add(translate(args.get(0)));
            paramPosition = position(args.get(0));
        } else {
            range = args.get(0);
            inputs.add(rangeSource(range));
            for (int i = 1; i < args.size(); i++) {
                inputs.add(translate(args.get(i)));
            }
        }
        return new PromRangeWindow(
                cluster, sextant, inputs, type(ValueType.VECTOR), f, position(Evaluation.unwrap(range)), paramPosition);
    }
}
