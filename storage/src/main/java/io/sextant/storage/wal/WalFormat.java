package io.sextant.storage.wal;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/** Constants and codecs of the on-disk format; {@code FORMAT.md} is the authority, this mirrors it. */
final class WalFormat {
    /** "SXWL" in ASCII, the first four bytes of every segment file. */
    static final int MAGIC = 0x5358574C;

    static final int VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 8;
    /** Payload length (u32), CRC32C over type and payload (u32), type (u8). */
    static final int RECORD_HEADER_BYTES = 9;

    static final int MAX_PAYLOAD_BYTES = 256 << 20;

    static final String SEGMENT_SUFFIX = ".wal";
    static final String CHECKPOINT_PREFIX = "checkpoint.";
    static final String TMP_SUFFIX = ".tmp";

    private static final Pattern SEGMENT_NAME = Pattern.compile("(\\d{8,19})\\.wal");
    private static final Pattern CHECKPOINT_NAME = Pattern.compile("checkpoint\\.(\\d{8,19})");
    private static final Pattern CHECKPOINT_TMP_NAME = Pattern.compile("checkpoint\\.(\\d{8,19})\\.tmp");

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    // CRC32C is stateful; one per thread lets appenders checksum in parallel outside the append lock.
    private static final ThreadLocal<CRC32C> CRC = ThreadLocal.withInitial(CRC32C::new);

    private WalFormat() {}

    /** Checks the arguments of an append; a payload over the maximum is the caller's error. */
    static void checkRecord(byte[] buf, int off, int len) {
        requireNonNull(buf, "buf is null");
        if (len > MAX_PAYLOAD_BYTES) {
            throw new SextantException(
                    ErrorCode.TOO_LARGE,
                    "WAL record of " + len + " bytes exceeds the maximum of " + MAX_PAYLOAD_BYTES + " bytes");
        }
        Objects.checkFromIndexSize(off, len, buf.length);
    }

    static int crc(byte type, byte[] buf, int off, int len) {
        CRC32C crc = CRC.get();
        crc.reset();
        crc.update(type);
        crc.update(buf, off, len);
        return (int) crc.getValue();
    }

    static int getInt(byte[] buf, int off) {
        return (int) INT.get(buf, off);
    }

    static void putInt(byte[] buf, int off, int v) {
        INT.set(buf, off, v);
    }

    static void putSegmentHeader(byte[] buf, int off) {
        putInt(buf, off, MAGIC);
        putInt(buf, off + 4, VERSION);
    }

    static void putRecordHeader(byte[] buf, int off, int payloadLength, int crc, byte type) {
        putInt(buf, off, payloadLength);
        putInt(buf, off + 4, crc);
        buf[off + 8] = type;
    }

    static String segmentName(long index) {
        return String.format(Locale.ROOT, "%08d%s", index, SEGMENT_SUFFIX);
    }

    static String checkpointName(long index) {
        return String.format(Locale.ROOT, "%s%08d", CHECKPOINT_PREFIX, index);
    }

    static String checkpointTmpName(long index) {
        return checkpointName(index) + TMP_SUFFIX;
    }

    static OptionalLong segmentIndex(Path file) {
        return parse(SEGMENT_NAME, file);
    }

    static OptionalLong checkpointIndex(Path dir) {
        return parse(CHECKPOINT_NAME, dir);
    }

    static OptionalLong checkpointTmpIndex(Path dir) {
        return parse(CHECKPOINT_TMP_NAME, dir);
    }

    private static OptionalLong parse(Pattern pattern, Path path) {
        Matcher m = pattern.matcher(path.getFileName().toString());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
