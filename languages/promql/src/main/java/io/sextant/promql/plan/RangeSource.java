package io.sextant.promql.plan;

import io.sextant.promql.ast.RangeExtension;
import io.sextant.promql.eval.Evaluation;
import io.sextant.promql.eval.StepGrid;

/** A node producing a range vector: the samples behind the windows that end at the steps of a grid. */
interface RangeSource extends PromRel {
    /** The range vector for windows ending at the steps of {@code grid} (or at the fixed {@code @} time). */
    Evaluation.RangeValue read(Evaluation ev, StepGrid grid);

    /** The fixed window end of an {@code @} modifier, {@code Long.MIN_VALUE} if none. */
    long fixedEnd(Evaluation ev);

    RangeExtension extension();

    @Override
    default Object execute(Evaluation ev, StepGrid grid) {
        return read(ev, grid);
    }
}
