package io.sextant.promql.parser;

import io.sextant.promql.grammar.PromQLGrammar;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenFactory;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

/**
 * Feeds {@link PromQLLexer} items to the ANTLR parser. Start and stop indexes are byte offsets; an {@link
 * PromQLGrammar#ERROR} token carries the lexer's message as its text and is followed only by EOF.
 */
final class TokenSourceAdapter implements TokenSource {
    private final PromQLLexer lexer;
    private TokenFactory<?> factory = CommonTokenFactory.DEFAULT;
    private boolean done;
    private int lastEnd;

    TokenSourceAdapter(PromQLLexer lexer) {
        this.lexer = lexer;
    }

    @Override
    public Token nextToken() {
        if (done) {
            return eof();
        }
        PromQLLexer.Item item = lexer.next();
        while (item.type() == PromQLLexer.COMMENT) {
            item = lexer.next();
        }
        if (item.type() == Token.EOF) {
            done = true;
            lastEnd = item.pos();
            return eof();
        }
        if (item.type() == PromQLGrammar.ERROR) {
            done = true;
            lastEnd = lexer.input().length;
        }
        CommonToken t = new CommonToken(item.type(), item.val());
        t.setStartIndex(item.pos());
        t.setStopIndex(item.end() - 1);
        t.setLine(1);
        t.setCharPositionInLine(item.pos());
        return t;
    }

    private Token eof() {
        CommonToken t = new CommonToken(Token.EOF, "<EOF>");
        t.setStartIndex(lastEnd);
        t.setStopIndex(lastEnd - 1);
        t.setLine(1);
        t.setCharPositionInLine(lastEnd);
        return t;
    }

    @Override
    public int getLine() {
        return 1;
    }

    @Override
    public int getCharPositionInLine() {
        return 0;
    }

    @Override
    public CharStream getInputStream() {
        return null;
    }

    @Override
    public String getSourceName() {
        return "promql";
    }

    @Override
    public void setTokenFactory(TokenFactory<?> factory) {
        this.factory = factory;
    }

    @Override
    public TokenFactory<?> getTokenFactory() {
        return factory;
    }
}
