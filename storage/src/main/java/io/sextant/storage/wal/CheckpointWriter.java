package io.sextant.storage.wal;

import static io.sextant.storage.wal.WalFormat.RECORD_HEADER_BYTES;
import static io.sextant.storage.wal.WalFormat.SEGMENT_HEADER_BYTES;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * The sink a {@link WriteAheadLog.CheckpointSource} writes to: segment-format files {@code 00000001.wal},
 * {@code 00000002.wal}, ... inside the checkpoint's temporary directory, each closed at about
 * {@code fileBytes} like a segment. Not thread-safe: the source writes from the thread that called
 * {@code checkpoint}.
 */
final class CheckpointWriter implements WriteAheadLog.RecordSink {
    private static final int BUFFER_BYTES = 1 << 20;

    private final Path directory;
    private final long fileBytes;
    private final LongConsumer onWrite;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private SegmentWriter current;
    private long nextFile = 1;
    private long records;
    private boolean finished;

    CheckpointWriter(Path directory, long fileBytes, LongConsumer onWrite) {
        this.directory = directory;
        this.fileBytes = fileBytes;
        this.onWrite = onWrite;
    }

    @Override
    public void write(byte type, byte[] buf, int off, int len) {
        WalFormat.checkRecord(buf, off, len);
        if (finished) {
            throw new IllegalStateException("checkpoint sink used after the checkpoint source returned");
        }
        int crc = WalFormat.crc(type, buf, off, len);
        try {
            if (current == null
                    || (current.size() > SEGMENT_HEADER_BYTES
                            && current.size() + RECORD_HEADER_BYTES + len > fileBytes)) {
                finishFile();
                current = SegmentWriter.create(directory.resolve(WalFormat.segmentName(nextFile++)), buffer, onWrite);
            }
            current.append(type, crc, buf, off, len);
            records++;
        } catch (IOException e) {
            throw new SextantException(ErrorCode.EXTERNAL_FAILURE, "cannot write checkpoint in " + directory, e);
        }
    }

    long records() {
        return records;
    }

    /** Writes and fsyncs the last file; the directory itself is the caller's to fsync. */
    void finish() throws IOException {
        finished = true;
        finishFile();
    }

    /** Releases the open file after a failure; the caller deletes the directory. */
    void abort() {
        finished = true;
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // The directory is deleted next; a close failure changes nothing.
            }
            current = null;
        }
    }

    private void finishFile() throws IOException {
        if (current != null) {
            current.flush();
            current.sync();
            current.close();
            current = null;
        }
    }
}
