package io.sextant.promql.parser;

import static io.sextant.promql.grammar.PromQLGrammar.*;

import java.util.Locale;
import java.util.Map;
import org.antlr.v4.runtime.Token;

/**
 * PromQL's context-sensitive lexer, over the UTF-8 bytes of the query so that every position is a byte offset as
 * in Prometheus. It mirrors the state machine of Prometheus' {@code lex.go} (top level, inside braces, the first
 * token after {@code [} and after operators there), because its errors, such as {@code unexpected character
 * inside braces: ':'}, and where they are reported are part of the API.
 *
 * <p>After an error item the lexer only returns EOF: the parser reports the first error and stops, as Prometheus
 * does.
 */
final class PromQLLexer {
    /** Not a parser token: comments are dropped by {@link TokenSourceAdapter}. */
    static final int COMMENT = -2;

    /** A lexed item: type, byte range and either the source text or, for {@link #ERROR}, the message. */
    record Item(int type, int pos, int end, String val) {}

    private static final int EOF_RUNE = -1;

    static final Map<String, Integer> KEYWORDS = Map.ofEntries(
            Map.entry("and", LAND),
            Map.entry("or", LOR),
            Map.entry("unless", LUNLESS),
            Map.entry("atan2", ATAN2),
            Map.entry("sum", SUM),
            Map.entry("avg", AVG),
            Map.entry("count", COUNT),
            Map.entry("min", MIN),
            Map.entry("max", MAX),
            Map.entry("group", GROUP),
            Map.entry("stddev", STDDEV),
            Map.entry("stdvar", STDVAR),
            Map.entry("topk", TOPK),
            Map.entry("bottomk", BOTTOMK),
            Map.entry("count_values", COUNT_VALUES),
            Map.entry("quantile", QUANTILE),
            Map.entry("limitk", LIMITK),
            Map.entry("limit_ratio", LIMIT_RATIO),
            Map.entry("offset", OFFSET),
            Map.entry("smoothed", SMOOTHED),
            Map.entry("anchored", ANCHORED),
            Map.entry("by", BY),
            Map.entry("without", WITHOUT),
            Map.entry("on", ON),
            Map.entry("ignoring", IGNORING),
            Map.entry("group_left", GROUP_LEFT),
            Map.entry("group_right", GROUP_RIGHT),
            Map.entry("fill", FILL),
            Map.entry("fill_left", FILL_LEFT),
            Map.entry("fill_right", FILL_RIGHT),
            Map.entry("bool", BOOL),
            Map.entry("start", START),
            Map.entry("end", END),
            Map.entry("step", STEP),
            Map.entry("range", RANGE),
            Map.entry("max_of", MAX_OF),
            Map.entry("min_of", MIN_OF),
            Map.entry("inf", NUMBER),
            Map.entry("nan", NUMBER));

    private static final Map<String, Integer> DURATION_KEYWORDS =
            Map.of("step", STEP, "range", RANGE, "max_of", MAX_OF, "min_of", MIN_OF);

    private interface State {
        State run();
    }

    private final byte[] input;
    private int pos;
    private int start;
    private int width;
    private int parenDepth;
    private boolean braceOpen;
    private boolean bracketOpen;
    private boolean gotColon;
    // Never reset once set, as in Prometheus: "foo[5m] + bar[step():1m]" lexes, "bar[step():1m]" alone does not.
    private boolean gotDuration;
    private int stringOpen;
    private State state = this::lexStatements;
    private Item item;

    PromQLLexer(byte[] input) {
        this.input = input;
    }

    byte[] input() {
        return input;
    }

    /** The next item; {@link Token#EOF} forever once the input or an error is reached. */
    Item next() {
        item = null;
        while (item == null) {
            if (state == null) {
                item = new Item(Token.EOF, input.length, input.length, "");
                return item;
            }
            state = state.run();
        }
        return item;
    }

    // ---- reading runes

    private int nextRune() {
        if (pos >= input.length) {
            width = 0;
            return EOF_RUNE;
        }
        long r = GoText.decodeRune(input, pos, input.length);
        width = (int) (r >>> 32);
        pos += width;
        return (int) r;
    }

    private void backup() {
        pos -= width;
    }

    private int peek() {
        int r = nextRune();
        backup();
        return r;
    }

    private boolean accept(String valid) {
        int r = nextRune();
        if (r != EOF_RUNE && valid.indexOf(r) >= 0) {
            return true;
        }
        backup();
        return false;
    }

    private void acceptRun(String valid) {
        while (accept(valid)) {
            // consume
        }
    }

    private boolean is(String valid) {
        int r = peek();
        return r != EOF_RUNE && valid.indexOf(r) >= 0;
    }

    private String text(int from, int to) {
        return GoText.decode(input, from, to);
    }

    private void emit(int type) {
        item = new Item(type, start, pos, text(start, pos));
        start = pos;
    }

    private void ignore() {
        start = pos;
    }

    private State error(String message) {
        item = new Item(ERROR, start, input.length, message);
        return null;
    }

    // ---- states

    private State lexStatements() {
        if (braceOpen) {
            return this::lexInsideBraces;
        }
        if (pos < input.length && input[pos] == '#') {
            return this::lexLineComment;
        }
        int r = nextRune();
        switch (r) {
            case EOF_RUNE -> {
                if (parenDepth != 0) {
                    return error("unclosed left parenthesis");
                }
                if (bracketOpen) {
                    return error("unclosed left bracket");
                }
                item = new Item(Token.EOF, pos, pos, "");
                return null;
            }
            case ',' -> emit(COMMA);
            case '*' -> emit(MUL);
            case '/' -> emit(DIV);
            case '%' -> emit(MOD);
            case '+' -> emit(ADD);
            case '-' -> emit(SUB);
            case '^' -> emit(POW);
            case '=' -> {
                int t = peek();
                if (t == '=') {
                    nextRune();
                    emit(EQLC);
                } else if (t == '~') {
                    return error("unexpected character after '=': " + GoText.quoteRune(t));
                } else {
                    emit(EQL);
                }
            }
            case '!' -> {
                int t = nextRune();
                if (t != '=') {
                    return error("unexpected character after '!': " + quoteRuneOrEof(t));
                }
                emit(NEQ);
            }
            case '<' -> {
                if (accept("=")) {
                    emit(LTE);
                } else if (accept("/")) {
                    emit(TRIM_UPPER);
                } else {
                    emit(LSS);
                }
            }
            case '>' -> {
                if (accept("=")) {
                    emit(GTE);
                } else if (accept("/")) {
                    emit(TRIM_LOWER);
                } else {
                    emit(GTR);
                }
            }
            case '"', '\'' -> {
                stringOpen = r;
                return this::lexString;
            }
            case '`' -> {
                stringOpen = r;
                return this::lexRawString;
            }
            case '(' -> {
                emit(LEFT_PAREN);
                parenDepth++;
            }
            case ')' -> {
                emit(RIGHT_PAREN);
                parenDepth--;
                if (parenDepth < 0) {
                    return error("unexpected right parenthesis ')'");
                }
            }
            case '{' -> {
                emit(LEFT_BRACE);
                braceOpen = true;
                return this::lexInsideBraces;
            }
            case '[' -> {
                if (bracketOpen) {
                    return error("unexpected left bracket '['");
                }
                gotColon = false;
                emit(LEFT_BRACKET);
                skipSpaces();
                bracketOpen = true;
                return this::lexDurationExpr;
            }
            case ']' -> {
                if (!bracketOpen) {
                    return error("unexpected right bracket ']'");
                }
                emit(RIGHT_BRACKET);
                bracketOpen = false;
            }
            case '@' -> emit(AT);
            default -> {
                if (isSpace(r)) {
                    return this::lexSpace;
                }
                if (isDigit(r) || (r == '.' && isDigit(peek()))) {
                    backup();
                    return this::lexNumberOrDuration;
                }
                if (isAlpha(r) || r == ':') {
                    if (!bracketOpen) {
                        backup();
                        return this::lexKeywordOrIdentifier;
                    }
                    if (r == ':') {
                        if (gotColon) {
                            return error("unexpected colon ':'");
                        }
                        emit(COLON);
                        gotColon = true;
                        return this::lexStatements;
                    }
                    if (isDurationKeywordStart(r) && scanDurationKeyword()) {
                        return this::lexStatements;
                    }
                    return error("unexpected character: " + GoText.quoteRune(r) + ", expected ':'");
                }
                return error("unexpected character: " + GoText.quoteRune(r));
            }
        }
        return this::lexStatements;
    }

    private State lexInsideBraces() {
        if (pos < input.length && input[pos] == '#') {
            return this::lexLineComment;
        }
        int r = nextRune();
        switch (r) {
            case EOF_RUNE -> {
                return error("unexpected end of input inside braces");
            }
            case ',' -> emit(COMMA);
            case '"', '\'' -> {
                stringOpen = r;
                return this::lexString;
            }
            case '`' -> {
                stringOpen = r;
                return this::lexRawString;
            }
            case '=' -> {
                if (nextRune() == '~') {
                    emit(EQL_REGEX);
                } else {
                    backup();
                    emit(EQL);
                }
            }
            case '!' -> {
                int nr = nextRune();
                if (nr == '~') {
                    emit(NEQ_REGEX);
                } else if (nr == '=') {
                    emit(NEQ);
                } else {
                    return error("unexpected character after '!' inside braces: " + quoteRuneOrEof(nr));
                }
            }
            case '{' -> {
                return error("unexpected left brace '{'");
            }
            case '}' -> {
                emit(RIGHT_BRACE);
                braceOpen = false;
                return this::lexStatements;
            }
            default -> {
                if (isSpace(r)) {
                    return this::lexSpace;
                }
                if (isAlpha(r)) {
                    backup();
                    return this::lexIdentifier;
                }
                return error("unexpected character inside braces: " + GoText.quoteRune(r));
            }
        }
        return this::lexInsideBraces;
    }

    private State lexDurationExpr() {
        int r = nextRune();
        switch (r) {
            case EOF_RUNE -> {
                return error("unexpected end of input in duration expression");
            }
            case ']' -> {
                emit(RIGHT_BRACKET);
                bracketOpen = false;
                gotColon = false;
                return this::lexStatements;
            }
            case ':' -> {
                emit(COLON);
                if (!gotDuration) {
                    return error("unexpected colon before duration in duration expression");
                }
                if (gotColon) {
                    return error("unexpected repeated colon in duration expression");
                }
                gotColon = true;
                return this::lexDurationExpr;
            }
            case '(' -> {
                emit(LEFT_PAREN);
                parenDepth++;
                return this::lexDurationExpr;
            }
            case ')' -> {
                emit(RIGHT_PAREN);
                parenDepth--;
                if (parenDepth < 0) {
                    return error("unexpected right parenthesis ')'");
                }
                return this::lexDurationExpr;
            }
            case '+', '-', '*', '/', '%', '^', ',' -> {
                emit(
                        switch (r) {
                            case '+' -> ADD;
                            case '-' -> SUB;
                            case '*' -> MUL;
                            case '/' -> DIV;
                            case '%' -> MOD;
                            case '^' -> POW;
                            default -> COMMA;
                        });
                return this::lexDurationExpr;
            }
            default -> {
                if (isSpace(r)) {
                    skipSpaces();
                    return this::lexDurationExpr;
                }
                if (isDurationKeywordStart(r)) {
                    if (scanDurationKeyword()) {
                        return this::lexDurationExpr;
                    }
                    return error("unexpected character in duration expression: " + GoText.quoteRune(r));
                }
                if (isDigit(r) || (r == '.' && isDigit(peek()))) {
                    backup();
                    gotDuration = true;
                    return this::lexNumberOrDuration;
                }
                return error("unexpected character in duration expression: " + quoteRuneOrEof(r));
            }
        }
    }

    private State lexSpace() {
        while (isSpace(peek())) {
            nextRune();
        }
        ignore();
        return this::lexStatements;
    }

    private void skipSpaces() {
        while (isSpace(peek())) {
            nextRune();
        }
        ignore();
    }

    private State lexLineComment() {
        pos++;
        int r = nextRune();
        while (r != '\r' && r != '\n' && r != EOF_RUNE) {
            r = nextRune();
        }
        backup();
        emit(COMMENT);
        return this::lexStatements;
    }

    private State lexString() {
        while (true) {
            int r = nextRune();
            if (r == '\\') {
                return lexEscape();
            }
            if (r == GoText.RUNE_ERROR) {
                return error("invalid UTF-8 rune");
            }
            if (r == EOF_RUNE || r == '\n') {
                return error("unterminated quoted string");
            }
            if (r == stringOpen) {
                break;
            }
        }
        emit(STRING);
        return this::lexStatements;
    }

    private State lexRawString() {
        while (true) {
            int r = nextRune();
            if (r == GoText.RUNE_ERROR) {
                return error("invalid UTF-8 rune");
            }
            if (r == EOF_RUNE) {
                return error("unterminated raw string");
            }
            if (r == stringOpen) {
                break;
            }
        }
        emit(STRING);
        return this::lexStatements;
    }

    private State lexEscape() {
        int n;
        int base;
        int max;
        int ch = nextRune();
        switch (ch) {
            case 'a', 'b', 'f', 'n', 'r', 't', 'v', '\\' -> {
                return this::lexString;
            }
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                n = 3;
                base = 8;
                max = 255;
            }
            case 'x' -> {
                ch = nextRune();
                n = 2;
                base = 16;
                max = 255;
            }
            case 'u' -> {
                ch = nextRune();
                n = 4;
                base = 16;
                max = Character.MAX_CODE_POINT;
            }
            case 'U' -> {
                ch = nextRune();
                n = 8;
                base = 16;
                max = Character.MAX_CODE_POINT;
            }
            case EOF_RUNE -> {
                return error("escape sequence not terminated");
            }
            default -> {
                if (ch == stringOpen) {
                    return this::lexString;
                }
                return error("unknown escape sequence " + GoText.formatU(ch));
            }
        }
        long x = 0;
        while (n > 0) {
            int d = Character.digit(ch, 16);
            if (ch > 0x7F || d < 0 || d >= base) {
                if (ch == EOF_RUNE) {
                    return error("escape sequence not terminated");
                }
                return error("illegal character " + GoText.formatU(ch) + " in escape sequence");
            }
            x = x * base + d;
            n--;
            if (n > 0) {
                ch = nextRune();
            }
        }
        if (x > max || (x >= 0xD800 && x < 0xE000)) {
            return error("escape sequence is an invalid Unicode code point");
        }
        return this::lexString;
    }

    private State lexNumberOrDuration() {
        if (scanNumber()) {
            emit(NUMBER);
            return this::lexStatements;
        }
        if (acceptRemainingDuration()) {
            backup();
            emit(DURATION);
            return this::lexStatements;
        }
        return error("bad number or duration syntax: " + GoText.quote(text(start, pos)));
    }

    private boolean acceptRemainingDuration() {
        if (!accept("smhdwy")) {
            return false;
        }
        accept("s");
        while (accept("0123456789")) {
            acceptRun("0123456789");
            if (!accept("smhdw")) {
                return false;
            }
            accept("s");
        }
        return !isAlphaNumeric(nextRune());
    }

    private boolean scanNumber() {
        int initial = pos;
        String digits = "0123456789";
        if (accept("0") && accept("xX")) {
            accept("_");
            digits = "0123456789abcdefABCDEF";
        }
        accept(".");
        accept(digits);
        boolean dotConsumed = false;
        boolean exponentConsumed = false;
        while (is(digits + "._eE")) {
            if (is(".") && dotConsumed) {
                accept(".");
                return false;
            }
            if (is("eE") && exponentConsumed) {
                accept("eE");
                return false;
            }
            if (accept(".")) {
                dotConsumed = true;
                if (accept("_.")) {
                    return false;
                }
                if (digits.length() > 10) {
                    return false;
                }
                continue;
            }
            if (accept("eE")) {
                exponentConsumed = true;
                accept("+-");
                if (accept("._eE") || peek() == EOF_RUNE) {
                    return false;
                }
                continue;
            }
            if (accept("_")) {
                if (accept("._eE") || peek() == EOF_RUNE) {
                    return false;
                }
                continue;
            }
            acceptRun(digits);
        }
        if (pos == initial) {
            return false;
        }
        return !isAlphaNumeric(peek());
    }

    private boolean scanDurationKeyword() {
        while (true) {
            int r = nextRune();
            if (!isAlpha(r)) {
                backup();
                Integer type = DURATION_KEYWORDS.get(text(start, pos).toLowerCase(Locale.ROOT));
                if (type != null) {
                    emit(type);
                    return true;
                }
                return false;
            }
        }
    }

    private State lexIdentifier() {
        while (isAlphaNumeric(nextRune())) {
            // consume
        }
        backup();
        emit(IDENTIFIER);
        return this::lexStatements;
    }

    private State lexKeywordOrIdentifier() {
        int r;
        do {
            r = nextRune();
        } while (isAlphaNumeric(r) || r == ':');
        backup();
        String word = text(start, pos);
        Integer keyword = KEYWORDS.get(word.toLowerCase(Locale.ROOT));
        if (keyword != null) {
            if ((keyword == FILL || keyword == FILL_LEFT || keyword == FILL_RIGHT) && !followedByLeftParen()) {
                emit(IDENTIFIER);
            } else {
                emit(keyword);
            }
        } else if (word.indexOf(':') < 0) {
            emit(IDENTIFIER);
        } else {
            emit(METRIC_IDENTIFIER);
        }
        return this::lexStatements;
    }

    private boolean followedByLeftParen() {
        for (int p = pos; p < input.length; p++) {
            if (!isSpace(input[p])) {
                return input[p] == '(';
            }
        }
        return false;
    }

    private static String quoteRuneOrEof(int r) {
        // Go formats the eof sentinel -1 with %q as the replacement character
        return GoText.quoteRune(r == EOF_RUNE ? GoText.RUNE_ERROR : r);
    }

    private static boolean isDurationKeywordStart(int r) {
        int l = Character.toLowerCase(r);
        return l == 's' || l == 'r' || l == 'm';
    }

    static boolean isSpace(int r) {
        return r == ' ' || r == '\t' || r == '\n' || r == '\r';
    }

    static boolean isDigit(int r) {
        return r >= '0' && r <= '9';
    }

    static boolean isAlpha(int r) {
        return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
    }

    static boolean isAlphaNumeric(int r) {
        return isAlpha(r) || isDigit(r);
    }
}
