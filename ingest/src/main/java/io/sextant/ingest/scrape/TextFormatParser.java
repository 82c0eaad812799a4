package io.sextant.ingest.scrape;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.SextantException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses the Prometheus text exposition format 0.0.4: {@code # HELP} and {@code # TYPE} lines become {@link
 * MetricMetadata}, other {@code #} lines are comments, and every sample line is {@code name[{labels}] value
 * [timestamp_ms]}. Label values take the escapes {@code \\}, {@code \"} and {@code \n}; values are Go floats
 * including {@code NaN}, {@code +Inf} and {@code -Inf}. Errors name the line and column.
 */
public final class TextFormatParser {
    /** Passed to {@link Sink#sample} when the line has no timestamp. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern HEX =
            Pattern.compile("[+-]?0[xX]([0-9a-fA-F]+(\\.[0-9a-fA-F]*)?|\\.[0-9a-fA-F]+)[pP][+-]?\\d+");

    /** TYPE and HELP of one metric family, null until their line is seen. */
    private static final class Family {
        MetricMetadata.Type type;
        String help;
    }

    /** Receives what the text holds, in order; metadata comes last, one entry per family. */
    public interface Sink {
        void sample(Labels labels, double value, long timestampMs);

        void metadata(MetricMetadata metadata);
    }

    private final String text;
    private final Sink sink;
    private final Map<String, Family> families = new LinkedHashMap<>();
    private final Labels.Builder labels = Labels.builder();
    private int lineNo;
    private int lineStart;
    private int lineEnd;
    private int pos;

    private TextFormatParser(String text, Sink sink) {
        this.text = text;
        this.sink = sink;
    }

    /**
     * Parses {@code text} into {@code sink}.
     *
     * @throws SextantException {@link ErrorCode#BAD_DATA} naming the line and column of the first error
     */
    public static void parse(String text, Sink sink) {
        requireNonNull(text, "text is null");
        requireNonNull(sink, "sink is null");
        new TextFormatParser(text, sink).parse();
    }

    private void parse() {
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            lineNo++;
            lineStart = start;
            lineEnd = nl < 0 ? text.length() : nl;
            pos = start;
            line();
            start = lineEnd + 1;
        }
        families.forEach((name, f) -> sink.metadata(new MetricMetadata(
                name, f.type == null ? MetricMetadata.Type.UNKNOWN : f.type, f.help == null ? "" : f.help, "")));
    }

    private void line() {
        skipBlanks();
        if (pos == lineEnd) {
            return;
        }
        if (text.charAt(pos) == '#') {
            comment();
        } else {
            sample();
        }
    }

    // ---------------------------------------------------------------- comments, HELP and TYPE

    private void comment() {
        pos++;
        int afterHash = pos;
        skipBlanks();
        if (pos == afterHash) {
            return;
        }
        String keyword = word();
        if (!keyword.equals("HELP") && !keyword.equals("TYPE")) {
            return;
        }
        if (!skipBlanks()) {
            return;
        }
        int nameAt = pos;
        String name = metricName();
        if (name.isEmpty()) {
            throw error(nameAt, "expected a metric name after # " + keyword);
        }
        boolean separated = skipBlanks();
        Family family = families.computeIfAbsent(name, n -> new Family());
        if (keyword.equals("TYPE")) {
            int typeAt = pos;
            String type = word();
            skipBlanks();
            if (!separated || type.isEmpty() || pos != lineEnd) {
                throw error(typeAt, "expected one of counter, gauge, histogram, summary, untyped after # TYPE " + name);
            }
            if (family.type != null) {
                throw error(typeAt, "second TYPE line for metric " + name);
            }
            family.type = type(type, typeAt);
        } else {
            if (family.help != null) {
                throw error(nameAt, "second HELP line for metric " + name);
            }
            family.help = separated ? unescapeHelp(text.substring(pos, lineEnd)) : "";
        }
    }

    private MetricMetadata.Type type(String type, int at) {
        return switch (type) {
            case "counter" -> MetricMetadata.Type.COUNTER;
            case "gauge" -> MetricMetadata.Type.GAUGE;
            case "histogram" -> MetricMetadata.Type.HISTOGRAM;
            case "summary" -> MetricMetadata.Type.SUMMARY;
            case "untyped" -> MetricMetadata.Type.UNKNOWN;
            default -> throw error(at, "unknown metric type \"" + type + "\"");
        };
    }

    private static String unescapeHelp(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '\\' || s.charAt(i + 1) == 'n')) {
                sb.append(s.charAt(++i) == 'n' ? '\n' : '\\');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- samples

    private void sample() {
        int nameAt = pos;
        String name = metricName();
        if (name.isEmpty()) {
            throw error(nameAt, "expected a metric name, got " + describe(nameAt));
        }
        labels.reset();
        labels.add(Labels.METRIC_NAME, name);
        if (pos < lineEnd && text.charAt(pos) == '{') {
            pos++;
            labelPairs();
        }
        if (!skipBlanks()) {
            throw error(pos, "expected a space and a value after " + name + ", got " + describe(pos));
        }
        int valueAt = pos;
        double value = value(word(), valueAt);
        long timestamp = NO_TIMESTAMP;
        if (skipBlanks() && pos < lineEnd) {
            int tsAt = pos;
            timestamp = timestamp(word(), tsAt);
            skipBlanks();
        }
        if (pos != lineEnd) {
            throw error(pos, "unexpected " + describe(pos) + " after the sample");
        }
        Labels built;
        try {
            built = labels.build();
        } catch (SextantException e) {
            throw error(nameAt, e.getMessage());
        }
        sink.sample(built, value, timestamp);
    }

    private void labelPairs() {
        while (true) {
            skipBlanks();
            if (pos < lineEnd && text.charAt(pos) == '}') {
                pos++;
                return;
            }
            int nameAt = pos;
            String name = labelName();
            if (name.isEmpty()) {
                throw error(nameAt, "expected a label name or '}', got " + describe(nameAt));
            }
            skipBlanks();
            if (pos >= lineEnd || text.charAt(pos) != '=') {
                throw error(pos, "expected '=' after label name " + name + ", got " + describe(pos));
            }
            pos++;
            skipBlanks();
            if (pos >= lineEnd || text.charAt(pos) != '"') {
                throw error(pos, "expected '\"' to start the value of label " + name + ", got " + describe(pos));
            }
            labels.add(name, labelValue(name));
            skipBlanks();
            if (pos < lineEnd && text.charAt(pos) == ',') {
                pos++;
            } else if (pos >= lineEnd || text.charAt(pos) != '}') {
                throw error(pos, "expected ',' or '}' after the value of label " + name + ", got " + describe(pos));
            }
        }
    }

    private String labelValue(String label) {
        int open = pos++;
        StringBuilder sb = null;
        int runStart = pos;
        while (pos < lineEnd) {
            char c = text.charAt(pos);
            if (c == '"') {
                String v = sb == null
                        ? text.substring(runStart, pos)
                        : sb.append(text, runStart, pos).toString();
                pos++;
                return v;
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(text, runStart, pos);
                if (pos + 1 >= lineEnd) {
                    break;
                }
                char e = text.charAt(pos + 1);
                switch (e) {
                    case '\\' -> sb.append('\\');
                    case '"' -> sb.append('"');
                    case 'n' -> sb.append('\n');
                    default -> throw error(pos, "invalid escape sequence \\" + e + " in the value of label " + label);
                }
                pos += 2;
                runStart = pos;
            } else {
                pos++;
            }
        }
        throw error(open, "unterminated value of label " + label);
    }

    private double value(String s, int at) {
        if (s.isEmpty()) {
            throw error(at, "expected a value, got " + describe(at));
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                if (DECIMAL.matcher(s).matches() || HEX.matcher(s).matches()) {
                    return Double.parseDouble(s);
                }
                throw error(at, "invalid value \"" + s + "\"");
            }
        }
    }

    private long timestamp(String s, int at) {
        try {
            if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-')) {
                return Long.parseLong(s);
            }
        } catch (NumberFormatException e) {
            // reported below with the position
        }
        throw error(at, "invalid timestamp \"" + s + "\" (expected integer milliseconds)");
    }

    // ---------------------------------------------------------------- tokens

    /** Skips spaces and tabs; true if any were skipped. */
    private boolean skipBlanks() {
        int from = pos;
        while (pos < lineEnd && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t' || text.charAt(pos) == '\r')) {
            pos++;
        }
        return pos > from;
    }

    private String word() {
        int from = pos;
        while (pos < lineEnd && text.charAt(pos) != ' ' && text.charAt(pos) != '\t' && text.charAt(pos) != '\r') {
            pos++;
        }
        return text.substring(from, pos);
    }

    private String metricName() {
        int from = pos;
        while (pos < lineEnd) {
            char c = text.charAt(pos);
            boolean ok = isLetter(c) || c == ':' || (pos > from && c >= '0' && c <= '9');
            if (!ok) {
                break;
            }
            pos++;
        }
        return text.substring(from, pos);
    }

    private String labelName() {
        int from = pos;
        while (pos < lineEnd) {
            char c = text.charAt(pos);
            if (!(isLetter(c) || (pos > from && c >= '0' && c <= '9'))) {
                break;
            }
            pos++;
        }
        return text.substring(from, pos);
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private String describe(int at) {
        if (at >= lineEnd) {
            return "end of line";
        }
        return "'" + text.charAt(at) + "'";
    }

    private SextantException error(int at, String message) {
        return new SextantException(
                ErrorCode.BAD_DATA, "line " + lineNo + ", column " + (at - lineStart + 1) + ": " + message);
    }
}
