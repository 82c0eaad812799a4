package io.sextant.storage;

import static java.util.Objects.requireNonNull;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A label matcher as in PromQL: {@code =}, {@code !=}, {@code =~}, {@code !~}. Regular expressions are fully
 * anchored. An absent label has the value {@code ""}, so a matcher that matches the empty string also
 * selects series without the label (Prometheus semantics).
 *
 * <p>Regular expressions use RE2 (RE2/J), the engine and syntax of Go's {@code regexp} that Prometheus uses:
 * no backreferences or lookaround, {@code \pL} classes, and {@code .} also matching a newline as with
 * Prometheus' {@code ^(?s:re)$}.
 */
public record Matcher(Type type, String name, String value, Pattern pattern) {
    public enum Type {
        EQUAL("="),
        NOT_EQUAL("!="),
        REGEX("=~"),
        NOT_REGEX("!~");

        private final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public Matcher {
        requireNonNull(type, "type is null");
        requireNonNull(name, "name is null");
        requireNonNull(value, "value is null");
        if ((type == Type.REGEX || type == Type.NOT_REGEX) && pattern == null) {
            throw new IllegalArgumentException("regex matcher without pattern");
        }
    }

    /**
     * Creates a matcher.
     *
     * @throws SextantException {@link ErrorCode#BAD_DATA} if the regular expression does not compile; its cause
     *     is the RE2/J exception, whose message is Go's text ({@code error parsing regexp: ...})
     */
    public static Matcher of(Type type, String name, String value) {
        Pattern p = null;
        if (type == Type.REGEX || type == Type.NOT_REGEX) {
            try {
                // Compiled once without flags so that syntax errors quote the expression as written, like Go's
                // "error parsing regexp: missing closing ): `(`"; RE2/J would quote its "(?s)" prefix.
                Pattern.compile(value);
                p = Pattern.compile(value, Pattern.DOTALL);
            } catch (PatternSyntaxException e) {
                throw new SextantException(
                        ErrorCode.BAD_DATA,
                        "invalid regular expression in matcher for label \"" + name + "\": " + e.getMessage(),
                        e);
            }
        }
        return new Matcher(type, name, value, p);
    }

    public static Matcher equal(String name, String value) {
        return of(Type.EQUAL, name, value);
    }

    /** Whether a label value (empty when the label is absent) satisfies this matcher. */
    public boolean matches(String v) {
        return switch (type) {
            case EQUAL -> value.equals(v);
            case NOT_EQUAL -> !value.equals(v);
            case REGEX -> pattern.matcher(v).matches();
            case NOT_REGEX -> !pattern.matcher(v).matches();
        };
    }

    public boolean matchesEmpty() {
        return matches("");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matcher m && m.type == type && m.name.equals(name) && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return (type.hashCode() * 31 + name.hashCode()) * 31 + value.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(
                Labels.isLegacyName(name)
                        ? name
                        : '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        sb.append(type.symbol()).append('"');
        sb.append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"));
        return sb.append('"').toString();
    }
}
