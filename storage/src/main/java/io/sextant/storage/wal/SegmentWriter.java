package io.sextant.storage.wal;

import static io.sextant.storage.wal.WalFormat.RECORD_HEADER_BYTES;
import static io.sextant.storage.wal.WalFormat.SEGMENT_HEADER_BYTES;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Appends framed records to one new segment-format file through a caller-owned buffer. Not thread-safe:
 * the owner serializes {@link #append} and {@link #flush}; {@link #sync} may run concurrently with them.
 *
 * <p>It writes through {@link RandomAccessFile} rather than a {@code FileChannel} on purpose: an interrupt
 * delivered to a thread blocked in {@code FileChannel.write} or {@code force} closes the channel for every
 * thread, so one cancelled ingest request would take the whole log down. {@code RandomAccessFile.write}
 * and {@code FileDescriptor.sync} ignore interrupts.
 */
final class SegmentWriter {
    private final Path path;
    private final RandomAccessFile file;
    private final byte[] buffer;
    private final LongConsumer onWrite;
    private int buffered;
    private long size;

    private SegmentWriter(Path path, RandomAccessFile file, byte[] buffer, LongConsumer onWrite) {
        this.path = path;
        this.file = file;
        this.buffer = buffer;
        this.onWrite = onWrite;
    }

    /**
     * Creates {@code path}, which must not exist, and buffers the segment header. {@code buffer} must be empty
     * of anything the caller still needs; {@code onWrite} is told how many bytes each write handed to the OS.
     */
    static SegmentWriter create(Path path, byte[] buffer, LongConsumer onWrite) throws IOException {
        requireNonNull(path, "path is null");
        requireNonNull(buffer, "buffer is null");
        requireNonNull(onWrite, "onWrite is null");
        if (buffer.length < SEGMENT_HEADER_BYTES + RECORD_HEADER_BYTES) {
            throw new IllegalArgumentException("buffer too small");
        }
        Files.createFile(path);
        SegmentWriter writer = new SegmentWriter(path, new RandomAccessFile(path.toFile(), "rw"), buffer, onWrite);
        WalFormat.putSegmentHeader(buffer, 0);
        writer.buffered = SEGMENT_HEADER_BYTES;
        writer.size = SEGMENT_HEADER_BYTES;
        return writer;
    }

    Path path() {
        return path;
    }

    /** Bytes in the segment, buffered ones included. */
    long size() {
        return size;
    }

    /** Frames and buffers one record; full buffers are written to the OS on the way. */
    void append(byte type, int crc, byte[] src, int off, int len) throws IOException {
        if (buffer.length - buffered < RECORD_HEADER_BYTES) {
            flush();
        }
        WalFormat.putRecordHeader(buffer, buffered, len, crc, type);
        buffered += RECORD_HEADER_BYTES;
        size += RECORD_HEADER_BYTES + (long) len;
        int pos = off;
        int remaining = len;
        while (remaining > 0) {
            if (buffered == buffer.length) {
                flush();
            }
            int n = Math.min(remaining, buffer.length - buffered);
            System.arraycopy(src, pos, buffer, buffered, n);
            buffered += n;
            pos += n;
            remaining -= n;
        }
    }

    /** Hands every buffered byte to the OS; after this a crash of the process (not the machine) loses none. */
    void flush() throws IOException {
        if (buffered == 0) {
            return;
        }
        file.write(buffer, 0, buffered);
        int n = buffered;
        buffered = 0;
        onWrite.accept(n);
    }

    /** fsyncs what has been flushed. */
    void sync() throws IOException {
        file.getFD().sync();
    }

    /** Closes the file without flushing: the owner flushes first when it means to keep the buffered bytes. */
    void close() throws IOException {
        file.close();
    }
}
