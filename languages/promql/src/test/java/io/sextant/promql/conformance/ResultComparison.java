package io.sextant.promql.conformance;

import io.sextant.promql.conformance.TestScript.Expect;
import io.sextant.promql.conformance.TestScript.ExpectKind;
import io.sextant.promql.eval.QueryValue;
import io.sextant.promql.parser.GoNumbers;
import io.sextant.promql.parser.GoText;
import io.sextant.promql.parser.SeriesDescription;
import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The comparison rules of the corpus' FORMAT.md §5, as the reference runner applies them: each check returns
 * the reason for a mismatch, or empty when the actual value is acceptable.
 */
final class ResultComparison {
    /** The reference runner's tolerance. */
    static final double EPSILON = 1e-6;

    /** The smallest positive normal double, Go's {@code minNormal} in its almost-equal helper. */
    static final double MIN_NORMAL = Double.MIN_NORMAL;

    private static final int POINTS_SHOWN = 6;

    private ResultComparison() {}

    /**
     * Prometheus' {@code almost.Equal}: a stale marker equals only a stale marker; any other two NaNs are
     * equal; otherwise exact equality or a relative error below {@link #EPSILON}, where a comparison against
     * 0 (or between subnormals) is in effect exact.
     */
    static boolean floatsEqual(double expected, double actual) {
        boolean staleExpected = isStale(expected);
        boolean staleActual = isStale(actual);
        if (staleExpected || staleActual) {
            return staleExpected && staleActual;
        }
        if (Double.isNaN(expected) && Double.isNaN(actual)) {
            return true;
        }
        if (expected == actual) {
            return true;
        }
        double absSum = Math.abs(expected) + Math.abs(actual);
        double diff = Math.abs(expected - actual);
        if (expected == 0 || actual == 0 || absSum < MIN_NORMAL) {
            return diff < EPSILON * MIN_NORMAL;
        }
        return diff / Math.min(absSum, Double.MAX_VALUE) < EPSILON;
    }

    static boolean isStale(double v) {
        return Double.doubleToRawLongBits(v) == Samples.STALE_NAN_BITS;
    }

    /**
     * Prometheus' {@code labels.Compare}: both sets sorted by name, then compared pair by pair (name, then
     * value) as UTF-8 byte strings; a set that is a prefix of the other sorts first. Java's {@link
     * String#compareTo} compares UTF-16 units, which orders a supplementary character before U+E000..U+FFFF,
     * unlike UTF-8.
     */
    static int compareLabels(Labels a, Labels b) {
        List<Labels.Label> x = byteSorted(a);
        List<Labels.Label> y = byteSorted(b);
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            int c = compareUtf8(x.get(i).name(), y.get(i).name());
            if (c != 0) {
                return c;
            }
            c = compareUtf8(x.get(i).value(), y.get(i).value());
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    }

    private static List<Labels.Label> byteSorted(Labels l) {
        List<Labels.Label> out = new ArrayList<>(l.asList());
        out.sort(Comparator.comparing(Labels.Label::name, ResultComparison::compareUtf8));
        return out;
    }

    /** Go's string comparison: the UTF-8 bytes, unsigned (surrogate-escaped bytes restored). */
    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(GoText.utf8(a), GoText.utf8(b));
    }

    /**
     * Compares a query's value with the expectation (FORMAT.md §5.2, §5.3).
     *
     * @param ordered whether the eval has {@code expect ordered}
     * @param times the timestamp of each expected position in a matrix: the steps of a range query, the
     *     {@code expect range vector} times, or the evaluation time of an instant query
     */
    static Optional<String> compare(Expected expected, QueryValue actual, boolean ordered, long[] times) {
        if (actual instanceof QueryValue.Scalar s) {
            if (expected instanceof Expected.ScalarValue e) {
                return floatsEqual(e.value(), s.value())
                        ? Optional.empty()
                        : Optional.of("expected scalar " + format(e.value()) + " but got " + format(s.value()));
            }
            return Optional.of("expected " + describe(expected) + ", but got scalar " + format(s.value()));
        }
        if (actual instanceof QueryValue.Str s) {
            if (expected instanceof Expected.StringValue e) {
                return e.value().equals(s.value())
                        ? Optional.empty()
                        : Optional.of(
                                "expected string " + GoText.quote(e.value()) + " but got " + GoText.quote(s.value()));
            }
            return Optional.of("expected " + describe(expected) + ", but got string " + GoText.quote(s.value()));
        }
        if (!(expected instanceof Expected.SeriesSet set)) {
            return Optional.of("expected " + describe(expected) + ", but got " + kind(actual));
        }
        if (actual instanceof QueryValue.Vector v) {
            return compareVector(set, v, ordered);
        }
        if (ordered) {
            return Optional.of("expected ordered result, but query returned a matrix");
        }
        return compareMatrix(set, (QueryValue.Matrix) actual, times);
    }

    private static Optional<String> compareVector(Expected.SeriesSet set, QueryValue.Vector v, boolean ordered) {
        Set<Labels> seen = new HashSet<>();
        List<QueryValue.Sample> samples = v.samples();
        for (int pos = 0; pos < samples.size(); pos++) {
            QueryValue.Sample s = samples.get(pos);
            Expected.Series exp = set.byLabels().get(s.labels());
            if (exp == null) {
                return Optional.of("unexpected metric " + s.labels() + " in result, has value " + format(s.value()));
            }
            if (ordered && exp.position() != pos + 1) {
                return Optional.of("expected metric " + s.labels() + " at position " + exp.position() + " but was at "
                        + (pos + 1));
            }
            if (exp.values().isEmpty() || exp.values().get(0).index() != 0) {
                return Optional.of("expected no value for " + s.labels() + " but got " + format(s.value()));
            }
            double want = exp.values().get(0).value();
            if (!floatsEqual(want, s.value())) {
                return Optional.of("expected " + format(want) + " for " + s.labels() + " but got " + format(s.value()));
            }
            seen.add(s.labels());
        }
        return missing(set, seen);
    }

    private static Optional<String> compareMatrix(Expected.SeriesSet set, QueryValue.Matrix m, long[] times) {
        List<QueryValue.MatrixSeries> series = m.series();
        for (int i = 0; i + 1 < series.size(); i++) {
            Labels a = series.get(i).labels();
            Labels b = series.get(i + 1).labels();
            if (compareLabels(a, b) > 0) {
                return Optional.of("matrix results should always be sorted by labels, but series at index " + i
                        + " with labels " + a + " sorts after series at index " + (i + 1) + " with labels " + b);
            }
        }
        Set<Labels> seen = new HashSet<>();
        for (QueryValue.MatrixSeries s : series) {
            Expected.Series exp = set.byLabels().get(s.labels());
            if (exp == null) {
                return Optional.of("unexpected metric " + s.labels() + " in result, has " + points(s));
            }
            seen.add(s.labels());
            if (exp.length() > times.length) {
                return Optional.of("expected " + exp.length() + " points for " + s.labels()
                        + ", but query time range cannot return this many points");
            }
            List<SeriesDescription.Value> want = exp.values();
            if (want.size() != s.values().length) {
                return Optional.of(
                        "expected " + want.size() + " float points for " + s.labels() + ", but got " + points(s));
            }
            for (int p = 0; p < want.size(); p++) {
                long t = times[want.get(p).index()];
                if (s.timestamps()[p] != t) {
                    return Optional.of("expected float value at index " + p + " for " + s.labels()
                            + " to have timestamp " + t + ", but it had timestamp " + s.timestamps()[p]
                            + " (result has " + points(s) + ")");
                }
                if (!floatsEqual(want.get(p).value(), s.values()[p])) {
                    return Optional.of("expected float value at index " + p + " (t=" + t + ") for " + s.labels()
                            + " to be " + format(want.get(p).value()) + ", but got " + format(s.values()[p])
                            + " (result has " + points(s) + ")");
                }
            }
        }
        return missing(set, seen);
    }

    private static Optional<String> missing(Expected.SeriesSet set, Set<Labels> seen) {
        for (Expected.Series e : set.byLabels().values()) {
            if (!seen.contains(e.labels())) {
                return Optional.of("expected metric " + e.labels() + " not found");
            }
        }
        return Optional.empty();
    }

    /**
     * Checks the error of a query that was expected to fail: {@code msg:} must equal the whole text,
     * {@code regex:} must match somewhere in it (RE2 syntax, as the reference runner's Go regexp).
     */
    static Optional<String> checkError(List<Expect> expects, String error) {
        for (Expect e : expects) {
            if (e.kind() != ExpectKind.FAIL) {
                continue;
            }
            if (e.message() != null && !e.message().equals(error)) {
                return Optional.of("expected error " + GoText.quote(e.message()) + " but got " + GoText.quote(error));
            }
            if (e.regex() != null
                    && !com.google.re2j.Pattern.compile(e.regex())
                            .matcher(error)
                            .find()) {
                return Optional.of("expected error matching /" + e.regex() + "/ but got " + GoText.quote(error));
            }
        }
        return Optional.empty();
    }

    /**
     * The annotation rules of FORMAT.md §4.1, per severity: {@code no_warn} forbids warnings; once an {@code
     * expect warn} line exists there must be a warning, every line must match a warning and every warning
     * must match a line (a line without {@code msg:}/{@code regex:} matches any). Likewise for infos.
     * Severities without such lines are not checked. Annotations are compared in their rendered form.
     */
    static Optional<String> checkAnnotations(List<Expect> expects, List<String> warnings, List<String> infos) {
        Optional<String> w = checkSeverity(expects, ExpectKind.WARN, ExpectKind.NO_WARN, "warning", warnings);
        return w.isPresent() ? w : checkSeverity(expects, ExpectKind.INFO, ExpectKind.NO_INFO, "info", infos);
    }

    private static Optional<String> checkSeverity(
            List<Expect> expects, ExpectKind kind, ExpectKind none, String what, List<String> actual) {
        List<Expect> lines = expects.stream().filter(e -> e.kind() == kind).toList();
        if (expects.stream().anyMatch(e -> e.kind() == none) && !actual.isEmpty()) {
            return Optional.of("expected no " + what + " annotations but got " + actual);
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        if (actual.isEmpty()) {
            return Optional.of("expected " + what + " annotations but none were found");
        }
        for (Expect e : lines) {
            if (actual.stream().noneMatch(a -> matches(e, a))) {
                return Optional.of("expected " + what + " " + describe(e) + " but got " + actual);
            }
        }
        for (String a : actual) {
            if (lines.stream().noneMatch(e -> matches(e, a))) {
                return Optional.of("unexpected " + what + " " + GoText.quote(a));
            }
        }
        return Optional.empty();
    }

    static boolean matches(Expect e, String text) {
        if (e.message() != null) {
            return e.message().equals(text);
        }
        if (e.regex() != null) {
            return com.google.re2j.Pattern.compile(e.regex()).matcher(text).find();
        }
        return true;
    }

    private static String describe(Expect e) {
        if (e.message() != null) {
            return GoText.quote(e.message());
        }
        return e.regex() != null ? "matching /" + e.regex() + "/" : "(any)";
    }

    private static String describe(Expected e) {
        if (e instanceof Expected.ScalarValue s) {
            return "scalar " + format(s.value());
        }
        if (e instanceof Expected.StringValue s) {
            return "string " + GoText.quote(s.value());
        }
        return "vector or matrix result";
    }

    private static String kind(QueryValue v) {
        if (v instanceof QueryValue.Vector vec) {
            return "vector of " + vec.samples().size() + " samples";
        }
        if (v instanceof QueryValue.Matrix m) {
            return "matrix of " + m.series().size() + " series";
        }
        return v.getClass().getSimpleName();
    }

    static String format(double v) {
        return isStale(v) ? "stale" : GoNumbers.formatG(v);
    }

    private static String points(QueryValue.MatrixSeries s) {
        StringBuilder sb = new StringBuilder();
        int n = s.values().length;
        sb.append(n).append(" points [");
        for (int i = 0; i < Math.min(n, POINTS_SHOWN); i++) {
            sb.append(i == 0 ? "" : " ")
                    .append(format(s.values()[i]))
                    .append(" @")
                    .append(s.timestamps()[i]);
        }
        return sb.append(n > POINTS_SHOWN ? " …]" : "]").toString();
    }
}
