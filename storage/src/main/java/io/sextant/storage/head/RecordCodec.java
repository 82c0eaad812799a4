package io.sextant.storage.head;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.SextantException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes and decodes the head's WAL records (one {@link #BATCH} record per committed batch, so a batch is
 * atomic across a crash). The layout is specified in {@code RECORDS.md} beside this file.
 */
final class RecordCodec {
    static final byte BATCH = 1;
    static final byte FLUSH = 2;
    static final byte VERSION = 1;
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private RecordCodec() {}

    /** A growable byte buffer with varint and string writers. Reused; not thread-safe. */
    static final class Writer {
        byte[] buf = new byte[1 << 16];
        int pos;

        void reset() {
            pos = 0;
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        void u8(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
        }

        void varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void zigzag(long v) {
            varint((v << 1) ^ (v >> 63));
        }

        void fixed64(long v) {
            ensure(8);
            LONG_LE.set(buf, pos, v);
            pos += 8;
        }

        /** One sample entry (ref, timestamp delta, value bits) with a single capacity check: the hot path. */
        void sample(int ref, long delta, long valueBits) {
            ensure(28);
            byte[] b = buf;
            int p = pos;
            while ((ref & ~0x7F) != 0) {
                b[p++] = (byte) ((ref & 0x7F) | 0x80);
                ref >>>= 7;
            }
            b[p++] = (byte) ref;
            long z = (delta << 1) ^ (delta >> 63);
            while ((z & ~0x7FL) != 0) {
                b[p++] = (byte) ((z & 0x7F) | 0x80);
                z >>>= 7;
            }
            b[p++] = (byte) z;
            LONG_LE.set(b, p, valueBits);
            pos = p + 8;
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void labels(Labels l) {
            varint(l.size());
            for (int i = 0; i < l.size(); i++) {
                string(l.name(i));
                string(l.value(i));
            }
        }

        /** Reserves room for a varint count patched later by {@link #patchCount}; 5 bytes, padded. */
        int reserveCount() {
            ensure(5);
            int at = pos;
            pos += 5;
            return at;
        }

        void patchCount(int at, int count) {
            int v = count;
            for (int i = 0; i < 4; i++) {
                buf[at + i] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[at + 4] = (byte) (v & 0x7F);
        }
    }

    /** Reads what {@link Writer} wrote; every malformed read throws {@link SextantException} (INTERNAL). */
    static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        Reader(byte[] buf, int off, int len) {
            this.buf = buf;
            this.pos = off;
            this.end = off + len;
        }

        boolean hasMore() {
            return pos < end;
        }

        int u8() {
            need(1);
            return buf[pos++] & 0xFF;
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                need(1);
                byte b = buf[pos++];
                result |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return result;
                }
            }
            throw corrupt("varint too long");
        }

        int count() {
            long v = varint();
            if (v < 0 || v > end - pos) {
                // every counted element takes at least one byte
                throw corrupt("count " + v + " exceeds record");
            }
            return (int) v;
        }

        long zigzag() {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        long fixed64() {
            need(8);
            long v = (long) LONG_LE.get(buf, pos);
            pos += 8;
            return v;
        }

        String string() {
            int n = count();
            need(n);
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        Labels labels() {
            int n = count();
            Labels.Builder b = Labels.builder();
            for (int i = 0; i < n; i++) {
                b.add(string(), string());
            }
            return b.build();
        }

        MetricMetadata.Type metadataType() {
            int t = u8();
            MetricMetadata.Type[] types = MetricMetadata.Type.values();
            if (t >= types.length) {
                throw corrupt("unknown metadata type " + t);
            }
            return types[t];
        }

        private void need(int n) {
            if (n > end - pos) {
                throw corrupt("record truncated");
            }
        }

        private SextantException corrupt(String what) {
            return new SextantException(ErrorCode.INTERNAL, "malformed WAL record: " + what + " at offset " + pos);
        }
    }
}
