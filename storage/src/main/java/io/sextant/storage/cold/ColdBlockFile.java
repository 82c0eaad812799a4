package io.sextant.storage.cold;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.SextantException;
import io.sextant.storage.block.ParquetLabels;
import io.sextant.storage.rollup.RollupSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.DummyRecordConverter;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes and reads one rollup block file (FORMAT.md): one row per series, its labels and its buckets as parallel
 * repeated columns in bucket order.
 */
final class ColdBlockFile {
    private static final int ZSTD_LEVEL = 9;
    /**
     * Series per page at most. A query reading a few series decompresses and skips through whole pages, and the
     * small columns (ends, counts, times) would otherwise fit a whole block in one page.
     */
    private static final int PAGE_ROWS = 100;

    private ColdBlockFile() {}

    /** What a written file holds. */
    record Written(long series, long buckets, long bytes) {}

    /** Writes a block file one series at a time, so a window of any size streams through. */
    static final class Writer implements AutoCloseable {
        private final Path file;
        private final ParquetWriter<LabeledRollup> writer;
        private long series;
        private long buckets;
        private boolean closed;

        Writer(Path file) {
            this.file = file;
            PlainParquetConfiguration conf = new PlainParquetConfiguration();
            conf.set("parquet.compression.codec.zstd.level", Integer.toString(ZSTD_LEVEL));
            try {
                var b = new Builder(new LocalOutputFile(file))
                        .withConf(conf)
                        .withCompressionCodec(CompressionCodecName.ZSTD)
                        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                        .withPageRowCountLimit(PAGE_ROWS)
                        .withDictionaryEncoding(false)
                        .withDictionaryEncoding(ColdFormat.LABELS + ".key_value.key", true)
                        .withDictionaryEncoding(ColdFormat.LABELS + ".key_value.value", true);
                for (String c : ColdFormat.DOUBLES) {
                    b.withByteStreamSplitEncoding(c, true);
                }
                writer = b.build();
            } catch (IOException e) {
                throw failed(e);
            }
        }

        void add(LabeledRollup r) {
            try {
                writer.write(r);
            } catch (IOException e) {
                throw failed(e);
            }
            series++;
            buckets += r.rollup().size();
        }

        /** Closes the file and says what it holds. */
        Written finish() {
            close();
            try {
                return new Written(series, buckets, Files.size(file));
            } catch (IOException e) {
                throw failed(e);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                writer.close();
            } catch (IOException e) {
                throw failed(e);
            }
        }

        private SextantException failed(IOException e) {
            return new SextantException(
                    ErrorCode.INTERNAL, "cannot write rollup block " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The labels of the block's series in file order. Only the label columns are read, so a reader can keep this
     * for many blocks and decode buckets only for the series a query matches.
     */
    static List<Labels> readLabels(Path file) {
        List<Labels> out = new ArrayList<>();
        forEachRowGroup(file, ColdFormat.LABELS_ONLY, (store, rows) -> {
            LabelColumns c = new LabelColumns(store);
            for (long row = 0; row < rows; row++) {
                out.add(c.next());
            }
        });
        return out;
    }

    /**
     * The buckets at {@code resolutionMs} of the series at the {@code rows} of the block (file order), labelled
     * from {@code labels} ({@link #readLabels}). Only the pages holding those rows are decompressed (the writer's
     * offset index says where each page's rows start), and the other rows on them are skipped.
     */
    static List<LabeledRollup> read(Path file, long resolutionMs, List<Labels> labels, BitSet rows) {
        List<LabeledRollup> out = new ArrayList<>(rows.cardinality());
        ParquetReadOptions options =
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file), options)) {
            String createdBy = r.getFooter().getFileMetaData().getCreatedBy();
            r.setRequestedSchema(ColdFormat.BUCKETS_ONLY);
            long first = 0;
            List<BlockMetaData> groups = r.getRowGroups();
            for (int g = 0; g < groups.size(); g++) {
                long count = groups.get(g).getRowCount();
                int end = (int) (first + count);
                int row = rows.nextSetBit((int) first);
                while (row >= 0 && row < end) {
                    // One contiguous span per read: parquet-java's column reader over filtered pages returns the
                    // unselected rest of a page for the next range when a selection has several (seen with
                    // 1.18.1), so rows between selected ones closer than a page are read and dropped instead.
                    int from = row;
                    int to = row;
                    for (int next = rows.nextSetBit(to + 1);
                            next >= 0 && next < end && next - to <= PAGE_ROWS;
                            next = rows.nextSetBit(to + 1)) {
                        to = next;
                    }
                    RowRanges.Builder span = RowRanges.builder();
                    span.addSelectedRange(from - first, to - first);
                    PageReadStore pages = r.readFilteredRowGroup(g, span.build());
                    BucketColumns c = new BucketColumns(new ColumnReadStoreImpl(
                            pages,
                            new DummyRecordConverter(ColdFormat.BUCKETS_ONLY).getRootConverter(),
                            ColdFormat.BUCKETS_ONLY,
                            createdBy));
                    for (int at = from; at <= to; at++) {
                        RollupSeries buckets = c.next(resolutionMs);
                        if (rows.get(at)) {
                            out.add(new LabeledRollup(labels.get(at), buckets));
                        }
                    }
                    row = rows.nextSetBit(to + 1);
                }
                first += count;
            }
            if (first != labels.size()) {
                throw new SextantException(
                        ErrorCode.INTERNAL,
                        "rollup block " + file + " has " + first + " series, its label table " + labels.size());
            }
        } catch (IOException | RuntimeException e) {
            throw new SextantException(
                    ErrorCode.INTERNAL, "cannot read rollup block " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private interface RowGroupReader {
        void read(ColumnReadStoreImpl store, long rows);
    }

    private static void forEachRowGroup(Path file, MessageType projection, RowGroupReader reader) {
        ParquetReadOptions options =
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file), options)) {
            String createdBy = r.getFooter().getFileMetaData().getCreatedBy();
            r.setRequestedSchema(projection);
            PageReadStore pages;
            while ((pages = r.readNextRowGroup()) != null) {
                reader.read(
                        new ColumnReadStoreImpl(
                                pages, new DummyRecordConverter(projection).getRootConverter(), projection, createdBy),
                        pages.getRowCount());
            }
        } catch (IOException | RuntimeException e) {
            throw new SextantException(
                    ErrorCode.INTERNAL, "cannot read rollup block " + file + ": " + e.getMessage(), e);
        }
    }

    /** A column reader that knows how many values are left in its row group. */
    private static final class Col {
        final ColumnReader r;
        long left;

        Col(ColumnReadStoreImpl store, String... path) {
            ColumnDescriptor d = ColdFormat.SCHEMA.getColumnDescription(path);
            this.r = store.getColumnReader(d);
            this.left = r.getTotalValueCount();
        }

        void consume() {
            r.consume();
            left--;
        }
    }

    /** The label columns of one row group, read a row (series) at a time. */
    private static final class LabelColumns {
        private final Col keys;
        private final Col values;

        LabelColumns(ColumnReadStoreImpl store) {
            keys = new Col(store, ColdFormat.LABELS, "key_value", "key");
            values = new Col(store, ColdFormat.LABELS, "key_value", "value");
        }

        Labels next() {
            Labels.Builder lb = Labels.builder();
            boolean first = true;
            while (keys.left > 0 && (first || keys.r.getCurrentRepetitionLevel() > 0)) {
                if (keys.r.getCurrentDefinitionLevel() > 0) {
                    lb.add(
                            keys.r.getBinary().toStringUsingUTF8(),
                            values.r.getBinary().toStringUsingUTF8());
                }
                keys.consume();
                values.consume();
                first = false;
            }
            return lb.build();
        }
    }

    /** The bucket columns of one row group, read a row (series) at a time. */
    private static final class BucketColumns {
        private final Col ends;
        private final Col counts;
        private final Col[] doubles = new Col[ColdFormat.DOUBLES.length];
        private final Col firstTimes;
        private final Col lastTimes;
        private final Col resetCounts;
        private final Col extreme;

        BucketColumns(ColumnReadStoreImpl store) {
            ends = new Col(store, ColdFormat.ENDS);
            counts = new Col(store, ColdFormat.COUNTS);
            for (int i = 0; i < doubles.length; i++) {
                doubles[i] = new Col(store, ColdFormat.DOUBLES[i]);
            }
            firstTimes = new Col(store, ColdFormat.FIRST_TIMES);
            lastTimes = new Col(store, ColdFormat.LAST_TIMES);
            resetCounts = new Col(store, ColdFormat.RESET_COUNTS);
            extreme = new Col(store, ColdFormat.EXTREME);
        }

        RollupSeries next(long resolutionMs) {
            long[] e = longs(ends);
            int n = e.length;
            int[] cnt = ints(counts, n);
            double[][] d = new double[doubles.length][];
            for (int i = 0; i < doubles.length; i++) {
                d[i] = doubles(doubles[i]);
            }
            long[] ft = longs(firstTimes);
            long[] lt = longs(lastTimes);
            int[] rc = ints(resetCounts, n);
            boolean[] ex = new boolean[n];
            int k = 0;
            for (boolean more = repeatedStart(extreme); more; more = repeatedNext(extreme)) {
                ex[k++] = extreme.r.getBoolean();
                extreme.consume();
            }
            int[] offsets = new int[n + 1];
            for (int i = 0; i < n; i++) {
                offsets[i + 1] = offsets[i] + rc[i];
            }
            return new RollupSeries(
                    resolutionMs, e, cnt, d[0], d[1], d[2], d[3], d[4], d[5], ft, d[6], lt, d[7], offsets, d[8], ex);
        }

        /** Whether the current row has a first value in {@code c} (an empty list is one null entry). */
        private static boolean repeatedStart(Col c) {
            if (c.r.getCurrentDefinitionLevel() == 0) {
                c.consume();
                return false;
            }
            return true;
        }

        /** After consuming a value: whether the row continues in {@code c}. */
        private static boolean repeatedNext(Col c) {
            return c.left > 0 && c.r.getCurrentRepetitionLevel() > 0;
        }

        private static long[] longs(Col c) {
            long[] out = new long[8];
            int n = 0;
            for (boolean more = repeatedStart(c); more; more = repeatedNext(c)) {
                if (n == out.length) {
                    out = java.util.Arrays.copyOf(out, n * 2);
                }
                out[n++] = c.r.getLong();
                c.consume();
            }
            return java.util.Arrays.copyOf(out, n);
        }

        private static double[] doubles(Col c) {
            double[] out = new double[8];
            int n = 0;
            for (boolean more = repeatedStart(c); more; more = repeatedNext(c)) {
                if (n == out.length) {
                    out = java.util.Arrays.copyOf(out, n * 2);
                }
                out[n++] = c.r.getDouble();
                c.consume();
            }
            return java.util.Arrays.copyOf(out, n);
        }

        private static int[] ints(Col c, int expected) {
            int[] out = new int[expected];
            int n = 0;
            for (boolean more = repeatedStart(c); more; more = repeatedNext(c)) {
                out[n++] = c.r.getInteger();
                c.consume();
            }
            return out;
        }
    }

    private static final class Builder extends ParquetWriter.Builder<LabeledRollup, Builder> {
        Builder(OutputFile file) {
            super(file);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<LabeledRollup> getWriteSupport(Configuration conf) {
            return new Support();
        }

        @Override
        protected WriteSupport<LabeledRollup> getWriteSupport(ParquetConfiguration conf) {
            return new Support();
        }
    }

    private static final class Support extends WriteSupport<LabeledRollup> {
        private RecordConsumer out;

        @Override
        public WriteContext init(Configuration configuration) {
            return context();
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return context();
        }

        private static WriteContext context() {
            return new WriteContext(ColdFormat.SCHEMA, Map.of(ColdFormat.FORMAT_KEY, ColdFormat.FORMAT_VERSION));
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            out = recordConsumer;
        }

        @Override
        public void write(LabeledRollup r) {
            RollupSeries s = r.rollup();
            out.startMessage();
            ParquetLabels.write(out, ColdFormat.LABELS, 0, r.labels());
            int f = 1;
            longs(ColdFormat.ENDS, f++, s.ends(), s.size());
            int[] counts = s.counts();
            if (s.size() > 0) {
                out.startField(ColdFormat.COUNTS, f);
                for (int i = 0; i < s.size(); i++) {
                    out.addInteger(counts[i]);
                }
                out.endField(ColdFormat.COUNTS, f);
            }
            f++;
            doubles(ColdFormat.SUMS, f++, s.sums(), s.size());
            doubles(ColdFormat.SUM_COMPENSATIONS, f++, s.sumCompensations(), s.size());
            doubles(ColdFormat.MINS, f++, s.mins(), s.size());
            doubles(ColdFormat.MAXS, f++, s.maxs(), s.size());
            doubles(ColdFormat.MEANS, f++, s.means(), s.size());
            doubles(ColdFormat.M2S, f++, s.m2s(), s.size());
            longs(ColdFormat.FIRST_TIMES, f++, s.firstTimes(), s.size());
            doubles(ColdFormat.FIRST_VALUES, f++, s.firstValues(), s.size());
            longs(ColdFormat.LAST_TIMES, f++, s.lastTimes(), s.size());
            doubles(ColdFormat.LAST_VALUES, f++, s.lastValues(), s.size());
            if (s.size() > 0) {
                out.startField(ColdFormat.RESET_COUNTS, f);
                for (int i = 0; i < s.size(); i++) {
                    out.addInteger(s.resetOffsets()[i + 1] - s.resetOffsets()[i]);
                }
                out.endField(ColdFormat.RESET_COUNTS, f);
            }
            f++;
            doubles(ColdFormat.RESET_VALUES, f++, s.resetValues(), s.resetValues().length);
            if (s.size() > 0) {
                out.startField(ColdFormat.EXTREME, f);
                for (int i = 0; i < s.size(); i++) {
                    out.addBoolean(s.extreme()[i]);
                }
                out.endField(ColdFormat.EXTREME, f);
            }
            out.endMessage();
        }

        private void longs(String name, int index, long[] v, int n) {
            if (n == 0) {
                return;
            }
            out.startField(name, index);
            for (int i = 0; i < n; i++) {
                out.addLong(v[i]);
            }
            out.endField(name, index);
        }

        private void doubles(String name, int index, double[] v, int n) {
            if (n == 0) {
                return;
            }
            out.startField(name, index);
            for (int i = 0; i < n; i++) {
                out.addDouble(v[i]);
            }
            out.endField(name, index);
        }
    }
}
