package io.sextant.promql.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.connectors.TierScans;
import io.sextant.connectors.TieredStore;
import io.sextant.planner.Planning;
import io.sextant.planner.RollupChoice;
import io.sextant.planner.TierWatermarks;
import io.sextant.planner.Tiering;
import io.sextant.planner.TimeRange;
import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.eval.StepGrid;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.promql.parser.PromQLParser;
import io.sextant.storage.cold.RollupReader;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.telemetry.Telemetry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden plans for tier routing and the rollup rewrite: each case in {@code src/test/resources/tiers/*.txt} gives
 * a query, how it is evaluated, where the tenant's data is ({@code tiers:}), the {@code max_source_resolution},
 * and the plan of that execution with the infos the rewrite reports. Times are durations since the epoch
 * ({@code 96h}); a tier's {@code a..b} is the half-open range {@code [a, b)}. Regenerate after a deliberate change
 * with {@code -Dsextant.plans.update=true} (as {@link PlanGoldenTest}) and review the diff.
 */
class TierPlanGoldenTest {
    private static final String UPDATE = "sextant.plans.update";

    @TempDir
    static Path dir;

    private static MetricsStore store;

    @BeforeAll
    static void open() {
        store = MetricsStore.open(StoreOptions.defaults(dir), new Telemetry());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    /** A case as written: its header lines in order, and the plan and infos expected. */
    record Case(List<String> comments, Map<String, String> header, String plan, String infos) {
        String render() {
            StringBuilder sb = new StringBuilder();
            comments.forEach(c -> sb.append(c).append('\n'));
            header.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
            sb.append("plan:\n").append(indent(plan));
            if (!infos.isEmpty()) {
                sb.append("infos:\n").append(indent(infos));
            }
            return sb.toString();
        }

        private static String indent(String text) {
            StringBuilder sb = new StringBuilder();
            for (String line : text.split("\n")) {
                sb.append("  ").append(line).append('\n');
            }
            return sb.toString();
        }
    }

    @TestFactory
    Stream<DynamicTest> tiers() throws IOException, URISyntaxException {
        Path resources = Path.of(getClass().getResource("/tiers").toURI());
        Path source = Path.of("src/test/resources/tiers");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(resources)) {
            for (Path file : files.sorted().toList()) {
                List<Case> actual = new ArrayList<>();
                for (Case c : parse(Files.readString(file, StandardCharsets.UTF_8))) {
                    Case got = plan(c);
                    actual.add(got);
                    tests.add(DynamicTest.dynamicTest(
                            file.getFileName() + ": " + c.header().get("query"), () -> {
                                assertThat(got.plan()).as("plan").isEqualTo(c.plan());
                                assertThat(got.infos()).as("infos").isEqualTo(c.infos());
                            }));
                }
                if (Boolean.getBoolean(UPDATE)) {
                    StringBuilder sb = new StringBuilder();
                    for (Case c : actual) {
                        sb.append(sb.isEmpty() ? "" : "\n").append(c.render());
                    }
                    Files.writeString(source.resolve(file.getFileName()), sb.toString(), StandardCharsets.UTF_8);
                }
            }
        }
        return tests.stream();
    }

    private static Case plan(Case c) {
        StepGrid grid = grid(c.header().get("eval"));
        Tiering tiering = Tiering.of(
                watermarks(c.header().get("tiers")),
                new TierScans(new TieredStore(store, RollupReader.NONE)),
                List.of(300_000L, 3_600_000L),
                RollupChoice.MaxResolution.parse(c.header().getOrDefault("max_source_resolution", "")));
        PromPlanner.Plan cached = new PromPlanner(EngineOptions.DEFAULTS, 1)
                .plan(PromQLParser.parse(c.header().get("query"), ParserOptions.ALL), grid);
        TierPlanning.Execution exec = TierPlanning.plan(cached.root(), grid, tiering);
        StringBuilder infos = new StringBuilder();
        for (TierPlanning.Info i : exec.infos()) {
            infos.append(infos.isEmpty() ? "" : "\n").append(i.text());
        }
        return new Case(c.comments(), c.header(), Planning.explain(exec.root()).strip(), infos.toString());
    }

    /** {@code instant T} or {@code range A..B step S}. */
    private static StepGrid grid(String eval) {
        String[] w = eval.split(" ");
        if (w[0].equals("instant")) {
            long t = ms(w[1]);
            return new StepGrid(t, t, 1);
        }
        String[] ends = w[1].split("\\.\\.");
        return new StepGrid(ms(ends[0]), ms(ends[1]), ms(w[3]));
    }

    /** {@code hot=A..B warm=A..B 5m=A..B 1h=A..B}; a tier left out holds nothing. */
    private static TierWatermarks watermarks(String tiers) {
        TimeRange hot = TimeRange.EMPTY;
        TimeRange warm = TimeRange.EMPTY;
        Map<Long, TimeRange> cold = new HashMap<>();
        for (String part : tiers.split(" ")) {
            String[] kv = part.split("=");
            String[] ends = kv[1].split("\\.\\.");
            TimeRange r = new TimeRange(ms(ends[0]), ms(ends[1]) - 1);
            switch (kv[0]) {
                case "hot" -> hot = r;
                case "warm" -> warm = r;
                default -> cold.put(ms(kv[0]), r);
            }
        }
        return new TierWatermarks(hot, warm, cold, 0);
    }

    private static long ms(String d) {
        long unit =
                switch (d.charAt(d.length() - 1)) {
                    case 'd' -> 86_400_000L;
                    case 'h' -> 3_600_000L;
                    case 'm' -> 60_000L;
                    case 's' -> 1_000L;
                    default -> throw new IllegalArgumentException("bad duration " + d);
                };
        return Long.parseLong(d.substring(0, d.length() - 1)) * unit;
    }

    static List<Case> parse(String text) {
        List<Case> cases = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        Map<String, String> header = new LinkedHashMap<>();
        StringBuilder plan = new StringBuilder();
        StringBuilder infos = new StringBuilder();
        StringBuilder block = null;
        for (String line : (text + "\n\n").split("\n", -1)) {
            if (line.isBlank()) {
                if (!header.isEmpty()) {
                    cases.add(new Case(
                            List.copyOf(comments),
                            new LinkedHashMap<>(header),
                            plan.toString().strip(),
                            infos.toString().strip()));
                }
                comments.clear();
                header.clear();
                plan.setLength(0);
                infos.setLength(0);
                block = null;
            } else if (line.startsWith("#")) {
                comments.add(line);
            } else if (line.equals("plan:")) {
                block = plan;
            } else if (line.equals("infos:")) {
                block = infos;
            } else if (block != null && line.startsWith("  ")) {
                block.append(line.substring(2)).append('\n');
            } else if (block == null && line.contains(": ")) {
                int i = line.indexOf(": ");
                header.put(line.substring(0, i), line.substring(i + 2));
            } else {
                throw new IllegalArgumentException("unexpected line in a tier plan file: " + line);
            }
        }
        return cases;
    }
}
