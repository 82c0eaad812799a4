package io.sextant.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sextant.promql.ast.Expr;
import io.sextant.promql.conformance.Corpus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of corpus expressions: parsing must end in a tree or a {@link PromQLParseException} (no other
 * exception, no hang), and every tree that comes out must print and parse back to itself.
 */
class ParserFuzzTest {
    private static final String[] FRAGMENTS = {
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "@",
        "\"",
        "'",
        "`",
        "\\",
        "#",
        " ",
        "\n",
        "+",
        "-",
        "*",
        "/",
        "%",
        "^",
        "==",
        "!=",
        "=~",
        "!~",
        "<",
        ">",
        "</",
        ">/",
        "=",
        "!",
        ".",
        "_",
        "0",
        "1e",
        "0x",
        "5m",
        "1h30",
        "Inf",
        "NaN",
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "bool",
        "offset",
        "anchored",
        "smoothed",
        "fill(",
        "fill_left",
        "step()",
        "range()",
        "min_of(",
        "start()",
        "end()",
        "sum",
        "topk(",
        "count_values",
        "rate(",
        "and",
        "or",
        "unless",
        "atan2",
        "\\xff",
        "é",
        "\u00ff",
        "\uD83D\uDE00",
        "\uDCff"
    };

    @Test
    void mutationsFailCleanly() throws Exception {
        List<Corpus.Line> evals = Corpus.evalExpressions();
        Random random = new Random(20240917L);
        int[] outcomes = new int[2];
        List<String> roundTripFailures = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int i = 0; i < 20_000; i++) {
                String query = mutate(evals.get(random.nextInt(evals.size())).text(), random);
                try {
                    Expr e = PromQLParser.parseExpr(query, ParserOptions.ALL);
                    outcomes[0]++;
                    Expr again = PromQLParser.parseExpr(e.toString(), ParserOptions.ALL);
                    if (!again.equals(e)) {
                        roundTripFailures.add(query + " -> " + e);
                    }
                } catch (PromQLParseException expected) {
                    outcomes[1]++;
                }
            }
        });
        System.out.println("fuzz: " + outcomes[0] + " mutated queries parsed, " + outcomes[1] + " rejected");
        assertThat(roundTripFailures).isEmpty();
        assertThat(outcomes[1]).isPositive();
    }

    private static String mutate(String s, Random random) {
        StringBuilder sb = new StringBuilder(s);
        int edits = 1 + random.nextInt(3);
        for (int k = 0; k < edits; k++) {
            int at = sb.length() == 0 ? 0 : random.nextInt(sb.length() + 1);
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (at < sb.length()) {
                        sb.deleteCharAt(at);
                    }
                }
                case 1 -> sb.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                case 2 -> sb.setLength(at);
                case 3 -> {
                    int end = Math.min(sb.length(), at + random.nextInt(8));
                    sb.insert(at, sb.substring(at, end));
                }
                default -> {
                    if (at < sb.length()) {
                        sb.setCharAt(at, (char) (' ' + random.nextInt(95)));
                    }
                }
            }
        }
        return sb.toString();
    }
}
