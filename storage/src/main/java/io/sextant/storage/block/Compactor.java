package io.sextant.storage.block;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges a tenant's blocks into fewer, larger ones: level 1 covers an aligned 2h window, level 2 12h, level 3
 * 2d (flushed blocks are level 0 and never span a 2h window). Once a window can no longer receive flushed
 * data, the blocks of lower levels in it — with the window's block of the target level, if one exists, which
 * is how late samples flushed after a compaction are merged in — become one block. Series are merged in label
 * order, samples in time order; a (series, timestamp) held by several inputs is written once, from the
 * earliest-listed input.
 *
 * <p>Inputs are streamed series by series ({@link Block.Cursor}), so memory does not grow with block size. The
 * output replaces the inputs in one catalog update ({@link BlockStore#publish}): a crash leaves the old blocks
 * or the new one listed, never both or neither.
 */
public final class Compactor {
    private static final Logger log = LoggerFactory.getLogger(Compactor.class);
    /** Window of each level, 1-based: {@code WINDOWS[level - 1]}. */
    public static final long[] WINDOWS = {2 * 3600_000L, 12 * 3600_000L, 48 * 3600_000L};

    /** One compaction: {@code inputs} became {@code output}. */
    public record Compaction(String tenant, List<BlockMeta> inputs, BlockMeta output) {
        public Compaction {
            requireNonNull(tenant, "tenant is null");
            inputs = List.copyOf(inputs);
            requireNonNull(output, "output is null");
        }
    }

    private final BlockStore store;
    private final Telemetry telemetry;
    private final Telemetry.Counter failures;
    private final Telemetry.Counter samplesWritten;
    private final Telemetry.Histogram duration;

    public Compactor(BlockStore store, Telemetry telemetry) {
        this.store = requireNonNull(store, "store is null");
        this.telemetry = requireNonNull(telemetry, "telemetry is null");
        failures = telemetry.counter("sextant_compaction_failures_total", "Block compactions that failed.");
        samplesWritten = telemetry.counter("sextant_compaction_samples_total", "Samples written by block compactions.");
        duration = telemetry.histogram(
                "sextant_compaction_duration_seconds", "Time of one block compaction.", Telemetry.LATENCY_BUCKETS);
    }

    /**
     * Runs every compaction that is due: windows that end at or before {@code settledBefore(tenant)} (the time
     * below which the head will flush no more data, late samples aside). Stops a tenant at its first failure (the
     * next run retries) and rethrows it after the other tenants are done.
     */
    public List<Compaction> run(ToLongFunction<String> settledBefore) {
        List<Compaction> done = new ArrayList<>();
        RuntimeException failure = null;
        for (String tenant : store.tenants()) {
            long settled = settledBefore.applyAsLong(tenant);
            try {
                for (int level = 1; level <= WINDOWS.length; level++) {
                    for (List<BlockMeta> inputs : plan(store.blocks(tenant), level, settled)) {
                        done.add(compact(tenant, inputs, level));
                    }
                }
            } catch (RuntimeException e) {
                failures.inc();
                log.error("tenant {}: compaction failed; its blocks stay as they are until the next run", tenant, e);
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return done;
    }

    /** The groups of blocks to merge into one block of {@code level}, each in catalog order. */
    static List<List<BlockMeta>> plan(List<BlockMeta> blocks, int level, long settledBefore) {
        long window = WINDOWS[level - 1];
        Map<Long, List<BlockMeta>> byWindow = new TreeMap<>();
        for (BlockMeta b : blocks) {
            long w = Math.floorDiv(b.minTime(), window);
            if (b.level() <= level && w == Math.floorDiv(b.maxTime(), window)) {
                byWindow.computeIfAbsent(w, k -> new ArrayList<>()).add(b);
            }
        }
        List<List<BlockMeta>> plans = new ArrayList<>();
        byWindow.forEach((w, members) -> {
            boolean ended = (w + 1) * window <= settledBefore;
            boolean lower = members.stream().anyMatch(b -> b.level() < level);
            if (ended && lower && members.size() >= 2) {
                plans.add(members);
            }
        });
        return plans;
    }

    private Compaction compact(String tenant, List<BlockMeta> inputs, int level) {
        long start = System.nanoTime();
        Set<String> ids = new HashSet<>();
        inputs.forEach(b -> ids.add(b.id()));
        List<Block> held = store.hold(tenant, ids);
        List<Block.Cursor> cursors = new ArrayList<>();
        try {
            for (Block b : held) {
                cursors.add(b.cursor());
            }
            String id = store.newBlockId(tenant);
            BlockMeta output = BlockWriter.write(
                    store.tenantDir(tenant), id, level, BlockWriter.Options.COMPACTION, new CursorMerge(cursors));
            CrashPoints.reach("compaction.before-publish");
            store.publish(tenant, List.of(output), ids);
            CrashPoints.reach("compaction.after-publish");
            long in = inputs.stream().mapToLong(BlockMeta::samples).sum();
            long inBytes = inputs.stream().mapToLong(BlockMeta::bytes).sum();
            samplesWritten.add(output.samples());
            duration.observeNanos(System.nanoTime() - start);
            telemetry
                    .counter(
                            "sextant_compactions_total",
                            "Block compactions, by the level of the block written.",
                            "level",
                            Integer.toString(level))
                    .inc();
            log.info(
                    "tenant {}: compacted {} blocks ({} samples, {} bytes) into level-{} block {} ({} samples, {} bytes,"
                            + " {} B/sample) in {} ms",
                    tenant,
                    inputs.size(),
                    in,
                    inBytes,
                    level,
                    id,
                    output.samples(),
                    output.bytes(),
                    String.format(java.util.Locale.ROOT, "%.3f", (double) output.bytes() / output.samples()),
                    (System.nanoTime() - start) / 1_000_000);
            return new Compaction(tenant, inputs, output);
        } finally {
            cursors.forEach(Block.Cursor::close);
            held.forEach(Block::release);
        }
    }
}
