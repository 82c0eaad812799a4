package io.sextant.promql.conformance;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ratchet list {@code conformance/known-failures.txt}: one {@code file:line} per eval that is allowed to
 * fail; blank lines and {@code #} comments are ignored.
 */
final class KnownFailures {
    static final String RESOURCE = "/conformance/known-failures.txt";

    private static final String HEADER = String.join(
            "\n",
            "# PromQL conformance evals that currently fail (file:line in the Prometheus corpus).",
            "# PromqlConformanceTest fails when an eval fails that is not listed here, and when a listed eval",
            "# no longer fails (then delete its line). Regenerate from the current failures with",
            "#   mvn -o -q -B -pl storage,languages/promql -am verify -Dtest=PromqlConformanceTest \\",
            "#     -Dsurefire.failIfNoSpecifiedTests=false -Dsextant.conformance.update=true",
            "");

    /** By file name, then numerically by line, so a regenerated list diffs cleanly. */
    static final Comparator<String> ORDER =
            Comparator.comparing(KnownFailures::file).thenComparingInt(KnownFailures::line);

    private KnownFailures() {}

    static Set<String> parse(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String raw : text.split("\n")) {
            String l = raw.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.lastIndexOf(':') <= 0 || line(l) <= 0) {
                throw new IllegalArgumentException("not a file:line entry: " + l);
            }
            out.add(l);
        }
        return out;
    }

    static String render(Collection<String> keys) {
        List<String> sorted = keys.stream().sorted(ORDER).toList();
        StringBuilder sb = new StringBuilder(HEADER);
        for (String k : sorted) {
            sb.append(k).append('\n');
        }
        return sb.toString();
    }

    static String file(String key) {
        return key.substring(0, key.lastIndexOf(':'));
    }

    static int line(String key) {
        try {
            return Integer.parseInt(key.substring(key.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a file:line entry: " + key, e);
        }
    }
}
