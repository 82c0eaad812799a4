package io.sextant.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sextant.server.ColdTier;
import io.sextant.server.http.Exchange;
import io.sextant.server.http.Router;
import io.sextant.storage.block.BlockMeta;
import io.sextant.storage.block.Compactor;
import io.sextant.storage.cold.ColdBlockMeta;
import io.sextant.storage.head.MetricsStore;
import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Operator endpoints under {@code /api/v1/admin/}, in Prometheus' envelope:
 *
 * <ul>
 *   <li>{@code POST /api/v1/admin/flush}: cuts every tenant's head into warm blocks now, as the background flush
 *       would once the data is old enough, and answers with the blocks written.
 *   <li>{@code POST /api/v1/admin/compact}: runs the block compactions that are due now (the background job runs
 *       them every few seconds) and answers with what it merged.
 *   <li>{@code POST /api/v1/admin/rollup}: rolls up the compacted windows into the cold tier now and answers with
 *       the rollup blocks written.
 * </ul>
 */
public final class AdminApi {
    private final MetricsStore store;
    private final ColdTier cold;

    public AdminApi(MetricsStore store, ColdTier cold) {
        this.store = requireNonNull(store, "store is null");
        this.cold = requireNonNull(cold, "cold is null");
    }

    public void register(Router router, BooleanSupplier ready) {
        router.add("POST", "/api/v1/admin/flush", PromReadApi.api(ready, this::flush));
        router.add("POST", "/api/v1/admin/compact", PromReadApi.api(ready, this::compact));
        router.add("POST", "/api/v1/admin/rollup", PromReadApi.api(ready, this::rollup));
    }

    private void rollup(Exchange ex) throws IOException {
        List<ColdBlockMeta> built = cold.buildNow();
        PromJson.success(
                ex,
                g -> {
                    g.writeStartObject();
                    g.writeArrayFieldStart("blocks");
                    for (ColdBlockMeta b : built) {
                        g.writeStartObject();
                        g.writeStringField("id", b.id());
                        g.writeNumberField("resolutionMs", b.resolutionMs());
                        g.writeNumberField("windowStart", b.windowStart());
                        g.writeNumberField("windowEnd", b.windowEnd());
                        g.writeNumberField("series", b.series());
                        g.writeNumberField("buckets", b.buckets());
                        g.writeNumberField("bytes", b.bytes());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                },
                List.of());
    }

    private void compact(Exchange ex) throws IOException {
        List<Compactor.Compaction> done = store.compact();
        PromJson.success(
                ex,
                g -> {
                    g.writeStartObject();
                    g.writeArrayFieldStart("compactions");
                    for (Compactor.Compaction c : done) {
                        g.writeStartObject();
                        g.writeStringField("tenant", c.tenant());
                        g.writeArrayFieldStart("inputs");
                        for (BlockMeta b : c.inputs()) {
                            g.writeString(b.id());
                        }
                        g.writeEndArray();
                        g.writeFieldName("output");
                        block(g, c.output());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                },
                List.of());
    }

    private void flush(Exchange ex) throws IOException {
        List<MetricsStore.TenantFlush> flushed = store.flush(MetricsStore.FlushTrigger.ALL);
        PromJson.success(
                ex,
                g -> {
                    g.writeStartObject();
                    g.writeArrayFieldStart("tenants");
                    for (MetricsStore.TenantFlush f : flushed) {
                        g.writeStartObject();
                        g.writeStringField("tenant", f.tenant());
                        g.writeNumberField("samples", f.samples());
                        g.writeArrayFieldStart("blocks");
                        for (BlockMeta b : f.blocks()) {
                            block(g, b);
                        }
                        g.writeEndArray();
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                },
                List.of());
    }

    static void block(JsonGenerator g, BlockMeta b) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", b.id());
        g.writeNumberField("minTime", b.minTime());
        g.writeNumberField("maxTime", b.maxTime());
        g.writeStringField("resolution", b.resolution());
        g.writeNumberField("level", b.level());
        g.writeNumberField("series", b.series());
        g.writeNumberField("samples", b.samples());
        g.writeNumberField("bytes", b.bytes());
        g.writeEndObject();
    }
}
