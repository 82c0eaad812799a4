package io.sextant.planner;

import io.sextant.storage.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;

/**
 * The predicate {@code LABEL_MATCHES(labels, name, op, value)}: a Prometheus label matcher as a row expression.
 * Unlike {@code labels['name'] = value} in SQL, a missing label matches as the empty string, as in PromQL and
 * LogQL stream selectors.
 */
public final class LabelMatch {
    public static final SqlFunction OPERATOR = new SqlFunction(
            "LABEL_MATCHES",
            SqlKind.OTHER_FUNCTION,
            ReturnTypes.BOOLEAN,
            null,
            OperandTypes.VARIADIC,
            SqlFunctionCategory.USER_DEFINED_FUNCTION);

    private LabelMatch() {}

    public static RexNode of(RexBuilder rex, RexNode labels, Matcher m) {
        return rex.makeCall(
                OPERATOR,
                labels,
                rex.makeLiteral(m.name()),
                rex.makeLiteral(m.type().symbol()),
                rex.makeLiteral(m.value()));
    }

    /** The matchers of a conjunction of label matches, or empty if any conjunct is something else. */
    public static Optional<List<Matcher>> matchers(List<RexNode> conjuncts, int labelsField) {
        List<Matcher> out = new ArrayList<>(conjuncts.size());
        for (RexNode c : conjuncts) {
            if (!(c instanceof RexCall call)
                    || call.getOperator() != OPERATOR
                    || !(call.operands.get(0) instanceof RexInputRef ref)
                    || ref.getIndex() != labelsField) {
                return Optional.empty();
            }
            String name = string(call.operands.get(1));
            String symbol = string(call.operands.get(2));
            String value = string(call.operands.get(3));
            Matcher.Type type = null;
            for (Matcher.Type t : Matcher.Type.values()) {
                if (t.symbol().equals(symbol)) {
                    type = t;
                }
            }
            if (type == null) {
                return Optional.empty();
            }
            out.add(Matcher.of(type, name, value));
        }
        return Optional.of(out);
    }

    private static String string(RexNode n) {
        return ((RexLiteral) n).getValueAs(String.class);
    }
}
