package io.sextant.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.promql.ast.Expr;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden cases: each query either prints as expected (and the printed form parses back to an equal tree) or
 * fails with Prometheus' exact message.
 */
class ParserGoldenTest {
    static List<GoldenCases.Case> syntax() throws IOException {
        return GoldenCases.load("syntax.txt");
    }

    static List<GoldenCases.Case> errors() throws IOException {
        return GoldenCases.load("errors.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("syntax")
    void syntaxCases(GoldenCases.Case c) {
        check(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void errorCases(GoldenCases.Case c) {
        check(c);
    }

    private static void check(GoldenCases.Case c) {
        if (c.kind().equals("err")) {
            assertThatThrownBy(() -> PromQLParser.parse(c.input(), c.options()))
                    .isInstanceOf(PromQLParseException.class)
                    .hasMessage(c.expected());
            return;
        }
        Expr e = PromQLParser.parseExpr(c.input(), c.options());
        assertThat(c.kind().equals("tree") ? TreeDump.dump(e) : e.toString()).isEqualTo(c.expected());
        assertThat(PromQLParser.parseExpr(e.toString(), c.options())).isEqualTo(e);
    }
}
