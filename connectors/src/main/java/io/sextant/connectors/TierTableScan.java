package io.sextant.connectors;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import io.sextant.planner.SeriesScan;
import io.sextant.planner.SextantRel;
import io.sextant.planner.Tier;
import io.sextant.planner.TimeRange;
import io.sextant.storage.Matcher;
import java.util.List;
import org.apache.calcite.plan.RelOptAbstractTable;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A scan of one tier in the SEXTANT convention: the series its label matchers select, within the absolute
 * {@code range} the tier routing gave it. Matchers go to the tier's postings (head) or series tables (blocks,
 * rollups); the range prunes blocks by their catalog entries and row groups by their statistics.
 */
public abstract class TierTableScan extends TableScan implements SextantRel {
    private final SeriesScan origin;
    private final List<Matcher> matchers;
    private final TimeRange range;
    final TierStore store;

    TierTableScan(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelOptTable table,
            SeriesScan origin,
            List<Matcher> matchers,
            TimeRange range,
            TierStore store) {
        super(cluster, traits, ImmutableList.of(), table);
        this.origin = requireNonNull(origin, "origin is null");
        this.matchers = List.copyOf(matchers);
        this.range = requireNonNull(range, "range is null");
        this.store = requireNonNull(store, "store is null");
    }

    /** The table a tier's scans read, named {@code tiers.<tier>} in plans. */
    static RelOptTable table(RelOptCluster cluster, Tier tier, RelDataType rowType) {
        // tier tables are created by the routing rules, never looked up by name, so they need no schema
        return new RelOptAbstractTable(null, "tiers." + tier.label(), rowType) {};
    }

    public abstract Tier tier();

    public SeriesScan origin() {
        return origin;
    }

    public List<Matcher> matchers() {
        return matchers;
    }

    public TimeRange range() {
        return range;
    }

    /** {@code [from, to]} within this scan's range, empty when they do not meet. */
    TimeRange clip(long from, long to) {
        return range.intersect(new TimeRange(from, to));
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("matchers", matchers).item("range", range);
    }
}
