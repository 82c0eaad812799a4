package io.sextant.promql.plan;

import io.sextant.promql.ast.AggregateOp;
import io.sextant.promql.ast.BinaryOp;
import io.sextant.promql.ast.VectorMatching;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.Optionality;

/**
 * The row-expression operators PromQL plans use: Calcite's standard arithmetic, comparison and aggregate
 * functions where PromQL means the same operation, and a few label functions of its own. Their results are
 * computed by Sextant's columnar operators, not by Calcite: these operators describe the plan.
 */
final class PromOperators {
    private PromOperators() {}

    private static final SqlReturnTypeInference FIRST = ReturnTypes.ARG0;

    /** {@code DROP_NAME(labels)}: the labels without {@code __name__} (arithmetic and most functions). */
    static final SqlFunction DROP_NAME = function("DROP_NAME", FIRST);

    /** {@code GROUP_KEY(labels, 'by'|'without', label...)}: the labels that identify an aggregation group. */
    static final SqlFunction GROUP_KEY = function("GROUP_KEY", FIRST);

    /** {@code MATCH_LABELS(lhs, rhs, 'card', include...)}: the labels of a vector-matching result. */
    static final SqlFunction MATCH_LABELS = function("MATCH_LABELS", FIRST);

    /**
     * {@code MATCH_KEY(labels, 'on(a, b)' ...)}: the signature two series must share to match. Each distinct
     * matching is its own operator instance holding the matching; its text is also an operand, so plans with
     * different matchings differ in their digests.
     */
    static final class MatchKey extends SqlFunction {
        final VectorMatching matching;

        MatchKey(VectorMatching matching) {
            super(
                    "MATCH_KEY",
                    SqlKind.OTHER_FUNCTION,
                    FIRST,
                    null,
                    OperandTypes.VARIADIC,
                    SqlFunctionCategory.USER_DEFINED_FUNCTION);
            this.matching = matching;
        }
    }

    /** PromQL's {@code group} aggregation: 1 for every group. */
    static final SqlAggFunction GROUP = new SqlAggFunction(
            "GROUP",
            null,
            SqlKind.OTHER_FUNCTION,
            ReturnTypes.explicit(SqlTypeName.DOUBLE),
            null,
            OperandTypes.ANY,
            SqlFunctionCategory.USER_DEFINED_FUNCTION,
            false,
            false,
            Optionality.FORBIDDEN) {};

    /** The aggregations that are relational: one value per group and step from the group's values. */
    private static final Map<AggregateOp, SqlAggFunction> AGGREGATES = new EnumMap<>(Map.of(
            AggregateOp.SUM, SqlStdOperatorTable.SUM,
            AggregateOp.AVG, SqlStdOperatorTable.AVG,
            AggregateOp.MIN, SqlStdOperatorTable.MIN,
            AggregateOp.MAX, SqlStdOperatorTable.MAX,
            AggregateOp.COUNT, SqlStdOperatorTable.COUNT,
            AggregateOp.STDDEV, SqlStdOperatorTable.STDDEV_POP,
            AggregateOp.STDVAR, SqlStdOperatorTable.VAR_POP,
            AggregateOp.GROUP, GROUP));

    static Optional<SqlAggFunction> aggregate(AggregateOp op) {
        return Optional.ofNullable(AGGREGATES.get(op));
    }

    static AggregateOp aggregateOp(SqlAggFunction f) {
        for (Map.Entry<AggregateOp, SqlAggFunction> e : AGGREGATES.entrySet()) {
            if (e.getValue() == f) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("not a PromQL aggregation: " + f);
    }

    private static final Map<BinaryOp, SqlOperator> BINARY = new EnumMap<>(BinaryOp.class);
    private static final Map<SqlOperator, BinaryOp> BINARY_BACK = new IdentityHashMap<>();

    static {
        BINARY.put(BinaryOp.ADD, SqlStdOperatorTable.PLUS);
        BINARY.put(BinaryOp.SUB, SqlStdOperatorTable.MINUS);
        BINARY.put(BinaryOp.MUL, SqlStdOperatorTable.MULTIPLY);
        BINARY.put(BinaryOp.DIV, SqlStdOperatorTable.DIVIDE);
        BINARY.put(BinaryOp.MOD, SqlStdOperatorTable.MOD);
        BINARY.put(BinaryOp.POW, SqlStdOperatorTable.POWER);
        BINARY.put(BinaryOp.ATAN2, SqlStdOperatorTable.ATAN2);
        BINARY.put(BinaryOp.EQLC, SqlStdOperatorTable.EQUALS);
        BINARY.put(BinaryOp.NEQ, SqlStdOperatorTable.NOT_EQUALS);
        BINARY.put(BinaryOp.GTR, SqlStdOperatorTable.GREATER_THAN);
        BINARY.put(BinaryOp.LSS, SqlStdOperatorTable.LESS_THAN);
        BINARY.put(BinaryOp.GTE, SqlStdOperatorTable.GREATER_THAN_OR_EQUAL);
        BINARY.put(BinaryOp.LTE, SqlStdOperatorTable.LESS_THAN_OR_EQUAL);
        BINARY.put(BinaryOp.TRIM_UPPER, function("TRIM_UPPER", FIRST));
        BINARY.put(BinaryOp.TRIM_LOWER, function("TRIM_LOWER", FIRST));
        BINARY.forEach((k, v) -> BINARY_BACK.put(v, k));
    }

    static SqlOperator binary(BinaryOp op) {
        SqlOperator o = BINARY.get(op);
        if (o == null) {
            throw new IllegalArgumentException("not an arithmetic or comparison operator: " + op);
        }
        return o;
    }

    static Optional<BinaryOp> binaryOp(SqlOperator o) {
        return Optional.ofNullable(BINARY_BACK.get(o));
    }

    private static final Map<String, SqlFunction> MATH = new ConcurrentHashMap<>();

    /** The element-wise function {@code name} (abs, ln, ...), shown under its PromQL name. */
    static SqlFunction math(String name) {
        return MATH.computeIfAbsent(name, n -> function(n, FIRST));
    }

    static boolean isMath(SqlOperator o) {
        return o instanceof SqlFunction f && MATH.get(f.getName()) == f;
    }

    /** A matching as PromQL writes it: {@code on(a, b) group_left(c) fill(0)}, empty for the default. */
    static String describe(VectorMatching m) {
        StringBuilder sb = new StringBuilder();
        if (m.on() || !m.matchingLabels().isEmpty()) {
            sb.append(m.on() ? "on(" : "ignoring(")
                    .append(String.join(", ", m.matchingLabels()))
                    .append(')');
        }
        if (m.card() == VectorMatching.Cardinality.MANY_TO_ONE || m.card() == VectorMatching.Cardinality.ONE_TO_MANY) {
            sb.append(sb.isEmpty() ? "" : " ")
                    .append(m.card() == VectorMatching.Cardinality.MANY_TO_ONE ? "group_left(" : "group_right(")
                    .append(String.join(", ", m.include()))
                    .append(')');
        }
        if (m.fillLhs() != null) {
            sb.append(sb.isEmpty() ? "" : " ")
                    .append("fill_left(")
                    .append(m.fillLhs())
                    .append(')');
        }
        if (m.fillRhs() != null) {
            sb.append(sb.isEmpty() ? "" : " ")
                    .append("fill_right(")
                    .append(m.fillRhs())
                    .append(')');
        }
        return sb.isEmpty() ? m.card().text() : sb.toString();
    }

    private static SqlFunction function(String name, SqlReturnTypeInference type) {
        return new SqlFunction(
                name,
                SqlKind.OTHER_FUNCTION,
                type,
                null,
                OperandTypes.VARIADIC,
                SqlFunctionCategory.USER_DEFINED_FUNCTION);
    }
}
