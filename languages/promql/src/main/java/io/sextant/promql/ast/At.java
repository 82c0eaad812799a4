package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

/** The {@code @} modifier: none, a timestamp in milliseconds, or the query's {@code start()} / {@code end()}. */
public record At(Kind kind, long millis) {
    public enum Kind {
        NONE,
        TIMESTAMP,
        START,
        END
    }

    public static final At NONE = new At(Kind.NONE, 0);
    public static final At START = new At(Kind.START, 0);
    public static final At END = new At(Kind.END, 0);

    public At {
        requireNonNull(kind, "kind is null");
        if (kind != Kind.TIMESTAMP && millis != 0) {
            throw new IllegalArgumentException("only a timestamp @ has milliseconds");
        }
    }

    public static At timestamp(long millis) {
        return new At(Kind.TIMESTAMP, millis);
    }

    public boolean isSet() {
        return kind != Kind.NONE;
    }
}
