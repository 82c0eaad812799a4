package io.sextant.server;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.RetentionPolicy;
import io.sextant.storage.SextantException;
import io.sextant.storage.cold.ColdBlockMeta;
import io.sextant.storage.cold.ColdStore;
import io.sextant.storage.head.MetricsStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background work of the cold tier: roll up the warm tier's compacted windows into the object store and
 * delete rollups past their retention ({@code --retention-5m}, {@code --retention-1h}, per-tenant overrides). A failing object store never stops ingest or queries of the other tiers:
 * the job logs the failure and tries again after a backoff that doubles up to five minutes.
 */
public final class ColdTier {
    private static final Logger log = LoggerFactory.getLogger(ColdTier.class);
    private static final long FIRST_BACKOFF_MS = 5_000;
    private static final long MAX_BACKOFF_MS = 300_000;

    private final ColdStore cold;
    private final MetricsStore store;
    private final RetentionPolicy retention;
    private final LongSupplier clock;
    private int failures;
    private long nextAttempt = Long.MIN_VALUE;

    public ColdTier(ColdStore cold, MetricsStore store, RetentionPolicy retention, LongSupplier clock) {
        this.cold = requireNonNull(cold, "cold is null");
        this.store = requireNonNull(store, "store is null");
        this.retention = requireNonNull(retention, "retention is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** One background run, unless a failure's backoff has not passed yet. */
    synchronized void maintain() {
        long now = clock.getAsLong();
        if (now < nextAttempt) {
            return;
        }
        try {
            buildNow();
            enforceRetention(now);
            failures = 0;
        } catch (SextantException e) {
            failures++;
            long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(failures - 1, 16));
            nextAttempt = now + backoff;
            log.warn("cold tier: {} (failure {} in a row); retrying in {} s", e.getMessage(), failures, backoff / 1000);
        }
    }

    /** Rolls up every tenant's compacted windows that changed; returns the blocks written. */
    public synchronized List<ColdBlockMeta> buildNow() {
        List<ColdBlockMeta> built = new ArrayList<>();
        for (String tenant : store.blocks().tenants()) {
            built.addAll(cold.build(tenant, store.blocks()));
        }
        return built;
    }

    private void enforceRetention(long now) {
        for (String tenant : cold.tenants()) {
            for (long res : cold.resolutions()) {
                Duration keep = retention.retention(tenant, RetentionPolicy.Tier.ofResolution(res));
                cold.enforceRetention(tenant, res, now - keep.toMillis());
            }
        }
    }
}
