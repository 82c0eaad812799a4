package io.sextant.promql.ast;

/** Binary operators with their canonical spelling. */
public enum BinaryOp {
    ADD("+", Kind.ARITHMETIC),
    SUB("-", Kind.ARITHMETIC),
    MUL("*", Kind.ARITHMETIC),
    DIV("/", Kind.ARITHMETIC),
    MOD("%", Kind.ARITHMETIC),
    POW("^", Kind.ARITHMETIC),
    ATAN2("atan2", Kind.ARITHMETIC),
    EQLC("==", Kind.COMPARISON),
    NEQ("!=", Kind.COMPARISON),
    GTR(">", Kind.COMPARISON),
    LSS("<", Kind.COMPARISON),
    GTE(">=", Kind.COMPARISON),
    LTE("<=", Kind.COMPARISON),
    TRIM_UPPER("</", Kind.ARITHMETIC),
    TRIM_LOWER(">/", Kind.ARITHMETIC),
    AND("and", Kind.SET),
    OR("or", Kind.SET),
    UNLESS("unless", Kind.SET);

    private enum Kind {
        ARITHMETIC,
        COMPARISON,
        SET
    }

    private final String text;
    private final Kind kind;

    BinaryOp(String text, Kind kind) {
        this.text = text;
        this.kind = kind;
    }

    public String text() {
        return text;
    }

    public boolean isComparison() {
        return kind == Kind.COMPARISON;
    }

    public boolean isSetOperator() {
        return kind == Kind.SET;
    }
}
