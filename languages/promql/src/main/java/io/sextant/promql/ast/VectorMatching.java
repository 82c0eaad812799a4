package io.sextant.promql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How the two sides of a binary operation between instant vectors are matched: {@code on}/{@code ignoring}
 * labels, {@code group_left}/{@code group_right} with extra labels, and {@code fill} values for missing series
 * ({@code fillLhs}/{@code fillRhs} are null when not given).
 */
public record VectorMatching(
        Cardinality card,
        List<String> matchingLabels,
        boolean on,
        List<String> include,
        Double fillLhs,
        Double fillRhs) {
    public enum Cardinality {
        ONE_TO_ONE("one-to-one"),
        MANY_TO_ONE("many-to-one"),
        ONE_TO_MANY("one-to-many"),
        MANY_TO_MANY("many-to-many");

        private final String text;

        Cardinality(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public static final VectorMatching DEFAULT =
            new VectorMatching(Cardinality.ONE_TO_ONE, List.of(), false, List.of(), null, null);

    public VectorMatching {
        requireNonNull(card, "card is null");
        matchingLabels = List.copyOf(requireNonNull(matchingLabels, "matchingLabels is null"));
        include = List.copyOf(requireNonNull(include, "include is null"));
    }

    public boolean hasFill() {
        return fillLhs != null || fillRhs != null;
    }

    public VectorMatching withCard(Cardinality card) {
        return new VectorMatching(card, matchingLabels, on, include, fillLhs, fillRhs);
    }
}
