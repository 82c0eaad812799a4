package io.sextant.storage.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.SextantException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.DummyRecordConverter;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ColumnPageDecoder} against parquet-java's own {@link ColumnReader} on samples files of the block schema:
 * many pages (down to one row each, so series and row ranges cross page boundaries everywhere), several row
 * groups, whole groups and {@code readFilteredRowGroup} row ranges, V2 pages as blocks have them and V1 pages.
 * The reference is parquet-java's reader over the whole row group, picked at the selected rows, and the rows
 * written: its reader over {@code readFilteredRowGroup} pages is not a reference, since in this test it returned
 * wrong rows (for the V2 file with 3-row pages, ranges [2946, 2959] then [3688, 3688]: row 2960's value for
 * row 3688, the unselected rest of the page instead of the next page kept).
 */
class ColumnPageDecoderTest {
    @TempDir
    Path dir;

    private static final ParquetReadOptions OPTIONS =
            ParquetReadOptions.builder(new PlainParquetConfiguration()).build();

    private static final double[] SPECIAL = {
        Double.NaN,
        Double.longBitsToDouble(0x7ff0000000000002L),
        Double.longBitsToDouble(0xfff0000000000001L),
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        -0.0,
        0.0,
        Double.MIN_VALUE,
        Double.MAX_VALUE,
    };

    /** Rows as a block stores them: per series, ascending times, and either a diff or a raw value. */
    private record Rows(long[] ts, long[] payload, boolean[] raw) {}

    private static Rows rows(SplittableRandom r, int n) {
        long[] ts = new long[n];
        long[] payload = new long[n];
        boolean[] raw = new boolean[n];
        int i = 0;
        while (i < n) {
            int length = r.nextInt(4) == 0 ? 1 : r.nextInt(1, 400);
            long t = r.nextInt(3) == 0 ? r.nextLong() : 1_700_000_000_000L + r.nextInt(1_000_000);
            int style = r.nextInt(3);
            for (int k = 0; k < length && i < n; k++, i++) {
                ts[i] = t;
                t += style == 0 ? r.nextLong() : 15_000 + r.nextInt(-5, 6);
                raw[i] = style == 2 ? r.nextInt(20) != 0 : r.nextInt(30) == 0;
                if (raw[i]) {
                    double v = r.nextInt(3) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextDouble() * 1e6;
                    payload[i] = Double.doubleToRawLongBits(v);
                } else {
                    payload[i] = r.nextInt(5) == 0 ? r.nextLong() : r.nextInt(1 << r.nextInt(1, 31));
                }
            }
        }
        return new Rows(ts, payload, raw);
    }

    private Path write(Rows rows, WriterVersion version, int pageRows, int groupRows) throws IOException {
        Path file = dir.resolve("samples-" + version + "-" + pageRows + ".parquet");
        MessageType schema = BlockFormat.SAMPLES_SCHEMA;
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withType(schema)
                .withWriterVersion(version)
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withDictionaryEncoding(false)
                .withDictionaryEncoding(BlockFormat.SERIES, true)
                .withByteStreamSplitEncoding(BlockFormat.DIFF, true)
                .withByteStreamSplitEncoding(BlockFormat.RAW, true)
                .withPageRowCountLimit(pageRows)
                .withMinRowCountForPageSizeCheck(1)
                .withRowGroupRowCountLimit(groupRows)
                .build()) {
            for (int i = 0; i < rows.ts().length; i++) {
                Group g = groups.newGroup().append(BlockFormat.SERIES, i / 100).append(BlockFormat.TS, rows.ts()[i]);
                if (rows.raw()[i]) {
                    g.append(BlockFormat.RAW, Double.longBitsToDouble(rows.payload()[i]));
                } else {
                    g.append(BlockFormat.DIFF, rows.payload()[i]);
                }
                w.write(g);
            }
        }
        return file;
    }

    /** Counts the pages a column decode reads. */
    private static final class CountingPages implements PageReader {
        final PageReader pages;
        int read;

        CountingPages(PageReader pages) {
            this.pages = pages;
        }

        @Override
        public DictionaryPage readDictionaryPage() {
            return pages.readDictionaryPage();
        }

        @Override
        public long getTotalValueCount() {
            return pages.getTotalValueCount();
        }

        @Override
        public DataPage readPage() {
            DataPage p = pages.readPage();
            if (p != null) {
                read++;
            }
            return p;
        }
    }

    /** What a column decode produced: values, and for optional columns which rows hold one. */
    private record Column(long[] values, boolean[] present, int pages) {}

    private static Column decoded(PageReadStore store, ColumnDescriptor c, long[] rowNumbers, int count)
            throws IOException {
        long[] out = new long[count];
        boolean[] present = c.getMaxDefinitionLevel() > 0 ? new boolean[count] : null;
        CountingPages pages = new CountingPages(store.getPageReader(c));
        new ColumnPageDecoder().decode(pages, c, rowNumbers, count, out, present);
        return new Column(out, present, pages.read);
    }

    private static Column reference(PageReadStore store, MessageType schema, ColumnDescriptor c, int count) {
        ColumnReadStoreImpl columns =
                new ColumnReadStoreImpl(store, new DummyRecordConverter(schema).getRootConverter(), schema, "test");
        ColumnReader reader = columns.getColumnReader(c);
        long[] out = new long[count];
        boolean[] present = c.getMaxDefinitionLevel() > 0 ? new boolean[count] : null;
        for (int i = 0; i < count; i++) {
            if (reader.getCurrentDefinitionLevel() == c.getMaxDefinitionLevel()) {
                out[i] = c.getPrimitiveType().getPrimitiveTypeName()
                                == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE
                        ? Double.doubleToRawLongBits(reader.getDouble())
                        : reader.getLong();
                if (present != null) {
                    present[i] = true;
                }
            }
            reader.consume();
        }
        return new Column(out, present, 0);
    }

    /** Random row ranges of a group: single rows, short and long runs, page-sized gaps. */
    private static RowRanges ranges(SplittableRandom r, long groupRows) {
        RowRanges.Builder b = RowRanges.builder();
        long at = r.nextLong(Math.min(groupRows, 50));
        while (at < groupRows) {
            long length =
                    switch (r.nextInt(3)) {
                        case 0 -> 1;
                        case 1 -> r.nextLong(1, 20);
                        default -> r.nextLong(1, 600);
                    };
            long to = Math.min(groupRows - 1, at + length - 1);
            b.addSelectedRange(at, to);
            at = to + 1 + r.nextLong(1, 900);
        }
        return b.build();
    }

    @ParameterizedTest
    @CsvSource({
        "PARQUET_2_0, 1, 3000, 1100",
        "PARQUET_2_0, 3, 9000, 4000",
        "PARQUET_2_0, 97, 60000, 20000",
        "PARQUET_2_0, 20000, 300000, 131072",
        "PARQUET_1_0, 1, 3000, 1100",
        "PARQUET_1_0, 97, 60000, 20000",
    })
    void decodesExactlyWhatParquetJavaReads(WriterVersion version, int pageRows, int n, int groupRows)
            throws IOException {
        SplittableRandom r = new SplittableRandom(pageRows * 31L + version.ordinal());
        Rows rows = rows(r, n);
        Path file = write(rows, version, pageRows, groupRows);
        MessageType schema = BlockFormat.SAMPLES_SCHEMA;
        ColumnDescriptor ts = schema.getColumnDescription(new String[] {BlockFormat.TS});
        ColumnDescriptor diff = schema.getColumnDescription(new String[] {BlockFormat.DIFF});
        ColumnDescriptor raw = schema.getColumnDescription(new String[] {BlockFormat.RAW});
        // V1 pages store INT64 PLAIN, not DELTA_BINARY_PACKED: the timestamps only come as blocks write them in V2
        List<ColumnDescriptor> columns =
                version == WriterVersion.PARQUET_2_0 ? List.of(ts, diff, raw) : List.of(diff, raw);
        try (ParquetFileReader f = ParquetFileReader.open(new LocalInputFile(file), OPTIONS)) {
            assertThat(f.getRowGroups()).hasSizeGreaterThan(1);
            long groupStart = 0;
            for (int g = 0; g < f.getRowGroups().size(); g++) {
                int groupRowCount = Math.toIntExact(f.getRowGroups().get(g).getRowCount());
                java.util.Map<ColumnDescriptor, Column> wholeGroup = new java.util.HashMap<>();
                for (ColumnDescriptor c : columns) {
                    try (PageReadStore store = f.readRowGroup(g)) {
                        wholeGroup.put(c, reference(store, schema, c, groupRowCount));
                    }
                }
                List<RowRanges> selections = new ArrayList<>();
                selections.add(null);
                selections.add(RowRanges.createSingle(groupRowCount));
                for (int k = 0; k < 4; k++) {
                    selections.add(ranges(r, groupRowCount));
                }
                for (RowRanges sel : selections) {
                    int count = sel == null ? groupRowCount : Math.toIntExact(sel.rowCount());
                    long[] rowNumbers = new long[count];
                    if (sel == null) {
                        for (int i = 0; i < count; i++) {
                            rowNumbers[i] = i;
                        }
                    } else {
                        var it = sel.iterator();
                        for (int i = 0; i < count; i++) {
                            rowNumbers[i] = it.nextLong();
                        }
                    }
                    for (ColumnDescriptor c : columns) {
                        Column mine;
                        try (PageReadStore store = sel == null ? f.readRowGroup(g) : f.readFilteredRowGroup(g, sel)) {
                            mine = decoded(store, c, sel == null ? null : rowNumbers, count);
                        }
                        Column theirs = wholeGroup.get(c);
                        String what = c + " group " + g + " rows " + (sel == null ? "all" : sel);
                        // and both are what was written
                        for (int i = 0; i < count; i++) {
                            int row = (int) (groupStart + rowNumbers[i]);
                            boolean has = c == ts || rows.raw()[row] == (c == raw);
                            if (c != ts) {
                                int at = i;
                                assertThat(mine.present()[i])
                                        .as(() -> what + " at " + at + " (row " + rowNumbers[at] + ")")
                                        .isEqualTo(has);
                            }
                            if (has) {
                                long expected = c == ts ? rows.ts()[row] : rows.payload()[row];
                                int at = i;
                                assertThat(mine.values()[i])
                                        .as(() -> what + " at " + at + " (row " + rowNumbers[at] + ")")
                                        .isEqualTo(expected);
                            }
                        }
                        for (int i = 0; i < count; i++) {
                            int at = i;
                            assertThat(mine.values()[i])
                                    .as(() -> what + " at " + at + " (row " + rowNumbers[at] + ")")
                                    .isEqualTo(theirs.values()[(int) rowNumbers[i]]);
                            if (c != ts) {
                                assertThat(mine.present()[i])
                                        .as(() -> what + " at " + at + " (row " + rowNumbers[at] + ")")
                                        .isEqualTo(theirs.present()[(int) rowNumbers[i]]);
                            }
                        }
                        if (sel == null && pageRows == 1) {
                            assertThat(mine.pages()).as("one page per row").isEqualTo(groupRowCount);
                        }
                    }
                }
                groupStart += groupRowCount;
            }
        }
    }

    @Test
    void refusesEncodingsOutsideTheBlockFormat() throws IOException {
        Rows rows = rows(new SplittableRandom(3), 500);
        // V1 pages store INT64 PLAIN
        Path file = write(rows, WriterVersion.PARQUET_1_0, 100, 1000);
        ColumnDescriptor ts = BlockFormat.SAMPLES_SCHEMA.getColumnDescription(new String[] {BlockFormat.TS});
        try (ParquetFileReader f = ParquetFileReader.open(new LocalInputFile(file), OPTIONS);
                PageReadStore store = f.readRowGroup(0)) {
            assertThatThrownBy(() -> decoded(store, ts, null, 500))
                    .isInstanceOf(SextantException.class)
                    .hasMessageContaining("PLAIN");
        }
    }
}
