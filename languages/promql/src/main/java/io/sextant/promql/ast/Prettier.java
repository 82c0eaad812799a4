package io.sextant.promql.ast;

import io.sextant.promql.parser.GoText;

/**
 * Prometheus' {@code Pretty(level)} ({@code prettier.go}), the {@code format_query} output: a node is printed
 * on one line when its {@code String()} fits in 100 bytes, otherwise aggregations, binary operations, calls and
 * parentheses are split over lines, indented by two spaces per level. Selectors and literals never split.
 */
final class Prettier {
    private static final int MAX_CHARACTERS_PER_LINE = 100;

    private Prettier() {}

    static String pretty(Expr e, int level) {
        String indent = "  ".repeat(level);
        if (e instanceof AggregateExpr a) {
            if (!needsSplit(a)) {
                return indent + a;
            }
            StringBuilder sb = new StringBuilder(indent);
            Printer.writeAggregateHead(sb, a);
            sb.append("(\n");
            if (a.param() != null) {
                sb.append(pretty(a.param(), level + 1)).append(",\n");
            }
            return sb.append(pretty(a.expr(), level + 1))
                    .append('\n')
                    .append(indent)
                    .append(')')
                    .toString();
        }
        if (e instanceof BinaryExpr b) {
            if (!needsSplit(b)) {
                return indent + b;
            }
            StringBuilder sb = new StringBuilder();
            sb.append(pretty(b.lhs(), level + 1)).append('\n').append(indent);
            Printer.writeBinaryOperator(sb, b);
            return sb.append('\n').append(pretty(b.rhs(), level + 1)).toString();
        }
        if (e instanceof Call c) {
            if (!needsSplit(c)) {
                return indent + c;
            }
            StringBuilder sb = new StringBuilder(indent);
            sb.append(c.function().name()).append("(\n");
            for (int i = 0; i < c.args().size(); i++) {
                if (i > 0) {
                    sb.append(",\n");
                }
                sb.append(pretty(c.args().get(i), level + 1));
            }
            return sb.append('\n').append(indent).append(')').toString();
        }
        if (e instanceof ParenExpr p) {
            if (!needsSplit(p)) {
                return indent + p;
            }
            return indent + "(\n" + pretty(p.expr(), level + 1) + "\n" + indent + ")";
        }
        if (e instanceof SubqueryExpr s) {
            // Prometheus does not indent an unsplit subquery
            if (!needsSplit(s)) {
                return s.toString();
            }
            StringBuilder sb = new StringBuilder(pretty(s.expr(), level));
            Printer.writeSubquerySuffix(sb, s);
            return sb.toString();
        }
        if (e instanceof UnaryExpr u) {
            return indent + (u.negative() ? "-" : "+") + goTrimSpace(pretty(u.expr(), level));
        }
        // selectors and literals never split
        return indent + e;
    }

    private static boolean needsSplit(Expr e) {
        return GoText.byteLength(e.toString()) > MAX_CHARACTERS_PER_LINE;
    }

    private static String goTrimSpace(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isGoSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isGoSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isGoSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == '\f' || c == 0x85 || c == 0xA0;
    }
}
