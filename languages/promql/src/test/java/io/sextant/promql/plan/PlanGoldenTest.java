package io.sextant.promql.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.eval.StepGrid;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.promql.parser.PromQLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden EXPLAIN plans: each case in {@code src/test/resources/plans/*.txt} is a query followed by its logical
 * plan (as translated) and its physical plan (after the rules). Regenerate after a deliberate change with
 *
 * <pre>
 * mvn -o -pl languages/promql -am test -Dtest=PlanGoldenTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsextant.plans.update=true
 * </pre>
 *
 * and review the diff.
 */
class PlanGoldenTest {
    private static final String UPDATE = "sextant.plans.update";

    /** One case: comment lines, {@code query:}, then the {@code logical:} and {@code physical:} blocks. */
    record Case(List<String> comments, String query, String logical, String physical) {
        String render() {
            StringBuilder sb = new StringBuilder();
            comments.forEach(c -> sb.append(c).append('\n'));
            sb.append("query: ").append(query).append('\n');
            sb.append("logical:\n").append(indent(logical));
            sb.append("physical:\n").append(indent(physical));
            return sb.toString();
        }

        private static String indent(String plan) {
            StringBuilder sb = new StringBuilder();
            for (String line : plan.split("\n")) {
                sb.append("  ").append(line).append('\n');
            }
            return sb.toString();
        }
    }

    @TestFactory
    Stream<DynamicTest> plans() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/plans").toURI());
        Path source = Path.of("src/test/resources/plans");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                List<Case> cases = parse(Files.readString(file, StandardCharsets.UTF_8));
                List<Case> actual = new ArrayList<>();
                for (Case c : cases) {
                    PromPlanner.Plan plan = new PromPlanner(EngineOptions.DEFAULTS, 1)
                            .plan(PromQLParser.parse(c.query(), ParserOptions.ALL), new StepGrid(0, 3_600_000, 60_000));
                    Case got = new Case(
                            c.comments(),
                            c.query(),
                            plan.logical().strip(),
                            plan.physical().strip());
                    actual.add(got);
                    tests.add(DynamicTest.dynamicTest(file.getFileName() + ": " + c.query(), () -> {
                        assertThat(got.logical()).as("logical plan").isEqualTo(c.logical());
                        assertThat(got.physical()).as("physical plan").isEqualTo(c.physical());
                    }));
                }
                if (Boolean.getBoolean(UPDATE)) {
                    StringBuilder sb = new StringBuilder();
                    for (Case c : actual) {
                        sb.append(sb.isEmpty() ? "" : "\n").append(c.render());
                    }
                    try {
                        Files.writeString(source.resolve(file.getFileName()), sb.toString(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return tests.stream();
    }

    static List<Case> parse(String text) {
        List<Case> cases = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        String query = null;
        StringBuilder logical = new StringBuilder();
        StringBuilder physical = new StringBuilder();
        StringBuilder block = null;
        for (String line : (text + "\n\n").split("\n", -1)) {
            if (line.isBlank()) {
                if (query != null) {
                    cases.add(new Case(
                            List.copyOf(comments),
                            query,
                            logical.toString().strip(),
                            physical.toString().strip()));
                }
                comments.clear();
                query = null;
                logical.setLength(0);
                physical.setLength(0);
                block = null;
            } else if (line.startsWith("#")) {
                comments.add(line);
            } else if (line.startsWith("query: ")) {
                query = line.substring("query: ".length());
            } else if (line.equals("logical:")) {
                block = logical;
            } else if (line.equals("physical:")) {
                block = physical;
            } else if (block != null && line.startsWith("  ")) {
                block.append(line.substring(2)).append('\n');
            } else {
                throw new IllegalArgumentException("unexpected line in a plan file: " + line);
            }
        }
        return cases;
    }
}
