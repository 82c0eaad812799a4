package io.sextant.storage.wal;

import static io.sextant.storage.wal.WalFormat.MAX_PAYLOAD_BYTES;
import static io.sextant.storage.wal.WalFormat.RECORD_HEADER_BYTES;
import static io.sextant.storage.wal.WalFormat.SEGMENT_HEADER_BYTES;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the records of segment-format files, validating each and stepping over damage as {@code FORMAT.md}
 * describes. One instance reads many files one after the other and reuses its window buffer.
 */
final class SegmentReader {
    private static final Logger log = LoggerFactory.getLogger(SegmentReader.class);

    private static final int WINDOW_BYTES = 4 << 20;
    // Bounds each read so the JDK's per-thread temporary direct buffer stays small even for huge records.
    private static final int MAX_READ_BYTES = 4 << 20;

    /** Receives each intact record; {@code buf[off, off+len)} is valid only during the call. */
    @FunctionalInterface
    interface Visitor {
        void onRecord(byte type, byte[] buf, int off, int len);
    }

    /**
     * What one file held.
     *
     * @param records intact records handed to the visitor
     * @param corruptions damaged regions skipped because an intact record follows them
     * @param corruptBytes bytes in those regions
     * @param tailDamageOffset where damage with nothing intact after it starts, or -1 if the file ends cleanly
     * @param size the file's size
     */
    record Result(long records, int corruptions, long corruptBytes, long tailDamageOffset, long size) {}

    private byte[] window = new byte[WINDOW_BYTES];
    private long windowStart;
    private int windowLength;
    private FileChannel channel;
    private long end;

    Result read(Path path, FileChannel channel, Visitor visitor) throws IOException {
        this.channel = channel;
        this.end = channel.size();
        this.windowStart = 0;
        this.windowLength = 0;
        if (end == 0) {
            return new Result(0, 0, 0, -1, 0);
        }
        if (end < SEGMENT_HEADER_BYTES) {
            return new Result(0, 0, 0, 0, end);
        }
        int h = at(0, SEGMENT_HEADER_BYTES);
        long pos = SEGMENT_HEADER_BYTES;
        if (WalFormat.getInt(window, h) != WalFormat.MAGIC) {
            // A damaged header is treated like a damaged record at offset 0: resync finds what follows.
            pos = 0;
        } else if (WalFormat.getInt(window, h + 4) != WalFormat.VERSION) {
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE,
                    "WAL file " + path + " has format version " + WalFormat.getInt(window, h + 4)
                            + ", this build reads version " + WalFormat.VERSION);
        }
        long records = 0;
        int corruptions = 0;
        long corruptBytes = 0;
        while (pos < end) {
            long len = pos >= SEGMENT_HEADER_BYTES ? validLength(pos) : -1;
            if (len >= 0) {
                int i = at(pos, RECORD_HEADER_BYTES + (int) len);
                visitor.onRecord(window[i + 8], window, i + RECORD_HEADER_BYTES, (int) len);
                records++;
                pos += RECORD_HEADER_BYTES + len;
                continue;
            }
            long next = resync(pos);
            if (next < 0) {
                return new Result(records, corruptions, corruptBytes, pos, end);
            }
            log.error(
                    "WAL corruption in {} at offset {}: skipped {} damaged bytes, resumed at offset {}",
                    path,
                    pos,
                    next - pos,
                    next);
            corruptions++;
            corruptBytes += next - pos;
            pos = next;
        }
        return new Result(records, corruptions, corruptBytes, -1, end);
    }

    /** The payload length of an intact record at {@code pos}, or -1. */
    private long validLength(long pos) throws IOException {
        if (end - pos < RECORD_HEADER_BYTES) {
            return -1;
        }
        long len = Integer.toUnsignedLong(WalFormat.getInt(window, at(pos, RECORD_HEADER_BYTES)));
        if (len > MAX_PAYLOAD_BYTES || len > end - pos - RECORD_HEADER_BYTES) {
            return -1;
        }
        int i = at(pos, RECORD_HEADER_BYTES + (int) len);
        int stored = WalFormat.getInt(window, i + 4);
        return WalFormat.crc(window[i + 8], window, i + RECORD_HEADER_BYTES, (int) len) == stored ? len : -1;
    }

    /** Where the next intact record after the damaged one at {@code pos} starts, or -1 if none does. */
    private long resync(long pos) throws IOException {
        if (pos >= SEGMENT_HEADER_BYTES && end - pos >= RECORD_HEADER_BYTES) {
            // Most damage hits a payload and leaves the length intact: the next record is where it says.
            long len = Integer.toUnsignedLong(WalFormat.getInt(window, at(pos, RECORD_HEADER_BYTES)));
            long next = pos + RECORD_HEADER_BYTES + len;
            if (len <= MAX_PAYLOAD_BYTES && next < end && validLength(next) >= 0) {
                return next;
            }
        }
        for (long q = Math.max(pos + 1, SEGMENT_HEADER_BYTES); end - q >= RECORD_HEADER_BYTES; q++) {
            if (validLength(q) >= 0) {
                return q;
            }
        }
        return -1;
    }

    /** Makes {@code [pos, pos+n)} resident in the window and returns its index there; it must lie in the file. */
    private int at(long pos, int n) throws IOException {
        long windowEnd = windowStart + windowLength;
        if (pos >= windowStart && pos + n <= windowEnd) {
            return (int) (pos - windowStart);
        }
        int keep = pos >= windowStart && pos < windowEnd ? (int) (windowEnd - pos) : 0;
        byte[] target = n > window.length ? new byte[n] : window;
        if (keep > 0) {
            System.arraycopy(window, (int) (pos - windowStart), target, 0, keep);
        }
        window = target;
        windowStart = pos;
        windowLength = keep;
        while (windowLength < n) {
            long filePos = windowStart + windowLength;
            int want = (int) Math.min(Math.min(window.length - windowLength, MAX_READ_BYTES), end - filePos);
            int r = channel.read(ByteBuffer.wrap(window, windowLength, want), filePos);
            if (r < 0) {
                throw new EOFException("file shrank while being read, at offset " + filePos);
            }
            windowLength += r;
        }
        return 0;
    }
}
