package io.sextant.planner;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;

/**
 * Tier routing: a series scan whose range is resolved for an execution becomes one scan per tier that holds raw
 * samples in that range, under a {@link TierUnion}. The rules are made per execution, since the watermarks move
 * with every flush while the cached plan stays tier-agnostic.
 */
public final class TierRules {
    private TierRules() {}

    /**
     * Splits every {@link SeriesScan} by {@code watermarks}: the warm branch reads its range up to the warm
     * watermark, the hot branch from the head's oldest sample on, and a tier without data in the range is left
     * out. The hot branch is not cut at the head's newest sample, as appends go on during the query.
     */
    public static RelOptRule split(TierWatermarks watermarks, TierScanFactory factory) {
        requireNonNull(watermarks, "watermarks is null");
        requireNonNull(factory, "factory is null");
        return RuleConfig.of(
                        "TierSplitRule",
                        b -> b.operand(SeriesScan.class).noInputs(),
                        c -> new Split(c, watermarks, factory))
                .toRule();
    }

    /** The branches {@code scan} splits into, oldest tier first. */
    public static List<RelNode> branches(SeriesScan scan, TierWatermarks w, TierScanFactory factory) {
        TimeRange r = scan.range();
        List<RelNode> out = new ArrayList<>(2);
        TimeRange warm = r.intersect(w.warm());
        if (!warm.isEmpty()) {
            out.add(factory.raw(Tier.WARM, scan, warm, w));
        }
        TimeRange hot = w.hot().isEmpty()
                ? TimeRange.EMPTY
                : r.intersect(new TimeRange(w.hot().min(), r.max()));
        if (!hot.isEmpty()) {
            out.add(factory.raw(Tier.HOT, scan, hot, w));
        }
        return out;
    }

    private static final class Split extends RelRule<RuleConfig> {
        private final TierWatermarks watermarks;
        private final TierScanFactory factory;

        Split(RuleConfig config, TierWatermarks watermarks, TierScanFactory factory) {
            super(config);
            this.watermarks = watermarks;
            this.factory = factory;
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            SeriesScan scan = call.rel(0);
            List<RelNode> branches = branches(scan, watermarks, factory);
            call.transformTo(
                    branches.size() == 1
                            ? branches.get(0)
                            : new TierUnion(scan.getCluster(), scan.getTraitSet(), scan, branches));
        }
    }
}
