package io.sextant.planner;

import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;

/**
 * A node in Sextant's physical convention: it executes over Sextant's own columnar operators (primitive arrays
 * per series), never through Calcite's row-at-a-time {@code Enumerable}. How a node executes is up to the
 * language module that owns it; the planner only sees the convention.
 */
public interface SextantRel extends RelNode {
    Convention CONVENTION = new Convention.Impl("SEXTANT", SextantRel.class);
}
