package io.sextant.planner;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import io.sextant.storage.Matcher;
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
 */
public final class SeriesScan extends TableScan implements SextantRel {
    private final List<Matcher> matchers;
    private final ScanWindow window;

    public SeriesScan(
            RelOptCluster cluster, RelTraitSet traits, RelOptTable table, List<Matcher> matchers, ScanWindow window) {
        super(cluster, traits, ImmutableList.of(), table);
        this.matchers = List.copyOf(matchers);
        this.window = requireNonNull(window, "window is null");
    }

    /** A scan of all series of the tenant, before any push-down. */
    public static SeriesScan create(RelOptCluster cluster, ScanWindow window) {
        // no schema: the scan is created directly by a language's translation, not looked up by name
        RelOptTable table = new RelOptAbstractTable(
                null, String.join(".", SeriesTable.NAME), SeriesTable.rowType(cluster.getTypeFactory())) {};
        return new SeriesScan(cluster, cluster.traitSetOf(SextantRel.CONVENTION), table, List.of(), window);
    }

    public List<Matcher> matchers() {
        return matchers;
    }

    public ScanWindow window() {
        return window;
    }

    public SeriesScan withMatchers(List<Matcher> more) {
        return new SeriesScan(
                getCluster(),
                getTraitSet(),
                getTable(),
                ImmutableList.<Matcher>builder().addAll(matchers).addAll(more).build(),
                window);
    }

    public SeriesScan withWindow(ScanWindow w) {
        return new SeriesScan(getCluster(), getTraitSet(), getTable(), matchers, w);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new SeriesScan(getCluster(), traitSet, getTable(), matchers, window);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("matchers", matchers).item("time", window);
    }
}
