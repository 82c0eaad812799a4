package io.sextant.promql.ast;

import java.util.Locale;

/** Aggregation operators; those with a parameter take it as their first argument. */
public enum AggregateOp {
    SUM(false, false),
    AVG(false, false),
    COUNT(false, false),
    MIN(false, false),
    MAX(false, false),
    GROUP(false, false),
    STDDEV(false, false),
    STDVAR(false, false),
    TOPK(true, false),
    BOTTOMK(true, false),
    COUNT_VALUES(true, false),
    QUANTILE(true, false),
    LIMITK(true, true),
    LIMIT_RATIO(true, true);

    private final boolean hasParam;
    private final boolean experimental;

    AggregateOp(boolean hasParam, boolean experimental) {
        this.hasParam = hasParam;
        this.experimental = experimental;
    }

    public boolean hasParam() {
        return hasParam;
    }

    public boolean experimental() {
        return experimental;
    }

    /** The keyword as printed: {@code sum}, {@code count_values}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
