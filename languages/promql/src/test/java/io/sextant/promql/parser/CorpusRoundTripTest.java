package io.sextant.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.promql.ast.Expr;
import io.sextant.promql.conformance.Corpus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every eval expression of the conformance corpus parses with all features on, prints, and parses back to an
 * equal tree, in both the single-line and the pretty form.
 */
class CorpusRoundTripTest {
    @Test
    void everyEvalExpressionRoundTrips() throws Exception {
        List<Corpus.Line> evals = Corpus.evalExpressions();
        List<String> failures = new ArrayList<>();
        for (Corpus.Line line : evals) {
            try {
                Expr e = PromQLParser.parseExpr(line.text(), ParserOptions.ALL);
                Expr again = PromQLParser.parseExpr(e.toString(), ParserOptions.ALL);
                if (!again.equals(e)) {
                    failures.add(line + "\n  printed " + e + "\n  reparsed " + again);
                }
                Expr pretty = PromQLParser.parseExpr(e.pretty(), ParserOptions.ALL);
                if (!pretty.equals(e)) {
                    failures.add(line + "\n  pretty " + e.pretty());
                }
            } catch (PromQLParseException ex) {
                failures.add(line + "\n  " + ex.getMessage());
            }
        }
        System.out.println("corpus: " + evals.size() + " eval expressions parsed and round-tripped, " + failures.size()
                + " failures");
        assertThat(failures).isEmpty();
        assertThat(evals).hasSizeGreaterThan(2000);
    }
}
