package io.sextant.ingest.otlp;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prometheus' translation of OTLP metric names, units and attribute keys, with Prometheus' default OTLP
 * settings: translation strategy {@code UnderscoreEscapingWithSuffixes}, {@code
 * label_name_underscore_sanitization: true} and {@code label_name_preserve_multiple_underscores: true}
 * (github.com/prometheus/otlptranslator v1.0.0, {@code MetricNamer}, {@code UnitNamer}, {@code LabelNamer}).
 *
 * <p>Quirks of the original are kept on purpose, so that series written by a Prometheus receiver and by Sextant
 * have the same names: {@code TiBy} becomes {@code tibibytes}, a unit suffix may keep a trailing underscore, and
 * a "per" unit is appended even when the name already spells it out.
 */
final class OtlpNames {
    /** The OTLP metric kinds that name translation tells apart. */
    enum Kind {
        GAUGE,
        MONOTONIC_COUNTER,
        NON_MONOTONIC_COUNTER,
        HISTOGRAM,
        SUMMARY
    }

    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("d", "days"),
            Map.entry("h", "hours"),
            Map.entry("min", "minutes"),
            Map.entry("s", "seconds"),
            Map.entry("ms", "milliseconds"),
            Map.entry("us", "microseconds"),
            Map.entry("ns", "nanoseconds"),
            Map.entry("By", "bytes"),
            Map.entry("KiBy", "kibibytes"),
            Map.entry("MiBy", "mebibytes"),
            Map.entry("GiBy", "gibibytes"),
            Map.entry("TiBy", "tibibytes"),
            Map.entry("KBy", "kilobytes"),
            Map.entry("MBy", "megabytes"),
            Map.entry("GBy", "gigabytes"),
            Map.entry("TBy", "terabytes"),
            Map.entry("m", "meters"),
            Map.entry("V", "volts"),
            Map.entry("A", "amperes"),
            Map.entry("J", "joules"),
            Map.entry("W", "watts"),
            Map.entry("g", "grams"),
            Map.entry("Cel", "celsius"),
            Map.entry("Hz", "hertz"),
            Map.entry("1", ""),
            Map.entry("%", "percent"));

    private static final Map<String, String> PER_UNITS =
            Map.of("s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y", "year");

    private OtlpNames() {}

    /**
     * The Prometheus metric family name of an OTLP metric: its name split into tokens of {@code [a-zA-Z0-9:]},
     * the unit suffixes, {@code total} for monotonic counters, {@code ratio} for gauges of unit {@code 1}.
     *
     * @throws SextantException {@link ErrorCode#BAD_DATA} when nothing of the name survives
     */
    static String metricName(String name, String unit, Kind kind) {
        List<String> tokens = new ArrayList<>(8);
        int start = -1;
        for (int i = 0; i <= name.length(); i++) {
            boolean valid = i < name.length() && isMetricChar(name.charAt(i));
            if (valid && start < 0) {
                start = i;
            } else if (!valid && start >= 0) {
                tokens.add(name.substring(start, i));
                start = -1;
            }
        }
        String[] suffixes = unitSuffixes(unit);
        String main = cleanUpUnit(suffixes[0]);
        String per = cleanUpUnit(suffixes[1]);
        if (tokens.contains(main)) {
            main = "";
        }
        if (per.equals("per_")) {
            per = "";
        } else {
            per = trimTrailingUnderscore(per);
            if (tokens.contains(per)) {
                per = "";
            }
        }
        if (!per.isEmpty()) {
            main = trimTrailingUnderscore(main);
        }
        if (!main.isEmpty()) {
            tokens.add(main);
        }
        if (!per.isEmpty()) {
            tokens.add(per);
        }
        if (kind == Kind.MONOTONIC_COUNTER) {
            tokens.removeIf("total"::equals);
            tokens.add("total");
        }
        // Only OTLP gauges: OTel receivers misuse unit "1" for counts of things.
        if (kind == Kind.GAUGE && unit.equals("1")) {
            tokens.removeIf("ratio"::equals);
            tokens.add("ratio");
        }
        String result = String.join("_", tokens);
        if (result.isEmpty()) {
            throw new SextantException(
                    ErrorCode.BAD_DATA, "normalization for metric \"" + name + "\" resulted in empty name");
        }
        return isAsciiDigit(result.charAt(0)) ? "_" + result : result;
    }

    /** The unit word Prometheus stores in metadata, e.g. {@code seconds} or {@code bytes_per_second}. */
    static String unitName(String unit) {
        String[] suffixes = unitSuffixes(unit);
        String main = cleanUpUnit(suffixes[0]);
        String per = cleanUpUnit(suffixes[1]);
        String u;
        if (!main.isEmpty() && !per.isEmpty()) {
            u = main + "_" + per;
        } else if (!main.isEmpty()) {
            u = main;
        } else {
            u = per;
        }
        if (u.startsWith("_")) {
            u = u.substring(1);
        }
        return trimTrailingUnderscore(u);
    }

    /**
     * The label name of an attribute key: characters outside {@code [a-zA-Z0-9]} become {@code _} (runs are kept),
     * a leading digit gets {@code key_}, a single leading underscore gets {@code key}.
     *
     * @throws SextantException {@link ErrorCode#BAD_DATA} for an empty key or one that becomes only underscores
     */
    static String labelName(String key) {
        if (key.isEmpty()) {
            throw new SextantException(ErrorCode.BAD_DATA, "label name is empty");
        }
        String sanitized = isSanitized(key) ? key : sanitize(key);
        String result;
        if (isAsciiDigit(sanitized.charAt(0))) {
            result = "key_" + sanitized;
        } else if (sanitized.startsWith("_") && !sanitized.startsWith("__")) {
            result = "key" + sanitized;
        } else {
            result = sanitized;
        }
        if (onlyUnderscores(result)) {
            throw new SextantException(
                    ErrorCode.BAD_DATA,
                    "normalization for label name \"" + key + "\" resulted in invalid name \"" + result + "\"");
        }
        return result;
    }

    private static boolean isSanitized(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!isLabelChar(c) && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static String sanitize(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); ) {
            int cp = key.codePointAt(i);
            sb.append(cp < 0x80 && isLabelChar((char) cp) ? (char) cp : '_');
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    /** Main and "per" unit words before clean-up, as {@code buildUnitSuffixes} returns them. */
    private static String[] unitSuffixes(String unit) {
        int slash = unit.indexOf('/');
        String main = goTrimSpace(slash < 0 ? unit : unit.substring(0, slash));
        String mainSuffix = main.isEmpty() || hasBraces(main) ? "" : UNITS.getOrDefault(main, main);
        String perSuffix = "";
        if (slash >= 0) {
            String per = goTrimSpace(unit.substring(slash + 1));
            if (!per.isEmpty() && !hasBraces(per)) {
                perSuffix = "per_" + PER_UNITS.getOrDefault(per, per);
            }
        }
        return new String[] {mainSuffix, perSuffix};
    }

    /** Invalid characters to {@code _}, runs of {@code _} collapsed, one leading {@code _} dropped. */
    private static String cleanUpUnit(String unit) {
        if (unit.isEmpty()) {
            return unit;
        }
        StringBuilder sb = new StringBuilder(unit.length());
        for (int i = 0; i < unit.length(); ) {
            int cp = unit.codePointAt(i);
            char c = cp < 0x80 && isMetricChar((char) cp) ? (char) cp : '_';
            if (c != '_' || sb.isEmpty() || sb.charAt(sb.length() - 1) != '_') {
                sb.append(c);
            }
            i += Character.charCount(cp);
        }
        return !sb.isEmpty() && sb.charAt(0) == '_' ? sb.substring(1) : sb.toString();
    }

    private static String trimTrailingUnderscore(String s) {
        return s.endsWith("_") ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean hasBraces(String s) {
        return s.indexOf('{') >= 0 || s.indexOf('}') >= 0;
    }

    /** Go's {@code strings.TrimSpace}: Unicode White_Space, which includes NBSP unlike {@link String#strip()}. */
    private static String goTrimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isGoSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isGoSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isGoSpace(char c) {
        return (c >= '\t' && c <= '\r')
                || c == ' '
                || c == '\u0085'
                || c == '\u00a0'
                || c == '\u1680'
                || (c >= '\u2000' && c <= '\u200a')
                || c == '\u2028'
                || c == '\u2029'
                || c == '\u202f'
                || c == '\u205f'
                || c == '\u3000';
    }

    private static boolean onlyUnderscores(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isMetricChar(char c) {
        return isLabelChar(c) || c == ':';
    }

    private static boolean isLabelChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isAsciiDigit(c);
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
