package io.sextant.promql.parser;

import io.sextant.promql.ast.AggregateExpr;
import io.sextant.promql.ast.BinaryExpr;
import io.sextant.promql.ast.Call;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.NumberLiteral;
import io.sextant.promql.ast.ParenExpr;
import io.sextant.promql.ast.SubqueryExpr;
import io.sextant.promql.ast.UnaryExpr;
import io.sextant.promql.ast.VectorMatching;
import io.sextant.storage.text.GoFloat;
import java.util.stream.Collectors;

/** A test helper: an S-expression of the tree, which shows the structure that String() leaves implicit. */
final class TreeDump {
    private TreeDump() {}

    static String dump(Expr e) {
        if (e instanceof NumberLiteral n) {
            return GoFloat.formatFixed(n.value());
        }
        if (e instanceof UnaryExpr u) {
            return "(" + (u.negative() ? "-" : "+") + " " + dump(u.expr()) + ")";
        }
        if (e instanceof ParenExpr p) {
            return "(paren " + dump(p.expr()) + ")";
        }
        if (e instanceof BinaryExpr b) {
            StringBuilder sb = new StringBuilder("(").append(b.op().text());
            if (b.returnBool()) {
                sb.append(" bool");
            }
            b.vectorMatching().ifPresent(vm -> {
                if (vm.card() != VectorMatching.Cardinality.ONE_TO_ONE) {
                    sb.append(' ').append(vm.card().text());
                }
                if (vm.on() || !vm.matchingLabels().isEmpty()) {
                    sb.append(vm.on() ? " on" : " ignoring").append(vm.matchingLabels());
                }
                if (vm.card() == VectorMatching.Cardinality.MANY_TO_ONE
                        || vm.card() == VectorMatching.Cardinality.ONE_TO_MANY) {
                    sb.append(" include").append(vm.include());
                }
                if (vm.fillLhs() != null) {
                    sb.append(" fillL=").append(GoFloat.formatFixed(vm.fillLhs()));
                }
                if (vm.fillRhs() != null) {
                    sb.append(" fillR=").append(GoFloat.formatFixed(vm.fillRhs()));
                }
            });
            return sb.append(' ')
                    .append(dump(b.lhs()))
                    .append(' ')
                    .append(dump(b.rhs()))
                    .append(')')
                    .toString();
        }
        if (e instanceof AggregateExpr a) {
            StringBuilder sb = new StringBuilder("(").append(a.op().text());
            if (a.without()) {
                sb.append(" without").append(a.grouping());
            } else if (!a.grouping().isEmpty()) {
                sb.append(" by").append(a.grouping());
            }
            if (a.param() != null) {
                sb.append(' ').append(dump(a.param()));
            }
            return sb.append(' ').append(dump(a.expr())).append(')').toString();
        }
        if (e instanceof Call c) {
            String args = c.args().stream().map(TreeDump::dump).collect(Collectors.joining(" "));
            return "(" + c.function().name() + (args.isEmpty() ? "" : " " + args) + ")";
        }
        if (e instanceof SubqueryExpr s) {
            String suffix = s.toString().substring(s.expr().toString().length());
            return "(subquery " + dump(s.expr()) + " " + suffix + ")";
        }
        // selectors and string literals: their printed form is already explicit
        return e.toString();
    }
}
