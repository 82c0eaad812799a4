package io.sextant.planner;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Optimized plans by query shape (the caller's key: query text and whatever else the plan depends on),
 * least recently used evicted first. Dashboards repeat the same queries with new times every refresh, so
 * planning runs once per shape, not once per request.
 */
public final class PlanCache<K, V> {
    private final Map<K, V> entries;
    private long hits;
    private long misses;

    public PlanCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The cached value for {@code key}, or {@code plan(key)} cached. Planning runs outside the lock: two
     * threads planning the same new shape at once both plan, and one result is kept.
     */
    public V get(K key, Function<K, V> plan) {
        requireNonNull(key, "key is null");
        synchronized (entries) {
            V v = entries.get(key);
            if (v != null) {
                hits++;
                return v;
            }
            misses++;
        }
        V planned = requireNonNull(plan.apply(key), "plan returned null");
        synchronized (entries) {
            V raced = entries.putIfAbsent(key, planned);
            return raced == null ? planned : raced;
        }
    }

    public long hits() {
        synchronized (entries) {
            return hits;
        }
    }

    public long misses() {
        synchronized (entries) {
            return misses;
        }
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
