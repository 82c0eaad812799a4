package io.sextant.planner;

import io.sextant.storage.Matcher;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;

/** Push-down into {@link SeriesScan}, and the same push-down for any scan of the series relation. */
public final class SeriesScanRules {
    private SeriesScanRules() {}

    /** {@code Filter(LABEL_MATCHES ...)} over a series scan becomes the scan's matchers. */
    public static final RelOptRule FILTER_INTO_SCAN =
            filterInto("SeriesScanFilterRule", SeriesScan.class, SeriesScan::withMatchers);

    /**
     * A rule turning {@code Filter(LABEL_MATCHES ...)} over a {@code scan} of the series relation (label map in
     * field {@link SeriesTable#LABELS}) into that scan with the matchers pushed in by {@code withMatchers}.
     */
    public static <T extends RelNode> RelOptRule filterInto(
            String description, Class<T> scan, BiFunction<T, List<Matcher>, RelNode> withMatchers) {
        return RuleConfig.of(
                        description,
                        b -> b.operand(Filter.class)
                                .oneInput(s -> s.operand(scan).noInputs()),
                        c -> new FilterIntoScan<>(c, withMatchers))
                .toRule();
    }

    private static final class FilterIntoScan<T extends RelNode> extends RelRule<RuleConfig> {
        private final BiFunction<T, List<Matcher>, RelNode> withMatchers;

        FilterIntoScan(RuleConfig config, BiFunction<T, List<Matcher>, RelNode> withMatchers) {
            super(config);
            this.withMatchers = withMatchers;
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Filter filter = call.rel(0);
            T scan = call.rel(1);
            Optional<List<Matcher>> matchers =
                    LabelMatch.matchers(RelOptUtil.conjunctions(filter.getCondition()), SeriesTable.LABELS);
            matchers.ifPresent(m -> call.transformTo(withMatchers.apply(scan, m)));
        }
    }
}
