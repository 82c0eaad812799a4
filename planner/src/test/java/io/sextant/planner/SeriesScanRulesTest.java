package io.sextant.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Matcher;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.junit.jupiter.api.Test;

class SeriesScanRulesTest {
    private final RelOptCluster cluster = Planning.newCluster();
    private final RexBuilder rex = cluster.getRexBuilder();
    private final SeriesScan scan = SeriesScan.create(cluster, new ScanWindow(ScanWindow.Anchor.STEPS, 0, -300_000, 0));

    private RelNode optimize(RelNode plan) {
        return Planning.optimize(plan, List.of(List.of(SeriesScanRules.FILTER_INTO_SCAN)));
    }

    @Test
    void labelMatchesBecomeTheScansMatchers() {
        RexNode labels = rex.makeInputRef(scan, SeriesTable.LABELS);
        RelNode plan = LogicalFilter.create(
                scan,
                rex.makeCall(
                        SqlStdOperatorTable.AND,
                        LabelMatch.of(rex, labels, Matcher.equal("__name__", "up")),
                        LabelMatch.of(rex, labels, Matcher.of(Matcher.Type.NOT_REGEX, "job", "a|b"))));
        RelNode optimized = optimize(plan);
        assertThat(optimized).isInstanceOf(SeriesScan.class);
        assertThat(((SeriesScan) optimized).matchers())
                .containsExactly(Matcher.equal("__name__", "up"), Matcher.of(Matcher.Type.NOT_REGEX, "job", "a|b"));
        assertThat(Planning.explain(optimized))
                .isEqualTo("SeriesScan(table=[[metrics.samples]], matchers=[[__name__=\"up\", job!~\"a|b\"]],"
                        + " time=[(step-5m, step]])\n");
    }

    @Test
    void aFilterWithAnythingElseStaysAFilter() {
        RexNode labels = rex.makeInputRef(scan, SeriesTable.LABELS);
        RexNode positive = rex.makeCall(
                SqlStdOperatorTable.GREATER_THAN,
                rex.makeInputRef(scan, SeriesTable.VALUE),
                rex.makeApproxLiteral(java.math.BigDecimal.ZERO));
        RelNode plan = LogicalFilter.create(
                scan,
                rex.makeCall(
                        SqlStdOperatorTable.AND,
                        LabelMatch.of(rex, labels, Matcher.equal("__name__", "up")),
                        positive));
        RelNode optimized = optimize(plan);
        assertThat(optimized).isInstanceOf(LogicalFilter.class);
        assertThat(((SeriesScan) optimized.getInput(0)).matchers()).isEmpty();
    }
}
