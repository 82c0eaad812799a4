package io.sextant.promql.parser;

import static io.sextant.promql.grammar.PromQLGrammar.*;

import io.sextant.promql.grammar.PromQLGrammar;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Stops at the first syntax error and reports it the way Prometheus' yacc parser does: {@code unexpected <desc>},
 * plus {@code in <context>, expected <what>} when an enclosing rule has one of Prometheus' error productions
 * (grouping, label matching, offset, @, range and subquery brackets, aggregation). A lexer error is reported as
 * its own message. ANTLR's recovery (token insertion and deletion) is never attempted.
 */
final class SyntaxErrorStrategy extends DefaultErrorStrategy {
    private final String query;

    SyntaxErrorStrategy(String query) {
        this.query = query;
    }

    @Override
    public void sync(Parser recognizer) {
        // No single-token deletion: errors surface where the next token cannot be matched.
    }

    @Override
    public void reportError(Parser recognizer, RecognitionException e) {
        Token offending = e.getOffendingToken() != null ? e.getOffendingToken() : recognizer.getCurrentToken();
        throw failure(recognizer, offending);
    }

    @Override
    public void recover(Parser recognizer, RecognitionException e) {
        throw failure(recognizer, recognizer.getCurrentToken());
    }

    @Override
    public Token recoverInline(Parser recognizer) {
        throw failure(recognizer, recognizer.getCurrentToken());
    }

    private PromQLParseException failure(Parser recognizer, Token offending) {
        if (offending.getType() == ERROR) {
            return new PromQLParseException(
                    query,
                    new PositionRange(offending.getStartIndex(), offending.getStartIndex()),
                    offending.getText());
        }
        StringBuilder msg = new StringBuilder("unexpected ").append(describe(offending));
        String[] context = context(recognizer.getContext(), previous(recognizer.getInputStream(), offending));
        if (context != null) {
            msg.append(" in ").append(context[0]);
            if (!context[1].isEmpty()) {
                msg.append(", expected ").append(context[1]);
            }
        }
        int start = offending.getStartIndex();
        return new PromQLParseException(query, new PositionRange(start, offending.getStopIndex() + 1), msg.toString());
    }

    private static Token previous(TokenStream tokens, Token offending) {
        int i = offending.getTokenIndex();
        return i > 0 ? tokens.get(i - 1) : null;
    }

    /** The {context, expected} of the innermost enclosing error production, or null for none. */
    private static String[] context(ParserRuleContext ctx, Token prev) {
        int prevType = prev == null ? Token.INVALID_TYPE : prev.getType();
        ParserRuleContext child = null;
        for (ParserRuleContext c = ctx; c != null; child = c, c = c.getParent()) {
            if (c instanceof PromQLGrammar.GroupingLabelsContext) {
                if (c.getChildCount() == 0) {
                    return new String[] {"grouping opts", "\"(\""};
                }
                if (prevType == LEFT_PAREN || prevType == COMMA) {
                    return new String[] {"grouping opts", "label"};
                }
                return new String[] {"grouping opts", "\",\" or \")\""};
            }
            if (c instanceof PromQLGrammar.LabelMatchersContext || c instanceof PromQLGrammar.LabelMatcherContext) {
                String expected =
                        switch (prevType) {
                            case EQL, NEQ, EQL_REGEX, NEQ_REGEX -> "string";
                            case IDENTIFIER -> "label matching operator";
                            case LEFT_BRACE, COMMA -> "identifier or \"}\"";
                            default -> "\",\" or \"}\"";
                        };
                return new String[] {"label matching", expected};
            }
            if (c instanceof PromQLGrammar.AtTimestampContext) {
                return new String[] {"@", "timestamp"};
            }
            if (c instanceof PromQLGrammar.OffsetDurationContext) {
                return new String[] {"offset", "number, duration, step(), or range()"};
            }
            if (c instanceof PromQLGrammar.RangeSuffixContext r) {
                return rangeContext(r, child);
            }
            if (c instanceof PromQLGrammar.AggregationContext) {
                return new String[] {"aggregation", ""};
            }
        }
        return null;
    }

    private static String[] rangeContext(PromQLGrammar.RangeSuffixContext r, ParserRuleContext child) {
        boolean colon = r.COLON() != null;
        if (child != null) {
            // inside the range (before the colon) or the step (after it)
            return colon && child != r.range
                    ? new String[] {"subquery selector", "number, duration, step(), range(), or \"]\""}
                    : new String[] {"subquery or range selector", "number, duration, step(), or range()"};
        }
        if (!colon) {
            return new String[] {"subquery or range", "\":\" or \"]\""};
        }
        ParseTree last = r.getChild(r.getChildCount() - 1);
        if (last instanceof TerminalNode t && t.getSymbol().getType() == COLON) {
            return new String[] {"subquery selector", "number, duration, step(), range(), or \"]\""};
        }
        return new String[] {"subquery selector", "\"]\""};
    }

    /** Prometheus' {@code Item.desc()}. */
    static String describe(Token t) {
        String val = t.getText();
        return switch (t.getType()) {
            case Token.EOF -> "end of input";
            case IDENTIFIER -> "identifier " + GoText.quote(val);
            case METRIC_IDENTIFIER -> "metric identifier " + GoText.quote(val);
            case NUMBER -> "number " + truncatedQuote(val);
            case DURATION -> "duration " + truncatedQuote(val);
            case STRING -> "string " + truncatedQuote(val);
            case ADD,
                    DIV,
                    EQLC,
                    EQL_REGEX,
                    GTE,
                    GTR,
                    TRIM_UPPER,
                    TRIM_LOWER,
                    LAND,
                    LOR,
                    LSS,
                    LTE,
                    LUNLESS,
                    MOD,
                    MUL,
                    NEQ,
                    NEQ_REGEX,
                    POW,
                    SUB,
                    AT,
                    ATAN2 -> "<op:" + val + ">";
            case AVG,
                    BOTTOMK,
                    COUNT,
                    COUNT_VALUES,
                    GROUP,
                    MAX,
                    MIN,
                    QUANTILE,
                    STDDEV,
                    STDVAR,
                    SUM,
                    TOPK,
                    LIMITK,
                    LIMIT_RATIO -> "<aggr:" + val + ">";
            case BOOL,
                    BY,
                    GROUP_LEFT,
                    GROUP_RIGHT,
                    FILL,
                    FILL_LEFT,
                    FILL_RIGHT,
                    IGNORING,
                    OFFSET,
                    SMOOTHED,
                    ANCHORED,
                    ON,
                    WITHOUT -> "<" + val + ">";
            default -> truncatedQuote(val);
        };
    }

    /** Go's {@code %q}, or {@code %.10q...} (the first ten runes, quoted) for longer values. */
    private static String truncatedQuote(String val) {
        if (GoText.byteLength(val) <= 10) {
            return GoText.quote(val);
        }
        int end = val.offsetByCodePoints(0, Math.min(10, val.codePointCount(0, val.length())));
        return GoText.quote(val.substring(0, end)) + "...";
    }
}
