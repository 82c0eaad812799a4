package io.sextant.promql.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.promql.conformance.TestScript.Eval;
import io.sextant.promql.conformance.TestScript.Expect;
import io.sextant.promql.conformance.TestScript.ExpectKind;
import io.sextant.promql.eval.QueryValue;
import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The runner's own comparison rules (FORMAT.md §5), checked before they judge the engine. */
class ResultComparisonTest {
    private static final double STALE = Double.longBitsToDouble(Samples.STALE_NAN_BITS);
    // A NaN with another payload and the sign bit set: still "NaN", never stale.
    private static final double ODD_NAN = Double.longBitsToDouble(0xfff8000000000123L);
    private static final double SUBNORMAL = Double.MIN_VALUE * 1000;

    static Stream<Arguments> floats() {
        return Stream.of(
                Arguments.of("equal", 1.0, 1.0, true),
                Arguments.of("relative error 1e-7", 1.0, 1.0000001, true),
                Arguments.of("relative error just under 1e-6", 1.0, 1.0000019, true),
                Arguments.of("relative error just over 1e-6", 1.0, 1.0000021, false),
                Arguments.of("relative to the sum of magnitudes", -2.0, -2.000001, true),
                Arguments.of("large values", 1e300, 1.0000001e300, true),
                Arguments.of("zero is exact", 0.0, 1e-300, false),
                Arguments.of("zero is exact, other side", 1e-300, 0.0, false),
                Arguments.of("zero equals negative zero", 0.0, -0.0, true),
                Arguments.of("zero against the smallest subnormal", 0.0, Double.MIN_VALUE, true),
                Arguments.of("subnormals: absolute below eps*minNormal", SUBNORMAL, 2 * SUBNORMAL, true),
                Arguments.of("below minNormal but not tiny", 1e-308, 2e-308, false),
                Arguments.of("+Inf", Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, true),
                Arguments.of("-Inf", Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, true),
                Arguments.of("+Inf vs -Inf", Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, false),
                Arguments.of("+Inf vs MAX", Double.POSITIVE_INFINITY, Double.MAX_VALUE, false),
                Arguments.of(
                        "MAX vs almost MAX (sum overflows)", Double.MAX_VALUE, Double.MAX_VALUE * (1 - 1e-7), true),
                Arguments.of("NaN vs NaN", Double.NaN, Double.NaN, true),
                Arguments.of("NaN payload and sign ignored", Double.NaN, ODD_NAN, true),
                Arguments.of("NaN vs number", Double.NaN, 1.0, false),
                Arguments.of("number vs NaN", 0.0, Double.NaN, false),
                Arguments.of("stale vs stale", STALE, STALE, true),
                Arguments.of("stale expected, NaN actual", STALE, Double.NaN, false),
                Arguments.of("NaN expected, stale actual", Double.NaN, STALE, false),
                Arguments.of("stale vs number", STALE, 1.0, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("floats")
    void floatTolerance(String name, double expected, double actual, boolean equal) {
        assertThat(ResultComparison.floatsEqual(expected, actual)).isEqualTo(equal);
        // The rule is symmetric except for which side is stale, and both sides are covered by rows.
        assertThat(ResultComparison.floatsEqual(actual, expected)).isEqualTo(equal);
    }

    private static final String GRINNING = new String(Character.toChars(0x1F600)); // UTF-8 F0 9F 98 80
    // UTF-8 EF BC A1, below any 4-byte sequence; UTF-16 FF21, above any surrogate. (Not U+FFFD: PromQL's
    // lexer rejects that rune in strings, as Go's does.)
    private static final String FULLWIDTH_A = "\uFF21";

    static Stream<Arguments> labelOrder() {
        return Stream.of(
                Arguments.of(Labels.of("a", "1"), Labels.of("a", "2"), -1),
                Arguments.of(Labels.of("a", "1"), Labels.of("a", "1"), 0),
                Arguments.of(Labels.of("a", "1"), Labels.of("a", "1", "b", "1"), -1),
                Arguments.of(Labels.EMPTY, Labels.of("a", "1"), -1),
                Arguments.of(Labels.of("A", "x"), Labels.of("__name__", "x"), -1),
                Arguments.of(Labels.of("__name__", "x"), Labels.of("a", "x"), -1),
                // Values: a supplementary character sorts after U+FF21 in UTF-8, before it in UTF-16.
                Arguments.of(Labels.of("a", FULLWIDTH_A), Labels.of("a", GRINNING), -1),
                // Names inside a set are ordered byte-wise too: {U+FF21, U+1F600} starts with U+FF21, so it
                // extends {U+FF21="1"} and sorts after it.
                Arguments.of(Labels.of(FULLWIDTH_A, "1"), Labels.of(FULLWIDTH_A, "1", GRINNING, "2"), -1));
    }

    @ParameterizedTest
    @MethodSource("labelOrder")
    void labelsCompareByteWise(Labels a, Labels b, int sign) {
        assertThat(Integer.signum(ResultComparison.compareLabels(a, b))).isEqualTo(sign);
        assertThat(Integer.signum(ResultComparison.compareLabels(b, a))).isEqualTo(-sign);
    }

    @Test
    void byteOrderDiffersFromStringCompareTo() {
        assertThat(FULLWIDTH_A.compareTo(GRINNING)).isPositive();
        assertThat(ResultComparison.compareUtf8(FULLWIDTH_A, GRINNING)).isNegative();
        // Java's own label order disagrees with Prometheus' for these two sets.
        Labels a = Labels.of("a", FULLWIDTH_A);
        Labels b = Labels.of("a", GRINNING);
        assertThat(a.compareTo(b)).isPositive();
        assertThat(ResultComparison.compareLabels(a, b)).isNegative();
    }

    // ---------------------------------------------------------------- results

    private static Eval eval(boolean range, long start, long end, long step, List<String> series, String scalar) {
        return new Eval(1, range, start, end, step, "q", List.of(), series, scalar, null, null, false);
    }

    private static Expected expected(String... lines) {
        return Expected.of(eval(false, 0, 0, 0, List.of(lines), null));
    }

    private static QueryValue.Vector vector(Object... labelsAndValues) {
        List<QueryValue.Sample> samples = new ArrayList<>();
        for (int i = 0; i < labelsAndValues.length; i += 2) {
            samples.add(new QueryValue.Sample((Labels) labelsAndValues[i], (double) labelsAndValues[i + 1]));
        }
        return new QueryValue.Vector(0, samples);
    }

    private static QueryValue.MatrixSeries series(Labels l, long[] ts, double... values) {
        return new QueryValue.MatrixSeries(l, ts, values);
    }

    private static Optional<String> compare(Expected e, QueryValue v) {
        return ResultComparison.compare(e, v, false, new long[] {0});
    }

    @Test
    void vectorsCompareAsSetsIncludingTheName() {
        Expected e = expected("m{a=\"1\"} 1", "{a=\"2\"} 2");
        Labels withName = Labels.of("__name__", "m", "a", "1");
        Labels nameless = Labels.of("a", "2");
        assertThat(compare(e, vector(nameless, 2.0, withName, 1.0))).isEmpty();
        assertThat(compare(e, vector(Labels.of("a", "1"), 1.0, nameless, 2.0)))
                .hasValueSatisfying(r -> assertThat(r).startsWith("unexpected metric {a=\"1\"}"));
        assertThat(compare(e, vector(withName, 1.0)))
                .hasValueSatisfying(r -> assertThat(r).isEqualTo("expected metric {a=\"2\"} not found"));
        assertThat(compare(e, vector(withName, 1.5, nameless, 2.0)))
                .hasValueSatisfying(r -> assertThat(r).isEqualTo("expected 1 for m{a=\"1\"} but got 1.5"));
        assertThat(compare(expected(), vector())).isEmpty();
        assertThat(compare(expected(), new QueryValue.Matrix(List.of()))).isEmpty();
    }

    @Test
    void orderMattersOnlyWhenAsked() {
        Expected e = expected("{a=\"1\"} 1", "{a=\"2\"} 2");
        QueryValue.Vector swapped = vector(Labels.of("a", "2"), 2.0, Labels.of("a", "1"), 1.0);
        assertThat(ResultComparison.compare(e, swapped, false, new long[] {0})).isEmpty();
        assertThat(ResultComparison.compare(e, swapped, true, new long[] {0}))
                .hasValue("expected metric {a=\"2\"} at position 2 but was at 1");
        assertThat(ResultComparison.compare(e, new QueryValue.Matrix(List.of()), true, new long[] {0}))
                .hasValue("expected ordered result, but query returned a matrix");
    }

    @Test
    void scalarsAndStringsAreTyped() {
        Expected scalar = Expected.of(eval(false, 0, 0, 0, List.of(), "-0x10"));
        assertThat(compare(scalar, new QueryValue.Scalar(0, -16))).isEmpty();
        assertThat(compare(scalar, vector(Labels.EMPTY, -16.0)))
                .hasValueSatisfying(r -> assertThat(r).startsWith("expected scalar -16, but got vector"));
        assertThat(compare(expected("{} 3"), new QueryValue.Scalar(0, 3)))
                .hasValue("expected vector or matrix result, but got scalar 3");
        Expected str =
                Expected.of(new Eval(1, false, 0, 0, 0, "q", List.of(), List.of(), null, "\" Foo \"", null, false));
        assertThat(compare(str, new QueryValue.Str(0, " Foo "))).isEmpty();
        assertThat(compare(str, new QueryValue.Str(0, "Foo"))).isPresent();
    }

    @Test
    void matricesMatchPointsPerStepWithGapsAndShortSequences() {
        long[] steps = {0, 60_000, 120_000, 180_000};
        Expected e = Expected.of(eval(true, 0, 180_000, 60_000, List.of("{a=\"1\"} 1 _ 3"), null));
        Labels a = Labels.of("a", "1");
        QueryValue.Matrix good = new QueryValue.Matrix(List.of(series(a, new long[] {0, 120_000}, 1, 3)));
        assertThat(ResultComparison.compare(e, good, false, steps)).isEmpty();
        // A point at the gap, or after the end of the (shorter) expected sequence, is a mismatch.
        QueryValue.Matrix extra = new QueryValue.Matrix(List.of(series(a, new long[] {0, 120_000, 180_000}, 1, 3, 4)));
        assertThat(ResultComparison.compare(e, extra, false, steps))
                .hasValueSatisfying(r -> assertThat(r).startsWith("expected 2 float points for {a=\"1\"}, but got 3"));
        QueryValue.Matrix shifted = new QueryValue.Matrix(List.of(series(a, new long[] {0, 60_000}, 1, 3)));
        assertThat(ResultComparison.compare(e, shifted, false, steps)).hasValueSatisfying(r -> assertThat(r)
                .contains("to have timestamp 120000, but it had timestamp 60000"));
        // Trailing gaps count as positions: five positions cannot fit four steps.
        Expected tooLong = Expected.of(eval(true, 0, 180_000, 60_000, List.of("{a=\"1\"} 1 _x4"), null));
        QueryValue.Matrix one = new QueryValue.Matrix(List.of(series(a, new long[] {0}, 1)));
        assertThat(ResultComparison.compare(tooLong, one, false, steps))
                .hasValueSatisfying(r -> assertThat(r).contains("cannot return this many points"));
    }

    @Test
    void matricesMustBeSortedByteWise() {
        Expected e = Expected.of(
                eval(true, 0, 0, 60_000, List.of("{a=\"" + FULLWIDTH_A + "\"} 1", "{a=\"" + GRINNING + "\"} 2"), null));
        QueryValue.MatrixSeries low = series(Labels.of("a", FULLWIDTH_A), new long[] {0}, 1);
        QueryValue.MatrixSeries high = series(Labels.of("a", GRINNING), new long[] {0}, 2);
        assertThat(ResultComparison.compare(e, new QueryValue.Matrix(List.of(low, high)), false, new long[] {0}))
                .isEmpty();
        // The order String.compareTo would produce is wrong for Prometheus.
        assertThat(ResultComparison.compare(e, new QueryValue.Matrix(List.of(high, low)), false, new long[] {0}))
                .hasValueSatisfying(r -> assertThat(r).startsWith("matrix results should always be sorted by labels"));
    }

    @Test
    void staleOnlyMatchesStale() {
        assertThat(compare(expected("{} stale"), vector(Labels.EMPTY, STALE))).isEmpty();
        assertThat(compare(expected("{} stale"), vector(Labels.EMPTY, Double.NaN)))
                .isPresent();
        assertThat(compare(expected("{} NaN"), vector(Labels.EMPTY, STALE))).isPresent();
        assertThat(compare(expected("{} NaN"), vector(Labels.EMPTY, ODD_NAN))).isEmpty();
    }

    // ---------------------------------------------------------------- errors and annotations

    @Test
    void errorMessagesMatchExactlyOrByUnanchoredRe2Search() {
        List<Expect> msg = List.of(new Expect(ExpectKind.FAIL, "Parameter value is NaN", null));
        assertThat(ResultComparison.checkError(msg, "Parameter value is NaN")).isEmpty();
        assertThat(ResultComparison.checkError(msg, "Parameter value is NaN!")).isPresent();
        List<Expect> regex = List.of(new Expect(ExpectKind.FAIL, null, "value is \\w+"));
        assertThat(ResultComparison.checkError(regex, "Parameter value is NaN")).isEmpty();
        assertThat(ResultComparison.checkError(regex, "Parameter value")).isPresent();
        assertThat(ResultComparison.checkError(List.of(new Expect(ExpectKind.FAIL, null, null)), "anything"))
                .isEmpty();
    }

    private static Expect warn(String msg, String regex) {
        return new Expect(ExpectKind.WARN, msg, regex);
    }

    private static final String W1 = "PromQL warning: encountered a mix of histograms and floats for aggregation (1:5)";
    private static final String W2 = "PromQL warning: input to quantile needs to be between 0 and 1 (1:10)";
    private static final String I1 = "PromQL info: ignored histograms in a range of floats (1:1)";

    static Stream<Arguments> annotations() {
        Expect anyWarn = warn(null, null);
        Expect w1 = warn(W1, null);
        Expect mixRegex = warn(null, "mix of histograms and floats .*\\([0-9]+:[0-9]+\\)");
        Expect noWarn = new Expect(ExpectKind.NO_WARN, null, null);
        Expect anyInfo = new Expect(ExpectKind.INFO, null, null);
        Expect noInfo = new Expect(ExpectKind.NO_INFO, null, null);
        return Stream.of(
                Arguments.of("no expectations: nothing is checked", List.of(), List.of(W1), List.of(I1), ""),
                Arguments.of("bare expect warn matches any warning", List.of(anyWarn), List.of(W1, W2), List.of(), ""),
                Arguments.of("expect warn needs a warning", List.of(anyWarn), List.of(), List.of(), "none were found"),
                Arguments.of("exact message", List.of(w1), List.of(W1), List.of(), ""),
                Arguments.of(
                        "every warning must be expected",
                        List.of(w1),
                        List.of(W1, W2),
                        List.of(),
                        "unexpected warning"),
                Arguments.of(
                        "every line must match a warning",
                        List.of(w1, warn(W2, null)),
                        List.of(W1),
                        List.of(),
                        "expected warning"),
                Arguments.of("regex search with loose position", List.of(mixRegex), List.of(W1), List.of(), ""),
                Arguments.of(
                        "regex that matches nothing",
                        List.of(warn(null, "^quantile")),
                        List.of(W2),
                        List.of(),
                        "expected warning"),
                Arguments.of(
                        "exact message includes the position",
                        List.of(warn(W1.replace("(1:5)", "(1:6)"), null)),
                        List.of(W1),
                        List.of(),
                        "expected warning"),
                Arguments.of("no_warn", List.of(noWarn), List.of(W1), List.of(), "expected no warning"),
                Arguments.of("no_warn ignores infos", List.of(noWarn), List.of(), List.of(I1), ""),
                Arguments.of("expect warn does not check infos", List.of(anyWarn), List.of(W1), List.of(I1), ""),
                Arguments.of("expect info", List.of(anyInfo), List.of(W1), List.of(I1), ""),
                Arguments.of("no_info", List.of(noInfo), List.of(), List.of(I1), "expected no info"),
                Arguments.of(
                        "a warning does not satisfy expect info",
                        List.of(anyInfo),
                        List.of(W1),
                        List.of(),
                        "expected info annotations but none were found"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("annotations")
    void annotationsMatchBothWays(
            String name, List<Expect> expects, List<String> warnings, List<String> infos, String failure) {
        Optional<String> r = ResultComparison.checkAnnotations(expects, warnings, infos);
        if (failure.isEmpty()) {
            assertThat(r).isEmpty();
        } else {
            assertThat(r).hasValueSatisfying(m -> assertThat(m).contains(failure));
        }
    }
}
