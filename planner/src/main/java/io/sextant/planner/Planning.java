package io.sextant.planner;

import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQueryBase;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.type.SqlTypeFactoryImpl;

/**
 * Calcite set-up for Sextant's query languages: a cluster to build plans in, a rule program run as fixed
 * phases, and the plan text for EXPLAIN. Phases run in order, each to a fixed point; a heuristic program is
 * enough while every rule either pushes work into a scan or converts to the SEXTANT convention, and it keeps
 * planning in the sub-millisecond range a dashboard query needs.
 */
public final class Planning {
    private Planning() {}

    /**
     * Calcite keeps its metadata handlers in a thread-local that only the thread creating a cluster gets; a cached
     * plan is routed and explained on other threads (the query's), which need their own.
     */
    private static void useMetadataOnThisThread() {
        if (RelMetadataQueryBase.THREAD_PROVIDERS.get() == null) {
            RelMetadataQueryBase.THREAD_PROVIDERS.set(
                    JaninoRelMetadataProvider.of(DefaultRelMetadataProvider.INSTANCE));
        }
    }

    /** A new cluster (type factory, row-expression builder) for translating one query. */
    public static RelOptCluster newCluster() {
        SqlTypeFactoryImpl types = new SqlTypeFactoryImpl(RelDataTypeSystem.DEFAULT);
        return RelOptCluster.create(new HepPlanner(HepProgram.builder().build()), new RexBuilder(types));
    }

    /** Runs {@code phases} over {@code logical}, bottom up, each phase until no rule fires. */
    public static RelNode optimize(RelNode logical, List<List<RelOptRule>> phases) {
        useMetadataOnThisThread();
        HepProgramBuilder program = HepProgram.builder().addMatchOrder(HepMatchOrder.BOTTOM_UP);
        for (List<RelOptRule> phase : phases) {
            program.addRuleCollection(phase);
        }
        HepPlanner planner = new HepPlanner(program.build());
        planner.setRoot(logical);
        return planner.findBestExp();
    }

    /** The plan as indented text with every node's attributes, one node per line. */
    public static String explain(RelNode plan) {
        useMetadataOnThisThread();
        return RelOptUtil.toString(plan, SqlExplainLevel.EXPPLAN_ATTRIBUTES);
    }
}
