package io.sextant.promql.conformance;

import io.sextant.promql.conformance.Outcome.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The human-readable report of a corpus run: a table per file, the totals, then every skip and failure. */
final class ConformanceReport {
    // Engine errors can carry long messages; a failure line stays readable and the report stays small.
    private static final int MAX_REASON = 400;

    private ConformanceReport() {}

    /** {@code PromQL conformance: P passed, S skipped, F failed of N}. */
    static String totals(List<Outcome> outcomes) {
        return "PromQL conformance: " + count(outcomes, Status.PASSED) + " passed, " + count(outcomes, Status.SKIPPED)
                + " skipped, " + count(outcomes, Status.FAILED) + " failed of " + outcomes.size();
    }

    /** The whole report; {@code outcomes} in corpus order. */
    static String render(List<Outcome> outcomes) {
        Map<String, int[]> byFile = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            byFile.computeIfAbsent(o.file(), f -> new int[3])[o.status().ordinal()]++;
        }
        int width = Math.max(
                "file".length(),
                byFile.keySet().stream().mapToInt(String::length).max().orElse(0));
        String row = "%-" + width + "s %8s %8s %8s %8s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(row, "file", "passed", "skipped", "failed", "total"));
        for (Map.Entry<String, int[]> e : byFile.entrySet()) {
            int[] c = e.getValue();
            sb.append(String.format(row, e.getKey(), c[0], c[1], c[2], c[0] + c[1] + c[2]));
        }
        sb.append(String.format(
                row,
                "total",
                count(outcomes, Status.PASSED),
                count(outcomes, Status.SKIPPED),
                count(outcomes, Status.FAILED),
                outcomes.size()));
        sb.append('\n').append(totals(outcomes)).append('\n');
        list(sb, outcomes, Status.SKIPPED, "Skipped");
        list(sb, outcomes, Status.FAILED, "Failed");
        return sb.toString();
    }

    private static void list(StringBuilder sb, List<Outcome> outcomes, Status status, String title) {
        long n = count(outcomes, status);
        if (n == 0) {
            return;
        }
        sb.append('\n').append(title).append(" (").append(n).append("):\n");
        for (Outcome o : outcomes) {
            if (o.status() == status) {
                sb.append("  ").append(line(o)).append('\n');
            }
        }
    }

    /** {@code file:line  expression  -- reason}, on one line. */
    static String line(Outcome o) {
        String reason = oneLine(o.reason());
        if (reason.length() > MAX_REASON) {
            reason = reason.substring(0, MAX_REASON) + " …";
        }
        return o.key() + "  " + oneLine(o.expr()) + "  -- " + reason;
    }

    private static String oneLine(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    private static long count(List<Outcome> outcomes, Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }
}
