package io.sextant.connectors;

import io.sextant.planner.LabelMatch;
import io.sextant.planner.RuleConfig;
import io.sextant.planner.SeriesTable;
import io.sextant.storage.Matcher;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Filter;

/** Push-down into the tier scans, for plans that filter a tier directly. */
public final class TierScanRules {
    private TierScanRules() {}

    /** {@code Filter(LABEL_MATCHES ...)} over a tier scan becomes the scan's matchers. */
    public static final RelOptRule FILTER_INTO_SCAN = RuleConfig.of(
                    "TierScanFilterRule",
                    b -> b.operand(Filter.class)
                            .oneInput(s -> s.operand(TierTableScan.class).noInputs()),
                    FilterIntoScan::new)
            .toRule();

    private static final class FilterIntoScan extends RelRule<RuleConfig> {
        FilterIntoScan(RuleConfig config) {
            super(config);
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Filter filter = call.rel(0);
            TierTableScan scan = call.rel(1);
            Optional<List<Matcher>> matchers =
                    LabelMatch.matchers(RelOptUtil.conjunctions(filter.getCondition()), SeriesTable.LABELS);
            matchers.ifPresent(m -> call.transformTo(scan.withMatchers(m)));
        }
    }
}
