package io.sextant.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.promql.ast.Expr;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code format_query} output: each {@code === query} block of pretty.txt lists the expected lines. */
class PrettyGoldenTest {
    record Case(String query, String expected) {
        @Override
        public String toString() {
            return query;
        }
    }

    static List<Case> cases() throws IOException {
        String text;
        try (InputStream in = PrettyGoldenTest.class.getResourceAsStream("pretty.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        String query = null;
        StringBuilder expected = new StringBuilder();
        for (String line : (text + "=== \n").split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("=== ")) {
                if (query != null) {
                    cases.add(new Case(query, expected.toString().stripTrailing()));
                }
                query = line.substring(4);
                expected.setLength(0);
            } else {
                expected.append(line).append('\n');
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pretty(Case c) {
        Expr e = PromQLParser.parseExpr(c.query(), ParserOptions.ALL);
        assertThat(e.pretty()).isEqualTo(c.expected());
        assertThat(PromQLParser.parseExpr(e.pretty(), ParserOptions.ALL)).isEqualTo(e);
    }
}
