package io.sextant.server.api;

import io.sextant.promql.parser.PromQLParser;
import io.sextant.server.http.Exchange;
import io.sextant.storage.Matcher;
import io.sextant.storage.SextantException;
import io.sextant.storage.text.Durations;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Parameter parsing of Prometheus' {@code web/api/v1/api.go}, with its error messages. */
public final class ApiParams {
    /**
     * Prometheus' {@code MinTime} and {@code MaxTime} in ms: the defaults of optional start and end. (Not
     * Long.MIN/MAX_VALUE: Prometheus chose values whose RFC3339 forms Go can still print, and clients send
     * those forms back.)
     */
    public static final long MIN_TIME = -9223309901257974000L;

    public static final long MAX_TIME = 9223309901257974999L;

    private static final String MIN_TIME_TEXT = "-292273086-05-16T16:47:06Z";
    private static final String MAX_TIME_TEXT = "292277025-08-18T07:12:54.999999999Z";

    /** What Go's {@code strconv.ParseFloat} accepts (decimal and hexadecimal forms, inf, infinity, nan). */
    private static final Pattern GO_FLOAT = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?"
            + "|[+-]?0[xX]([0-9a-fA-F]+(\\.[0-9a-fA-F]*)?|\\.[0-9a-fA-F]+)[pP][+-]?\\d+"
            + "|(?i)[+-]?(inf|infinity|nan)");

    private static final Pattern GO_INT = Pattern.compile("[+-]?\\d+");

    /** Go's {@code time.RFC3339Nano} layout as {@code time.Parse} reads it. */
    private static final DateTimeFormatter RFC3339 = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd()
            .appendOffset("+HH:MM", "Z")
            .toFormatter(Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);

    private ApiParams() {}

    /**
     * A time parameter in ms, or {@code defaultMs} when absent or empty.
     *
     * @throws ApiError bad_data {@code invalid parameter "start": invalid time value for 'start': ...}
     */
    public static long time(Exchange.Params params, String name, long defaultMs) {
        String value = params.first(name);
        if (value.isEmpty()) {
            return defaultMs;
        }
        try {
            return parseTime(value);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidParam(name, "invalid time value for '" + name + "': " + e.getMessage());
        }
    }

    /**
     * Prometheus' {@code parseTime}: float Unix seconds rounded to ms (Grafana's {@code time=4} and ms-looking
     * values such as 1.7e12 included, without overflow), else RFC3339 with optional fraction, else the
     * RFC3339 forms of MinTime and MaxTime.
     */
    public static long parseTime(String s) {
        if (GO_FLOAT.matcher(s).matches()) {
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.endsWith("nan")) {
                throw cannotParse(s);
            }
            if (lower.contains("inf")) {
                return lower.startsWith("-") ? MIN_TIME : MAX_TIME;
            }
            double t = Double.parseDouble(s);
            if (Double.isInfinite(t)) {
                // out of float64 range: Go's ParseFloat fails, and so does the whole parse
                throw cannotParse(s);
            }
            return secondsToMillis(t);
        }
        if (s.equals(MIN_TIME_TEXT)) {
            return MIN_TIME;
        }
        if (s.equals(MAX_TIME_TEXT)) {
            return MAX_TIME;
        }
        try {
            OffsetDateTime d = OffsetDateTime.parse(s, RFC3339);
            long seconds = d.toEpochSecond();
            return Math.addExact(Math.multiplyExact(seconds, 1000L), d.getNano() / 1_000_000);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw cannotParse(s);
        }
    }

    /**
     * Go's {@code time.Unix(int64(s), int64(ns*1e9))} after {@code ns = math.Round(ns*1000)/1000}, then {@code
     * timestamp.FromTime}; the float to integer conversions truncate as Go's do, and the result saturates
     * instead of wrapping around.
     */
    private static long secondsToMillis(double t) {
        double whole = t < 0 ? Math.ceil(t) : Math.floor(t);
        double frac = t - whole;
        double rounded = Math.signum(frac) * Math.floor(Math.abs(frac) * 1000 + 0.5) / 1000;
        if (Math.abs(whole) >= 9.2e15) {
            return whole > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        long sec = (long) whole;
        long nsec = (long) (rounded * 1e9);
        sec += Math.floorDiv(nsec, 1_000_000_000L);
        nsec = Math.floorMod(nsec, 1_000_000_000L);
        return sec * 1000 + nsec / 1_000_000;
    }

    private static IllegalArgumentException cannotParse(String s) {
        return new IllegalArgumentException("cannot parse " + PromQLParser.quote(s) + " to a valid timestamp");
    }

    /**
     * Prometheus' {@code parseDuration} in nanoseconds: float seconds (fraction allowed, truncated to ns as Go's
     * conversion does), else Prometheus duration syntax ({@code 1h30m}).
     *
     * @throws IllegalArgumentException with Prometheus' message ({@code cannot parse "x" to a valid duration})
     */
    public static long parseDuration(String s) {
        if (GO_FLOAT.matcher(s).matches()) {
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.endsWith("nan")) {
                // Go converts NaN to the smallest int64 on amd64: a negative duration
                return Long.MIN_VALUE;
            }
            double seconds = lower.contains("inf")
                    ? (lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                    : Double.parseDouble(s);
            if (Double.isInfinite(seconds) && !lower.contains("inf")) {
                // out of float64 range: Go's ParseFloat fails, and so does the duration syntax
                throw new IllegalArgumentException("cannot parse " + PromQLParser.quote(s) + " to a valid duration");
            }
            double nanos = seconds * 1e9;
            if (nanos > 0x1p63 || nanos < -0x1p63) {
                throw new IllegalArgumentException(
                        "cannot parse " + PromQLParser.quote(s) + " to a valid duration. It overflows int64");
            }
            return (long) nanos;
        }
        try {
            return Math.multiplyExact(Durations.parse(s).toMillis(), 1_000_000L);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("cannot parse " + PromQLParser.quote(s) + " to a valid duration");
        }
    }

    /**
     * The {@code limit} parameter; 0 (also when absent) means no limit.
     *
     * @throws ApiError bad_data with Go's {@code strconv.Atoi} wording
     */
    public static int limit(Exchange.Params params) {
        String s = params.first("limit");
        if (s.isEmpty()) {
            return 0;
        }
        if (!GO_INT.matcher(s).matches()) {
            throw ApiError.invalidParam("limit", "strconv.Atoi: parsing " + PromQLParser.quote(s) + ": invalid syntax");
        }
        long limit;
        try {
            limit = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiError.invalidParam(
                    "limit", "strconv.Atoi: parsing " + PromQLParser.quote(s) + ": value out of range");
        }
        if (limit < 0) {
            throw ApiError.invalidParam("limit", "limit must be non-negative");
        }
        return (int) Math.min(limit, Integer.MAX_VALUE);
    }

    /**
     * The selectors of {@code match[]}; each must have a matcher that does not match the empty string.
     *
     * @param wrap whether errors read {@code invalid parameter "match[]": ...} (the series endpoint) or are bare
     *     (labels, label values)
     */
    public static List<List<Matcher>> matchers(List<String> selectors, boolean wrap) {
        List<List<Matcher>> sets = new ArrayList<>(selectors.size());
        try {
            for (String s : selectors) {
                sets.add(PromQLParser.parseMetricSelector(s));
            }
            for (List<Matcher> set : sets) {
                if (set.stream().allMatch(Matcher::matchesEmpty)) {
                    throw ApiError.badData("match[] must contain at least one non-empty matcher");
                }
            }
        } catch (SextantException | ApiError e) {
            throw wrap ? ApiError.invalidParam("match[]", e.getMessage()) : ApiError.badData(e.getMessage());
        }
        return sets;
    }

    /** The {@code start} and {@code end} of a request, in ms. */
    public record Window(long start, long end) {}

    /**
     * {@code start} and {@code end}, by default Prometheus' MinTime and MaxTime.
     *
     * @throws ApiError bad_data for an unreadable time or {@code end} before {@code start}
     */
    public static Window window(Exchange.Params params) {
        long start = time(params, "start", MIN_TIME);
        long end = time(params, "end", MAX_TIME);
        if (end < start) {
            throw ApiError.invalidParam("end", "end timestamp must not be before start time");
        }
        return new Window(start, end);
    }
}
