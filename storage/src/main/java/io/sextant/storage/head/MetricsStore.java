package io.sextant.storage.head;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.AppendResult;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Exemplar;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.MetricsWriter;
import io.sextant.storage.Querier;
import io.sextant.storage.RetentionPolicy;
import io.sextant.storage.Samples;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.SeriesMerger;
import io.sextant.storage.SextantException;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.block.BlockMeta;
import io.sextant.storage.block.BlockStore;
import io.sextant.storage.block.Compactor;
import io.sextant.storage.telemetry.Telemetry;
import io.sextant.storage.text.Durations;
import io.sextant.storage.wal.SegmentedWal;
import io.sextant.storage.wal.WalOptions;
import io.sextant.storage.wal.WriteAheadLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory metrics head of all tenants, made durable by a write-ahead log. It is both the {@link
 * MetricsWriter} the ingest protocols commit to and the {@link Querier} the read APIs use.
 *
 * <p>Commits are serialised by one lock that covers applying a batch to the head and appending its record
 * to the WAL, so the log order is the apply order and replay rebuilds exactly the same head. The expensive
 * parts of ingest (decompression, decoding, series resolution) run outside the lock in the callers' threads,
 * and the fsync wait runs outside it too, so concurrent commits share fsyncs.
 */
public final class MetricsStore implements MetricsWriter, Querier, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsStore.class);
    private static final int MAX_ERRORS = 10;
    private static final int CHECKPOINT_RECORD_BYTES = 1 << 20;

    private final java.util.concurrent.atomic.AtomicLong flushGeneration = new java.util.concurrent.atomic.AtomicLong();
    private final StoreOptions options;
    private final WriteAheadLog wal;
    private final LongSupplier clock;
    private final Map<String, TenantHead> tenants = new ConcurrentHashMap<>();
    private final Map<String, TenantWriter> writers = new ConcurrentHashMap<>();
    private final ReentrantLock commitLock = new ReentrantLock();
    // Off-heap memory of the sealed samples (Arrow record batches) of every tenant.
    private final BufferAllocator allocator;
    private final RecordCodec.Writer record = new RecordCodec.Writer();
    private MemSeries[] entries = new MemSeries[256];
    // The newest WAL sequence appended by a commit; guarded by commitLock.
    private long lastSeq = -1;
    private final Telemetry telemetry;
    private final Telemetry.Counter appended;
    private final Telemetry.Counter rejectedOutOfOrder;
    private final Telemetry.Counter rejectedDuplicate;
    private final Telemetry.Counter rejectedTooOld;
    private final Telemetry.Counter rejectedFuture;
    private final Telemetry.Counter duplicatesIgnored;
    private final Telemetry.Counter seriesCreated;
    private final Telemetry.Counter replayCorrupt;
    private final Telemetry.Counter checkpoints;
    private final Telemetry.Histogram checkpointDuration;
    private final DirectoryLock directoryLock;
    private final BlockStore blocks;
    private final Compactor compactor;
    // Serialises flushes and checkpoints: a checkpoint taken while a flush is between its FLUSH record and its
    // publish would drop the record from the log while the head still holds the samples it names.
    private final ReentrantLock maintenance = new ReentrantLock();
    // A FLUSH record may still be in the WAL (no checkpoint since the flush): the blocks it names must stay
    // listed in the catalog until then, or replay would put their samples back into the head.
    private volatile boolean flushRecordsInWal;
    private final Telemetry.Counter flushes;
    private final Telemetry.Counter flushFailures;
    private final Telemetry.Counter flushedSamples;
    private final Telemetry.Histogram flushDuration;
    private final Telemetry.Counter retentionDeletedBlocks;
    private final Telemetry.Counter retentionDeletedSamples;
    private volatile boolean ready;
    private volatile boolean closed;
    private volatile long replaySamples;

    /**
     * Opens the store in {@code options.dataDir()}: takes the directory's lock (one process per data
     * directory) and opens the WAL below it. Call {@link #replay()} before writing; until it finishes,
     * writes fail with {@link ErrorCode#UNAVAILABLE}.
     */
    public static MetricsStore open(StoreOptions options, Telemetry telemetry) {
        return open(options, telemetry, System::currentTimeMillis);
    }

    /** As {@link #open(StoreOptions, Telemetry)} with a clock for "now" (retention and future checks). */
    public static MetricsStore open(StoreOptions options, Telemetry telemetry, LongSupplier clock) {
        DirectoryLock lock = DirectoryLock.acquire(options.dataDir());
        try {
            WalOptions walOptions = new WalOptions(
                    options.dataDir().resolve("wal"),
                    options.walSync(),
                    options.walSyncInterval(),
                    options.walSegmentBytes());
            BlockStore blocks = BlockStore.open(options.dataDir().resolve("blocks"));
            return new MetricsStore(options, SegmentedWal.open(walOptions, telemetry), blocks, telemetry, clock, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private MetricsStore(
            StoreOptions options,
            WriteAheadLog wal,
            BlockStore blocks,
            Telemetry telemetry,
            LongSupplier clock,
            DirectoryLock lock) {
        this.directoryLock = lock;
        this.blocks = requireNonNull(blocks, "blocks is null");
        this.compactor = new Compactor(blocks, telemetry);
        this.options = requireNonNull(options, "options is null");
        this.wal = requireNonNull(wal, "wal is null");
        this.telemetry = requireNonNull(telemetry, "telemetry is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.allocator = new RootAllocator();
        String help = "Samples refused by the head, by reason.";
        appended = telemetry.counter("sextant_head_samples_appended_total", "Samples appended to the head.");
        rejectedOutOfOrder = telemetry.counter("sextant_head_samples_rejected_total", help, "reason", "out_of_order");
        rejectedDuplicate =
                telemetry.counter("sextant_head_samples_rejected_total", help, "reason", "duplicate_timestamp");
        rejectedTooOld = telemetry.counter("sextant_head_samples_rejected_total", help, "reason", "too_old");
        rejectedFuture = telemetry.counter("sextant_head_samples_rejected_total", help, "reason", "too_far_in_future");
        duplicatesIgnored = telemetry.counter(
                "sextant_head_samples_duplicate_ignored_total", "Exact duplicate samples accepted without change.");
        seriesCreated = telemetry.counter("sextant_head_series_created_total", "Series created in the head.");
        replayCorrupt = telemetry.counter(
                "sextant_head_replay_corrupt_records_total", "WAL records the head could not apply during replay.");
        checkpoints = telemetry.counter("sextant_head_checkpoints_total", "Head checkpoints written.");
        checkpointDuration = telemetry.histogram(
                "sextant_head_checkpoint_duration_seconds",
                "Time to write a head checkpoint.",
                Telemetry.LATENCY_BUCKETS);
        flushes = telemetry.counter("sextant_head_flushes_total", "Head flushes that wrote warm blocks.");
        flushFailures = telemetry.counter("sextant_head_flush_failures_total", "Head flushes that failed.");
        flushedSamples = telemetry.counter(
                "sextant_head_flushed_samples_total", "Samples moved from the head into warm blocks.");
        flushDuration = telemetry.histogram(
                "sextant_head_flush_duration_seconds",
                "Time to flush the head into warm blocks, all tenants.",
                Telemetry.LATENCY_BUCKETS);
        retentionDeletedBlocks = telemetry.counter(
                "sextant_retention_deleted_blocks_total", "Warm blocks deleted because retention passed them.");
        retentionDeletedSamples = telemetry.counter(
                "sextant_retention_deleted_samples_total", "Samples in warm blocks deleted by retention.");
        telemetry.gauge("sextant_warm_blocks", "Warm blocks, all tenants.", () -> blocks.stats()
                .blocks());
        telemetry.gauge("sextant_warm_block_bytes", "Bytes of warm blocks on disk, all tenants.", () -> blocks.stats()
                .bytes());
        telemetry.gauge("sextant_warm_samples", "Samples in warm blocks, all tenants.", () -> blocks.stats()
                .samples());
        telemetry.gauge("sextant_head_ready", "1 once WAL replay has finished.", () -> ready ? 1 : 0);
        telemetry.gauge("sextant_head_replay_samples", "Samples replayed from the WAL so far.", () -> replaySamples);
        telemetry.gauge("sextant_head_tenants", "Tenants with data in the head.", tenants::size);
        telemetry.gauge(
                "sextant_head_memory_bytes",
                "Estimated bytes held by the head (samples, labels, index).",
                () -> stats().estimatedBytes());
        telemetry.gauge("sextant_head_samples", "Samples held by the head, all tenants.", () -> stats().samples());
        telemetry.gauge("sextant_head_series", "Series in the head, all tenants.", () -> {
            long n = 0;
            for (TenantHead t : tenants.values()) {
                n += t.seriesCount();
            }
            return n;
        });
    }

    // ---------------------------------------------------------------- life cycle

    /** Replays the WAL into the head, then marks the store ready. Logs progress. */
    public void replay() {
        long start = System.nanoTime();
        log.info("replaying WAL");
        WriteAheadLog.ReplayStats stats;
        commitLock.lock();
        try {
            stats = wal.replay((type, buf, off, len, fromCheckpoint) -> {
                if (type == RecordCodec.FLUSH) {
                    replayFlush(new RecordCodec.Reader(buf, off, len));
                    return;
                }
                if (type != RecordCodec.BATCH) {
                    replayCorrupt.inc();
                    log.error("skipping WAL record of unknown type {}", type);
                    return;
                }
                try {
                    apply(new RecordCodec.Reader(buf, off, len));
                } catch (SextantException e) {
                    replayCorrupt.inc();
                    log.error("skipping WAL record the head cannot apply: {}", e.getMessage());
                }
            });
        } finally {
            commitLock.unlock();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long series = 0;
        for (TenantHead t : tenants.values()) {
            series += t.seriesCount();
        }
        log.info(
                "WAL replay finished in {} s: {} records, {} MB, {} samples, {} series, {} tenants; torn tail bytes cut {}, corrupt records skipped {}",
                String.format("%.2f", seconds),
                stats.records(),
                stats.bytes() >> 20,
                replaySamples,
                series,
                tenants.size(),
                stats.tornTailBytesTruncated(),
                stats.corruptRecordsSkipped() + (long) replayCorrupt.get());
        ready = true;
    }

    public boolean isReady() {
        return ready;
    }

    /** Syncs and closes the WAL. Commits after close fail with {@link ErrorCode#UNAVAILABLE}. */
    @Override
    public void close() {
        commitLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            ready = false;
        } finally {
            commitLock.unlock();
        }
        try {
            wal.close();
        } finally {
            try {
                for (TenantHead th : tenants.values()) {
                    th.arena.close();
                }
                allocator.close();
                blocks.close();
            } finally {
                directoryLock.close();
            }
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public TenantWriter tenant(String tenant) {
        requireNonNull(tenant, "tenant is null");
        TenantWriter w = writers.get(tenant);
        if (w == null) {
            TenantHead head = head(tenant);
            w = writers.computeIfAbsent(tenant, t -> new TenantWriter() {
                @Override
                public int seriesRef(byte[] key, int off, int len, long hash) {
                    return head.keyCache.get(key, off, len, hash);
                }

                @Override
                public AppendResult commit(WriteBatch batch) {
                    return MetricsStore.this.commit(head, batch);
                }
            });
        }
        return w;
    }

    private TenantHead head(String tenant) {
        TenantHead h = tenants.get(tenant);
        if (h != null) {
            return h;
        }
        return tenants.computeIfAbsent(tenant, t -> {
            TenantHead created = new TenantHead(t, options.exemplarsPerTenant(), allocator);
            telemetry.gauge(
                    "sextant_head_tenant_series", "Series in the head per tenant.", created::seriesCount, "tenant", t);
            return created;
        });
    }

    private AppendResult commit(TenantHead th, WriteBatch batch) {
        if (!ready) {
            throw new SextantException(
                    ErrorCode.UNAVAILABLE,
                    closed ? "the store is shutting down" : "the store is still replaying its WAL");
        }
        long now = clock.getAsLong();
        long minValid = now - options.retention().toMillis();
        long maxValid = now + options.maxFuture().toMillis();
        long window = options.outOfOrderWindow().toMillis();
        int accepted = 0;
        int ignored = 0;
        int ooo = 0;
        int dupTs = 0;
        int tooOld = 0;
        int future = 0;
        int exemplarsKept = 0;
        int exemplarsRejected = 0;
        int newSeries = 0;
        List<String> errors = new ArrayList<>();
        long seq = -1;
        prefetch(th, batch);
        commitLock.lock();
        try {
            if (closed || !ready) {
                throw new SextantException(ErrorCode.UNAVAILABLE, "the store is shutting down");
            }
            RecordCodec.Writer w = record;
            w.reset();
            w.u8(RecordCodec.VERSION);
            w.string(th.tenant);
            int seriesCountAt = w.reserveCount();
            int seriesCount = batch.seriesCount();
            if (entries.length < seriesCount) {
                entries = new MemSeries[Math.max(seriesCount, entries.length * 2)];
            }
            MemSeries[] resolved = entries;
            for (int e = 0; e < seriesCount; e++) {
                int ref = batch.ref(e);
                MemSeries s;
                if (ref >= 0) {
                    s = th.get(ref);
                    if (s == null) {
                        throw new SextantException(ErrorCode.INTERNAL, "batch names unknown series ref " + ref);
                    }
                } else {
                    Labels labels = batch.labels(e);
                    s = th.byLabels(labels);
                    if (s == null) {
                        s = th.create(labels);
                        w.varint(s.ref);
                        w.labels(s.labels);
                        newSeries++;
                    }
                    if (batch.hasKey(e)) {
                        th.keyCache.put(
                                batch.keyArena(), batch.keyOffset(e), batch.keyLength(e), batch.keyHash(e), s.ref);
                    }
                }
                resolved[e] = s;
            }
            w.patchCount(seriesCountAt, newSeries);

            int n = batch.sampleCount();
            long base = n > 0 ? batch.timestamp(0) : 0;
            long newest = Long.MIN_VALUE;
            w.zigzag(base);
            int samplesAt = w.reserveCount();
            for (int i = 0; i < n; i++) {
                MemSeries s = resolved[batch.sampleSeries(i)];
                long t = batch.timestamp(i);
                double v = batch.value(i);
                if (t < minValid) {
                    tooOld++;
                    addError(
                            errors,
                            s,
                            t,
                            "sample is older than the retention of " + Durations.format(options.retention()));
                    continue;
                }
                if (t > maxValid) {
                    future++;
                    addError(
                            errors,
                            s,
                            t,
                            "sample is more than " + Durations.format(options.maxFuture()) + " in the future");
                    continue;
                }
                switch (s.append(t, v, window)) {
                    case MemSeries.APPENDED -> {
                        accepted++;
                        if (t > newest) {
                            newest = t;
                        }
                        w.sample(s.ref, t - base, Double.doubleToRawLongBits(v));
                    }
                    case MemSeries.DUPLICATE_IGNORED -> ignored++;
                    case MemSeries.OUT_OF_ORDER -> {
                        ooo++;
                        addError(
                                errors,
                                s,
                                t,
                                "out of order sample: older than the newest sample (" + s.maxTime()
                                        + ") minus the out-of-order window "
                                        + Durations.format(options.outOfOrderWindow()));
                    }
                    default -> {
                        dupTs++;
                        addError(errors, s, t, "duplicate sample for timestamp with a different value");
                    }
                }
            }
            w.patchCount(samplesAt, accepted);
            th.noteMaxTime(newest);

            int exemplarsAt = w.reserveCount();
            for (WriteBatch.EntryExemplar ee : batch.exemplars()) {
                MemSeries s = resolved[ee.entry()];
                Exemplar ex = ee.exemplar();
                if (ex.timestampMs() < minValid || ex.timestampMs() > maxValid || !th.addExemplar(s, ex)) {
                    exemplarsRejected++;
                    continue;
                }
                exemplarsKept++;
                w.varint(s.ref);
                w.zigzag(ex.timestampMs());
                w.fixed64(Double.doubleToRawLongBits(ex.value()));
                w.labels(ex.labels());
            }
            w.patchCount(exemplarsAt, exemplarsKept);

            List<MetricMetadata> metadata = batch.metadata();
            w.varint(metadata.size());
            for (MetricMetadata m : metadata) {
                th.addMetadata(m);
                w.u8(m.type().ordinal());
                w.string(m.metricFamilyName());
                w.string(m.help());
                w.string(m.unit());
            }
            if (newSeries > 0 || accepted > 0 || exemplarsKept > 0 || !metadata.isEmpty()) {
                seq = wal.append(RecordCodec.BATCH, w.buf, 0, w.pos);
                lastSeq = seq;
            } else {
                // Nothing new to log, but what this batch found in memory (duplicates of another batch, say)
                // may still wait in the WAL's buffer: acknowledging before it is durable could lose it.
                seq = lastSeq;
            }
            java.util.Arrays.fill(resolved, 0, seriesCount, null);
        } finally {
            commitLock.unlock();
        }
        if (seq >= 0) {
            wal.awaitDurable(seq);
        }
        appended.add(accepted);
        duplicatesIgnored.add(ignored);
        rejectedOutOfOrder.add(ooo);
        rejectedDuplicate.add(dupTs);
        rejectedTooOld.add(tooOld);
        rejectedFuture.add(future);
        seriesCreated.add(newSeries);
        return new AppendResult(
                accepted, ignored, ooo, dupTs, tooOld, future, exemplarsKept, exemplarsRejected, newSeries, errors);
    }

    /**
     * Loads the series a batch appends to into this core's caches before the commit lock is taken. With a
     * hundred thousand series they are not in cache, and the append loop under the lock would pay each miss
     * one after the other; here the loads are independent, so the CPU overlaps them.
     */
    private void prefetch(TenantHead th, WriteBatch batch) {
        long sink = 0;
        for (int e = 0, n = batch.seriesCount(); e < n; e++) {
            int ref = batch.ref(e);
            if (ref >= 0) {
                MemSeries s = th.get(ref);
                if (s != null) {
                    sink += s.touch();
                }
            }
        }
        prefetchSink = sink;
    }

    // Written so the JIT cannot drop the loads in prefetch(); never read.
    @SuppressWarnings("unused")
    private long prefetchSink;

    private static void addError(List<String> errors, MemSeries s, long t, String what) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(what + ": series " + abbreviate(s.labels.toString()) + ", timestamp " + t);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 256 ? s : s.substring(0, 256) + "...";
    }

    /** Applies one BATCH record during replay with insert-if-absent semantics (see RECORDS.md). */
    private void apply(RecordCodec.Reader r) {
        int version = r.u8();
        if (version != RecordCodec.VERSION) {
            throw new SextantException(ErrorCode.INTERNAL, "unknown batch record version " + version);
        }
        TenantHead th = head(r.string());
        int newSeries = r.count();
        for (int i = 0; i < newSeries; i++) {
            int ref = (int) r.varint();
            Labels labels = r.labels();
            if (th.createWithRef(ref, labels) == null) {
                replayCorrupt.inc();
                log.error("WAL names series ref {} of tenant {} with conflicting labels {}", ref, th.tenant, labels);
            }
        }
        long base = r.zigzag();
        int samples = r.count();
        long applied = 0;
        for (int i = 0; i < samples; i++) {
            int ref = (int) r.varint();
            long t = base + r.zigzag();
            double v = Double.longBitsToDouble(r.fixed64());
            MemSeries s = th.get(ref);
            if (s == null) {
                replayCorrupt.inc();
                continue;
            }
            s.append(t, v, Long.MAX_VALUE);
            th.noteMaxTime(t);
            applied++;
        }
        replaySamples += applied;
        int exemplars = r.count();
        for (int i = 0; i < exemplars; i++) {
            int ref = (int) r.varint();
            long t = r.zigzag();
            double v = Double.longBitsToDouble(r.fixed64());
            Labels labels = r.labels();
            MemSeries s = th.get(ref);
            if (s != null) {
                th.addExemplar(s, new Exemplar(labels, v, t));
            }
        }
        int metadata = r.count();
        for (int i = 0; i < metadata; i++) {
            MetricMetadata.Type type = r.metadataType();
            th.addMetadata(new MetricMetadata(r.string(), type, r.string(), r.string()));
        }
    }

    // ---------------------------------------------------------------- checkpoint and retention

    /**
     * Drops samples older than the retention from the head, then writes a checkpoint of the whole head so
     * the WAL segments before it can be deleted.
     */
    public void checkpoint() {
        maintenance.lock();
        try {
            checkpointLocked();
        } finally {
            maintenance.unlock();
        }
    }

    private void checkpointLocked() {
        long start = System.nanoTime();
        long minValid = clock.getAsLong() - options.retention().toMillis();
        long dropped = 0;
        for (TenantHead th : tenants.values()) {
            // Series change only under the commit lock; one tenant at a time keeps the pause for writers short.
            commitLock.lock();
            try {
                for (MemSeries s : th.allSeries()) {
                    dropped += s.truncateBefore(minValid);
                }
                th.arena.freeBefore(minValid);
            } finally {
                commitLock.unlock();
            }
        }
        long walBefore = wal.diskBytes();
        wal.checkpoint(sink -> {
            RecordCodec.Writer w = new RecordCodec.Writer();
            for (TenantHead th : tenants.values()) {
                writeCheckpoint(th, w, sink);
            }
            awaitCommittedDurable();
        });
        flushRecordsInWal = false;
        checkpoints.inc();
        checkpointDuration.observeNanos(System.nanoTime() - start);
        log.info(
                "head checkpoint written in {} ms: WAL {} MB -> {} MB, {} samples past retention dropped",
                (System.nanoTime() - start) / 1_000_000,
                walBefore >> 20,
                wal.diskBytes() >> 20,
                dropped);
    }

    /**
     * Waits until every batch applied so far is durable in the WAL. The checkpoint copies the head without the
     * commit lock, so it may hold part of a batch being committed; that batch's record lands in the new
     * segment, and publishing the checkpoint only after the record is durable keeps replay from ever seeing
     * the part without the whole. Taking the lock waits out a commit in progress.
     */
    private void awaitCommittedDurable() {
        long seq;
        commitLock.lock();
        try {
            seq = lastSeq;
        } finally {
            commitLock.unlock();
        }
        if (seq >= 0) {
            wal.awaitDurable(seq);
        }
    }

    /** Whether the WAL has grown past the configured checkpoint size. */
    public boolean checkpointDue() {
        return wal.diskBytes() > options.checkpointWalBytes();
    }

    private static void writeCheckpoint(TenantHead th, RecordCodec.Writer w, WriteAheadLog.RecordSink sink) {
        List<MemSeries> series = th.allSeries();
        int i = 0;
        boolean metadataWritten = false;
        while (i < series.size() || !metadataWritten) {
            w.reset();
            w.u8(RecordCodec.VERSION);
            w.string(th.tenant);
            int from = i;
            int seriesAt = w.reserveCount();
            int count = 0;
            // Series definitions first, then their samples: a record stays self-contained.
            List<Samples> copies = new ArrayList<>();
            int approxBytes = 0;
            while (i < series.size() && (count == 0 || approxBytes < CHECKPOINT_RECORD_BYTES)) {
                MemSeries s = series.get(i++);
                w.varint(s.ref);
                w.labels(s.labels);
                Samples copy = s.copy(Long.MIN_VALUE, Long.MAX_VALUE);
                copies.add(copy);
                approxBytes += 20 * copy.count() + 64;
                count++;
            }
            w.patchCount(seriesAt, count);
            w.zigzag(0);
            int samplesAt = w.reserveCount();
            int samples = 0;
            for (int k = 0; k < count; k++) {
                MemSeries s = series.get(from + k);
                Samples c = copies.get(k);
                for (int j = 0; j < c.count(); j++) {
                    w.varint(s.ref);
                    w.zigzag(c.timestamps()[j]);
                    w.fixed64(Double.doubleToRawLongBits(c.values()[j]));
                    samples++;
                }
            }
            w.patchCount(samplesAt, samples);
            int exemplarsAt = w.reserveCount();
            int exemplars = 0;
            boolean last = i >= series.size();
            if (last) {
                for (Map.Entry<Integer, Exemplar> e : th.exemplars().all()) {
                    w.varint(e.getKey());
                    w.zigzag(e.getValue().timestampMs());
                    w.fixed64(Double.doubleToRawLongBits(e.getValue().value()));
                    w.labels(e.getValue().labels());
                    exemplars++;
                }
            }
            w.patchCount(exemplarsAt, exemplars);
            if (last) {
                List<MetricMetadata> all = new ArrayList<>();
                th.metadata().values().forEach(all::addAll);
                w.varint(all.size());
                for (MetricMetadata m : all) {
                    w.u8(m.type().ordinal());
                    w.string(m.metricFamilyName());
                    w.string(m.help());
                    w.string(m.unit());
                }
                metadataWritten = true;
            } else {
                w.varint(0);
            }
            sink.write(RecordCodec.BATCH, w.buf, 0, w.pos);
        }
    }

    // ---------------------------------------------------------------- flush to warm blocks

    /** What triggers a flush, which decides each tenant's cutoff. */
    public enum FlushTrigger {
        /** Complete {@code flushInterval} windows the out-of-order window has passed. */
        SCHEDULED,
        /** The head is over {@code headMaxBytes}: everything the out-of-order window has passed. */
        MEMORY,
        /** Everything in the head ({@code POST /api/v1/admin/flush}). */
        ALL
    }

    /** What a flush wrote for one tenant: samples older than {@code cutoff} went into {@code blocks}. */
    public record TenantFlush(String tenant, long cutoff, long samples, List<BlockMeta> blocks) {
        public TenantFlush {
            requireNonNull(tenant, "tenant is null");
            blocks = List.copyOf(blocks);
        }
    }

    /** The trigger a flush is due for now, if any: what the background job asks every few seconds. */
    public java.util.Optional<FlushTrigger> flushDue() {
        boolean memory = stats().estimatedBytes() > options.headMaxBytes();
        FlushTrigger trigger = memory ? FlushTrigger.MEMORY : FlushTrigger.SCHEDULED;
        for (TenantHead th : tenants.values()) {
            if (cutoff(th, trigger) > th.flushedBefore) {
                return java.util.Optional.of(trigger);
            }
        }
        return java.util.Optional.empty();
    }

    private long cutoff(TenantHead th, FlushTrigger trigger) {
        if (trigger == FlushTrigger.ALL) {
            return Long.MAX_VALUE;
        }
        long newest = Math.min(th.maxTime(), clock.getAsLong());
        if (newest == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long settled = newest - options.outOfOrderWindow().toMillis();
        long unit = trigger == FlushTrigger.SCHEDULED ? options.flushInterval().toMillis() : 60_000L;
        return Math.floorDiv(settled, unit) * unit;
    }

    /**
     * Moves samples older than each tenant's cutoff into warm blocks (see {@link HeadFlush} for the steps that
     * make it crash-safe), then writes a checkpoint so the WAL drops what the blocks now hold. Tenants are
     * flushed one after the other; one tenant's failure does not stop the others and is rethrown at the end.
     */
    public List<TenantFlush> flush(FlushTrigger trigger) {
        requireNonNull(trigger, "trigger is null");
        maintenance.lock();
        try {
            long start = System.nanoTime();
            List<TenantFlush> done = new ArrayList<>();
            RuntimeException failure = null;
            for (TenantHead th : List.copyOf(tenants.values())) {
                long cutoff = cutoff(th, trigger);
                if (cutoff == Long.MIN_VALUE || (trigger != FlushTrigger.ALL && cutoff <= th.flushedBefore)) {
                    continue;
                }
                if (trigger != FlushTrigger.ALL) {
                    // One interval past the oldest sample at a time: a backfill that outruns the flushes is cut in
                    // steps of bounded memory (the snapshot copies what it flushes), not in one huge copy.
                    long oldest = oldestSample(th);
                    if (oldest != Long.MAX_VALUE) {
                        long interval = options.flushInterval().toMillis();
                        cutoff = Math.min(cutoff, Math.floorDiv(oldest, interval) * interval + interval);
                    }
                }
                try {
                    TenantFlush f = flushTenant(th, cutoff);
                    // ALL cuts mid-window: the windows it leaves complete are the scheduled flush's
                    long settled = trigger == FlushTrigger.ALL ? cutoff(th, FlushTrigger.SCHEDULED) : cutoff;
                    th.flushedBefore = Math.max(th.flushedBefore, settled);
                    if (f != null) {
                        done.add(f);
                    }
                } catch (RuntimeException e) {
                    flushFailures.inc();
                    log.error("flush of tenant {} failed; its samples stay in the head", th.tenant, e);
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (!done.isEmpty()) {
                flushes.inc();
                flushDuration.observeNanos(System.nanoTime() - start);
                checkpointLocked();
            }
            if (failure != null) {
                throw failure;
            }
            return done;
        } finally {
            maintenance.unlock();
        }
    }

    private TenantFlush flushTenant(TenantHead th, long cutoff) {
        long start = System.nanoTime();
        HeadFlush f;
        long seq;
        commitLock.lock();
        try {
            if (closed || !ready) {
                throw new SextantException(ErrorCode.UNAVAILABLE, "the store is not open for writes");
            }
            f = HeadFlush.snapshot(th, cutoff, blocks);
            if (f == null) {
                return null;
            }
            f.record(record);
            seq = wal.append(RecordCodec.FLUSH, record.buf, 0, record.pos);
            lastSeq = seq;
            flushRecordsInWal = true;
        } finally {
            commitLock.unlock();
        }
        wal.sync(seq);
        List<BlockMeta> written = f.writeBlocks(blocks);
        flushGeneration.incrementAndGet();
        commitLock.lock();
        try {
            f.dropFlushed();
        } finally {
            commitLock.unlock();
        }
        flushedSamples.add(f.samples());
        long bytes = written.stream().mapToLong(BlockMeta::bytes).sum();
        log.info(
                "tenant {}: flushed {} samples below {} into {} block(s), {} bytes ({} B/sample) in {} ms",
                th.tenant,
                f.samples(),
                cutoff == Long.MAX_VALUE ? "now" : java.time.Instant.ofEpochMilli(cutoff),
                written.size(),
                bytes,
                String.format(java.util.Locale.ROOT, "%.2f", (double) bytes / Math.max(1, f.samples())),
                (System.nanoTime() - start) / 1_000_000);
        return new TenantFlush(th.tenant, cutoff, f.samples(), written);
    }

    /**
     * Replays a FLUSH record: when the catalog lists its blocks, the samples below the cutoff that the head holds
     * at this point of the log are the ones the blocks hold, so they are dropped; otherwise the flush never
     * published and the record is ignored.
     */
    private void replayFlush(RecordCodec.Reader r) {
        int version = r.u8();
        if (version != RecordCodec.VERSION) {
            throw new SextantException(ErrorCode.INTERNAL, "unknown flush record version " + version);
        }
        String tenant = r.string();
        long cutoff = r.zigzag();
        int n = r.count();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(r.string());
        }
        boolean published = blocks.blocks(tenant).stream().anyMatch(b -> ids.contains(b.id()));
        TenantHead th = tenants.get(tenant);
        if (!published || th == null) {
            return;
        }
        for (MemSeries s : th.allSeries()) {
            s.truncateBefore(cutoff);
        }
        th.arena.freeBefore(cutoff);
        th.flushedBefore = Math.max(th.flushedBefore, cutoff);
        flushRecordsInWal = true;
    }

    /**
     * Runs the block compactions that are due (see {@link Compactor}): windows the head has flushed past. A
     * checkpoint comes first when FLUSH records may still be in the WAL, since compaction replaces the blocks
     * they name.
     */
    public List<Compactor.Compaction> compact() {
        maintenance.lock();
        try {
            if (flushRecordsInWal) {
                checkpointLocked();
            }
            return compactor.run(this::settledBefore);
        } finally {
            maintenance.unlock();
        }
    }

    /** What one retention run deleted for a tenant. */
    public record RetentionResult(String tenant, List<BlockMeta> deleted) {
        public RetentionResult {
            requireNonNull(tenant, "tenant is null");
            deleted = List.copyOf(deleted);
        }
    }

    /**
     * Deletes the warm blocks whose newest sample is older than now minus the retention, as Prometheus drops
     * whole blocks: a block straddling the limit stays until all of it has expired. Logs and counts what it
     * deleted. A checkpoint comes first when FLUSH records may still name the blocks.
     */
    public List<RetentionResult> enforceRetention() {
        return enforceRetention(RetentionPolicy.of(options.retention(), options.retention(), options.retention()));
    }

    /** As {@link #enforceRetention()}, with each tenant's raw retention from {@code policy}. */
    public List<RetentionResult> enforceRetention(RetentionPolicy policy) {
        maintenance.lock();
        try {
            long now = clock.getAsLong();
            List<RetentionResult> out = new ArrayList<>();
            for (String tenant : blocks.tenants()) {
                Duration retention = policy.retention(tenant, RetentionPolicy.Tier.RAW);
                long minValid = now - retention.toMillis();
                List<BlockMeta> expired = blocks.blocks(tenant).stream()
                        .filter(b -> b.maxTime() < minValid)
                        .toList();
                if (expired.isEmpty()) {
                    continue;
                }
                if (flushRecordsInWal) {
                    checkpointLocked();
                }
                blocks.publish(
                        tenant,
                        List.of(),
                        expired.stream().map(BlockMeta::id).collect(java.util.stream.Collectors.toSet()));
                long samples = expired.stream().mapToLong(BlockMeta::samples).sum();
                long bytes = expired.stream().mapToLong(BlockMeta::bytes).sum();
                retentionDeletedBlocks.add(expired.size());
                retentionDeletedSamples.add(samples);
                log.info(
                        "tenant {}: retention {} deleted {} block(s) older than {}: {} samples, {} bytes",
                        tenant,
                        Durations.format(retention),
                        expired.size(),
                        java.time.Instant.ofEpochMilli(minValid),
                        samples,
                        bytes);
                out.add(new RetentionResult(tenant, expired));
            }
            return out;
        } finally {
            maintenance.unlock();
        }
    }

    /**
     * The time before which flushes add no more samples to a tenant's blocks, late samples aside (those a later
     * compaction merges in): the head's oldest sample, and at most the out-of-order window before now.
     */
    private long settledBefore(String tenant) {
        long unit = options.flushInterval().toMillis();
        long settled =
                Math.floorDiv(clock.getAsLong() - options.outOfOrderWindow().toMillis(), unit) * unit;
        TenantHead th = tenants.get(tenant);
        return th == null ? settled : Math.min(settled, oldestSample(th));
    }

    /** The tenant's oldest sample in the head, {@code Long.MAX_VALUE} when it holds none. */
    private long oldestSample(TenantHead th) {
        long oldest = Long.MAX_VALUE;
        commitLock.lock();
        try {
            for (MemSeries s : th.allSeries()) {
                if (s.count() > 0) {
                    oldest = Math.min(oldest, s.minTime());
                }
            }
        } finally {
            commitLock.unlock();
        }
        return oldest;
    }

    /**
     * Counts flushes that have published blocks, incremented before the flushed samples leave the head: a reader
     * that took the head's range before a flush and reads the head after it sees the count changed, and reads the
     * blocks too.
     */
    public long flushGeneration() {
        return flushGeneration.get();
    }

    /** The oldest and newest sample times the tenant's head holds, {@code null}-free: empty when it holds none. */
    public java.util.Optional<long[]> headRange(String tenant) {
        TenantHead th = tenants.get(tenant);
        if (th == null) {
            return java.util.Optional.empty();
        }
        long oldest = Long.MAX_VALUE;
        long newest = Long.MIN_VALUE;
        commitLock.lock();
        try {
            for (MemSeries s : th.allSeries()) {
                if (s.count() > 0) {
                    oldest = Math.min(oldest, s.minTime());
                    newest = Math.max(newest, s.maxTime());
                }
            }
        } finally {
            commitLock.unlock();
        }
        return oldest == Long.MAX_VALUE
                ? java.util.Optional.empty()
                : java.util.Optional.of(new long[] {oldest, newest});
    }

    /** The warm tier this store flushes into. */
    public BlockStore blocks() {
        return blocks;
    }

    // ---------------------------------------------------------------- reads

    /**
     * Selects from the warm blocks and the head together. A series' samples from both are merged in time order;
     * a timestamp both hold (a flush between publishing its blocks and dropping the samples from the head) is
     * taken once, from the blocks. The head is read first: a flush publishes its blocks before it drops the
     * samples from the head, so a flush between the two reads duplicates samples (merged away) rather than hiding
     * them.
     */
    @Override
    public List<Series> select(String tenant, List<Matcher> matchers, long mint, long maxt, SelectHints hints) {
        List<Series> head = selectHead(tenant, matchers, mint, maxt, hints);
        List<Series> merged = SeriesMerger.merge(List.of(blocks.select(tenant, matchers, mint, maxt, hints), head));
        if (hints.limit() > 0 && merged.size() > hints.limit()) {
            return merged.subList(0, hints.limit());
        }
        return merged;
    }

    /** As {@link #select}, from the head alone: the hot tier. */
    public List<Series> selectHead(String tenant, List<Matcher> matchers, long mint, long maxt, SelectHints hints) {
        TenantHead th = tenants.get(tenant);
        if (th == null) {
            return List.of();
        }
        RoaringBitmap refs = th.index.select(matchers);
        List<Series> out = new ArrayList<>();
        IntIterator it = refs.getIntIterator();
        while (it.hasNext()) {
            MemSeries s = th.get(it.next());
            if (s == null) {
                continue;
            }
            if (hints.withSamples()) {
                Samples samples = s.copy(mint, maxt);
                if (samples.count() > 0) {
                    out.add(new Series(s.labels, samples));
                }
            } else if (s.overlaps(mint, maxt)) {
                out.add(new Series(s.labels, Samples.EMPTY));
            }
        }
        out.sort(Comparator.comparing(Series::labels));
        if (hints.limit() > 0 && out.size() > hints.limit()) {
            return out.subList(0, hints.limit());
        }
        return out;
    }

    private RoaringBitmap selectAny(TenantHead th, List<List<Matcher>> matcherSets) {
        if (matcherSets.isEmpty()) {
            return th.index.select(List.of());
        }
        RoaringBitmap refs = new RoaringBitmap();
        for (List<Matcher> set : matcherSets) {
            refs.or(th.index.select(set));
        }
        return refs;
    }

    @Override
    public List<String> labelNames(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt) {
        TreeSet<String> names = new TreeSet<>();
        for (Labels l : blocks.seriesLabels(tenant, matcherSets, mint, maxt)) {
            for (int i = 0; i < l.size(); i++) {
                names.add(l.name(i));
            }
        }
        TenantHead th = tenants.get(tenant);
        if (th == null) {
            return new ArrayList<>(names);
        }
        IntIterator it = selectAny(th, matcherSets).getIntIterator();
        while (it.hasNext()) {
            MemSeries s = th.get(it.next());
            if (s != null && s.overlaps(mint, maxt)) {
                for (int i = 0; i < s.labels.size(); i++) {
                    names.add(s.labels.name(i));
                }
            }
        }
        return new ArrayList<>(names);
    }

    @Override
    public List<String> labelValues(String tenant, String name, List<List<Matcher>> matcherSets, long mint, long maxt) {
        List<String> head = labelValuesHead(tenant, name, matcherSets, mint, maxt);
        if (blocks.blocks(tenant).isEmpty()) {
            return head;
        }
        TreeSet<String> values = new TreeSet<>(head);
        for (Labels l : blocks.seriesLabels(tenant, matcherSets, mint, maxt)) {
            String v = l.get(name);
            if (!v.isEmpty()) {
                values.add(v);
            }
        }
        return new ArrayList<>(values);
    }

    private List<String> labelValuesHead(
            String tenant, String name, List<List<Matcher>> matcherSets, long mint, long maxt) {
        TenantHead th = tenants.get(tenant);
        if (th == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (matcherSets.isEmpty()) {
            for (Map.Entry<String, RoaringBitmap> e : th.index.values(name)) {
                IntIterator it = e.getValue().getIntIterator();
                while (it.hasNext()) {
                    MemSeries s = th.get(it.next());
                    if (s != null && s.overlaps(mint, maxt)) {
                        out.add(e.getKey());
                        break;
                    }
                }
            }
            return out;
        }
        TreeSet<String> values = new TreeSet<>();
        IntIterator it = selectAny(th, matcherSets).getIntIterator();
        while (it.hasNext()) {
            MemSeries s = th.get(it.next());
            if (s != null && s.overlaps(mint, maxt)) {
                String v = s.labels.get(name);
                if (!v.isEmpty()) {
                    values.add(v);
                }
            }
        }
        out.addAll(values);
        return out;
    }

    @Override
    public Map<String, List<MetricMetadata>> metadata(String tenant) {
        TenantHead th = tenants.get(tenant);
        return th == null ? Map.of() : th.metadata();
    }

    @Override
    public List<SeriesExemplars> exemplars(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt) {
        TenantHead th = tenants.get(tenant);
        if (th == null) {
            return List.of();
        }
        Map<Integer, List<Exemplar>> byRef = th.exemplars().collect(selectAny(th, matcherSets), mint, maxt);
        List<SeriesExemplars> out = new ArrayList<>();
        byRef.forEach((ref, list) -> {
            MemSeries s = th.get(ref);
            if (s != null) {
                out.add(new SeriesExemplars(s.labels, list));
            }
        });
        out.sort(Comparator.comparing(SeriesExemplars::labels));
        return out;
    }

    // ---------------------------------------------------------------- stats

    /**
     * Head size figures for telemetry and benchmarks. {@code estimatedBytes} covers heap and off-heap;
     * {@code arrowBytes} is the off-heap part the Arrow allocator actually holds.
     */
    public record HeadStats(int tenants, long series, long samples, long estimatedBytes, long arrowBytes) {}

    public HeadStats stats() {
        long series = 0;
        long samples = 0;
        long bytes = 0;
        for (TenantHead th : tenants.values()) {
            series += th.seriesCount();
            for (MemSeries s : th.allSeries()) {
                samples += s.count();
            }
            bytes += th.estimateBytes();
        }
        return new HeadStats(tenants.size(), series, samples, bytes, allocator.getAllocatedMemory());
    }

    /** Tenants that have data, sorted. */
    public List<String> tenants() {
        return new ArrayList<>(new TreeSet<>(tenants.keySet()));
    }

    public long walDiskBytes() {
        return wal.diskBytes();
    }
}
