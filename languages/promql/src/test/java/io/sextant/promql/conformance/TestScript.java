package io.sextant.promql.conformance;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus {@code .test} script (the promqltest format, described in the conformance corpus' FORMAT.md)
 * split into commands. Series lines (loaded or expected) stay text here; the runner parses them with the
 * PromQL series-description parser.
 */
final class TestScript {
    sealed interface Command permits Load, Clear, Eval {
        /** 1-based line of the command in its file. */
        int line();
    }

    record Load(int line, long intervalMs, boolean withNhcb, List<String> series) implements Command {
        Load {
            series = List.copyOf(series);
        }
    }

    record Clear(int line) implements Command {}

    enum ExpectKind {
        FAIL,
        WARN,
        INFO,
        NO_WARN,
        NO_INFO,
        ORDERED
    }

    /** An {@code expect} line: its kind and, for fail/warn/info, an exact message or a regex (both may be null). */
    record Expect(ExpectKind kind, String message, String regex) {
        Expect {
            requireNonNull(kind, "kind is null");
        }
    }

    /**
     * An eval: instant at {@code start} (then {@code start == end}, step 0) or a range query; the expression
     * text verbatim; expectations; expected series lines, or a scalar, or a string; and for an instant query
     * over a range vector, the timestamps its values map to.
     */
    record Eval(
            int line,
            boolean range,
            long start,
            long end,
            long step,
            String expr,
            List<Expect> expects,
            List<String> series,
            String scalar,
            String string,
            long[] rangeVector,
            boolean legacyFail)
            implements Command {
        Eval {
            requireNonNull(expr, "expr is null");
            expects = List.copyOf(expects);
            series = List.copyOf(series);
        }

        boolean expects(ExpectKind kind) {
            return expects.stream().anyMatch(e -> e.kind() == kind);
        }

        boolean expectsFailure() {
            return legacyFail || expects(ExpectKind.FAIL);
        }
    }

    private static final Pattern INSTANT =
            Pattern.compile("^eval(?:_(fail|warn|info|ordered))?\\s+instant\\s+(?:at\\s+(\\S*)\\s+)?(.+)$");
    private static final Pattern RANGE = Pattern.compile(
            "^eval(?:_(fail|warn|info))?\\s+range\\s+from\\s+(.+)\\s+to\\s+(.+)\\s+step\\s+(\\S+)\\s+(.+)$");
    private static final Pattern RANGE_VECTOR =
            Pattern.compile("^expect range vector from (\\S+) to (\\S+) step (\\S+)$");
    private static final Pattern EXPECT = Pattern.compile("^expect\\s+(\\S+)(?:\\s+(msg|regex):(.*))?$");

    private TestScript() {}

    static List<Command> parse(String text) {
        String[] lines = text.split("\n", -1);
        List<Command> out = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String l = lines[i].trim();
            if (l.isEmpty() || l.startsWith("#")) {
                i++;
                continue;
            }
            String word = l.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
            int lineNo = i + 1;
            int end = i + 1;
            while (end < lines.length && isBlockLine(lines[end])) {
                end++;
            }
            List<String> block = new ArrayList<>();
            for (int k = i + 1; k < end; k++) {
                block.add(lines[k].trim());
            }
            if (word.equals("clear")) {
                // A one-line command: the next line may start the next command.
                out.add(new Clear(lineNo));
                i++;
            } else if (word.startsWith("load")) {
                out.add(parseLoad(lineNo, l, block));
                i = end;
            } else if (word.startsWith("eval")) {
                i = parseEval(lineNo, l, block, out) + i + 1;
            } else {
                throw new IllegalArgumentException("line " + lineNo + ": invalid command " + l);
            }
        }
        return out;
    }

    private static boolean isBlockLine(String raw) {
        String l = raw.trim();
        return !l.isEmpty() && !l.startsWith("#");
    }

    private static Load parseLoad(int line, String l, List<String> block) {
        String[] parts = l.split("\\s+");
        if (parts.length != 2 || !(parts[0].equals("load") || parts[0].equals("load_with_nhcb"))) {
            throw new IllegalArgumentException("line " + line + ": invalid load command " + l);
        }
        return new Load(line, duration(parts[1], line), parts[0].equals("load_with_nhcb"), block);
    }

    /** Parses an eval and its block; returns how many block lines it used (a scalar or fail-message line ends it). */
    private static int parseEval(int line, String l, List<String> block, List<Command> out) {
        Matcher instant = INSTANT.matcher(l);
        Matcher range = RANGE.matcher(l);
        boolean isRange;
        String variant;
        long start;
        long end;
        long step = 0;
        String expr;
        if (instant.matches()) {
            isRange = false;
            variant = instant.group(1);
            if (instant.group(2) == null) {
                throw new IllegalArgumentException("line " + line + ": instant eval without a time");
            }
            start = duration(instant.group(2), line);
            end = start;
            expr = instant.group(3).trim();
        } else if (range.matches()) {
            isRange = true;
            variant = range.group(1);
            start = duration(range.group(2).trim(), line);
            end = duration(range.group(3).trim(), line);
            step = duration(range.group(4), line);
            expr = range.group(5).trim();
            if (end < start) {
                throw new IllegalArgumentException("line " + line + ": range end before start");
            }
        } else {
            throw new IllegalArgumentException("line " + line + ": invalid eval command " + l);
        }
        List<Expect> expects = new ArrayList<>();
        List<String> series = new ArrayList<>();
        String scalar = null;
        String string = null;
        long[] rangeVector = null;
        boolean legacyFail = "fail".equals(variant);
        if ("warn".equals(variant)) {
            expects.add(new Expect(ExpectKind.WARN, null, null));
        } else if ("info".equals(variant)) {
            expects.add(new Expect(ExpectKind.INFO, null, null));
        } else if ("ordered".equals(variant)) {
            expects.add(new Expect(ExpectKind.ORDERED, null, null));
        }
        int used = 0;
        for (String b : block) {
            used++;
            if (legacyFail && b.startsWith("expected_fail_message ")) {
                expects.add(new Expect(
                        ExpectKind.FAIL,
                        b.substring("expected_fail_message ".length()).trim(),
                        null));
                break;
            }
            if (legacyFail && b.startsWith("expected_fail_regexp ")) {
                expects.add(new Expect(
                        ExpectKind.FAIL,
                        null,
                        b.substring("expected_fail_regexp ".length()).trim()));
                break;
            }
            Matcher rv = RANGE_VECTOR.matcher(b);
            if (rv.matches()) {
                long from = duration(rv.group(1), line);
                long to = duration(rv.group(2), line);
                long s = duration(rv.group(3), line);
                List<Long> ts = new ArrayList<>();
                for (long t = from; t <= to; t += s) {
                    ts.add(t);
                }
                rangeVector = ts.stream().mapToLong(Long::longValue).toArray();
                start = to;
                end = to;
                continue;
            }
            if (b.startsWith("expect string ")) {
                string = b.substring("expect string ".length());
                continue;
            }
            if (b.split("\\s+", 2)[0].equals("expect")) {
                Matcher e = EXPECT.matcher(b);
                if (!e.matches()) {
                    throw new IllegalArgumentException("line " + line + ": invalid expect line " + b);
                }
                ExpectKind kind = ExpectKind.valueOf(e.group(1).toUpperCase(Locale.ROOT));
                String msg = "msg".equals(e.group(2)) ? e.group(3).trim() : null;
                String regex = "regex".equals(e.group(2)) ? e.group(3).trim() : null;
                expects.add(new Expect(kind, msg, regex));
                continue;
            }
            if (isNumber(b)) {
                scalar = b;
                break;
            }
            series.add(b);
        }
        out.add(new Eval(
                line, isRange, start, end, step, expr, expects, series, scalar, string, rangeVector, legacyFail));
        return used;
    }

    private static final Pattern NUMBER = Pattern.compile(
            "^[+-]?(?:0[xX][0-9a-fA-F]+|(?:\\d[\\d_]*\\.?[\\d_]*|\\.\\d[\\d_]*)(?:[eE][+-]?\\d+)?|(?i:inf|infinity|nan))$");

    private static boolean isNumber(String s) {
        return NUMBER.matcher(s).matches();
    }

    private static final Pattern DURATION =
            Pattern.compile("^(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?$");

    /** A runner duration: units y w d h m s ms in descending order, or a bare 0. */
    static long duration(String s, int line) {
        if (s.equals("0")) {
            return 0;
        }
        Matcher m = DURATION.matcher(s);
        if (s.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("line " + line + ": invalid duration " + s);
        }
        long[] unit = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1};
        long ms = 0;
        for (int g = 1; g <= 7; g++) {
            if (m.group(g) != null) {
                ms += Long.parseLong(m.group(g)) * unit[g - 1];
            }
        }
        return ms;
    }
}
