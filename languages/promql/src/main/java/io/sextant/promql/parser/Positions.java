package io.sextant.promql.parser;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The byte ranges of the nodes of one parsed query, kept apart from the nodes so that they take no part in
 * equality. Nodes are looked up by identity: equal subtrees at different places have their own ranges.
 * Ranges follow Prometheus' {@code PositionRange()} of each node type.
 */
public final class Positions {
    private final Map<Object, PositionRange> ranges = new IdentityHashMap<>();

    Positions() {}

    void put(Object node, PositionRange range) {
        ranges.put(node, range);
    }

    /**
     * The range of an expression or duration node of this query.
     *
     * @throws IllegalArgumentException if the node is not part of this query
     */
    public PositionRange of(Object node) {
        PositionRange r = ranges.get(node);
        if (r == null) {
            throw new IllegalArgumentException("node is not part of this query: " + node);
        }
        return r;
    }
}
