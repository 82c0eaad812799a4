package io.sextant.promql.conformance;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sextant.promql.conformance.Outcome.Status;
import io.sextant.promql.eval.Engine;
import io.sextant.promql.eval.EngineOptions;
import io.sextant.storage.head.MetricsStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs Prometheus' PromQL test corpus (the {@code .test} scripts found by {@link Corpus}, format and
 * comparison rules in the corpus' FORMAT.md) against Sextant's engine over a {@link MetricsStore}, one
 * dynamic test per file plus a final report.
 *
 * <p><b>Skips.</b> Evals that need native histograms (after a {@code load_with_nhcb} or a load with
 * {@code {{…}}} samples in the same scenario, or with a histogram in the expected result) and evals after a
 * load with start-timestamp ({@code @st}) lines are skipped and listed; nothing else is. Evals of a scenario
 * that come before such a load do not see it and run normally.
 *
 * <p><b>Report.</b> The per-file table, the line {@code PromQL conformance: P passed, S skipped, F failed of
 * N}, every skip and every failure (file:line, expression, reason) are printed and written to {@code
 * target/promql-conformance.txt}.
 *
 * <p><b>Ratchet.</b> {@code src/test/resources/conformance/known-failures.txt} lists the evals ({@code
 * file:line}) allowed to fail while the engine is incomplete. A file's test fails when one of its evals fails
 * without being listed (a regression or a new bug) and when a listed eval no longer fails (the message names
 * the lines to delete). To regenerate the list from the current failures:
 *
 * <pre>
 * mvn -o -q -B -pl storage,languages/promql -am verify -Dtest=PromqlConformanceTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dsextant.conformance.update=true
 * </pre>
 *
 * <p>{@code -Dsextant.conformance.timeout=<seconds>} changes the per-query time limit (default 60).
 */
class PromqlConformanceTest {
    private static final String UPDATE = "sextant.conformance.update";
    private static final Path KNOWN_FAILURES_SOURCE =
            Path.of("src", "test", "resources", "conformance", "known-failures.txt");
    private static final Path REPORT = Path.of("target", "promql-conformance.txt");

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        boolean update = Boolean.getBoolean(UPDATE);
        Set<String> known = KnownFailures.parse(resource(KnownFailures.RESOURCE));
        Engine engine = new Engine(EngineOptions.CONFORMANCE);
        Duration timeout = Duration.ofSeconds(Long.getLong("sextant.conformance.timeout", 60));
        List<Path> files = Corpus.testFiles();
        List<Outcome> all = new ArrayList<>();
        Stream<DynamicTest> perFile = files.stream()
                .map(f -> dynamicTest(f.getFileName().toString(), () -> {
                    String name = f.getFileName().toString();
                    List<Outcome> outcomes = runFile(engine, timeout, name, Files.readString(f));
                    all.addAll(outcomes);
                    if (!update) {
                        checkRatchet(name, outcomes, known);
                    }
                }));
        DynamicTest report = dynamicTest("report", () -> {
            String text = ConformanceReport.render(all);
            System.out.print(text);
            Path out = moduleDir().resolve(REPORT);
            Files.createDirectories(out.getParent());
            Files.writeString(out, text);
            if (update) {
                Set<String> failing = all.stream()
                        .filter(o -> o.status() == Status.FAILED)
                        .map(Outcome::key)
                        .collect(Collectors.toSet());
                Files.writeString(moduleDir().resolve(KNOWN_FAILURES_SOURCE), KnownFailures.render(failing));
                System.out.println("rewrote " + KNOWN_FAILURES_SOURCE + " with " + failing.size() + " entries");
                return;
            }
            Set<String> names =
                    files.stream().map(f -> f.getFileName().toString()).collect(Collectors.toSet());
            List<String> orphans = known.stream()
                    .filter(k -> !names.contains(KnownFailures.file(k)))
                    .sorted(KnownFailures.ORDER)
                    .toList();
            if (!orphans.isEmpty()) {
                throw new AssertionError(KNOWN_FAILURES_SOURCE + " names files that are not in the corpus; delete:\n  "
                        + String.join("\n  ", orphans));
            }
        });
        return Stream.concat(perFile, Stream.of(report));
    }

    private List<Outcome> runFile(Engine engine, Duration timeout, String name, String text) {
        try (MetricsStore store = ConformanceRunner.openStore(dir.resolve(name));
                ConformanceRunner runner =
                        new ConformanceRunner(store, ConformanceRunner.engine(engine), timeout, name)) {
            return runner.run(name, text);
        }
    }

    /** Fails when an unlisted eval of {@code file} fails, or a listed one no longer fails. */
    static void checkRatchet(String file, List<Outcome> outcomes, Set<String> known) {
        List<Outcome> unexpected = outcomes.stream()
                .filter(o -> o.status() == Status.FAILED && !known.contains(o.key()))
                .toList();
        Set<String> failing = outcomes.stream()
                .filter(o -> o.status() == Status.FAILED)
                .map(Outcome::key)
                .collect(Collectors.toSet());
        Set<String> fixed = new TreeSet<>(KnownFailures.ORDER);
        known.stream()
                .filter(k -> KnownFailures.file(k).equals(file) && !failing.contains(k))
                .forEach(fixed::add);
        StringBuilder msg = new StringBuilder();
        if (!unexpected.isEmpty()) {
            msg.append(unexpected.size())
                    .append(" evals of ")
                    .append(file)
                    .append(" fail and are not in known-failures.txt (regressions or new bugs):\n");
            unexpected.forEach(
                    o -> msg.append("  ").append(ConformanceReport.line(o)).append('\n'));
        }
        if (!fixed.isEmpty()) {
            msg.append(fixed.size())
                    .append(" evals of ")
                    .append(file)
                    .append(" are listed in known-failures.txt but no longer fail; delete these lines:\n");
            fixed.forEach(k -> msg.append("  ").append(k).append('\n'));
        }
        if (!msg.isEmpty()) {
            throw new AssertionError(msg.toString());
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PromqlConformanceTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Surefire runs in the module directory and says so in {@code basedir}. */
    private static Path moduleDir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }
}
