package io.sextant.promql.plan;

import io.sextant.planner.SextantRel;
import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.StepGrid;

/**
 * A PromQL plan node in the SEXTANT convention. It executes on a step grid: the query's, or a subquery's inner
 * grid. Values are those of {@link Evaluation}: {@code List<StepSeries>}, {@code double[]}, {@code RangeValue}
 * or {@code String}.
 */
public interface PromRel extends SextantRel {
    Object execute(Evaluation ev, StepGrid grid);

    /** Input {@code i} of {@code node}, executed on {@code grid}. */
    static Object input(SextantRel node, int i, Evaluation ev, StepGrid grid) {
        return ((PromRel) node.getInput(i)).execute(ev, grid);
    }
}
