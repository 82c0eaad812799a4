package io.sextant.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.promql.ast.AggregateExpr;
import io.sextant.promql.ast.BinaryExpr;
import io.sextant.promql.ast.Call;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.SubqueryExpr;
import org.junit.jupiter.api.Test;

/** Node byte ranges, which annotations and errors point at, and which take no part in equality. */
class PositionsTest {
    private static String text(ParsedQuery q, Object node) {
        byte[] bytes = GoText.utf8(q.query());
        PositionRange r = q.positions().of(node);
        return GoText.decode(bytes, r.start(), r.end());
    }

    @Test
    void rangesCoverTheNodeText() {
        ParsedQuery q =
                PromQLParser.parse("  sum by (a) (rate(foo_total{x=\"é\"}[5m] offset 1m)) / 2", ParserOptions.ALL);
        BinaryExpr div = (BinaryExpr) q.expr();
        AggregateExpr sum = (AggregateExpr) div.lhs();
        Call rate = (Call) sum.expr();
        assertThat(text(q, div)).isEqualTo("sum by (a) (rate(foo_total{x=\"é\"}[5m] offset 1m)) / 2");
        assertThat(text(q, sum)).isEqualTo("sum by (a) (rate(foo_total{x=\"é\"}[5m] offset 1m))");
        assertThat(text(q, rate)).isEqualTo("rate(foo_total{x=\"é\"}[5m] offset 1m)");
        assertThat(text(q, rate.args().get(0))).isEqualTo("foo_total{x=\"é\"}[5m] offset 1m");
        assertThat(text(q, div.rhs())).isEqualTo("2");
    }

    @Test
    void foldedSignsStartAtTheSign() {
        ParsedQuery q = PromQLParser.parse("1 - -5m", ParserOptions.ALL);
        assertThat(text(q, ((BinaryExpr) q.expr()).rhs())).isEqualTo("-5m");
    }

    @Test
    void subqueryEndsAfterItsModifiers() {
        ParsedQuery q = PromQLParser.parse("max_over_time(x[5m:1m] @ 10 offset 1m)", ParserOptions.ALL);
        SubqueryExpr s = (SubqueryExpr) ((Call) q.expr()).args().get(0);
        assertThat(text(q, s)).isEqualTo("x[5m:1m] @ 10 offset 1m");
    }

    @Test
    void positionsDoNotTakePartInEquality() {
        Expr a = PromQLParser.parseExpr("sum(x)", ParserOptions.ALL);
        Expr b = PromQLParser.parseExpr("   sum ( x )  # comment", ParserOptions.ALL);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    void errorColumnsCountBytesAndLines() {
        PromQLParseException e = org.junit.jupiter.api.Assertions.assertThrows(
                PromQLParseException.class, () -> PromQLParser.parse("\"é\" +\n foo{a=b}", ParserOptions.ALL));
        assertThat(e.getMessage())
                .isEqualTo("2:8: parse error: unexpected identifier \"b\" in label matching, expected string");
        assertThat(e.position().start()).isEqualTo(14);
        assertThat(e.error()).startsWith("unexpected identifier");
    }
}
