package io.sextant.planner;

import io.sextant.storage.Matcher;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Filter;

/** Push-down into {@link SeriesScan}. */
public final class SeriesScanRules {
    private SeriesScanRules() {}

    /** {@code Filter(LABEL_MATCHES ...)} over a series scan becomes the scan's matchers. */
    public static final RelOptRule FILTER_INTO_SCAN = RuleConfig.of(
                    "SeriesScanFilterRule",
                    b -> b.operand(Filter.class)
                            .oneInput(s -> s.operand(SeriesScan.class).noInputs()),
                    FilterIntoScan::new)
            .toRule();

    private static final class FilterIntoScan extends RelRule<RuleConfig> {
        FilterIntoScan(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Filter filter = call.rel(0);
            SeriesScan scan = call.rel(1);
            Optional<List<Matcher>> matchers =
                    LabelMatch.matchers(RelOptUtil.conjunctions(filter.getCondition()), SeriesTable.LABELS);
            if (matchers.isPresent()) {
                call.transformTo(scan.withMatchers(matchers.get()));
            }
        }
    }
}
