package io.sextant.storage.block;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Decodes a non-repeated INT64 or DOUBLE column of one row group into a {@code long[]} (doubles as their raw
 * bits) with {@link PageDecoders}. parquet-java still reads, decompresses and slices the pages (whole row groups,
 * or the pages {@code readFilteredRowGroup} kept for its row ranges); this replaces only its per-value reader.
 * Pages are decoded only as far as the last wanted row. Not thread-safe: it keeps scratch arrays between pages.
 */
final class ColumnPageDecoder {
    private long[] values = new long[0];
    private int[] levels = new int[0];

    /** A page's bytes: {@code array[from, to)}. */
    private record Bytes(byte[] array, int from, int to) {
        static Bytes of(BytesInput input) throws IOException {
            ByteBuffer b = input.toByteBuffer();
            if (b.hasArray()) {
                return new Bytes(b.array(), b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
            }
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            return new Bytes(copy, 0, copy.length);
        }
    }

    /**
     * Decodes {@code column} from {@code pages} into {@code out}: {@code out[k]} is the value of the row group's
     * row {@code rows[k]} ({@code rows} ascending, {@code count} of them), or of row {@code k} when {@code rows}
     * is null. For an optional column, {@code present[k]} is set for the rows that hold a value and only those are
     * written; {@code present} is null for a required column.
     */
    void decode(PageReader pages, ColumnDescriptor column, long[] rows, int count, long[] out, boolean[] present)
            throws IOException {
        PrimitiveTypeName type = column.getPrimitiveType().getPrimitiveTypeName();
        if ((type != PrimitiveTypeName.INT64 && type != PrimitiveTypeName.DOUBLE)
                || column.getMaxRepetitionLevel() != 0
                || (column.getMaxDefinitionLevel() > 0) != (present != null)) {
            throw new IllegalArgumentException("not a flat INT64 or DOUBLE column: " + column);
        }
        int maxLevel = column.getMaxDefinitionLevel();
        long next = 0;
        long covered = 0;
        for (DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
            long first = page.getFirstRowIndex().orElse(next);
            int pageRows = page instanceof DataPageV2 v2
                    ? v2.getRowCount()
                    : page.getIndexRowCount().orElse(page.getValueCount());
            next = first + pageRows;
            int from = rows == null ? (int) Math.min(first, count) : lowerBound(rows, count, first);
            int to = rows == null ? (int) Math.min(next, count) : lowerBound(rows, count, next);
            if (from >= to) {
                continue;
            }
            covered += to - from;
            int firstRow = (int) ((rows == null ? from : rows[from]) - first);
            int need = (int) ((rows == null ? to - 1 : rows[to - 1]) - first + 1);

            Bytes data;
            Encoding encoding;
            if (page instanceof DataPageV2 v2) {
                if (maxLevel > 0) {
                    Bytes l = Bytes.of(v2.getDefinitionLevels());
                    decodeLevels(l.array(), l.from(), l.to(), maxLevel, need);
                }
                data = Bytes.of(v2.getData());
                encoding = v2.getDataEncoding();
            } else {
                DataPageV1 v1 = (DataPageV1) page;
                Bytes all = Bytes.of(v1.getBytes());
                int at = all.from();
                if (maxLevel > 0) {
                    if (v1.getDlEncoding() != Encoding.RLE) {
                        throw invalid(column, "definition levels in " + v1.getDlEncoding() + ", not RLE");
                    }
                    if (at + 4 > all.to()) {
                        throw invalid(column, "truncated page");
                    }
                    int length = (all.array()[at] & 0xff)
                            | (all.array()[at + 1] & 0xff) << 8
                            | (all.array()[at + 2] & 0xff) << 16
                            | (all.array()[at + 3] & 0xff) << 24;
                    if (length < 0 || at + 4 + length > all.to()) {
                        throw invalid(column, "definition levels beyond the page");
                    }
                    decodeLevels(all.array(), at + 4, at + 4 + length, maxLevel, need);
                    at += 4 + length;
                }
                data = new Bytes(all.array(), at, all.to());
                encoding = v1.getValueEncoding();
            }

            int valueFrom = firstRow;
            int valueTo = need;
            if (maxLevel > 0) {
                valueFrom = present(0, firstRow, maxLevel);
                valueTo = valueFrom + present(firstRow, need, maxLevel);
            }
            if (values.length < valueTo) {
                values = new long[Math.max(valueTo, values.length * 2)];
            }
            switch (encoding) {
                case DELTA_BINARY_PACKED -> {
                    if (type != PrimitiveTypeName.INT64) {
                        throw invalid(column, "DELTA_BINARY_PACKED for " + type);
                    }
                    PageDecoders.deltaBinaryPacked(data.array(), data.from(), data.to(), values, valueTo);
                }
                case BYTE_STREAM_SPLIT ->
                    PageDecoders.byteStreamSplit8(data.array(), data.from(), data.to(), values, valueFrom, valueTo);
                default -> throw invalid(column, encoding + " pages, not in the block format");
            }

            if (maxLevel == 0) {
                if (rows == null) {
                    System.arraycopy(values, firstRow, out, from, to - from);
                } else {
                    for (int k = from; k < to; k++) {
                        out[k] = values[(int) (rows[k] - first)];
                    }
                }
            } else {
                int v = valueFrom;
                int k = from;
                for (int r = firstRow; r < need; r++) {
                    boolean has = levels[r] == maxLevel;
                    if (rows == null || rows[k] - first == r) {
                        if (has) {
                            out[k] = values[v];
                            present[k] = true;
                        }
                        k++;
                    }
                    if (has) {
                        v++;
                    }
                }
            }
        }
        if (covered != count) {
            throw new SextantException(
                    ErrorCode.INTERNAL, "column " + column + ": pages hold " + covered + " of " + count + " rows");
        }
    }

    private void decodeLevels(byte[] in, int from, int to, int maxLevel, int count) {
        if (levels.length < count) {
            levels = new int[Math.max(count, levels.length * 2)];
        }
        PageDecoders.rleBitPackedHybrid(in, from, to, 32 - Integer.numberOfLeadingZeros(maxLevel), levels, count);
    }

    /** How many of the decoded levels {@code [from, to)} mark a value. */
    private int present(int from, int to, int maxLevel) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (levels[i] == maxLevel) {
                n++;
            }
        }
        return n;
    }

    private static int lowerBound(long[] rows, int count, long row) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (rows[mid] < row) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static SextantException invalid(ColumnDescriptor column, String what) {
        return new SextantException(ErrorCode.INTERNAL, "column " + column + ": " + what);
    }
}
