package io.sextant.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PlanCacheTest {
    @Test
    void plansEachKeyOnceAndEvictsTheLeastRecentlyUsed() {
        PlanCache<String, String> cache = new PlanCache<>(2);
        AtomicInteger planned = new AtomicInteger();
        java.util.function.Function<String, String> plan = k -> {
            planned.incrementAndGet();
            return "plan of " + k;
        };
        assertThat(cache.get("a", plan)).isEqualTo("plan of a");
        assertThat(cache.get("b", plan)).isEqualTo("plan of b");
        assertThat(cache.get("a", plan)).isEqualTo("plan of a");
        assertThat(planned.get()).isEqualTo(2);
        // "b" is now the least recently used
        cache.get("c", plan);
        assertThat(cache.size()).isEqualTo(2);
        cache.get("a", plan);
        assertThat(planned.get()).isEqualTo(3);
        cache.get("b", plan);
        assertThat(planned.get()).isEqualTo(4);
        assertThat(cache.hits()).isEqualTo(2);
        assertThat(cache.misses()).isEqualTo(4);
    }

    @Test
    void aFailedPlanIsNotCached() {
        PlanCache<String, String> cache = new PlanCache<>(4);
        assertThatThrownBy(() -> cache.get("bad", k -> {
                    throw new IllegalArgumentException("no plan");
                }))
                .hasMessage("no plan");
        assertThat(cache.size()).isZero();
        assertThat(cache.get("bad", k -> "fixed")).isEqualTo("fixed");
    }
}
