package io.sextant.promql.plan;

import io.sextant.planner.RuleConfig;
import io.sextant.planner.SeriesScanRules;
import io.sextant.planner.SextantRel;
import io.sextant.promql.ast.AggregateOp;
import io.sextant.promql.ast.BinaryOp;
import io.sextant.promql.ast.VectorMatching;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * The rules that turn a translated PromQL plan into its executable form, in phases: first push label matchers
 * into the series scans, then fuse the relational patterns into PromQL's columnar operators (aggregate on a
 * group key → {@link PromAggregate}; join on the match signature with its project or filter, and semi/anti
 * joins → {@link PromBinary}), then the remaining element-wise projects → {@link PromCalc}.
 */
final class PromRules {
    private PromRules() {}

    /** {@code Aggregate(group {key, ts}, f(value))} over {@code Project(GROUP_KEY(labels, ...), ts, value)}. */
    static final RelOptRule AGGREGATE = RuleConfig.of(
                    "PromAggregateRule",
                    b -> b.operand(LogicalAggregate.class)
                            .oneInput(p -> p.operand(LogicalProject.class).anyInputs()),
                    AggregateRule::new)
            .toRule();

    /** {@code Project} (arithmetic, {@code bool}) over an inner join on signature and step. */
    static final RelOptRule BINARY_PROJECT = RuleConfig.of(
                    "PromBinaryProjectRule",
                    b -> b.operand(LogicalProject.class).oneInput(j -> j.operand(LogicalJoin.class)
                            .predicate(join -> join.getJoinType() == JoinRelType.INNER)
                            .anyInputs()),
                    BinaryRule::new)
            .toRule();

    /** {@code Project} over a {@code Filter} (a filtering comparison) over an inner join. */
    static final RelOptRule BINARY_FILTER = RuleConfig.of(
                    "PromBinaryFilterRule",
                    b -> b.operand(LogicalProject.class)
                            .oneInput(f -> f.operand(LogicalFilter.class).oneInput(j -> j.operand(LogicalJoin.class)
                                    .predicate(join -> join.getJoinType() == JoinRelType.INNER)
                                    .anyInputs())),
                    BinaryRule::new)
            .toRule();

    /** {@code and} / {@code unless}: a semi / anti join on the match signature and step. */
    static final RelOptRule SET_OPERATION = RuleConfig.of(
                    "PromSetOperationRule",
                    b -> b.operand(LogicalJoin.class)
                            .predicate(join ->
                                    join.getJoinType() == JoinRelType.SEMI || join.getJoinType() == JoinRelType.ANTI)
                            .anyInputs(),
                    SetOperationRule::new)
            .toRule();

    /** An element-wise {@code Project} (unary minus, math functions) that no rule above consumed. */
    static final RelOptRule CALC = RuleConfig.of(
                    "PromCalcRule", b -> b.operand(LogicalProject.class).anyInputs(), CalcRule::new)
            .toRule();

    /** The phases, in order. */
    static final List<List<RelOptRule>> PHASES = List.of(
            List.of(SeriesScanRules.FILTER_INTO_SCAN),
            List.of(AGGREGATE, BINARY_FILTER, BINARY_PROJECT, SET_OPERATION),
            List.of(CALC));

    private static final class AggregateRule extends RelRule<RuleConfig> {
        AggregateRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            LogicalAggregate aggregate = call.rel(0);
            LogicalProject project = call.rel(1);
            if (aggregate.getAggCallList().size() != 1
                    || !(project.getProjects().get(PromTypes.LABELS) instanceof RexCall key)
                    || key.getOperator() != PromOperators.GROUP_KEY) {
                return;
            }
            boolean without = string(key.operands.get(1)).equals("without");
            List<String> grouping = new ArrayList<>();
            for (RexNode l : key.operands.subList(2, key.operands.size())) {
                grouping.add(string(l));
            }
            AggregateOp op =
                    PromOperators.aggregateOp(aggregate.getAggCallList().get(0).getAggregation());
            call.transformTo(new PromAggregate(
                    aggregate.getCluster(),
                    aggregate.getCluster().traitSetOf(SextantRel.CONVENTION),
                    List.of(project.getInput()),
                    aggregate.getRowType(),
                    op,
                    without,
                    grouping,
                    -1));
        }
    }

    private static final class BinaryRule extends RelRule<RuleConfig> {
        BinaryRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            LogicalProject project = call.rel(0);
            LogicalFilter filter = call.rels.length == 3 ? call.rel(1) : null;
            LogicalJoin join = call.rel(call.rels.length - 1);
            Optional<BinaryOp> op;
            boolean returnBool = false;
            if (filter != null) {
                op = operator(filter.getCondition());
            } else {
                RexNode value = project.getProjects().get(project.getProjects().size() - 1);
                if (value.getKind() == SqlKind.CASE) {
                    returnBool = true;
                    value = ((RexCall) value).operands.get(0);
                }
                op = operator(value);
            }
            if (op.isEmpty()) {
                return;
            }
            call.transformTo(new PromBinary(
                    join.getCluster(),
                    join.getCluster().traitSetOf(SextantRel.CONVENTION),
                    join.getLeft(),
                    join.getRight(),
                    project.getRowType(),
                    op.get(),
                    returnBool,
                    matching(join)));
        }

        private static Optional<BinaryOp> operator(RexNode value) {
            return value instanceof RexCall c ? PromOperators.binaryOp(c.getOperator()) : Optional.empty();
        }
    }

    private static final class SetOperationRule extends RelRule<RuleConfig> {
        SetOperationRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            LogicalJoin join = call.rel(0);
            call.transformTo(new PromBinary(
                    join.getCluster(),
                    join.getCluster().traitSetOf(SextantRel.CONVENTION),
                    join.getLeft(),
                    join.getRight(),
                    join.getRowType(),
                    join.getJoinType() == JoinRelType.SEMI ? BinaryOp.AND : BinaryOp.UNLESS,
                    false,
                    matching(join)));
        }
    }

    private static final class CalcRule extends RelRule<RuleConfig> {
        CalcRule(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            LogicalProject project = call.rel(0);
            List<RexNode> exprs = project.getProjects();
            if (!(exprs.get(exprs.size() - 1) instanceof RexCall value)
                    || value.operands.size() != 1
                    || !(value.operands.get(0) instanceof RexInputRef)) {
                return;
            }
            String name;
            java.util.function.DoubleUnaryOperator f;
            if (value.getKind() == SqlKind.MINUS_PREFIX) {
                name = "-";
                f = v -> -v;
            } else if (PromOperators.isMath(value.getOperator())) {
                name = value.getOperator().getName();
                f = io.sextant.promql.eval.Evaluation.mathFunction(name).orElseThrow();
            } else {
                return;
            }
            call.transformTo(new PromCalc(
                    project.getCluster(),
                    project.getCluster().traitSetOf(SextantRel.CONVENTION),
                    project.getInput(),
                    project.getRowType(),
                    name,
                    f));
        }
    }

    /** The matching of a join's {@code MATCH_KEY} condition; the default when it has none (scalars). */
    private static VectorMatching matching(LogicalJoin join) {
        for (RexNode c : RelOptUtil.conjunctions(join.getCondition())) {
            if (c instanceof RexCall eq
                    && eq.operands.get(0) instanceof RexCall key
                    && key.getOperator() instanceof PromOperators.MatchKey m) {
                return m.matching;
            }
        }
        return VectorMatching.DEFAULT;
    }

    private static String string(RexNode n) {
        return ((RexLiteral) n).getValueAs(String.class);
    }
}
