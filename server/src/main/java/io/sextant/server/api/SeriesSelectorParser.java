package io.sextant.server.api;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.SextantException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses a PromQL series selector ({@code match[]} of the Prometheus read endpoints): {@code metric}, {@code
 * metric{a="b", c!="d", e=~"f.*", g!~"h"}}, {@code {__name__=~"x.*"}}, and Prometheus 3's quoted names
 * ({@code {"my.metric", "a.b"="x"}}). Strings take double quotes, single quotes or backticks with Go's escapes;
 * a trailing comma is allowed; {@code #} starts a comment.
 *
 * <p>The tokens and error messages follow Prometheus' lexer and yacc grammar ({@code promql/parser}), so a
 * bad selector gets the same {@code line:column: parse error: ...} text (columns count UTF-8 bytes, from 1).
 * Like Prometheus' {@code ParseMetricSelector}, this does not reject selectors whose matchers all match the
 * empty string; the endpoints do. The full PromQL parser replaces this class.
 */
public final class SeriesSelectorParser {
    private enum Kind {
        IDENTIFIER,
        METRIC_IDENTIFIER,
        METRIC_KEYWORD,
        KEYWORD,
        STRING,
        NUMBER,
        DURATION,
        LEFT_BRACE,
        RIGHT_BRACE,
        COMMA,
        EQL,
        NEQ,
        EQL_REGEX,
        NEQ_REGEX,
        OTHER,
        ERROR,
        EOF
    }

    /**
     * One token; {@code pos} is a char index into the input, {@code desc} how Prometheus names the token in
     * "unexpected ..." messages, and for ERROR the lexer's message.
     */
    private record Token(Kind kind, int pos, String text, String desc) {}

    /** A PromQL keyword: how Prometheus' {@code Item.String} shows it, and whether it may name a metric. */
    private record Keyword(String format, boolean metricName) {}

    private static final Map<String, Keyword> KEYWORDS = keywords();

    private static Map<String, Keyword> keywords() {
        Map<String, Keyword> k = new HashMap<>();
        for (String w : List.of("and", "or", "unless")) {
            k.put(w, new Keyword("<op:%s>", true));
        }
        k.put("atan2", new Keyword("<op:%s>", false));
        for (String w : List.of(
                "sum",
                "avg",
                "count",
                "min",
                "max",
                "group",
                "stddev",
                "stdvar",
                "topk",
                "bottomk",
                "count_values",
                "quantile",
                "limitk",
                "limit_ratio")) {
            k.put(w, new Keyword("<aggr:%s>", true));
        }
        for (String w : List.of("by", "without", "offset", "smoothed", "anchored", "fill", "fill_left", "fill_right")) {
            k.put(w, new Keyword("<%s>", true));
        }
        for (String w : List.of("bool", "on", "ignoring", "group_left", "group_right")) {
            k.put(w, new Keyword("<%s>", false));
        }
        for (String w : List.of("start", "end", "step", "range", "max_of", "min_of")) {
            k.put(w, new Keyword("\"%s\"", true));
        }
        return Map.copyOf(k);
    }

    private static final Pattern DURATION =
            Pattern.compile("(\\d+y)?(\\d+w)?(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?");
    private static final Pattern NUMBER =
            Pattern.compile("(?i)(0x[0-9a-f]+|[0-9]+(\\.[0-9]*)?(e[+-]?[0-9]+)?|\\.[0-9]+(e[+-]?[0-9]+)?|inf|nan)");

    private final String input;
    private int pos;
    private boolean insideBraces;

    private SeriesSelectorParser(String input) {
        this.input = input;
    }

    /**
     * The matchers of {@code selector}; a metric name outside braces becomes a trailing {@code __name__}
     * matcher, as in Prometheus.
     *
     * @throws SextantException {@link ErrorCode#BAD_DATA} with Prometheus' parse error text
     */
    public static List<Matcher> parse(String selector) {
        return new SeriesSelectorParser(selector).selector();
    }

    private List<Matcher> selector() {
        List<Matcher> matchers = new ArrayList<>();
        Token t = next();
        if (isMetricIdentifier(t)) {
            Token name = t;
            t = next();
            if (t.kind == Kind.LEFT_BRACE) {
                braces(matchers);
                t = next();
            }
            matchers.add(Matcher.equal(Labels.METRIC_NAME, name.text));
        } else if (t.kind == Kind.LEFT_BRACE) {
            braces(matchers);
            t = next();
        } else {
            throw unexpected(t, "", "");
        }
        if (t.kind != Kind.EOF) {
            throw unexpected(t, "", "");
        }
        return matchers;
    }

    private static boolean isMetricIdentifier(Token t) {
        return t.kind == Kind.IDENTIFIER || t.kind == Kind.METRIC_IDENTIFIER || t.kind == Kind.METRIC_KEYWORD;
    }

    /** The matchers between braces; the left brace has been read. */
    private void braces(List<Matcher> out) {
        Token t = next();
        if (t.kind == Kind.RIGHT_BRACE) {
            return;
        }
        while (true) {
            Token after;
            if (t.kind == Kind.IDENTIFIER) {
                Token op = next();
                if (!isMatchOp(op)) {
                    throw unexpected(op, "label matching", "label matching operator");
                }
                out.add(matcher(t, t.text, op, next()));
                after = next();
            } else if (t.kind == Kind.STRING) {
                String name = unquote(t);
                Token op = next();
                if (isMatchOp(op)) {
                    out.add(matcher(t, name, op, next()));
                    after = next();
                } else {
                    out.add(matcher(t, Labels.METRIC_NAME, Matcher.Type.EQUAL, name));
                    after = op;
                }
            } else {
                throw unexpected(t, "label matching", "identifier or \"}\"");
            }
            if (after.kind == Kind.RIGHT_BRACE) {
                return;
            }
            if (after.kind != Kind.COMMA) {
                throw unexpected(after, "label matching", "\",\" or \"}\"");
            }
            t = next();
            if (t.kind == Kind.RIGHT_BRACE) {
                return;
            }
        }
    }

    private static boolean isMatchOp(Token t) {
        return t.kind == Kind.EQL || t.kind == Kind.NEQ || t.kind == Kind.EQL_REGEX || t.kind == Kind.NEQ_REGEX;
    }

    private Matcher matcher(Token label, String name, Token op, Token value) {
        if (value.kind != Kind.STRING) {
            throw unexpected(value, "label matching", "string");
        }
        Matcher.Type type =
                switch (op.kind) {
                    case EQL -> Matcher.Type.EQUAL;
                    case NEQ -> Matcher.Type.NOT_EQUAL;
                    case EQL_REGEX -> Matcher.Type.REGEX;
                    default -> Matcher.Type.NOT_REGEX;
                };
        return matcher(label, name, type, unquote(value));
    }

    private Matcher matcher(Token label, String name, Matcher.Type type, String value) {
        try {
            return Matcher.of(type, name, value);
        } catch (SextantException e) {
            throw error(label.pos, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- errors

    private SextantException unexpected(Token t, String context, String expected) {
        if (t.kind == Kind.ERROR) {
            return error(t.pos, t.desc);
        }
        StringBuilder sb = new StringBuilder("unexpected ").append(t.desc);
        if (!context.isEmpty()) {
            sb.append(" in ").append(context);
        }
        if (!expected.isEmpty()) {
            sb.append(", expected ").append(expected);
        }
        return error(t.pos, sb.toString());
    }

    private SextantException error(int charPos, String message) {
        return new SextantException(ErrorCode.BAD_DATA, position(charPos) + ": parse error: " + message);
    }

    /** Prometheus' {@code line:column} with the column in UTF-8 bytes from 1. */
    private String position(int charPos) {
        if (input.isEmpty()) {
            return "unknown position";
        }
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < charPos; i++) {
            if (input.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int col = input.substring(lineStart, charPos).getBytes(StandardCharsets.UTF_8).length + 1;
        return line + ":" + col;
    }

    // ---------------------------------------------------------------- lexer

    private Token next() {
        skipSpaceAndComments();
        int start = pos;
        if (pos >= input.length()) {
            return insideBraces
                    ? lexError(start, "unexpected end of input inside braces")
                    : new Token(Kind.EOF, start, "", "end of input");
        }
        char c = input.charAt(pos);
        return insideBraces ? insideBraces(start, c) : outsideBraces(start, c);
    }

    private void skipSpaceAndComments() {
        while (pos < input.length()) {
            char c = input.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else if (c == '#') {
                while (pos < input.length() && input.charAt(pos) != '\n' && input.charAt(pos) != '\r') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private Token insideBraces(int start, char c) {
        if (isAlpha(c)) {
            while (pos < input.length() && isAlphaNumeric(input.charAt(pos))) {
                pos++;
            }
            return word(Kind.IDENTIFIER, start, "identifier");
        }
        pos++;
        switch (c) {
            case ',':
                return punct(Kind.COMMA, start, "\",\"");
            case '}':
                insideBraces = false;
                return punct(Kind.RIGHT_BRACE, start, "\"}\"");
            case '=':
                if (peek() == '~') {
                    pos++;
                    return punct(Kind.EQL_REGEX, start, "<op:=~>");
                }
                return punct(Kind.EQL, start, "\"=\"");
            case '!':
                int n = peek();
                pos++;
                if (n == '~') {
                    return punct(Kind.NEQ_REGEX, start, "<op:!~>");
                }
                if (n == '=') {
                    return punct(Kind.NEQ, start, "<op:!=>");
                }
                return lexError(start, "unexpected character after '!' inside braces: " + quoteRune(n));
            case '"', '\'':
                return string(start, c);
            case '`':
                return rawString(start);
            case '{':
                return lexError(start, "unexpected left brace '{'");
            default:
                return lexError(start, "unexpected character inside braces: " + quoteRune(c));
        }
    }

    private Token outsideBraces(int start, char c) {
        if (isAlpha(c) || c == ':') {
            while (pos < input.length() && (isAlphaNumeric(input.charAt(pos)) || input.charAt(pos) == ':')) {
                pos++;
            }
            String w = input.substring(start, pos);
            String lower = w.toLowerCase(Locale.ROOT);
            Keyword keyword = KEYWORDS.get(lower);
            // fill, fill_left and fill_right are keywords only before a parenthesis
            if (keyword != null && !(lower.startsWith("fill") && peekAfterSpaces() != '(')) {
                return new Token(
                        keyword.metricName ? Kind.METRIC_KEYWORD : Kind.KEYWORD,
                        start,
                        w,
                        String.format(keyword.format, w));
            }
            if (lower.equals("inf") || lower.equals("nan")) {
                return word(Kind.NUMBER, start, "number");
            }
            return w.indexOf(':') >= 0
                    ? word(Kind.METRIC_IDENTIFIER, start, "metric identifier")
                    : word(Kind.IDENTIFIER, start, "identifier");
        }
        if (isDigit(c) || (c == '.' && isDigit(peekAt(pos + 1)))) {
            while (pos < input.length() && (isAlphaNumeric(input.charAt(pos)) || input.charAt(pos) == '.')) {
                pos++;
            }
            String w = input.substring(start, pos);
            if (NUMBER.matcher(w).matches()) {
                return word(Kind.NUMBER, start, "number");
            }
            if (DURATION.matcher(w).matches()) {
                return word(Kind.DURATION, start, "duration");
            }
            return lexError(start, "bad number or duration syntax: " + goQuote(w, -1));
        }
        pos++;
        switch (c) {
            case '{':
                insideBraces = true;
                return punct(Kind.LEFT_BRACE, start, "\"{\"");
            case ',':
                return punct(Kind.COMMA, start, "\",\"");
            case '(':
                return punct(Kind.OTHER, start, "\"(\"");
            case '[':
                return punct(Kind.OTHER, start, "\"[\"");
            case ')':
                return lexError(start, "unexpected right parenthesis ')'");
            case ']':
                return lexError(start, "unexpected right bracket ']'");
            case '"', '\'':
                return string(start, c);
            case '`':
                return rawString(start);
            case '=':
                if (peek() == '=') {
                    pos++;
                    return punct(Kind.OTHER, start, "<op:==>");
                }
                if (peek() == '~') {
                    return lexError(start, "unexpected character after '=': '~'");
                }
                return punct(Kind.EQL, start, "\"=\"");
            case '!':
                if (peek() != '=') {
                    int n = peek();
                    return lexError(start, "unexpected character after '!': " + quoteRune(n));
                }
                pos++;
                return punct(Kind.OTHER, start, "<op:!=>");
            case '<', '>':
                if (peek() == '=' || peek() == '/') {
                    pos++;
                }
                return punct(Kind.OTHER, start, "<op:" + input.substring(start, pos) + ">");
            case '+', '-', '*', '/', '%', '^', '@':
                return punct(Kind.OTHER, start, "<op:" + c + ">");
            default:
                return lexError(start, "unexpected character: " + quoteRune(input.codePointAt(start)));
        }
    }

    private Token string(int start, char quote) {
        while (pos < input.length()) {
            char c = input.charAt(pos++);
            if (c == '\\') {
                String err = escape(quote);
                if (err != null) {
                    return lexError(start, err);
                }
            } else if (c == '\n') {
                return lexError(start, "unterminated quoted string");
            } else if (c == quote) {
                return word(Kind.STRING, start, "string");
            }
        }
        return lexError(start, "unterminated quoted string");
    }

    /** Validates the escape after a backslash as Prometheus' lexEscape does; returns the error or null. */
    private String escape(char quote) {
        if (pos >= input.length()) {
            return "escape sequence not terminated";
        }
        char c = input.charAt(pos++);
        int digits;
        int base;
        int max;
        switch (c) {
            case 'a', 'b', 'f', 'n', 'r', 't', 'v', '\\' -> {
                return null;
            }
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                pos--;
                digits = 3;
                base = 8;
                max = 255;
            }
            case 'x' -> {
                digits = 2;
                base = 16;
                max = 255;
            }
            case 'u' -> {
                digits = 4;
                base = 16;
                max = Character.MAX_CODE_POINT;
            }
            case 'U' -> {
                digits = 8;
                base = 16;
                max = Character.MAX_CODE_POINT;
            }
            default -> {
                if (c == quote) {
                    return null;
                }
                return "unknown escape sequence " + goUnicode(input.codePointAt(pos - 1));
            }
        }
        long x = 0;
        for (int i = 0; i < digits; i++) {
            if (pos >= input.length()) {
                return "escape sequence not terminated";
            }
            int d = Character.digit(input.charAt(pos), 16);
            if (d < 0 || d >= base) {
                return "illegal character " + goUnicode(input.codePointAt(pos)) + " in escape sequence";
            }
            x = x * base + d;
            pos++;
        }
        if (x > max || (x >= 0xD800 && x < 0xE000)) {
            return "escape sequence is an invalid Unicode code point";
        }
        return null;
    }

    private Token rawString(int start) {
        int end = input.indexOf('`', pos);
        if (end < 0) {
            pos = input.length();
            return lexError(start, "unterminated raw string");
        }
        pos = end + 1;
        return word(Kind.STRING, start, "string");
    }

    private Token word(Kind kind, int start, String typeDesc) {
        String text = input.substring(start, pos);
        return new Token(kind, start, text, typeDesc + " " + itemString(kind, text));
    }

    private Token punct(Kind kind, int start, String desc) {
        return new Token(kind, start, input.substring(start, pos), desc);
    }

    private Token lexError(int start, String message) {
        pos = input.length();
        return new Token(Kind.ERROR, start, "", message);
    }

    private int peekAfterSpaces() {
        int i = pos;
        while (i < input.length() && Character.isWhitespace(input.charAt(i))) {
            i++;
        }
        return peekAt(i);
    }

    private int peek() {
        return peekAt(pos);
    }

    private int peekAt(int i) {
        return i < input.length() ? input.charAt(i) : -1;
    }

    private static boolean isAlpha(int c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlphaNumeric(int c) {
        return isAlpha(c) || isDigit(c);
    }

    // ---------------------------------------------------------------- strings

    /** Go's {@code Item.String}: identifiers quoted, longer literals cut to 10 runes ({@code %.10q...}). */
    private static String itemString(Kind kind, String text) {
        if (kind == Kind.IDENTIFIER || kind == Kind.METRIC_IDENTIFIER) {
            return goQuote(text, -1);
        }
        return text.getBytes(StandardCharsets.UTF_8).length > 10 ? goQuote(text, 10) + "..." : goQuote(text, -1);
    }

    /** The string literal's value: Go escapes for quoted strings (bytes from {@code \x}/octal), raw for backticks. */
    private String unquote(Token t) {
        String s = t.text;
        char quote = s.charAt(0);
        String body = s.substring(1, s.length() - 1);
        if (quote == '`') {
            return body.replace("\r", "");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length());
        for (int i = 0; i < body.length(); ) {
            int cp = body.codePointAt(i);
            if (cp != '\\') {
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp);
                continue;
            }
            char e = body.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'a' -> out.write(7);
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(11);
                case 'x' -> {
                    out.write(Integer.parseInt(body, i, i + 2, 16));
                    i += 2;
                }
                case 'u', 'U' -> {
                    int n = e == 'u' ? 4 : 8;
                    byte[] b = new String(Character.toChars(Integer.parseInt(body, i, i + n, 16)))
                            .getBytes(StandardCharsets.UTF_8);
                    out.write(b, 0, b.length);
                    i += n;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        out.write(Integer.parseInt(body, i - 1, i + 2, 8));
                        i += 2;
                    } else {
                        out.write(e);
                    }
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Go's {@code %q} ({@code strconv.Quote}), limited to {@code maxRunes} runes when not negative. */
    static String goQuote(String s, int maxRunes) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        int runes = 0;
        for (int i = 0; i < s.length() && (maxRunes < 0 || runes < maxRunes); runes++) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            appendEscaped(sb, cp, '"');
        }
        return sb.append('"').toString();
    }

    private static String quoteRune(int cp) {
        if (cp < 0) {
            return "'\uFFFD'";
        }
        StringBuilder sb = new StringBuilder("'");
        appendEscaped(sb, cp, '\'');
        return sb.append('\'').toString();
    }

    /** Go's {@code %#U}: {@code U+0071 'q'}. */
    private static String goUnicode(int cp) {
        String hex = String.format("U+%04X", cp);
        return isPrint(cp) ? hex + " '" + new String(Character.toChars(cp)) + "'" : hex;
    }

    private static void appendEscaped(StringBuilder sb, int cp, char quote) {
        switch (cp) {
            case 7 -> sb.append("\\a");
            case '\b' -> sb.append("\\b");
            case '\f' -> sb.append("\\f");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            case 11 -> sb.append("\\v");
            case '\\' -> sb.append("\\\\");
            default -> {
                if (cp == quote) {
                    sb.append('\\').appendCodePoint(cp);
                } else if (isPrint(cp)) {
                    sb.appendCodePoint(cp);
                } else if (cp < 0x80) {
                    sb.append(String.format("\\x%02x", cp));
                } else if (cp < 0x10000) {
                    sb.append(String.format("\\u%04x", cp));
                } else {
                    sb.append(String.format("\\U%08x", cp));
                }
            }
        }
    }

    private static boolean isPrint(int cp) {
        if (cp < 0x20 || cp == 0x7f) {
            return false;
        }
        int type = Character.getType(cp);
        return type != Character.CONTROL
                && type != Character.FORMAT
                && type != Character.SURROGATE
                && type != Character.PRIVATE_USE
                && type != Character.UNASSIGNED
                && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR
                && (type != Character.SPACE_SEPARATOR || cp == ' ');
    }
}
