package io.sextant.promql.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.promql.ast.VectorSelector;
import io.sextant.promql.conformance.Outcome.Status;
import io.sextant.promql.eval.Annotations;
import io.sextant.promql.eval.QueryErrors;
import io.sextant.promql.eval.QueryResult;
import io.sextant.promql.eval.QueryValue;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.SextantException;
import io.sextant.storage.head.MetricsStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner end to end on small scripts, with stand-in evaluators: one that returns every stored sample of a
 * selector (to check what loads wrote) and canned results or errors by expression.
 */
class ConformanceRunnerTest {
    @TempDir
    Path dir;

    private MetricsStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * A bare selector evaluates to all its raw samples from the epoch to the eval time, stale markers
     * included; other expressions are looked up in {@code canned}.
     */
    private List<Outcome> run(String script, Map<String, Function<TestScript.Eval, QueryResult>> canned) {
        return run(script, canned, Duration.ofSeconds(30));
    }

    private List<Outcome> run(
            String script, Map<String, Function<TestScript.Eval, QueryResult>> canned, Duration timeout) {
        store = ConformanceRunner.openStore(dir);
        ConformanceRunner.Evaluator evaluator = (querier, tenant, query, eval) -> {
            Function<TestScript.Eval, QueryResult> c = canned.get(query.query());
            if (c != null) {
                return c.apply(eval);
            }
            VectorSelector vs = (VectorSelector) query.expr();
            List<QueryValue.MatrixSeries> out = new ArrayList<>();
            for (Series s : querier.select(tenant, vs.matchers(), 0, eval.start(), SelectHints.SAMPLES)) {
                int n = s.samples().count();
                out.add(new QueryValue.MatrixSeries(
                        s.labels(),
                        Arrays.copyOf(s.samples().timestamps(), n),
                        Arrays.copyOf(s.samples().values(), n)));
            }
            out.sort((a, b) -> ResultComparison.compareLabels(a.labels(), b.labels()));
            return new QueryResult(new QueryValue.Matrix(out), List.of());
        };
        try (ConformanceRunner runner = new ConformanceRunner(store, evaluator, timeout, "t")) {
            return runner.run("x.test", script);
        }
    }

    private static String script(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    private static QueryResult vector(double v) {
        return new QueryResult(new QueryValue.Vector(0, List.of(new QueryValue.Sample(Labels.EMPTY, v))), List.of());
    }

    private static List<String> summary(List<Outcome> outcomes) {
        return outcomes.stream()
                .map(o -> o.line() + " " + o.status() + (o.reason().isEmpty() ? "" : " " + o.reason()))
                .toList();
    }

    @Test
    void loadsWritePositionsTimesIntervalWithGapsStaleMarkersAndReplacement() {
        List<Outcome> r = run(
                script(
                        "load 1m",
                        "  m{a=\"1\"} 1 _ 3 stale 5",
                        "  m{a=\"2\"} 0+10x2",
                        "  m{a=\"2\"} 7",
                        "",
                        "# a later load extends series after their last sample",
                        "load 1m",
                        "  m{a=\"1\"} _x5 6",
                        "",
                        "eval instant at 10m m",
                        "  expect range vector from 0 to 10m step 1m",
                        "  m{a=\"1\"} 1 _ 3 stale 5 6",
                        "  m{a=\"2\"} 7",
                        "",
                        "eval instant at 10m m",
                        "  expect range vector from 0 to 10m step 1m",
                        "  m{a=\"1\"} 1 _ 3 NaN 5 6",
                        "  m{a=\"2\"} 7",
                        "",
                        "clear",
                        "",
                        "eval instant at 10m m"),
                Map.of());
        assertThat(summary(r).get(0)).isEqualTo("10 PASSED");
        // A stale marker is stored with its exact bits: plain NaN does not match it.
        assertThat(summary(r).get(1))
                .startsWith(
                        "15 FAILED expected float value at index 2 (t=180000) for m{a=\"1\"} to be NaN, but got stale");
        // After clear the data is gone.
        assertThat(summary(r).get(2)).isEqualTo("22 PASSED");
    }

    @Test
    void rejectedSamplesFailTheScenarioButIdenticalRepeatsAreAccepted() {
        List<Outcome> r = run(
                script(
                        "load 1m",
                        "  m 1 2 3",
                        "",
                        "load 1m",
                        "  m 1 2",
                        "",
                        "eval instant at 2m m",
                        "  expect range vector from 0 to 2m step 1m",
                        "  m 1 2 3",
                        "",
                        "load 1m",
                        "  m 9",
                        "",
                        "eval instant at 2m m",
                        "  expect range vector from 0 to 2m step 1m",
                        "  m 1 2 3",
                        "",
                        "clear",
                        "load 1m",
                        "  m 1",
                        "",
                        "eval instant at 0 m",
                        "  expect range vector from 0 to 0 step 1m",
                        "  m 1"),
                Map.of());
        assertThat(summary(r))
                .satisfiesExactly(
                        s -> assertThat(s).isEqualTo("7 PASSED"),
                        s -> assertThat(s).startsWith("14 FAILED load at line 11 rejected 1 samples"),
                        s -> assertThat(s).isEqualTo("22 PASSED"));
    }

    @Test
    void skipsOnlyEvalsThatCanTouchUnsupportedSeries() {
        Map<String, Function<TestScript.Eval, QueryResult>> canned = Map.of(
                "vector(1)", e -> vector(1),
                "sum(m)", e -> vector(1),
                "sum(c{a=\"x\"})", e -> vector(1));
        List<Outcome> r = run(
                script(
                        "load 1m",
                        "  h {{count:1}}",
                        "  m 1",
                        "",
                        "eval instant at 0 sum(m)",
                        "  {} 1",
                        "",
                        "eval instant at 0 sum(h)",
                        "  {} 1",
                        "",
                        "eval instant at 0 sum({__name__=~\".+\"})",
                        "  {} 1",
                        "",
                        "clear",
                        "load_with_nhcb 1m",
                        "  x_bucket{le=\"1\"} 1",
                        "",
                        "eval instant at 0 rate(x[5m])",
                        "",
                        "clear",
                        "load 1m",
                        "  c{a=\"b\"}@st _ -30s",
                        "  c{a=\"b\"} 0 1",
                        "",
                        "eval instant at 0 sum(c{a=\"x\"})",
                        "  {} 1",
                        "",
                        "eval instant at 0 c",
                        "",
                        "clear",
                        "eval instant at 0 vector(1)",
                        "  {} {{count:1}}",
                        "",
                        "eval instant at 0 vector(1)",
                        "  {} 2"),
                canned);
        assertThat(summary(r))
                .satisfiesExactly(
                        s -> assertThat(s).isEqualTo("5 PASSED"),
                        s -> assertThat(s)
                                .isEqualTo("8 SKIPPED native histograms not supported (histogram sample at line 2)"),
                        s -> assertThat(s)
                                .isEqualTo("11 SKIPPED native histograms not supported (histogram sample at line 2)"),
                        s -> assertThat(s)
                                .isEqualTo("18 SKIPPED native histograms not supported (load_with_nhcb at line 15)"),
                        s -> assertThat(s).isEqualTo("25 PASSED"),
                        s -> assertThat(s).isEqualTo("28 SKIPPED start timestamps not supported (@st at line 22)"),
                        s -> assertThat(s)
                                .isEqualTo(
                                        "31 SKIPPED native histograms not supported (histogram in the expected result)"),
                        s -> assertThat(s).isEqualTo("34 FAILED expected 2 for {} but got 1"));
    }

    @Test
    void onlyQueryErrorsSatisfyExpectFail() {
        Map<String, Function<TestScript.Eval, QueryResult>> canned = Map.of(
                "boom",
                        e -> {
                            throw QueryErrors.execution("Parameter value is NaN");
                        },
                "bug",
                        e -> {
                            throw new SextantException(ErrorCode.INTERNAL, "not implemented");
                        },
                "npe",
                        e -> {
                            throw new NullPointerException("oops");
                        },
                "fine", e -> vector(1));
        List<Outcome> r = run(
                script(
                        "eval instant at 0 boom",
                        "  expect fail",
                        "",
                        "eval instant at 0 boom",
                        "  expect fail msg: Parameter value is NaN",
                        "",
                        "eval instant at 0 boom",
                        "  expect fail msg: Parameter value is not NaN",
                        "",
                        "eval instant at 0 boom",
                        "  expect fail regex: value is \\w+$",
                        "",
                        "eval_fail instant at 0 boom",
                        "",
                        "eval_fail instant at 0 boom",
                        "  expected_fail_regexp is N.N",
                        "",
                        "eval instant at 0 sum(",
                        "  expect fail",
                        "",
                        "eval instant at 0 bug",
                        "  expect fail",
                        "",
                        "eval instant at 0 npe",
                        "  expect fail",
                        "",
                        "eval instant at 0 fine",
                        "  expect fail",
                        "",
                        "eval instant at 0 boom",
                        "  {} 1",
                        "",
                        "eval instant at 0 sum("),
                canned);
        assertThat(summary(r))
                .satisfiesExactly(
                        s -> assertThat(s).isEqualTo("1 PASSED"),
                        s -> assertThat(s).isEqualTo("4 PASSED"),
                        s -> assertThat(s).startsWith("7 FAILED expected error \"Parameter value is not NaN\""),
                        s -> assertThat(s).isEqualTo("10 PASSED"),
                        s -> assertThat(s).isEqualTo("13 PASSED"),
                        s -> assertThat(s).isEqualTo("15 PASSED"),
                        s -> assertThat(s).isEqualTo("18 PASSED"),
                        s -> assertThat(s).startsWith("21 FAILED engine error: SextantException: not implemented"),
                        s -> assertThat(s).startsWith("24 FAILED engine error: NullPointerException: oops"),
                        s -> assertThat(s).isEqualTo("27 FAILED expected an error, but the query succeeded"),
                        s -> assertThat(s).isEqualTo("30 FAILED unexpected error: Parameter value is NaN"),
                        s -> assertThat(s)
                                .startsWith("33 FAILED unexpected error: ")
                                .contains("parse error"));
    }

    @Test
    void annotationsAreRenderedWithTheirPosition() {
        Map<String, Function<TestScript.Eval, QueryResult>> canned = Map.of(
                "warned + 1",
                e -> new QueryResult(
                        new QueryValue.Scalar(0, 1),
                        List.of(
                                new Annotations.Annotation(Annotations.Severity.WARNING, "w", 9),
                                new Annotations.Annotation(Annotations.Severity.INFO, "i", 0))));
        List<Outcome> r = run(
                script(
                        "eval instant at 0 warned + 1",
                        "  1",
                        "",
                        "eval instant at 0 warned + 1",
                        "  expect warn msg: PromQL warning: w (1:10)",
                        "  expect info msg: PromQL info: i (1:1)",
                        "  1",
                        "",
                        "eval instant at 0 warned + 1",
                        "  expect no_warn",
                        "  1",
                        "",
                        "eval instant at 0 warned + 1",
                        "  expect warn regex: w \\(\\d+:\\d+\\)",
                        "  expect warn msg: PromQL warning: x",
                        "  1"),
                canned);
        assertThat(summary(r))
                .satisfiesExactly(
                        s -> assertThat(s).isEqualTo("1 PASSED"),
                        s -> assertThat(s).isEqualTo("4 PASSED"),
                        s -> assertThat(s).startsWith("9 FAILED expected no warning annotations"),
                        s -> assertThat(s).startsWith("13 FAILED expected warning \"PromQL warning: x\""));
    }

    @Test
    void rangeEvalsMapPositionsToSteps() {
        Map<String, Function<TestScript.Eval, QueryResult>> canned = Map.of(
                "time()",
                e -> new QueryResult(
                        new QueryValue.Matrix(List.of(new QueryValue.MatrixSeries(
                                Labels.EMPTY,
                                new long[] {e.start(), e.start() + 2 * e.step()},
                                new double[] {e.start() / 1000.0, (e.start() + 2 * e.step()) / 1000.0}))),
                        List.of()));
        List<Outcome> r = run(
                script(
                        "eval range from 1m to 4m step 1m time()",
                        "  {} 60 _ 180",
                        "",
                        "eval range from 1m to 4m step 1m time()",
                        "  {} 60 _ 180 _",
                        "",
                        "eval range from 1m to 4m step 1m time()",
                        "  {} 60 _ 180 _ _",
                        "",
                        "eval range from 1m to 4m step 1m time()",
                        "  {} 60 120 180"),
                canned);
        assertThat(summary(r))
                .satisfiesExactly(
                        s -> assertThat(s).isEqualTo("1 PASSED"),
                        s -> assertThat(s).isEqualTo("4 PASSED"),
                        s -> assertThat(s).startsWith("7 FAILED").contains("cannot return this many points"),
                        s -> assertThat(s).startsWith("10 FAILED expected 3 float points for {}, but got 2"));
    }

    @Test
    void aQueryThatHangsTimesOutAndTheNextOneStillRuns() {
        Map<String, Function<TestScript.Eval, QueryResult>> canned = Map.of(
                "slow",
                e -> {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    return vector(1);
                },
                "fast",
                e -> vector(1));
        List<Outcome> r = run(
                script("eval instant at 0 slow", "  {} 1", "", "eval instant at 0 fast", "  {} 1"),
                canned,
                Duration.ofMillis(200));
        assertThat(summary(r)).containsExactly("1 FAILED timed out after 200 ms", "4 PASSED");
    }

    @Test
    void ratchetReportsUnlistedFailuresAndListedEvalsThatNoLongerFail() {
        List<Outcome> outcomes = List.of(
                new Outcome("x.test", 1, "a", Status.FAILED, "r"),
                new Outcome("x.test", 2, "b", Status.PASSED, ""),
                new Outcome("x.test", 3, "c", Status.SKIPPED, "s"));
        PromqlConformanceTest.checkRatchet("x.test", outcomes, java.util.Set.of("x.test:1", "y.test:2"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PromqlConformanceTest.checkRatchet(
                        "x.test", outcomes, java.util.Set.of("x.test:2", "x.test:3")))
                .hasMessageContaining("1 evals of x.test fail and are not in known-failures.txt")
                .hasMessageContaining("x.test:1  a  -- r")
                .hasMessageContaining("2 evals of x.test are listed in known-failures.txt but no longer fail;"
                        + " delete these lines:\n  x.test:2\n  x.test:3");
    }

    @Test
    void knownFailuresRoundTripInFileAndLineOrder() {
        String text = KnownFailures.render(List.of("b.test:2", "a.test:10", "a.test:9"));
        assertThat(KnownFailures.parse(text)).containsExactly("a.test:9", "a.test:10", "b.test:2");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KnownFailures.parse("a.test"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
