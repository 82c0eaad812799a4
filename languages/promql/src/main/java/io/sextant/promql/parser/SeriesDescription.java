package io.sextant.promql.parser;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.grammar.PromQLGrammar;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.Token;

/**
 * A series line of the PromQL test format ({@code load} blocks): a label set and a value sequence such as
 * {@code {a="b"} 0+10x3 _ stale -2x2 _x3 Inf}. Only float values are supported; native-histogram values
 * ({@code {{...}}}) are rejected.
 *
 * @param values the samples in order; positions skipped with {@code _} have no entry
 */
public record SeriesDescription(Labels labels, List<Value> values) {
    /** Prometheus' stale marker, a NaN with this exact bit pattern. */
    public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    /** The sample at position {@code index} of the sequence (0 is the first); a stale marker when {@code stale}. */
    public record Value(int index, double value, boolean stale) {
        public static Value stale(int index) {
            return new Value(index, Double.longBitsToDouble(STALE_NAN_BITS), true);
        }
    }

    private static final String NUMBER =
            "(?:(?:[0-9][0-9_]*(?:\\.[0-9_]*)?|\\.[0-9][0-9_]*)(?:[eE][+-]?[0-9][0-9_]*)?|(?i:inf|nan))";
    private static final Pattern EXPANDING =
            Pattern.compile("([+-]?" + NUMBER + ")(?:([+-])(" + NUMBER + "))?(?:x([0-9]+))?");
    private static final Pattern GAPS = Pattern.compile("_(?:x([0-9]+))?");

    public SeriesDescription {
        requireNonNull(labels, "labels is null");
        values = List.copyOf(requireNonNull(values, "values is null"));
    }

    /**
     * Parses one series line.
     *
     * @throws PromQLParseException if the line is malformed; for a native histogram value the error reads {@code
     *     native histograms are not supported}
     */
    public static SeriesDescription parse(String line) {
        byte[] input = GoText.utf8(line);
        int metricEnd = metricEnd(line, input);
        String metric = GoText.decode(input, 0, metricEnd);
        Labels.Builder labels = Labels.builder();
        for (Matcher m : PromQLParser.parseMetricSelector(metric)) {
            if (m.type() != Matcher.Type.EQUAL) {
                throw new PromQLParseException(
                        line,
                        new PositionRange(0, metricEnd),
                        "unexpected " + GoText.quote(m.type().symbol()) + " in label set, expected \"=\"");
            }
            labels.set(m.name(), m.value());
        }
        List<Value> values = new ArrayList<>();
        int index = 0;
        int pos = metricEnd;
        while (pos < input.length) {
            if (PromQLLexer.isSpace(input[pos])) {
                pos++;
                continue;
            }
            int start = pos;
            while (pos < input.length && !PromQLLexer.isSpace(input[pos])) {
                pos++;
            }
            String item = GoText.decode(input, start, pos);
            index = item(line, new PositionRange(start, pos), item, index, values);
        }
        return new SeriesDescription(labels.build(), values);
    }

    /** The byte offset where the label set ends: after the metric name and its braces, if any. */
    private static int metricEnd(String line, byte[] input) {
        PromQLLexer lexer = new PromQLLexer(input);
        PromQLLexer.Item first = lexer.next();
        PromQLLexer.Item last = first;
        if (first.type() != PromQLGrammar.LEFT_BRACE) {
            if (first.type() == PromQLGrammar.ERROR
                    || first.type() == Token.EOF
                    || first.type() == PromQLGrammar.NUMBER) {
                throw new PromQLParseException(
                        line, new PositionRange(first.pos(), first.end()), "missing series labels");
            }
            // braces belong to the name only when they follow it directly, as in the test format's lexer
            if (first.end() >= input.length || input[first.end()] != '{') {
                return first.end();
            }
            last = lexer.next();
        }
        while (last.type() != PromQLGrammar.RIGHT_BRACE) {
            if (last.type() == PromQLGrammar.ERROR) {
                throw new PromQLParseException(line, new PositionRange(last.pos(), last.end()), last.val());
            }
            last = lexer.next();
        }
        return last.end();
    }

    private static int item(String line, PositionRange where, String item, int index, List<Value> out) {
        if (item.startsWith("{{")) {
            throw new PromQLParseException(line, where, "native histograms are not supported");
        }
        java.util.regex.Matcher gaps = GAPS.matcher(item);
        if (gaps.matches()) {
            return index + (gaps.group(1) == null ? 1 : repetitions(line, where, gaps.group(1)));
        }
        if (item.equals("stale")) {
            out.add(Value.stale(index));
            return index + 1;
        }
        java.util.regex.Matcher m = EXPANDING.matcher(item);
        if (!m.matches() || (m.group(2) != null && m.group(4) == null)) {
            throw new PromQLParseException(
                    line,
                    where,
                    "unexpected " + GoText.quote(item) + " in series values, expected number or \"stale\"");
        }
        double value = number(line, where, m.group(1));
        if (m.group(4) == null) {
            out.add(new Value(index, value, false));
            return index + 1;
        }
        int times = repetitions(line, where, m.group(4));
        double increment = 0;
        if (m.group(2) != null) {
            increment = number(line, where, m.group(3));
            if (m.group(2).equals("-")) {
                increment = -increment;
            }
        }
        // repeated addition, not multiplication, so that rounding matches Prometheus' loader
        for (int i = 0; i <= times; i++) {
            out.add(new Value(index + i, value, false));
            value += increment;
        }
        return index + times + 1;
    }

    private static double number(String line, PositionRange where, String text) {
        boolean negative = text.startsWith("-");
        String digits = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
        String lower = digits.toLowerCase(Locale.ROOT);
        double v;
        if (lower.equals("inf")) {
            v = Double.POSITIVE_INFINITY;
        } else if (lower.equals("nan")) {
            v = Double.NaN;
        } else {
            try {
                v = GoNumbers.parseLiteral(digits);
            } catch (IllegalArgumentException e) {
                throw new PromQLParseException(line, where, "error parsing number: " + e.getMessage());
            }
        }
        return negative ? -v : v;
    }

    private static int repetitions(String line, PositionRange where, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new PromQLParseException(
                    line, where, "invalid repetition in series values: " + GoText.quote(text) + " is out of range");
        }
    }
}
