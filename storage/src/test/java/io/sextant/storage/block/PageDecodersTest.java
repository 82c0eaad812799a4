package io.sextant.storage.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.SextantException;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.bytestreamsplit.ByteStreamSplitValuesWriter;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForLong;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.Test;

/** The page decoders against parquet-java's own encoders, byte for byte of what they wrote. */
class PageDecodersTest {
    private static final HeapByteBufferAllocator HEAP = new HeapByteBufferAllocator();

    /** Longs of every delta shape: steady steps, jitter, series jumps both ways, the full range, runs of one value. */
    private static long[] longs(SplittableRandom r, int n) {
        long[] v = new long[n];
        long x = r.nextLong();
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(7)) {
                case 0 -> x += 15_000;
                case 1 -> x += 15_000 + r.nextInt(-3, 4);
                case 2 -> x -= r.nextLong(1L << 40);
                case 3 -> x = r.nextLong();
                case 4 -> x = r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
                case 5 -> x += r.nextInt(1 << r.nextInt(1, 31));
                default -> {}
            }
            v[i] = x;
        }
        return v;
    }

    private static byte[] deltaEncoded(long[] values, int n, int blockSize, int miniBlocks) throws IOException {
        var w = new DeltaBinaryPackingValuesWriterForLong(blockSize, miniBlocks, 64, 1 << 20, HEAP);
        for (int i = 0; i < n; i++) {
            w.writeLong(values[i]);
        }
        return w.getBytes().toByteArray();
    }

    @Test
    void deltaBinaryPackedMatchesTheWriterForEveryLengthAndBlockShape() throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        int[][] shapes = {{128, 4}, {256, 8}, {64, 1}, {128, 16}};
        for (int round = 0; round < 400; round++) {
            int n = round < 140 ? round : r.nextInt(1, 5000);
            long[] values = longs(r, n);
            int[] shape = shapes[round % shapes.length];
            byte[] page = deltaEncoded(values, n, shape[0], shape[1]);
            // decoded at an offset in a larger array, as a page sits in its column chunk
            byte[] in = new byte[page.length + 19];
            System.arraycopy(page, 0, in, 11, page.length);
            long[] out = new long[n];
            assertThat(PageDecoders.deltaBinaryPacked(in, 11, 11 + page.length, out, n))
                    .isEqualTo(n);
            assertThat(out).as("n=%d shape=%s", n, Arrays.toString(shape)).containsExactly(values);
            if (n > 1) {
                int prefix = r.nextInt(1, n);
                long[] head = new long[prefix];
                PageDecoders.deltaBinaryPacked(page, 0, page.length, head, prefix);
                assertThat(head).containsExactly(Arrays.copyOf(values, prefix));
            }
        }
    }

    @Test
    void deltaBinaryPackedRefusesTruncatedPages() throws IOException {
        SplittableRandom r = new SplittableRandom(8);
        // the first value and seven whole blocks: no padding at the end, so every cut loses a wanted value
        int n = 1 + 7 * 128;
        long[] values = longs(r, n);
        byte[] page = deltaEncoded(values, n, 128, 4);
        for (int cut : new int[] {0, 1, 3, page.length / 2, page.length - 1}) {
            assertThatThrownBy(() -> PageDecoders.deltaBinaryPacked(page, 0, cut, new long[n], n))
                    .as("cut at %d", cut)
                    .isInstanceOf(SextantException.class);
        }
        assertThatThrownBy(() -> PageDecoders.deltaBinaryPacked(page, 0, page.length, new long[n + 1], n + 1))
                .isInstanceOf(SextantException.class);
    }

    @Test
    void byteStreamSplitMatchesTheWriterForLongsAndDoubleBits() throws IOException {
        SplittableRandom r = new SplittableRandom(9);
        double[] special = {
            Double.NaN,
            Double.longBitsToDouble(0x7ff0000000000002L),
            Double.longBitsToDouble(0xfff8000000000123L),
            -0.0,
            0.0,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE,
            -Double.MAX_VALUE,
        };
        for (int round = 0; round < 200; round++) {
            int n = round < 20 ? round : r.nextInt(1, 3000);
            long[] longs = longs(r, n);
            long[] bits = new long[n];
            var lw = new ByteStreamSplitValuesWriter.LongByteStreamSplitValuesWriter(64, 1 << 20, HEAP);
            var dw = new ByteStreamSplitValuesWriter.DoubleByteStreamSplitValuesWriter(64, 1 << 20, HEAP);
            for (int i = 0; i < n; i++) {
                lw.writeLong(longs[i]);
                double d =
                        r.nextInt(4) == 0 ? special[r.nextInt(special.length)] : Double.longBitsToDouble(r.nextLong());
                bits[i] = Double.doubleToRawLongBits(d);
                dw.writeDouble(d);
            }
            byte[] lp = lw.getBytes().toByteArray();
            byte[] dp = dw.getBytes().toByteArray();
            long[] out = new long[n];
            assertThat(PageDecoders.byteStreamSplit8(lp, 0, lp.length, out, 0, n))
                    .isEqualTo(n);
            assertThat(out).containsExactly(longs);
            PageDecoders.byteStreamSplit8(dp, 0, dp.length, out, 0, n);
            assertThat(out).containsExactly(bits);
            if (n > 0) {
                int from = r.nextInt(n);
                int to = r.nextInt(from, n + 1);
                long[] part = new long[n];
                PageDecoders.byteStreamSplit8(dp, 0, dp.length, part, from, to);
                assertThat(Arrays.copyOfRange(part, from, to)).containsExactly(Arrays.copyOfRange(bits, from, to));
            }
        }
    }

    @Test
    void byteStreamSplitRefusesRaggedPagesAndRangesBeyondThem() {
        assertThatThrownBy(() -> PageDecoders.byteStreamSplit8(new byte[17], 0, 17, new long[2], 0, 2))
                .isInstanceOf(SextantException.class);
        assertThatThrownBy(() -> PageDecoders.byteStreamSplit8(new byte[16], 0, 16, new long[3], 0, 3))
                .isInstanceOf(SextantException.class);
    }

    @Test
    void rleBitPackedHybridMatchesTheEncoderForEveryWidth() throws IOException {
        SplittableRandom r = new SplittableRandom(10);
        for (int width = 0; width <= 32; width++) {
            for (int round = 0; round < 20; round++) {
                int n = r.nextInt(1, 4000);
                int[] values = new int[n];
                long bound = 1L << width;
                for (int i = 0; i < n; ) {
                    // runs (RLE) and noise (bit-packed groups), as definition levels and dictionary indices look
                    int run = r.nextInt(3) == 0 ? r.nextInt(1, 200) : 1;
                    int v = width == 0 ? 0 : (int) r.nextLong(bound);
                    for (int k = 0; k < run && i < n; k++) {
                        values[i++] = v;
                    }
                }
                byte[] page;
                try (var e = new RunLengthBitPackingHybridEncoder(width, 64, 1 << 20, HEAP)) {
                    for (int v : values) {
                        e.writeInt(v);
                    }
                    page = e.toBytes().toByteArray();
                }
                int[] out = new int[n];
                PageDecoders.rleBitPackedHybrid(page, 0, page.length, width, out, n);
                assertThat(out).as("width %d", width).containsExactly(values);
            }
        }
    }

    @Test
    void rleBitPackedHybridRefusesTruncatedRuns() throws IOException {
        byte[] page;
        try (var e = new RunLengthBitPackingHybridEncoder(5, 64, 1 << 20, HEAP)) {
            for (int i = 0; i < 100; i++) {
                e.writeInt(i % 32);
            }
            page = e.toBytes().toByteArray();
        }
        assertThatThrownBy(() -> PageDecoders.rleBitPackedHybrid(page, 0, page.length - 1, 5, new int[100], 100))
                .isInstanceOf(SextantException.class);
        // 100 values fill 13 groups of 8; the 4 padding values decode as zeros, a 105th is beyond the page
        int[] padded = new int[104];
        PageDecoders.rleBitPackedHybrid(page, 0, page.length, 5, padded, 104);
        assertThat(Arrays.copyOfRange(padded, 100, 104)).containsOnly(0);
        assertThatThrownBy(() -> PageDecoders.rleBitPackedHybrid(page, 0, page.length, 5, new int[105], 105))
                .isInstanceOf(SextantException.class);
    }
}
