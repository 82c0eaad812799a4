package io.sextant.promql.plan;

import static java.util.Objects.requireNonNull;

import io.sextant.planner.ScanWindow;
import io.sextant.planner.SeriesSource;
import io.sextant.promql.ast.At;
import io.sextant.promql.ast.RangeExtension;
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
 * A range selector {@code v[range] offset o @ t}: the raw samples (stale markers removed) of the windows
 * ending at each step. Its input is the series scan, whose window covers all of them at once.
 */
final class PromRangeSelect extends PromNode implements RangeSource {
    private final long rangeMs;
    private final long offsetMs;
    private final At at;
    private final RangeExtension extension;

    PromRangeSelect(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode scan,
            RelDataType rowType,
            long rangeMs,
            long offsetMs,
            At at,
            RangeExtension extension) {
        super(cluster, traits, List.of(scan), rowType);
        this.rangeMs = rangeMs;
        this.offsetMs = offsetMs;
        this.at = requireNonNull(at, "at is null");
        this.extension = requireNonNull(extension, "extension is null");
    }

    /** The series of {@code source} with the samples of its window for the steps of {@code grid}. */
    static List<Series> read(Evaluation ev, SeriesSource source, StepGrid grid) {
        ScanWindow w = source.origin().window();
        StepGrid query = ev.queryGrid();
        return ev.read(
                source, w.from(grid.start(), query.start(), query.end()), w.to(grid.end(), query.start(), query.end()));
    }

    @Override
    public Evaluation.RangeValue read(Evaluation ev, StepGrid grid) {
        return ev.rangeOf(read(ev, (SeriesSource) getInput(0), grid), rangeMs, offsetMs);
    }

    long rangeMs() {
        return rangeMs;
    }

    long offsetMs() {
        return offsetMs;
    }

    At at() {
        return at;
    }

    @Override
    public long fixedEnd(Evaluation ev) {
        return ev.atTime(at);
    }

    @Override
    public RangeExtension extension() {
        return extension;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new PromRangeSelect(
                getCluster(), traitSet, inputs.get(0), getRowType(), rangeMs, offsetMs, at, extension);
    }

    @Override
    protected RelWriter attributes(RelWriter pw) {
        return pw.item("range", ScanWindow.duration(rangeMs))
                .itemIf("offset", duration(offsetMs), offsetMs != 0)
                .itemIf("at", at(at), at.kind() != At.Kind.NONE)
                .itemIf("extension", extension, extension != RangeExtension.NONE);
    }
}
