package io.sextant.planner;

import static java.util.Objects.requireNonNull;

/**
 * The time range a series scan reads, relative to the times it is evaluated at: the window {@code (anchor +
 * lowMs, anchor + highMs]} around every anchor. The anchors are the evaluation's steps, the query's start or
 * end, or one fixed time ({@code @}). Plans are cached by query shape, so the range is kept relative and
 * resolved per execution.
 */
public record ScanWindow(Anchor anchor, long fixedMs, long lowMs, long highMs) {
    public enum Anchor {
        STEPS,
        START,
        END,
        FIXED
    }

    public ScanWindow {
        requireNonNull(anchor, "anchor is null");
        if (lowMs > highMs) {
            throw new IllegalArgumentException("lowMs > highMs");
        }
    }

    /** The first time to read (inclusive), for an evaluation over steps {@code first..last} of a query. */
    public long from(long first, long queryStart, long queryEnd) {
        return anchorTime(first, queryStart, queryEnd) + lowMs + 1;
    }

    /** The last time to read (inclusive). */
    public long to(long last, long queryStart, long queryEnd) {
        return anchorTime(last, queryStart, queryEnd) + highMs;
    }

    private long anchorTime(long step, long queryStart, long queryEnd) {
        return switch (anchor) {
            case STEPS -> step;
            case START -> queryStart;
            case END -> queryEnd;
            case FIXED -> fixedMs;
        };
    }

    @Override
    public String toString() {
        String a =
                switch (anchor) {
                    case STEPS -> "step";
                    case START -> "start()";
                    case END -> "end()";
                    case FIXED -> "@" + fixedMs;
                };
        return "(" + a + relative(lowMs) + ", " + a + relative(highMs) + "]";
    }

    private static String relative(long ms) {
        if (ms == 0) {
            return "";
        }
        return (ms < 0 ? "-" : "+") + duration(Math.abs(ms));
    }

    /** Prometheus' duration notation: {@code 1h30m}, {@code 5m}, {@code 1s500ms}. */
    public static String duration(long ms) {
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long[] units = {86_400_000L * 365, 86_400_000L * 7, 86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] names = {"y", "w", "d", "h", "m", "s", "ms"};
        long rest = ms;
        for (int i = 0; i < units.length; i++) {
            if (rest >= units[i]) {
                sb.append(rest / units[i]).append(names[i]);
                rest %= units[i];
            }
        }
        return sb.toString();
    }
}
