package io.sextant.promql.parser;

import io.sextant.promql.ast.AggregateExpr;
import io.sextant.promql.ast.AggregateOp;
import io.sextant.promql.ast.BinaryExpr;
import io.sextant.promql.ast.Call;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.Function;
import io.sextant.promql.ast.MatrixSelector;
import io.sextant.promql.ast.ParenExpr;
import io.sextant.promql.ast.SubqueryExpr;
import io.sextant.promql.ast.UnaryExpr;
import io.sextant.promql.ast.ValueType;
import io.sextant.promql.ast.VectorMatching;
import io.sextant.promql.ast.VectorSelector;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Prometheus' {@code checkAST}: the type checks that run after a successful parse, in the same order and with
 * the same messages and positions. The first error is thrown.
 */
final class Checker {
    private final String query;
    private final byte[] input;
    private final Positions positions;
    // info()'s second argument may select on labels alone, like {} or {env="x"}
    private final Set<VectorSelector> bypassEmptyMatcherCheck = Collections.newSetFromMap(new IdentityHashMap<>());

    Checker(String query, Positions positions) {
        this.query = query;
        this.input = GoText.utf8(query);
        this.positions = positions;
    }

    private PromQLParseException error(Object node, String message) {
        return new PromQLParseException(query, positions.of(node), message);
    }

    ValueType check(Expr node) {
        if (node instanceof AggregateExpr a) {
            expectType(a.expr(), ValueType.VECTOR, "aggregation expression");
            AggregateOp op = a.op();
            if (op == AggregateOp.TOPK
                    || op == AggregateOp.BOTTOMK
                    || op == AggregateOp.QUANTILE
                    || op == AggregateOp.LIMITK
                    || op == AggregateOp.LIMIT_RATIO) {
                expectType(a.param(), ValueType.SCALAR, "aggregation parameter");
            }
            if (op == AggregateOp.COUNT_VALUES) {
                expectType(a.param(), ValueType.STRING, "aggregation parameter");
            }
        } else if (node instanceof BinaryExpr b) {
            checkBinary(b);
        } else if (node instanceof Call c) {
            checkCall(c);
        } else if (node instanceof ParenExpr p) {
            check(p.expr());
        } else if (node instanceof UnaryExpr u) {
            ValueType t = check(u.expr());
            if (t != ValueType.SCALAR && t != ValueType.VECTOR) {
                throw error(
                        u,
                        "unary expression only allowed on expressions of type scalar or instant vector, got "
                                + GoText.quote(t.documentedName()));
            }
        } else if (node instanceof SubqueryExpr s) {
            ValueType t = check(s.expr());
            if (t != ValueType.VECTOR) {
                throw error(s, "subquery is only allowed on instant vector, got " + t.internalName() + " instead");
            }
        } else if (node instanceof MatrixSelector m) {
            check(m.selector());
        } else if (node instanceof VectorSelector v) {
            checkSelector(v);
        }
        return node.type();
    }

    private void expectType(Expr node, ValueType want, String context) {
        ValueType t = check(node);
        if (t != want) {
            throw error(
                    node, "expected type " + want.documentedName() + " in " + context + ", got " + t.documentedName());
        }
    }

    private void checkBinary(BinaryExpr n) {
        ValueType lt = check(n.lhs());
        ValueType rt = check(n.rhs());
        VectorMatching vm = n.matching();
        if (n.returnBool() && !n.op().isComparison()) {
            throw operatorError(n, "bool modifier can only be used on comparison operators");
        }
        if (n.op().isComparison()
                && !n.returnBool()
                && n.rhs().type() == ValueType.SCALAR
                && n.lhs().type() == ValueType.SCALAR) {
            throw operatorError(n, "comparisons between scalars must use BOOL modifier");
        }
        VectorMatching.Cardinality card = vm.card();
        if (n.op().isSetOperator() && card == VectorMatching.Cardinality.ONE_TO_ONE) {
            card = VectorMatching.Cardinality.MANY_TO_MANY;
        }
        for (String l1 : vm.matchingLabels()) {
            for (String l2 : vm.include()) {
                if (l1.equals(l2) && vm.on()) {
                    throw operatorError(
                            n, "label " + GoText.quote(l1) + " must not occur in ON and GROUP clause at once");
                }
            }
        }
        if (lt != ValueType.SCALAR && lt != ValueType.VECTOR) {
            throw error(n.lhs(), "binary expression must contain only scalar and instant vector types");
        }
        if (rt != ValueType.SCALAR && rt != ValueType.VECTOR) {
            throw error(n.rhs(), "binary expression must contain only scalar and instant vector types");
        }
        if (lt != ValueType.VECTOR || rt != ValueType.VECTOR) {
            if (!vm.matchingLabels().isEmpty()) {
                throw error(n, "vector matching only allowed between instant vectors");
            }
            if (vm.hasFill()) {
                throw error(n, "filling in missing series only allowed between instant vectors");
            }
        } else if (n.op().isSetOperator()) {
            if (card == VectorMatching.Cardinality.ONE_TO_MANY || card == VectorMatching.Cardinality.MANY_TO_ONE) {
                throw error(n, "no grouping allowed for " + GoText.quote(n.op().text()) + " operation");
            }
            if (vm.hasFill()) {
                throw error(n, "filling in missing series not allowed for set operators");
            }
        }
        if ((lt == ValueType.SCALAR || rt == ValueType.SCALAR) && n.op().isSetOperator()) {
            throw error(n, "set operator " + GoText.quote(n.op().text()) + " not allowed in binary scalar expression");
        }
    }

    /** An error at the operator: the bytes between the operands, without the surrounding whitespace. */
    private PromQLParseException operatorError(BinaryExpr n, String message) {
        int start = positions.of(n.lhs()).end();
        while (start < input.length && PromQLLexer.isSpace(input[start])) {
            start++;
        }
        int end = positions.of(n.rhs()).start() - 1;
        while (end > start && PromQLLexer.isSpace(input[end])) {
            end--;
        }
        return new PromQLParseException(query, new PositionRange(start, end), message);
    }

    private void checkCall(Call n) {
        Function f = n.function();
        List<ValueType> argTypes = f.argTypes();
        int nargs = argTypes.size();
        int argc = n.args().size();
        String name = GoText.quote(f.name());
        if (f.variadic() == 0) {
            if (nargs != argc) {
                throw error(n, "expected " + nargs + " argument(s) in call to " + name + ", got " + argc);
            }
        } else {
            int na = nargs - 1;
            if (na > argc) {
                throw error(n, "expected at least " + na + " argument(s) in call to " + name + ", got " + argc);
            }
            int max = na + f.variadic();
            if (f.variadic() > 0 && max < argc) {
                throw error(n, "expected at most " + max + " argument(s) in call to " + name + ", got " + argc);
            }
        }
        if (f.name().equals("info") && argc > 1) {
            Expr selector = n.args().get(1);
            if (selector.type() != ValueType.VECTOR) {
                throw error(
                        n,
                        "expected type instant vector in call to function \"info\", got "
                                + selector.type().documentedName());
            }
            if (selector instanceof VectorSelector vs && !vs.name().isEmpty()) {
                throw error(selector, "expected label selectors only, got vector selector instead");
            } else if (selector instanceof VectorSelector vs) {
                bypassEmptyMatcherCheck.add(vs);
            } else {
                throw error(selector, "expected label selectors only");
            }
        }
        for (int i = 0; i < argc; i++) {
            int typeIndex = i;
            if (i >= nargs) {
                if (f.variadic() == 0) {
                    break;
                }
                typeIndex = nargs - 1;
            }
            Expr arg = n.args().get(i);
            ValueType t = check(arg);
            ValueType want = argTypes.get(typeIndex);
            if (t != want) {
                throw error(
                        arg,
                        "expected type " + want.documentedName() + " in call to function " + name + ", got "
                                + t.documentedName());
            }
        }
    }

    private void checkSelector(VectorSelector n) {
        List<Matcher> matchers = n.matchers();
        if (!n.name().isEmpty()) {
            // the last matcher is the one for the name outside the braces
            for (Matcher m : matchers.subList(0, matchers.size() - 1)) {
                if (m.name().equals(Labels.METRIC_NAME)) {
                    throw error(
                            n,
                            "metric name must not be set twice: " + GoText.quote(n.name()) + " or "
                                    + GoText.quote(m.value()));
                }
            }
            return;
        }
        if (bypassEmptyMatcherCheck.contains(n)) {
            return;
        }
        for (Matcher m : matchers) {
            if (!m.matchesEmpty()) {
                return;
            }
        }
        throw error(n, "vector selector must contain at least one non-empty matcher");
    }
}
