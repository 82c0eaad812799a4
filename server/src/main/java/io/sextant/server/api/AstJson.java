package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sextant.promql.ast.AggregateExpr;
import io.sextant.promql.ast.At;
import io.sextant.promql.ast.BinaryExpr;
import io.sextant.promql.ast.Call;
import io.sextant.promql.ast.DurationExpr;
import io.sextant.promql.ast.DurationNode;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.MatrixSelector;
import io.sextant.promql.ast.NumberLiteral;
import io.sextant.promql.ast.ParenExpr;
import io.sextant.promql.ast.RangeExtension;
import io.sextant.promql.ast.StringLiteral;
import io.sextant.promql.ast.SubqueryExpr;
import io.sextant.promql.ast.UnaryExpr;
import io.sextant.promql.ast.ValueType;
import io.sextant.promql.ast.VectorMatching;
import io.sextant.promql.ast.VectorSelector;
import io.sextant.storage.Matcher;
import io.sextant.storage.text.GoFloat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/v1/parse_query}'s AST JSON, Prometheus' {@code translateAST}: each node a map that Go writes with
 * its keys sorted, durations in ms, numbers as Go's {@code FormatFloat(v, 'f', -1)} strings.
 */
final class AstJson {
    private AstJson() {}

    /** The tree to write; building it first lets an unwritable value fail before the response starts. */
    static Map<String, Object> tree(Expr expr) {
        return node(expr);
    }

    static void write(JsonGenerator g, Map<String, Object> tree) throws IOException {
        writeValue(g, tree);
    }

    private static Map<String, Object> node(Expr expr) {
        Map<String, Object> m = new TreeMap<>();
        if (expr instanceof AggregateExpr a) {
            m.put("type", "aggregation");
            m.put("op", a.op().text());
            m.put("expr", node(a.expr()));
            m.put("param", a.param() == null ? null : node(a.param()));
            m.put("grouping", a.grouping());
            m.put("without", a.without());
        } else if (expr instanceof BinaryExpr b) {
            m.put("type", "binaryExpr");
            m.put("op", b.op().text());
            m.put("lhs", node(b.lhs()));
            m.put("rhs", node(b.rhs()));
            m.put("matching", b.vectorMatching().map(AstJson::matching).orElse(null));
            m.put("bool", b.returnBool());
        } else if (expr instanceof Call c) {
            Map<String, Object> func = new TreeMap<>();
            func.put("name", c.function().name());
            func.put(
                    "argTypes",
                    c.function().argTypes().stream()
                            .map(ValueType::internalName)
                            .toList());
            func.put("variadic", (long) c.function().variadic());
            func.put("returnType", c.function().returnType().internalName());
            List<Object> args = new ArrayList<>();
            for (Expr arg : c.args()) {
                args.add(node(arg));
            }
            m.put("type", "call");
            m.put("func", func);
            m.put("args", args);
        } else if (expr instanceof MatrixSelector ms) {
            selector(m, ms.selector());
            m.put("type", "matrixSelector");
            m.put("range", ms.rangeMillis());
            m.put("rangeExpr", duration(ms.rangeExpr()));
        } else if (expr instanceof SubqueryExpr s) {
            m.put("type", "subquery");
            m.put("expr", node(s.expr()));
            m.put("range", s.rangeMillis());
            m.put("rangeExpr", duration(s.rangeExpr()));
            m.put("offset", s.offsetMillis());
            m.put("offsetExpr", duration(s.offsetExpr()));
            m.put("step", s.stepMillis());
            m.put("stepExpr", duration(s.stepExpr()));
            at(m, s.at());
        } else if (expr instanceof NumberLiteral n) {
            m.put("type", "numberLiteral");
            m.put("val", PromFormat.formatPlain(n.value()));
        } else if (expr instanceof ParenExpr p) {
            m.put("type", "parenExpr");
            m.put("expr", node(p.expr()));
        } else if (expr instanceof StringLiteral s) {
            m.put("type", "stringLiteral");
            m.put("val", s.value());
        } else if (expr instanceof UnaryExpr u) {
            m.put("type", "unaryExpr");
            m.put("op", u.negative() ? "-" : "+");
            m.put("expr", node(u.expr()));
        } else if (expr instanceof VectorSelector v) {
            selector(m, v);
            m.put("type", "vectorSelector");
        } else {
            throw new IllegalArgumentException("unknown node " + expr.getClass().getSimpleName());
        }
        return m;
    }

    /** The fields a matrix selector shares with its vector selector, where Prometheus keeps the modifiers. */
    private static void selector(Map<String, Object> m, VectorSelector v) {
        m.put("name", v.name());
        m.put("offset", v.offsetMillis());
        m.put("offsetExpr", duration(v.offsetExpr()));
        List<Object> matchers = new ArrayList<>();
        for (Matcher matcher : v.matchers()) {
            Map<String, Object> mm = new TreeMap<>();
            mm.put("name", matcher.name());
            mm.put("value", matcher.value());
            mm.put("type", matcher.type().symbol());
            matchers.add(mm);
        }
        m.put("matchers", matchers);
        at(m, v.at());
        m.put("anchored", v.extension() == RangeExtension.ANCHORED);
        m.put("smoothed", v.extension() == RangeExtension.SMOOTHED);
    }

    private static void at(Map<String, Object> m, At at) {
        m.put("timestamp", at.kind() == At.Kind.TIMESTAMP ? at.millis() : null);
        m.put(
                "startOrEnd",
                switch (at.kind()) {
                    case START -> "start";
                    case END -> "end";
                    default -> null;
                });
    }

    private static Map<String, Object> matching(VectorMatching vm) {
        Map<String, Object> m = new TreeMap<>();
        m.put("card", vm.card().text());
        m.put("labels", vm.matchingLabels());
        m.put("on", vm.on());
        m.put("include", vm.include());
        for (Double f : new Double[] {vm.fillLhs(), vm.fillRhs()}) {
            if (f != null && !Double.isFinite(f)) {
                // Go's encoding/json refuses these, and Prometheus answers 500
                throw new ApiError(ApiError.Type.INTERNAL, "json: unsupported value: " + PromFormat.formatPlain(f));
            }
        }
        Map<String, Object> fill = new TreeMap<>();
        fill.put("lhs", vm.fillLhs());
        fill.put("rhs", vm.fillRhs());
        m.put("fillValues", fill);
        return m;
    }

    /** Prometheus' {@code translateDurationExpr}: literals here also say whether they were written as durations. */
    private static Map<String, Object> duration(DurationNode d) {
        if (d == null) {
            return null;
        }
        Map<String, Object> m = new TreeMap<>();
        if (d instanceof NumberLiteral n) {
            m.put("type", "numberLiteral");
            m.put("val", PromFormat.formatPlain(n.value()));
            m.put("duration", n.duration());
        } else if (d instanceof DurationExpr e) {
            m.put("type", "durationExpr");
            m.put("op", e.op().text());
            m.put("lhs", duration(e.lhs()));
            m.put("rhs", duration(e.rhs()));
            m.put("wrapped", e.wrapped());
        }
        return m;
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName((String) e.getKey());
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Double d) {
            g.writeNumber(GoFloat.jsonNumber(d));
        } else {
            throw new IllegalArgumentException("no JSON for " + v.getClass().getSimpleName());
        }
    }
}
