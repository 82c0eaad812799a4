package io.sextant.storage.wal;

import static io.sextant.storage.wal.WalFormat.RECORD_HEADER_BYTES;
import static io.sextant.storage.wal.WalFormat.SEGMENT_HEADER_BYTES;
import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.io.FileTrees;
import io.sextant.storage.io.Fsync;
import io.sextant.storage.telemetry.Telemetry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segmented write-ahead log; {@code FORMAT.md} beside this file specifies the files it keeps.
 *
 * <p>Appends are framed, checksummed outside the lock, and copied under one lock into a write buffer that
 * is handed to the OS when it fills, when a record must become durable, and at rotation. Durability with
 * {@link WalOptions.SyncPolicy#FSYNC} is a group commit: the first waiter whose record is not yet synced
 * becomes the syncer, flushes the buffer, and fsyncs without holding the lock, so appends carry on and the
 * waiters that arrive meanwhile are covered by the next fsync, which one of them leads. Sequence numbers
 * start at 1 at every open; they order appends within a process and are not stored.
 *
 * <p>{@link ReplayStats#bytes()} counts the bytes of the files read (checkpoint and segments), {@link
 * ReplayStats#segments()} the segment files, and {@link ReplayStats#corruptRecordsSkipped()} the damaged
 * regions stepped over (one region may have held more than one record).
 */
public final class SegmentedWal implements WriteAheadLog {
    private static final Logger log = LoggerFactory.getLogger(SegmentedWal.class);

    private static final int WRITE_BUFFER_BYTES = 1 << 20;
    private static final long PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(5);

    private enum State {
        OPENED,
        REPLAYING,
        READY,
        CLOSED
    }

    private final Path directory;
    private final WalOptions options;
    private final Metrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition syncDone = lock.newCondition();
    private final ReentrantLock checkpointLock = new ReentrantLock();
    private final CountDownLatch stopSyncer = new CountDownLatch(1);
    private final AtomicLong diskBytes = new AtomicLong();
    private final byte[] writeBuffer = new byte[WRITE_BUFFER_BYTES];

    /** The checkpoint replay starts from, or -1; fixed at open. */
    private final long checkpointIndex;
    /** Segments at open, at or after the checkpoint, ascending. */
    private final List<Long> segmentsAtOpen;

    // Guarded by lock.
    private State state = State.OPENED;
    private SegmentWriter writer;
    private long segmentIndex;
    private final List<SegmentWriter> retired = new ArrayList<>();
    private long lastSeq;
    private long writtenSeq;
    private boolean syncing;
    private SextantException failure;
    private Thread syncer;

    private volatile long durableSeq;
    private volatile long replayRecords;
    private volatile long replayBytes;
    private volatile long replayTotalBytes;

    private SegmentedWal(WalOptions options, Telemetry telemetry) throws IOException {
        this.options = options;
        this.directory = options.directory();
        this.metrics = new Metrics(telemetry);
        Files.createDirectories(directory);

        TreeMap<Long, Path> segments = new TreeMap<>();
        TreeMap<Long, Path> checkpoints = new TreeMap<>();
        List<Path> temporary = new ArrayList<>();
        for (Path entry : list(directory)) {
            OptionalLong index;
            if ((index = WalFormat.segmentIndex(entry)).isPresent() && Files.isRegularFile(entry)) {
                segments.put(index.getAsLong(), entry);
            } else if ((index = WalFormat.checkpointIndex(entry)).isPresent() && Files.isDirectory(entry)) {
                checkpoints.put(index.getAsLong(), entry);
            } else if (WalFormat.checkpointTmpIndex(entry).isPresent()) {
                temporary.add(entry);
            }
        }
        this.checkpointIndex = checkpoints.isEmpty() ? -1 : checkpoints.lastKey();
        boolean deleted = false;
        for (Path tmp : temporary) {
            log.warn("deleting incomplete WAL checkpoint {} left by an interrupted checkpoint", tmp);
            FileTrees.delete(tmp);
            deleted = true;
        }
        // A crash between a checkpoint's rename and its clean-up leaves what it replaced behind.
        for (Path old : checkpoints.headMap(checkpointIndex).values()) {
            log.info("deleting WAL checkpoint {} superseded by {}", old, WalFormat.checkpointName(checkpointIndex));
            FileTrees.delete(old);
            deleted = true;
        }
        for (Path old : segments.headMap(checkpointIndex).values()) {
            log.info("deleting WAL segment {} covered by {}", old, WalFormat.checkpointName(checkpointIndex));
            Files.delete(old);
            deleted = true;
        }
        if (deleted) {
            Fsync.directory(directory);
        }
        this.segmentsAtOpen =
                List.copyOf(segments.tailMap(Math.max(checkpointIndex, 0)).keySet());
        long bytes = 0;
        for (long index : segmentsAtOpen) {
            bytes += Files.size(segmentPath(index));
        }
        for (Path file : checkpointFiles()) {
            bytes += Files.size(file);
        }
        diskBytes.set(bytes);

        telemetry.gauge("sextant_wal_disk_bytes", "Bytes in WAL segments and checkpoints on disk.", diskBytes::get);
        telemetry.gauge("sextant_wal_replay_records", "Records replayed so far.", () -> replayRecords);
        telemetry.gauge("sextant_wal_replay_bytes", "WAL bytes replayed so far.", () -> replayBytes);
        telemetry.gauge(
                "sextant_wal_replay_total_bytes",
                "WAL bytes the running or last replay reads in all.",
                () -> replayTotalBytes);
    }

    /**
     * Opens the log in {@code options.directory()}, creating it if missing, and deletes what interrupted
     * checkpoints left behind. Nothing is read until {@link #replay}.
     */
    public static SegmentedWal open(WalOptions options, Telemetry telemetry) {
        requireNonNull(options, "options is null");
        requireNonNull(telemetry, "telemetry is null");
        try {
            return new SegmentedWal(options, telemetry);
        } catch (IOException e) {
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE, "cannot open write-ahead log in " + options.directory(), e);
        }
    }

    @Override
    public ReplayStats replay(RecordHandler handler) {
        requireNonNull(handler, "handler is null");
        lock.lock();
        try {
            if (state != State.OPENED) {
                throw new SextantException(
                        ErrorCode.INTERNAL,
                        "replay of the write-ahead log in " + directory + " may run only once, right after open");
            }
            state = State.REPLAYING;
        } finally {
            lock.unlock();
        }
        try {
            ReplayStats stats = replayFiles(handler);
            startAppending();
            return stats;
        } catch (IOException e) {
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE, "cannot replay the write-ahead log in " + directory, e);
        }
    }

    private ReplayStats replayFiles(RecordHandler handler) throws IOException {
        List<Path> checkpointFiles = checkpointFiles();
        long total = 0;
        for (Path file : checkpointFiles) {
            total += Files.size(file);
        }
        for (long index : segmentsAtOpen) {
            total += Files.size(segmentPath(index));
        }
        replayTotalBytes = total;
        log.info(
                "WAL replay of {} starting: {}, {} segments, {} MB",
                directory,
                checkpointIndex < 0
                        ? "no checkpoint"
                        : WalFormat.checkpointName(checkpointIndex) + " (" + checkpointFiles.size() + " files)",
                segmentsAtOpen.size(),
                mb(total));

        Progress progress = new Progress(handler, total, checkpointFiles.size() + segmentsAtOpen.size());
        SegmentReader reader = new SegmentReader();
        long corruptions = 0;
        long tornBytes = 0;
        progress.fromCheckpoint = true;
        for (Path file : checkpointFiles) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                SegmentReader.Result result = progress.read(reader, file, channel);
                corruptions += result.corruptions();
                if (result.tailDamageOffset() >= 0) {
                    // Checkpoint files were fsynced before the rename, so a bad tail is damage, not a torn write.
                    log.error(
                            "WAL corruption in checkpoint file {} at offset {}: the last {} bytes are unreadable",
                            file,
                            result.tailDamageOffset(),
                            result.size() - result.tailDamageOffset());
                    corruptions++;
                }
            }
        }
        progress.fromCheckpoint = false;
        long expected = checkpointIndex >= 0 ? checkpointIndex : segmentsAtOpen.isEmpty() ? 0 : segmentsAtOpen.get(0);
        for (int i = 0; i < segmentsAtOpen.size(); i++) {
            long index = segmentsAtOpen.get(i);
            if (index != expected) {
                log.error(
                        "WAL in {} is missing {} segment(s) starting with {}: their records are lost",
                        directory,
                        index - expected,
                        WalFormat.segmentName(expected));
                metrics.corruptions.inc();
            }
            expected = index + 1;
            boolean last = i == segmentsAtOpen.size() - 1;
            Path file = segmentPath(index);
            try (FileChannel channel = last
                    ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.READ)) {
                SegmentReader.Result result = progress.read(reader, file, channel);
                corruptions += result.corruptions();
                long damage = result.tailDamageOffset();
                if (damage >= 0 && last) {
                    long cut = result.size() - damage;
                    log.warn("WAL torn tail in segment {} at offset {}: truncating {} bytes", file, damage, cut);
                    channel.truncate(damage);
                    channel.force(true);
                    diskBytes.addAndGet(-cut);
                    tornBytes += cut;
                    metrics.tornTails.inc();
                } else if (damage >= 0) {
                    // Segments are fsynced before the next one starts, so only the last can be torn.
                    log.error(
                            "WAL corruption in segment {} at offset {}: the last {} bytes are unreadable",
                            file,
                            damage,
                            result.size() - damage);
                    corruptions++;
                }
            }
        }
        metrics.corruptions.add(corruptions);
        replayBytes = total;
        double seconds = Math.max(1e-9, (System.nanoTime() - progress.startNanos) / 1e9);
        log.info(
                "WAL replay of {} done: {} records, {} MB in {} s ({} MB/s), {} damaged regions skipped,"
                        + " {} torn bytes truncated",
                directory,
                progress.records,
                mb(total),
                String.format(Locale.ROOT, "%.2f", seconds),
                mb((long) (total / seconds)),
                corruptions,
                tornBytes);
        return new ReplayStats(progress.records, total, segmentsAtOpen.size(), tornBytes, corruptions);
    }

    /** Hands records to the caller's handler and keeps the progress gauges and log current. */
    private final class Progress implements SegmentReader.Visitor {
        final RecordHandler handler;
        final long totalBytes;
        final int totalFiles;
        final long startNanos = System.nanoTime();
        long lastLogNanos = startNanos;
        long records;
        long doneBytes;
        int file;
        Path currentFile;
        boolean fromCheckpoint;

        Progress(RecordHandler handler, long totalBytes, int totalFiles) {
            this.handler = handler;
            this.totalBytes = totalBytes;
            this.totalFiles = totalFiles;
        }

        SegmentReader.Result read(SegmentReader reader, Path path, FileChannel channel) throws IOException {
            file++;
            currentFile = path;
            SegmentReader.Result result = reader.read(path, channel, this);
            doneBytes += result.size();
            replayBytes = doneBytes;
            return result;
        }

        @Override
        public void onRecord(byte type, byte[] buf, int off, int len) {
            handler.onRecord(type, buf, off, len, fromCheckpoint);
            records++;
            replayRecords = records;
            replayBytes += RECORD_HEADER_BYTES + len;
            if ((records & 1023) == 0) {
                long now = System.nanoTime();
                if (now - lastLogNanos >= PROGRESS_LOG_NANOS) {
                    lastLogNanos = now;
                    long done = replayBytes;
                    log.info(
                            "WAL replay: file {}/{} ({}), {} records, {} / {} MB, {} MB/s",
                            file,
                            totalFiles,
                            currentFile.getFileName(),
                            records,
                            mb(done),
                            mb(totalBytes),
                            mb((long) (done / ((now - startNanos) / 1e9))));
                }
            }
        }
    }

    private void startAppending() throws IOException {
        lock.lock();
        try {
            if (state != State.REPLAYING) {
                return;
            }
            long last = segmentsAtOpen.isEmpty() ? 0 : segmentsAtOpen.get(segmentsAtOpen.size() - 1);
            // A fresh segment rather than the old tail: a segment is appended to by one process only.
            openSegmentLocked(Math.max(Math.max(last + 1, checkpointIndex), 1));
            state = State.READY;
            if (options.syncPolicy() == WalOptions.SyncPolicy.BATCH_INTERVAL) {
                syncer = new Thread(this::runSyncer, "sextant-wal-sync");
                syncer.setDaemon(true);
                syncer.start();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long append(byte type, byte[] buf, int off, int len) {
        WalFormat.checkRecord(buf, off, len);
        int crc = WalFormat.crc(type, buf, off, len);
        lock.lock();
        try {
            checkWritableLocked();
            if (writer.size() > SEGMENT_HEADER_BYTES
                    && writer.size() + RECORD_HEADER_BYTES + len > options.segmentBytes()) {
                rotateLocked();
            }
            writer.append(type, crc, buf, off, len);
            metrics.records.inc();
            return ++lastSeq;
        } catch (IOException e) {
            throw failLocked("cannot append to the write-ahead log in " + directory, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void awaitDurable(long seq) {
        await(seq, options.syncPolicy() == WalOptions.SyncPolicy.FSYNC);
    }

    @Override
    public void sync(long seq) {
        await(seq, true);
    }

    /** Waits for {@code seq} on disk ({@code fsync}) or, without, just written to the OS. */
    private void await(long seq, boolean fsync) {
        if (seq <= durableSeq) {
            return;
        }
        lock.lock();
        try {
            if (seq > lastSeq) {
                throw new IllegalArgumentException("sequence " + seq + " was never appended; the last is " + lastSeq);
            }
            if (fsync) {
                syncLocked(seq);
            } else if (writtenSeq < seq) {
                checkUsableLocked();
                flushLocked();
            }
        } catch (IOException e) {
            throw failLocked("cannot write to the write-ahead log in " + directory, e);
        } finally {
            lock.unlock();
        }
    }

    /** Returns once {@code seq} is synced, leading an fsync or waiting for the one in flight. Holds the lock. */
    private void syncLocked(long seq) throws IOException {
        while (durableSeq < seq) {
            checkUsableLocked();
            if (syncing) {
                syncDone.awaitUninterruptibly();
                continue;
            }
            flushLocked();
            SegmentWriter target = writer;
            long covered = writtenSeq;
            syncing = true;
            IOException error = null;
            boolean synced = false;
            lock.unlock();
            try {
                syncTimed(target);
                synced = true;
            } catch (IOException e) {
                error = e;
            } finally {
                lock.lock();
                syncing = false;
                if (synced && covered > durableSeq) {
                    durableSeq = covered;
                }
                syncDone.signalAll();
            }
            closeRetiredLocked();
            if (error != null) {
                throw failLocked("cannot fsync " + target.path(), error);
            }
        }
    }

    private void flushLocked() throws IOException {
        writer.flush();
        writtenSeq = lastSeq;
    }

    private void syncTimed(SegmentWriter target) throws IOException {
        long start = System.nanoTime();
        target.sync();
        metrics.fsyncDuration.observeNanos(System.nanoTime() - start);
        metrics.fsyncs.inc();
    }

    /** Seals the current segment (flushed and fsynced) and starts the next. Holds the lock. */
    private void rotateLocked() throws IOException {
        SegmentWriter old = writer;
        flushLocked();
        syncTimed(old);
        if (writtenSeq > durableSeq) {
            durableSeq = writtenSeq;
        }
        syncDone.signalAll();
        writer = null;
        // The syncer in flight, if any, still fsyncs the old file; closing it under that fsync would fail it.
        if (syncing) {
            retired.add(old);
        } else {
            old.close();
        }
        openSegmentLocked(segmentIndex + 1);
    }

    private void openSegmentLocked(long index) throws IOException {
        writer = SegmentWriter.create(segmentPath(index), writeBuffer, this::onSegmentWrite);
        segmentIndex = index;
        Fsync.directory(directory);
        metrics.segmentsCreated.inc();
    }

    private void onSegmentWrite(long bytes) {
        diskBytes.addAndGet(bytes);
        metrics.bytesWritten.add(bytes);
    }

    private void closeRetiredLocked() {
        for (SegmentWriter old : retired) {
            try {
                old.close();
            } catch (IOException e) {
                log.warn("cannot close sealed WAL segment {}", old.path(), e);
            }
        }
        retired.clear();
    }

    private void runSyncer() {
        long interval = options.syncInterval().toNanos();
        try {
            while (!stopSyncer.await(interval, TimeUnit.NANOSECONDS)) {
                lock.lock();
                try {
                    if (state != State.READY || failure != null) {
                        return;
                    }
                    if (lastSeq > durableSeq) {
                        syncLocked(lastSeq);
                    }
                } catch (IOException e) {
                    failLocked("cannot write to the write-ahead log in " + directory, e);
                    return;
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SextantException e) {
            // failLocked logged the cause and every later call reports it.
        }
    }

    @Override
    public void checkpoint(CheckpointSource source) {
        requireNonNull(source, "source is null");
        checkpointLock.lock();
        try {
            long index;
            lock.lock();
            try {
                checkWritableLocked();
                rotateLocked();
                index = segmentIndex;
            } catch (IOException e) {
                throw failLocked("cannot start a segment for a checkpoint in " + directory, e);
            } finally {
                lock.unlock();
            }
            long start = System.nanoTime();
            Path tmp = directory.resolve(WalFormat.checkpointTmpName(index));
            Path target = directory.resolve(WalFormat.checkpointName(index));
            AtomicLong written = new AtomicLong();
            CheckpointWriter sink = new CheckpointWriter(tmp, options.segmentBytes(), bytes -> {
                written.addAndGet(bytes);
                diskBytes.addAndGet(bytes);
            });
            try {
                Files.createDirectory(tmp);
                source.writeTo(sink);
                sink.finish();
                Fsync.directory(tmp);
                // The rename is the commit point: replay trusts only directories without the .tmp suffix.
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                Fsync.directory(directory);
            } catch (IOException e) {
                abandonCheckpoint(sink, tmp, e);
                throw new SextantException(ErrorCode.EXTERNAL_FAILURE, "cannot write WAL checkpoint " + target, e);
            } catch (RuntimeException | Error e) {
                abandonCheckpoint(sink, tmp, e);
                throw e;
            }
            metrics.checkpoints.inc();
            int deleted = deleteBefore(index);
            log.info(
                    "WAL checkpoint {} written: {} records, {} MB in {} ms; deleted {} older files",
                    target,
                    sink.records(),
                    mb(written.get()),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    deleted);
        } finally {
            checkpointLock.unlock();
        }
    }

    private void abandonCheckpoint(CheckpointWriter sink, Path tmp, Throwable failure) {
        sink.abort();
        try {
            diskBytes.addAndGet(-FileTrees.delete(tmp));
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Deletes the segments and checkpoints a new checkpoint {@code index} replaces; failures only log. */
    private int deleteBefore(long index) {
        int deleted = 0;
        try {
            for (Path entry : list(directory)) {
                OptionalLong segment = WalFormat.segmentIndex(entry);
                OptionalLong checkpoint = WalFormat.checkpointIndex(entry);
                if (segment.isPresent() && segment.getAsLong() < index) {
                    long size = Files.size(entry);
                    Files.delete(entry);
                    diskBytes.addAndGet(-size);
                    deleted++;
                } else if (checkpoint.isPresent() && checkpoint.getAsLong() < index) {
                    diskBytes.addAndGet(-FileTrees.delete(entry));
                    deleted++;
                }
            }
            Fsync.directory(directory);
        } catch (IOException e) {
            // The checkpoint is committed; open deletes whatever is left over.
            log.warn("cannot delete WAL files replaced by {}", WalFormat.checkpointName(index), e);
        }
        return deleted;
    }

    @Override
    public long diskBytes() {
        return diskBytes.get();
    }

    @Override
    public void close() {
        stopSyncer.countDown();
        checkpointLock.lock();
        try {
            Thread background;
            lock.lock();
            try {
                background = syncer;
            } finally {
                lock.unlock();
            }
            joinUninterruptibly(background);
            lock.lock();
            try {
                if (state == State.CLOSED) {
                    return;
                }
                state = State.CLOSED;
                while (syncing) {
                    syncDone.awaitUninterruptibly();
                }
                if (writer == null) {
                    return;
                }
                try {
                    if (failure == null) {
                        flushLocked();
                        syncTimed(writer);
                        durableSeq = writtenSeq;
                    }
                    writer.close();
                } catch (IOException e) {
                    throw failLocked("cannot sync and close the write-ahead log in " + directory, e);
                } finally {
                    writer = null;
                    closeRetiredLocked();
                    syncDone.signalAll();
                }
            } finally {
                lock.unlock();
            }
        } finally {
            checkpointLock.unlock();
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkUsableLocked() {
        if (failure != null) {
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE,
                    "the write-ahead log in " + directory + " failed earlier and accepts no more writes: "
                            + failure.getMessage(),
                    failure);
        }
        if (state == State.CLOSED && writer == null) {
            throw new SextantException(ErrorCode.UNAVAILABLE, "the write-ahead log in " + directory + " is closed");
        }
    }

    private void checkWritableLocked() {
        checkUsableLocked();
        switch (state) {
            case OPENED, REPLAYING ->
                throw new SextantException(
                        ErrorCode.INTERNAL,
                        "the write-ahead log in " + directory + " must be replayed before it is written to");
            case CLOSED ->
                throw new SextantException(ErrorCode.UNAVAILABLE, "the write-ahead log in " + directory + " is closed");
            case READY -> {}
        }
    }

    /**
     * Puts the log in the failed state: after a failed write or fsync the kernel may have dropped the dirty
     * pages, so nothing later could be trusted to be durable. Holds the lock.
     */
    private SextantException failLocked(String message, IOException cause) {
        SextantException e = new SextantException(ErrorCode.EXTERNAL_FAILURE, message, cause);
        if (failure == null) {
            failure = e;
            log.error("write-ahead log in {} failed; it accepts no more writes", directory, cause);
        }
        syncDone.signalAll();
        return e;
    }

    private Path segmentPath(long index) {
        return directory.resolve(WalFormat.segmentName(index));
    }

    private List<Path> checkpointFiles() throws IOException {
        if (checkpointIndex < 0) {
            return List.of();
        }
        TreeMap<Long, Path> files = new TreeMap<>();
        for (Path file : list(directory.resolve(WalFormat.checkpointName(checkpointIndex)))) {
            WalFormat.segmentIndex(file).ifPresent(i -> files.put(i, file));
        }
        return List.copyOf(files.values());
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        }
    }

    /** Deletes a directory and what it holds; returns the bytes the files held. */
    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }

    /** The log's own metrics. */
    private static final class Metrics {
        final Telemetry.Histogram fsyncDuration;
        final Telemetry.Counter bytesWritten;
        final Telemetry.Counter records;
        final Telemetry.Counter fsyncs;
        final Telemetry.Counter segmentsCreated;
        final Telemetry.Counter corruptions;
        final Telemetry.Counter tornTails;
        final Telemetry.Counter checkpoints;

        Metrics(Telemetry telemetry) {
            fsyncDuration = telemetry.histogram(
                    "sextant_wal_fsync_duration_seconds",
                    "Time an fsync of a WAL segment took.",
                    Telemetry.LATENCY_BUCKETS);
            bytesWritten = telemetry.counter(
                    "sextant_wal_bytes_written_total", "Bytes written to WAL segments, framing included.");
            records = telemetry.counter("sextant_wal_records_written_total", "Records appended to the WAL.");
            fsyncs = telemetry.counter("sextant_wal_fsyncs_total", "fsyncs of WAL segments.");
            segmentsCreated = telemetry.counter("sextant_wal_segments_created_total", "WAL segments created.");
            corruptions = telemetry.counter(
                    "sextant_wal_corruptions_total",
                    "Damaged WAL regions skipped and WAL segments found missing at replay.");
            tornTails =
                    telemetry.counter("sextant_wal_torn_tail_truncations_total", "Torn WAL tails truncated at replay.");
            checkpoints = telemetry.counter("sextant_wal_checkpoints_total", "WAL checkpoints written.");
        }
    }
}
