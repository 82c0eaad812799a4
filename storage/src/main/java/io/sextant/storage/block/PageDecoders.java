package io.sextant.storage.block;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decoders for the Parquet value encodings of samples.parquet (FORMAT.md): whole pages into primitive arrays. They
 * exist because parquet-java's {@code ColumnReader} decodes one value per call through several virtual calls and
 * level bookkeeping, about 100 ns a sample; these loops run at a few ns. The encodings are Parquet's own
 * (parquet-format Encodings.md); every decoder reads only {@code in[pos, end)} and fails on truncated input.
 */
final class PageDecoders {
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private PageDecoders() {}

    private static SextantException corrupt(String what) {
        return new SextantException(ErrorCode.INTERNAL, "corrupt Parquet page: " + what);
    }

    /** A read position in a page's bytes, for the varints of the encodings' headers. */
    private static final class Cursor {
        final byte[] in;
        final int end;
        int pos;

        Cursor(byte[] in, int pos, int end) {
            this.in = in;
            this.pos = pos;
            this.end = end;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw corrupt("truncated varint");
                }
                byte b = in[pos++];
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw corrupt("varint longer than 10 bytes");
        }

        int intVarint() {
            long v = varint();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw corrupt("header value out of range: " + v);
            }
            return (int) v;
        }

        long zigzagVarint() {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }
    }

    /**
     * Decodes the first {@code count} values of a DELTA_BINARY_PACKED INT64 page ({@code in[pos, end)}) into
     * {@code out[0, count)}. Returns the page's value count from its header. The arithmetic wraps as the
     * encoding's does, so deltas beyond the long range (a jump from {@code Long.MIN_VALUE} to {@code MAX_VALUE})
     * come back exactly.
     */
    static int deltaBinaryPacked(byte[] in, int pos, int end, long[] out, int count) {
        Cursor c = new Cursor(in, pos, end);
        int blockSize = c.intVarint();
        int miniBlocks = c.intVarint();
        int total = c.intVarint();
        long value = c.zigzagVarint();
        if (count > total) {
            throw corrupt("page holds " + total + " values, " + count + " wanted");
        }
        if (total == 0 || count == 0) {
            return total;
        }
        if (miniBlocks == 0 || blockSize % miniBlocks != 0 || (blockSize / miniBlocks) % 8 != 0) {
            throw corrupt("block of " + blockSize + " values in " + miniBlocks + " miniblocks");
        }
        int perMiniBlock = blockSize / miniBlocks;
        out[0] = value;
        int n = 1;
        while (n < count) {
            long minDelta = c.zigzagVarint();
            int widths = c.pos;
            if (widths + miniBlocks > end) {
                throw corrupt("truncated miniblock widths");
            }
            c.pos += miniBlocks;
            for (int m = 0; m < miniBlocks && n < count; m++) {
                int width = in[widths + m] & 0xff;
                if (width > 64) {
                    throw corrupt("bit width " + width);
                }
                int bytes = perMiniBlock / 8 * width;
                int take = Math.min(perMiniBlock, count - n);
                // a page's last miniblock may stop short of its padded length when only the wanted prefix is read
                if (c.pos + (take * width + 7) / 8 > end) {
                    throw corrupt("truncated miniblock");
                }
                value = unpackDeltas(in, c.pos, end, width, minDelta, value, out, n, take);
                n += take;
                c.pos += bytes;
            }
        }
        return total;
    }

    /** Adds {@code count} bit-packed deltas of {@code width} bits (plus {@code minDelta}) to {@code value}. */
    private static long unpackDeltas(
            byte[] in, int pos, int end, int width, long minDelta, long value, long[] out, int at, int count) {
        if (width == 0) {
            for (int i = 0; i < count; i++) {
                value += minDelta;
                out[at + i] = value;
            }
            return value;
        }
        long mask = width == 64 ? -1L : (1L << width) - 1;
        long bit = (long) pos * 8;
        for (int i = 0; i < count; i++, bit += width) {
            int b = (int) (bit >>> 3);
            int shift = (int) (bit & 7);
            long word = b + 8 <= end ? (long) LONG_LE.get(in, b) : readTail(in, b, end);
            long d = word >>> shift;
            if (shift + width > 64) {
                d |= (long) (in[b + 8] & 0xff) << (64 - shift);
            }
            value += (d & mask) + minDelta;
            out[at + i] = value;
        }
        return value;
    }

    /** The little-endian bytes {@code in[b, min(b + 8, end))}, zero above: the last word of a page. */
    private static long readTail(byte[] in, int b, int end) {
        long word = 0;
        for (int i = 0; b + i < end && i < 8; i++) {
            word |= (long) (in[b + i] & 0xff) << (8 * i);
        }
        return word;
    }

    /**
     * Decodes values {@code [from, to)} of a BYTE_STREAM_SPLIT page of 8-byte values (INT64 or DOUBLE bits) into
     * {@code out[from, to)}. The page ({@code in[pos, end)}) is eight streams of {@code n} bytes, stream k holding
     * byte k (little-endian) of every value; returns {@code n}.
     */
    static int byteStreamSplit8(byte[] in, int pos, int end, long[] out, int from, int to) {
        int length = end - pos;
        if (length % 8 != 0) {
            throw corrupt("BYTE_STREAM_SPLIT page of " + length + " bytes for 8-byte values");
        }
        int n = length / 8;
        if (from < 0 || to > n || from > to) {
            throw corrupt("values [" + from + ", " + to + ") of a page of " + n);
        }
        int s0 = pos;
        int s1 = s0 + n;
        int s2 = s1 + n;
        int s3 = s2 + n;
        int s4 = s3 + n;
        int s5 = s4 + n;
        int s6 = s5 + n;
        int s7 = s6 + n;
        for (int i = from; i < to; i++) {
            out[i] = (in[s0 + i] & 0xffL)
                    | (in[s1 + i] & 0xffL) << 8
                    | (in[s2 + i] & 0xffL) << 16
                    | (in[s3 + i] & 0xffL) << 24
                    | (in[s4 + i] & 0xffL) << 32
                    | (in[s5 + i] & 0xffL) << 40
                    | (in[s6 + i] & 0xffL) << 48
                    | (in[s7 + i] & 0xffL) << 56;
        }
        return n;
    }

    /**
     * Decodes {@code count} values of {@code width} bits (at most 32) of the RLE / bit-packing hybrid encoding
     * (definition levels, dictionary indices) from {@code in[pos, end)}, without a length prefix, into
     * {@code out[0, count)}.
     */
    static void rleBitPackedHybrid(byte[] in, int pos, int end, int width, int[] out, int count) {
        if (width < 0 || width > 32) {
            throw corrupt("bit width " + width);
        }
        Cursor c = new Cursor(in, pos, end);
        int valueBytes = (width + 7) / 8;
        long mask = (1L << width) - 1;
        int n = 0;
        while (n < count) {
            long header = c.varint();
            if ((header & 1) == 0) {
                long run = header >>> 1;
                if (c.pos + valueBytes > end) {
                    throw corrupt("truncated RLE run");
                }
                int v = 0;
                for (int i = 0; i < valueBytes; i++) {
                    v |= (in[c.pos + i] & 0xff) << (8 * i);
                }
                c.pos += valueBytes;
                int take = (int) Math.min(run, count - n);
                Arrays.fill(out, n, n + take, v);
                n += take;
            } else {
                long groups = header >>> 1;
                long bytes = groups * width;
                if (c.pos + bytes > end) {
                    throw corrupt("truncated bit-packed run");
                }
                int take = (int) Math.min(groups * 8, count - n);
                long bit = (long) c.pos * 8;
                for (int i = 0; i < take; i++, bit += width) {
                    int b = (int) (bit >>> 3);
                    long word = b + 8 <= end ? (long) LONG_LE.get(in, b) : readTail(in, b, end);
                    out[n + i] = (int) ((word >>> (bit & 7)) & mask);
                }
                n += take;
                c.pos += (int) bytes;
            }
        }
    }
}
