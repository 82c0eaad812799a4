package io.sextant.promql.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.promql.eval.RangeFunction;
import io.sextant.promql.eval.Selectors;
import io.sextant.promql.eval.StepGrid;
import io.sextant.promql.eval.Window;
import io.sextant.promql.rollup.RollupEvaluator.Outcome;
import io.sextant.storage.Samples;
import io.sextant.storage.numeric.RangeRules;
import io.sextant.storage.rollup.RollupSeries;
import io.sextant.storage.rollup.Rollups;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every exact function over many aligned windows of many generated series, once from the raw samples through
 * {@link Selectors#range} (the engine's raw path) and once from rollups through {@link RollupEvaluator}: 5m and 1h
 * buckets built from the raw samples, and 1h buckets coarsened from the 5m ones. Presence must agree; values must
 * be bit-identical where the arithmetic is (everything but sums, means and variances, and those too over a single
 * bucket built from raw samples), else within 1e-9 relative. A window the evaluator hands back ({@link
 * Outcome#NEEDS_RAW}) must have a reason visible in its raw samples.
 */
class RollupEquivalenceTest {
    private static final long SEED = 20_260_522L;
    private static final long MIN = 60_000;
    private static final long R5 = Rollups.FIVE_MINUTES_MS;
    private static final long R1H = Rollups.ONE_HOUR_MS;
    /** Data from −30 min to 26 h: windows end on either side of the epoch. */
    private static final long SPAN = 26 * 60 * MIN;

    private static final double TOLERANCE = 1e-9;
    private static final double STALE = Double.longBitsToDouble(Samples.STALE_NAN_BITS);

    /** Sums, means and variances: merged from bucket partials, so equal only within the tolerance. */
    private static final Set<RangeFunction> MERGED = EnumSet.of(
            RangeFunction.SUM_OVER_TIME,
            RangeFunction.AVG_OVER_TIME,
            RangeFunction.STDDEV_OVER_TIME,
            RangeFunction.STDVAR_OVER_TIME);

    private enum Times {
        REGULAR,
        JITTERED,
        GAPPY,
        IRREGULAR,
        ON_BOUNDARIES,
        SPARSE
    }

    private enum Values {
        GAUGE,
        OFFSET_GAUGE,
        HUGE_OFFSET,
        /** max|value| / σ about {@link RollupEvaluator#CONDITION_LIMIT}: answered on one side, handed back on the other. */
        CONDITION_EDGE,
        COUNTER,
        BIG_COUNTER,
        CONSTANT,
        SIGNED_ZEROS,
        SMALL_INTEGERS
    }

    private enum Specials {
        NONE,
        NON_FINITE,
        EXTREME
    }

    /** The rollups a window is answered from. */
    private enum Source {
        RAW_5M("5m from raw"),
        RAW_1H("1h from raw"),
        COARSENED_1H("1h from 5m");

        final String label;

        Source(String label) {
            this.label = label;
        }
    }

    /** Outcome counts of one function from one source. */
    private static final class Tally {
        long bitExact;
        long withinTolerance;
        long needsRaw;
        long noPoint;
        double worst;
    }

    private final Map<Source, Map<RangeFunction, Tally>> tallies = new EnumMap<>(Source.class);
    /** Windows handed back to raw, by the kind of series. */
    private final Map<String, Long> declines = new TreeMap<>();
    /** Situations the data must contain for the comparison to mean something, and how often they occur. */
    private final Map<String, Long> coverage = new TreeMap<>();

    private final RollupEvaluator evaluator = new RollupEvaluator();
    private final Window window = new Window();

    @Test
    void rollupsAnswerAsRawSamples() {
        for (Source source : Source.values()) {
            Map<RangeFunction, Tally> bySource = new EnumMap<>(RangeFunction.class);
            for (RangeFunction f : RollupEvaluator.exactFunctions()) {
                bySource.put(f, new Tally());
            }
            tallies.put(source, bySource);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        int seriesCount = 0;
        for (int round = 0; round < 2; round++) {
            for (Times times : Times.values()) {
                for (Values values : Values.values()) {
                    for (Specials specials : Specials.values()) {
                        Samples raw = series(random.split(), times, values, specials);
                        String name = times + "/" + values + "/" + specials + "#" + round;
                        declines.merge(values + "/" + specials, compareAll(name, raw), Long::sum);
                        seriesCount++;
                    }
                }
            }
        }
        print(seriesCount);
        long compared = 0;
        for (Map<RangeFunction, Tally> bySource : tallies.values()) {
            for (Tally t : bySource.values()) {
                compared += t.bitExact + t.withinTolerance;
            }
            for (RangeFunction f : MERGED) {
                assertThat(bySource.get(f).bitExact)
                        .as("%s bit-exact somewhere", f)
                        .isPositive();
            }
        }
        assertThat(compared).as("windows compared with a value").isGreaterThan(1_000_000);
        assertThat(coverage)
                .allSatisfy((situation, n) -> assertThat(n).as(situation).isPositive());
        assertThat(declines.get(Values.HUGE_OFFSET + "/" + Specials.NONE))
                .as("ill-conditioned variances handed back")
                .isPositive();
        assertThat(declines.get(Values.CONDITION_EDGE + "/" + Specials.NONE))
                .as("variances at the condition limit handed back")
                .isPositive();
        assertThat(declines.get(Values.SMALL_INTEGERS + "/" + Specials.EXTREME))
                .as("extreme magnitudes handed back")
                .isPositive();
        for (Values v : EnumSet.of(Values.OFFSET_GAUGE, Values.COUNTER, Values.SMALL_INTEGERS, Values.CONSTANT)) {
            for (Specials s : EnumSet.of(Specials.NONE, Specials.NON_FINITE)) {
                assertThat(declines.get(v + "/" + s))
                        .as("%s/%s handed back", v, s)
                        .isZero();
            }
        }
    }

    /** Compares every exact function over every window of every source; returns the windows handed back. */
    private long compareAll(String name, Samples raw) {
        Samples clean = Selectors.withoutStaleMarkers(raw);
        coverage.merge("staleness markers", (long) raw.count() - clean.count(), Long::sum);
        RollupSeries fine = Rollups.build(raw, R5);
        RollupSeries hourly = Rollups.build(raw, R1H);
        RollupSeries coarsened = Rollups.coarsen(fine, R1H);
        count(fine, clean);
        long handedBack = 0;
        for (long k : new long[] {1, 2, 3, 7, 12, 25}) {
            handedBack += compare(name, clean, fine, Source.RAW_5M, k * R5);
        }
        for (long k : new long[] {1, 2, 5}) {
            handedBack += compare(name, clean, hourly, Source.RAW_1H, k * R1H);
            handedBack += compare(name, clean, coarsened, Source.COARSENED_1H, k * R1H);
        }
        return handedBack;
    }

    /**
     * Counts the situations the comparison must meet to mean anything. Every 5m boundary starts some window, so a
     * reset right after a boundary is also a reset between a window's first bucket and the one before it.
     */
    private void count(RollupSeries fine, Samples clean) {
        for (int b = 0; b < fine.size(); b++) {
            coverage.merge("single-sample buckets", fine.counts()[b] == 1 ? 1L : 0L, Long::sum);
            coverage.merge(
                    "resets inside a bucket", (long) fine.resetOffsets()[b + 1] - fine.resetOffsets()[b], Long::sum);
            if (b > 0) {
                boolean reset = RangeRules.isCounterReset(fine.lastValues()[b - 1], fine.firstValues()[b]);
                coverage.merge("resets across a bucket boundary", reset ? 1L : 0L, Long::sum);
                coverage.merge(
                        "gaps longer than a bucket", fine.ends()[b] - fine.ends()[b - 1] > R5 ? 1L : 0L, Long::sum);
            }
        }
        for (int k = 0; k < clean.count(); k++) {
            long t = clean.timestamps()[k];
            double v = clean.values()[k];
            coverage.merge("samples on a bucket end", Math.floorMod(t, R5) == 0 ? 1L : 0L, Long::sum);
            coverage.merge(
                    "resets on a bucket end",
                    Math.floorMod(t, R5) == 0 && k > 0 && RangeRules.isCounterReset(clean.values()[k - 1], v) ? 1L : 0L,
                    Long::sum);
            coverage.merge("NaN samples", Double.isNaN(v) ? 1L : 0L, Long::sum);
            coverage.merge("infinite samples", Double.isInfinite(v) ? 1L : 0L, Long::sum);
            coverage.merge("samples of magnitude 1e15", Math.abs(v) >= 1e15 && Math.abs(v) < 2e15 ? 1L : 0L, Long::sum);
        }
    }

    private long compare(String name, Samples clean, RollupSeries rollups, Source source, long rangeMs) {
        long resolution = rollups.resolutionMs();
        // Steps on every multiple of the resolution from before the data to after it: empty windows included.
        StepGrid grid = new StepGrid(-2 * R1H, SPAN + 2 * R1H, resolution);
        long declines = 0;
        for (RangeFunction f : RollupEvaluator.exactFunctions()) {
            double[] expected = new double[grid.size()];
            BitSet present = new BitSet();
            Selectors.range(f, clean, grid, 0, rangeMs, 5 * MIN, window, null, null, expected, present);
            double[] actual = new double[grid.size()];
            Tally tally = tallies.get(source).get(f);
            for (int i = 0; i < grid.size(); i++) {
                long end = grid.time(i);
                String where = name + " " + f + " " + source.label + " (" + (end - rangeMs) + ", " + end + "]";
                Outcome outcome = evaluator.apply(f, rollups, end, rangeMs, actual, i);
                if (outcome == Outcome.NEEDS_RAW) {
                    assertThat(MERGED).as(where).contains(f);
                    assertThat(handBackReason(f, clean, end - rangeMs, end))
                            .as("reason for handing back " + where)
                            .isNotNull();
                    tally.needsRaw++;
                    declines++;
                    continue;
                }
                assertThat(outcome == Outcome.POINT).as("presence " + where).isEqualTo(present.get(i));
                if (outcome == Outcome.NO_POINT) {
                    tally.noPoint++;
                    continue;
                }
                double a = expected[i];
                double b = actual[i];
                if (Double.doubleToLongBits(a) == Double.doubleToLongBits(b)) {
                    tally.bitExact++;
                    continue;
                }
                assertThat(MERGED)
                        .as("%s: raw %s, rollups %s, where the arithmetic is the same", where, a, b)
                        .contains(f);
                assertThat(source == Source.COARSENED_1H || rangeMs > resolution)
                        .as("%s: raw %s, rollups %s over one bucket built from raw samples", where, a, b)
                        .isTrue();
                double relative = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
                assertThat(relative).as("%s: raw %s, rollups %s", where, a, b).isLessThanOrEqualTo(TOLERANCE);
                tally.withinTolerance++;
                tally.worst = Math.max(tally.worst, relative);
            }
        }
        return declines;
    }

    /**
     * Why the raw window {@code (start, end]} may not be answered from rollups, or null: an extreme magnitude, or
     * for a variance a standard deviation below {@code max|value| / limit} (with slack, as the evaluator judges
     * from merged partials).
     */
    private static String handBackReason(RangeFunction f, Samples clean, long start, long end) {
        double sum = 0;
        int n = 0;
        double largest = 0;
        boolean finite = true;
        for (int k = 0; k < clean.count(); k++) {
            long t = clean.timestamps()[k];
            double v = clean.values()[k];
            if (t <= start || t > end) {
                continue;
            }
            if (Rollups.isExtreme(v)) {
                return "extreme value " + v;
            }
            finite &= Double.isFinite(v);
            largest = Math.max(largest, Math.abs(v));
            sum += v;
            n++;
        }
        if (!finite || (f != RangeFunction.STDDEV_OVER_TIME && f != RangeFunction.STDVAR_OVER_TIME)) {
            return null;
        }
        double mean = sum / n;
        double squares = 0;
        for (int k = 0; k < clean.count(); k++) {
            long t = clean.timestamps()[k];
            if (t > start && t <= end) {
                double d = clean.values()[k] - mean;
                squares += d * d;
            }
        }
        double sigma = Math.sqrt(squares / n);
        return largest > sigma * RollupEvaluator.CONDITION_LIMIT / 2 ? "max|v| " + largest + ", σ " + sigma : null;
    }

    private void print(int seriesCount) {
        StringBuilder out = new StringBuilder("rollup equivalence: " + seriesCount + " series\n");
        out.append(String.format(
                "%-12s %-22s %10s %10s %9s %9s %10s%n",
                "source", "function", "bit-exact", "tolerance", "raw", "no point", "worst rel"));
        long exact = 0;
        long close = 0;
        long handedBack = 0;
        for (Source source : Source.values()) {
            for (Map.Entry<RangeFunction, Tally> e : tallies.get(source).entrySet()) {
                Tally t = e.getValue();
                out.append(String.format(
                        "%-12s %-22s %10d %10d %9d %9d %10.2e%n",
                        source.label,
                        e.getKey().name().toLowerCase(Locale.ROOT),
                        t.bitExact,
                        t.withinTolerance,
                        t.needsRaw,
                        t.noPoint,
                        t.worst));
                exact += t.bitExact;
                close += t.withinTolerance;
                handedBack += t.needsRaw;
            }
        }
        out.append("total: ")
                .append(exact)
                .append(" bit-exact, ")
                .append(close)
                .append(" within 1e-9, ")
                .append(handedBack)
                .append(" handed back to raw");
        out.append("\nhanded back by series kind: ");
        declines.forEach((kind, n) -> {
            if (n > 0) {
                out.append(kind).append(' ').append(n).append("; ");
            }
        });
        out.append("\ncoverage: ").append(coverage);
        System.out.println(out);
    }

    private static Samples series(SplittableRandom r, Times times, Values values, Specials specials) {
        long[] t = timestamps(r, times);
        double[] v = new double[t.length];
        ValueSource source = new ValueSource(r, values);
        for (int k = 0; k < t.length; k++) {
            v[k] = source.next(t[k], k == 0 ? Long.MIN_VALUE : t[k - 1]);
            v[k] = special(r, specials, v[k]);
        }
        if (specials != Specials.NONE && t.length > 20) {
            // A run of staleness markers that fills whole buckets: they must leave no bucket behind.
            int from = r.nextInt(t.length - 20);
            for (int k = from; k < from + 20; k++) {
                v[k] = STALE;
            }
        }
        return new Samples(t, v, t.length);
    }

    private static long[] timestamps(SplittableRandom r, Times times) {
        List<Long> out = new ArrayList<>();
        long[] intervals = {10_000, 15_000, 30_000, MIN, 5 * MIN, 7 * MIN};
        long interval = intervals[r.nextInt(intervals.length)];
        double meanGap = new double[] {20_000, 2 * MIN, 10 * MIN}[r.nextInt(3)];
        // Phase 0 puts samples exactly on bucket ends (every interval divides or is a multiple of 5m but 7m).
        long t = -R1H / 2 + (r.nextBoolean() ? 0 : r.nextLong(interval));
        while (t <= SPAN) {
            switch (times) {
                case REGULAR -> {
                    out.add(t);
                    t += interval;
                }
                case JITTERED -> {
                    long jitter = r.nextLong(-interval / 3, interval / 3 + 1);
                    out.add(t + jitter);
                    t += interval;
                }
                case GAPPY -> {
                    out.add(t);
                    t += r.nextInt(40) == 0 ? r.nextLong(1, 25) * R5 + r.nextLong(interval) : interval;
                }
                case IRREGULAR -> {
                    out.add(t);
                    t += 1 + (long) (-meanGap * Math.log(1 - r.nextDouble()));
                }
                case ON_BOUNDARIES -> {
                    long boundary = Rollups.bucketEnd(t, R5);
                    out.add(boundary - 1);
                    out.add(boundary);
                    if (r.nextBoolean()) {
                        out.add(boundary + 1);
                    }
                    t = boundary + R5;
                }
                case SPARSE -> {
                    // Mostly one sample per bucket, sometimes exactly on an hour.
                    long next = r.nextInt(6) == 0 ? Rollups.bucketEnd(t, R1H) : t + r.nextLong(1, R1H);
                    out.add(next);
                    t = next + r.nextLong(R5, R1H);
                }
            }
        }
        out.sort(null);
        long[] a = new long[out.size()];
        int n = 0;
        for (long x : out) {
            if (n == 0 || x > a[n - 1]) {
                a[n++] = x;
            }
        }
        return Arrays.copyOf(a, n);
    }

    private static double special(SplittableRandom r, Specials specials, double v) {
        if (specials == Specials.NONE || r.nextInt(40) != 0) {
            return v;
        }
        double[] choices = specials == Specials.NON_FINITE
                ? new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, STALE, STALE}
                : new double[] {1e300, -1e300, 1e-300, Double.MAX_VALUE, STALE};
        return choices[r.nextInt(choices.length)];
    }

    /** The next value of a series of one kind; counters reset at random and often right at bucket boundaries. */
    private static final class ValueSource {
        private final SplittableRandom r;
        private final Values kind;
        private double value;

        ValueSource(SplittableRandom r, Values kind) {
            this.r = r;
            this.kind = kind;
            value = switch (kind) {
                case GAUGE -> r.nextGaussian() * 10;
                case COUNTER -> r.nextDouble() * 100;
                case BIG_COUNTER -> 1e15 + r.nextDouble();
                case CONSTANT -> r.nextBoolean() ? 42.5 : 1e15 + 0.125;
                default -> 0;
            };
        }

        double next(long t, long previousT) {
            switch (kind) {
                case GAUGE -> value += r.nextGaussian();
                case OFFSET_GAUGE -> value = 1000 + 10 * r.nextGaussian();
                case HUGE_OFFSET -> value = 1e15 + (r.nextBoolean() ? 1 : 1000) * r.nextGaussian();
                case CONDITION_EDGE -> value = 1e9 + 3800 * r.nextGaussian();
                case COUNTER, BIG_COUNTER -> {
                    boolean boundary = Math.floorMod(t, R5) == 0
                            || (previousT != Long.MIN_VALUE && Rollups.bucketEnd(previousT, R5) < t);
                    if (r.nextInt(100) == 0 || (boundary && r.nextInt(8) == 0)) {
                        value = r.nextBoolean() ? 0 : r.nextDouble() * value / 2;
                    } else {
                        value += kind == Values.COUNTER ? r.nextDouble() * 7.3 : 0.1 + r.nextDouble() * 0.3;
                    }
                }
                case CONSTANT -> {}
                case SIGNED_ZEROS -> value = new double[] {0.0, -0.0, 1, -1}[r.nextInt(4)];
                case SMALL_INTEGERS -> value = r.nextInt(-5, 6);
            }
            return value;
        }
    }
}
