package io.sextant.planner;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import io.sextant.storage.Matcher;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import java.util.List;
import org.apache.calcite.plan.RelOptAbstractTable;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;

/**
 * Reads the series of {@link SeriesTable} that match {@code matchers}, with their samples in {@code window}.
 * Label matchers and the time range are pushed into it (see {@link SeriesScanRules}), so storage selects by
 * its postings index and reads only the samples a query can use.
 *
 * <p>In a cached plan the window is relative to the evaluation's steps and {@code range} is unbounded. Before an
 * execution the planner resolves {@code range} to the absolute times the scan may read ({@link
 * #withRange}); the tier rules then split it by where each tier holds data. {@code queryGrid} says the scan's
 * windows end at the query's own steps (not a subquery's), which the rollup rewrite requires.
 */
public final class SeriesScan extends TableScan implements SeriesSource {
    private final List<Matcher> matchers;
    private final ScanWindow window;
    private final TimeRange range;
    private final boolean queryGrid;

    public SeriesScan(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelOptTable table,
            List<Matcher> matchers,
            ScanWindow window,
            TimeRange range,
            boolean queryGrid) {
        super(cluster, traits, ImmutableList.of(), table);
        this.matchers = List.copyOf(matchers);
        this.window = requireNonNull(window, "window is null");
        this.range = requireNonNull(range, "range is null");
        this.queryGrid = queryGrid;
    }

    /** A scan of all series of the tenant, before any push-down. */
    public static SeriesScan create(RelOptCluster cluster, ScanWindow window) {
        // no schema: the scan is created directly by a language's translation, not looked up by name
        RelOptTable table = new RelOptAbstractTable(
                null, String.join(".", SeriesTable.NAME), SeriesTable.rowType(cluster.getTypeFactory())) {};
        return new SeriesScan(
                cluster, cluster.traitSetOf(SextantRel.CONVENTION), table, List.of(), window, TimeRange.ALL, false);
    }

    public List<Matcher> matchers() {
        return matchers;
    }

    public ScanWindow window() {
        return window;
    }

    /** The absolute times this scan may read in the current execution; unbounded in a cached plan. */
    public TimeRange range() {
        return range;
    }

    public boolean queryGrid() {
        return queryGrid;
    }

    public SeriesScan withMatchers(List<Matcher> more) {
        return new SeriesScan(
                getCluster(),
                getTraitSet(),
                getTable(),
                ImmutableList.<Matcher>builder().addAll(matchers).addAll(more).build(),
                window,
                range,
                queryGrid);
    }

    public SeriesScan withWindow(ScanWindow w) {
        return new SeriesScan(getCluster(), getTraitSet(), getTable(), matchers, w, range, queryGrid);
    }

    /** This scan restricted to {@code r} for one execution. */
    public SeriesScan withRange(TimeRange r, boolean onQueryGrid) {
        return new SeriesScan(getCluster(), getTraitSet(), getTable(), matchers, window, r, onQueryGrid);
    }

    @Override
    public List<Series> read(ScanContext ctx, long from, long to) {
        TimeRange r = range.intersect(new TimeRange(from, to));
        if (r.isEmpty()) {
            return List.of();
        }
        return ctx.querier().select(ctx.tenant(), matchers, r.min(), r.max(), SelectHints.SAMPLES);
    }

    @Override
    public SeriesScan origin() {
        return this;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new SeriesScan(getCluster(), traitSet, getTable(), matchers, window, range, queryGrid);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw)
                .item("matchers", matchers)
                .item("time", window)
                .itemIf("range", range, !range.equals(TimeRange.ALL));
    }
}
