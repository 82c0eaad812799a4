package io.sextant.promql.eval;

import io.sextant.promql.parser.PositionRange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Warnings and infos collected while a query runs, as Prometheus reports them: deduplicated by text, each
 * remembering the byte offset of the expression it blames (−1 when none) so the API can append the
 * {@code line:col} of the query.
 */
public final class Annotations {
    public enum Severity {
        WARNING("PromQL warning: "),
        INFO("PromQL info: ");

        private final String prefix;

        Severity(String prefix) {
            this.prefix = prefix;
        }

        /** What the API puts before the text. */
        public String prefix() {
            return prefix;
        }
    }

    /** One annotation: its text without the prefix, and the offset of the blamed expression. */
    public record Annotation(Severity severity, String text, int position) {}

    private final Map<String, Annotation> items = new LinkedHashMap<>();

    public void warn(String text, int position) {
        add(new Annotation(Severity.WARNING, text, position));
    }

    public void info(String text, int position) {
        add(new Annotation(Severity.INFO, text, position));
    }

    private synchronized void add(Annotation a) {
        // The later one wins, as in Prometheus' annotation map.
        items.remove(a.severity.prefix + a.text);
        items.put(a.severity.prefix + a.text, a);
    }

    public synchronized List<Annotation> all() {
        return List.copyOf(items.values());
    }

    /**
     * The API's form: {@code "PromQL warning: <text> (line:col)"}, the position omitted when unknown or when
     * there is no query text.
     */
    public static String render(Annotation a, String query) {
        String base = a.severity().prefix() + a.text();
        if (query == null || a.position() < 0) {
            return base;
        }
        return base + " (" + new PositionRange(a.position(), a.position()).startPosition(query) + ")";
    }
}
