package io.sextant.promql.parser;

import io.sextant.promql.ast.Expr;
import io.sextant.promql.grammar.PromQLGrammar;
import io.sextant.storage.Matcher;
import java.util.List;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;

/**
 * Parses PromQL 3.x as Prometheus does: the hand-written {@link PromQLLexer} feeds the ANTLR-generated {@code
 * PromQLGrammar}; {@link AstBuilder} builds the immutable AST and {@link Checker} type-checks it. Errors are
 * {@link PromQLParseException}s with Prometheus' exact text.
 */
public final class PromQLParser {
    private PromQLParser() {}

    /**
     * Parses and type-checks a query.
     *
     * @throws PromQLParseException on the first syntax or type error
     */
    public static ParsedQuery parse(String query, ParserOptions options) {
        Positions positions = new Positions();
        PromQLGrammar parser = parser(query);
        if (parser.getInputStream().LA(1) == Token.EOF) {
            throw new PromQLParseException(query, new PositionRange(0, 0), "no expression found in input");
        }
        Expr expr;
        try {
            PromQLGrammar.QueryContext tree = parser.query();
            expr = new AstBuilder(query, options, positions).query(tree);
            new Checker(query, positions).check(expr);
        } catch (StackOverflowError e) {
            throw new PromQLParseException(query, new PositionRange(0, 0), "expression nests too deeply");
        }
        return new ParsedQuery(query, expr, positions, options);
    }

    /** {@link #parse} for callers that need only the expression. */
    public static Expr parseExpr(String query, ParserOptions options) {
        return parse(query, options).expr();
    }

    /**
     * Parses a metric selector ({@code name}, {@code name{...}} or {@code {...}}) as the {@code match[]} API
     * parameters are; the name becomes the last matcher. Like Prometheus, this does not insist on a non-empty
     * matcher: the API does.
     *
     * @throws PromQLParseException on a syntax error
     */
    public static List<Matcher> parseMetricSelector(String selector) {
        PromQLGrammar parser = parser(selector);
        try {
            PromQLGrammar.MetricSelectorContext tree = parser.metricSelector();
            return new AstBuilder(selector, ParserOptions.DEFAULT, new Positions()).metricSelector(tree);
        } catch (StackOverflowError e) {
            throw new PromQLParseException(selector, new PositionRange(0, 0), "expression nests too deeply");
        }
    }

    /** Go's {@code strconv.Quote}, with surrogate-escaped bytes as {@code \xNN}. */
    public static String quote(String s) {
        return GoText.quote(s);
    }

    private static PromQLGrammar parser(String query) {
        PromQLLexer lexer = new PromQLLexer(GoText.utf8(query));
        CommonTokenStream tokens = new CommonTokenStream(new TokenSourceAdapter(lexer));
        PromQLGrammar parser = new PromQLGrammar(tokens);
        parser.removeErrorListeners();
        parser.setErrorHandler(new SyntaxErrorStrategy(query));
        parser.getInterpreter().setPredictionMode(PredictionMode.LL);
        return parser;
    }
}
