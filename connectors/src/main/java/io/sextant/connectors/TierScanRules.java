package io.sextant.connectors;

import io.sextant.planner.SeriesScanRules;
import org.apache.calcite.plan.RelOptRule;

/** Push-down into the tier scans, for plans that filter a tier directly. */
public final class TierScanRules {
    private TierScanRules() {}

    /** {@code Filter(LABEL_MATCHES ...)} over a tier scan becomes the scan's matchers. */
    public static final RelOptRule FILTER_INTO_SCAN =
            SeriesScanRules.filterInto("TierScanFilterRule", TierTableScan.class, TierTableScan::withMatchers);
}
