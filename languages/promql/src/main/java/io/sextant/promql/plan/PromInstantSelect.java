package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.planner.SeriesSource;
import io.sextant.promql.ast.At;
import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.StepGrid;
import io.sextant.storage.Series;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * Instant alignment: each series' sample at or before every step within the lookback, stale markers ending a
 * series, {@code offset} and {@code @} applied. With {@code sampleTimes} the value is the chosen sample's time
 * (for {@code timestamp()}). Its input is the series scan, with the window it needs.
 */
final class PromInstantSelect extends PromNode {
    private final long offsetMs;
    private final At at;
    private final boolean smoothed;
    private final boolean sampleTimes;

    PromInstantSelect(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode scan,
            RelDataType rowType,
            long offsetMs,
            At at,
            boolean smoothed,
            boolean sampleTimes) {
        super(cluster, traits, List.of(scan), rowType);
        this.offsetMs = offsetMs;
        this.at = requireNonNull(at, "at is null");
        this.smoothed = smoothed;
        this.sampleTimes = sampleTimes;
    }

    @Override
    public Object execute(Evaluation ev, StepGrid grid) {
        List<Series> selected = PromRangeSelect.read(ev, (SeriesSource) getInput(0), grid);
        return ev.instantAlign(selected, ev.atTime(at), offsetMs, smoothed, sampleTimes, grid);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new PromInstantSelect(
                getCluster(), traitSet, inputs.get(0), getRowType(), offsetMs, at, smoothed, sampleTimes);
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        return pw.itemIf("offset", duration(offsetMs), offsetMs != 0)
                .itemIf("at", at(at), at.kind() != At.Kind.NONE)
                .itemIf("smoothed", true, smoothed)
                .itemIf("values", "sample timestamps", sampleTimes);
    }
}
