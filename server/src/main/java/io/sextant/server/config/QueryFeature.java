package io.sextant.server.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The PromQL switches of Prometheus' {@code --enable-feature}, by Prometheus' names, so that a Prometheus
 * command line carries over. Everything else Prometheus gates behind the flag is either always on in Sextant
 * or not implemented, and is refused.
 */
public enum QueryFeature {
    /** Experimental functions and aggregations ({@code limitk}, {@code mad_over_time}, {@code info}, ...). */
    EXPERIMENTAL_FUNCTIONS("promql-experimental-functions"),
    /** {@code __name__} dropped at the end of evaluation rather than by each function or operator. */
    DELAYED_NAME_REMOVAL("promql-delayed-name-removal"),
    /** The {@code anchored} and {@code smoothed} range selector modifiers. */
    EXTENDED_RANGE_SELECTORS("promql-extended-range-selectors"),
    /** {@code fill}, {@code fill_left} and {@code fill_right} on binary operators. */
    BINOP_FILL_MODIFIERS("promql-binop-fill-modifiers"),
    /** Duration arithmetic in ranges and offsets: on by default since Prometheus 3.14, accepted for old flags. */
    DURATION_EXPR("promql-duration-expr");

    /** The names, for help texts. */
    static final List<String> NAMES =
            Arrays.stream(values()).map(f -> f.flagName).toList();

    private final String flagName;

    QueryFeature(String flagName) {
        this.flagName = flagName;
    }

    public String flagName() {
        return flagName;
    }

    /**
     * A comma-separated list ({@code none} or empty for no feature).
     *
     * @throws IllegalArgumentException naming an unknown feature
     */
    static Set<QueryFeature> parse(String text) {
        Set<QueryFeature> features = EnumSet.noneOf(QueryFeature.class);
        if (text.isEmpty() || text.equals("none")) {
            return features;
        }
        for (String name : text.split(",", -1)) {
            String n = name.trim();
            QueryFeature f = Arrays.stream(values())
                    .filter(v -> v.flagName.equals(n))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "unknown feature \"" + n + "\", expected " + String.join(", ", NAMES)));
            features.add(f);
        }
        return features;
    }

    static String format(Set<QueryFeature> features) {
        if (features.isEmpty()) {
            return "none";
        }
        List<String> names = new ArrayList<>();
        for (QueryFeature f : features) {
            names.add(f.flagName);
        }
        return String.join(",", names);
    }
}
