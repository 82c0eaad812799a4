package io.sextant.promql.conformance;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.parser.GoNumbers;
import io.sextant.promql.parser.SeriesDescription;
import io.sextant.storage.Labels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What an eval expects as its result (FORMAT.md §4.2): a set of series, a scalar or a string. */
sealed interface Expected permits Expected.SeriesSet, Expected.ScalarValue, Expected.StringValue {
    /**
     * One expected series line.
     *
     * @param position 1-based position among the eval block's result lines, for {@code expect ordered}
     * @param values the non-gap items, each with its position in the sequence
     * @param length how many positions the sequence spans, trailing gaps included (a range query cannot
     *     return more points than it has steps, so those count too)
     */
    record Series(Labels labels, int position, List<SeriesDescription.Value> values, int length) {
        public Series {
            requireNonNull(labels, "labels is null");
            values = List.copyOf(values);
        }
    }

    /**
     * Expected series by label set; a repeated label set keeps the later line, as the reference runner's map
     * does. Empty means an empty vector or a matrix without series.
     */
    record SeriesSet(Map<Labels, Series> byLabels) implements Expected {
        public SeriesSet {
            byLabels = Map.copyOf(byLabels);
        }
    }

    record ScalarValue(double value) implements Expected {}

    record StringValue(String value) implements Expected {
        public StringValue {
            requireNonNull(value, "value is null");
        }
    }

    /**
     * The expectation of {@code eval}.
     *
     * @throws RuntimeException if a result line does not parse (native histograms included)
     */
    static Expected of(TestScript.Eval eval) {
        if (eval.string() != null) {
            return new StringValue(GoStringLiteral.unquote(eval.string()));
        }
        if (eval.scalar() != null) {
            return new ScalarValue(parseScalar(eval.scalar()));
        }
        Map<Labels, Series> byLabels = new LinkedHashMap<>();
        List<String> lines = eval.series();
        for (int i = 0; i < lines.size(); i++) {
            SeriesDescription d = SeriesDescription.parse(lines.get(i));
            byLabels.put(d.labels(), new Series(d.labels(), i + 1, d.values(), length(lines.get(i), d)));
        }
        return new SeriesSet(byLabels);
    }

    /**
     * Positions spanned by a parsed line: the last value's position plus the gaps after it, which the parser
     * consumes without a trace (a label set never ends in a bare {@code _} token, so scanning from the end
     * is safe).
     */
    private static int length(String line, SeriesDescription d) {
        String[] tokens = line.trim().split("\\s+");
        int gaps = 0;
        for (int t = tokens.length - 1; t > 0; t--) {
            String tok = tokens[t];
            if (tok.equals("_")) {
                gaps++;
            } else if (tok.matches("_x[0-9]+")) {
                gaps += Integer.parseInt(tok.substring(2));
            } else {
                break;
            }
        }
        int used =
                d.values().isEmpty() ? 0 : d.values().get(d.values().size() - 1).index() + 1;
        return used + gaps;
    }

    /**
     * A scalar result line as the reference runner reads it: Go's {@code strconv.ParseInt(s, 0, 64)}, else
     * {@code strconv.ParseFloat(s, 64)}; both take a sign, which {@link GoNumbers#parseLiteral} (a PromQL
     * token, always unsigned) does not.
     */
    static double parseScalar(String s) {
        boolean signed = s.startsWith("+") || s.startsWith("-");
        String body = signed ? s.substring(1) : s;
        if (signed && (body.startsWith("+") || body.startsWith("-") || body.regionMatches(true, 0, "nan", 0, 3))) {
            throw new IllegalArgumentException("invalid scalar " + s);
        }
        double v = GoNumbers.parseLiteral(body);
        return s.startsWith("-") ? -v : v;
    }
}
