package io.sextant.storage.block;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.Samples;
import io.sextant.storage.Series;
import io.sextant.storage.SextantException;
import io.sextant.storage.index.PostingsIndex;
import io.sextant.storage.io.FileTrees;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.DummyRecordConverter;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * An opened block: its series table in memory (labels, an inverted index, value parameters and row ranges)
 * and its samples file's footer. Reads decode only the pages that hold selected series' rows, with {@link
 * ColumnPageDecoder}. Thread-safe; a read borrows the block's idle samples reader (which keeps the page
 * indexes it has read) or opens one if another read has it.
 *
 * <p>Life cycle: a block stays readable while any reader holds it ({@link #acquire}/{@link #release}); once
 * it is both dropped from the catalog and released, its directory is deleted.
 */
final class Block {
    private static final ParquetReadOptions READ_OPTIONS =
            ParquetReadOptions.builder(new PlainParquetConfiguration()).build();

    final BlockMeta meta;
    final Path dir;
    private final Labels[] labels;
    private final int[] decimals;
    private final long[] gcd;
    private final long[] firstMantissa;
    private final long[] minTime;
    private final long[] maxTime;
    private final int[] sampleCount;
    private final long[] firstRow;
    private final PostingsIndex index = new PostingsIndex();
    private final ParquetMetadata samplesFooter;
    /** Row offset of each row group of the samples file, then the total row count. */
    private final long[] groupStart;

    private final ColumnDescriptor tsColumn;
    private final ColumnDescriptor diffColumn;
    private final ColumnDescriptor rawColumn;
    /**
     * One open samples reader kept between reads: opening one costs 0.15–0.5 ms, and a 2 h dashboard query reads
     * about nine blocks per series selector. At most one per block stays open, so the store holds one file handle
     * per block plus one per concurrent read.
     */
    private final AtomicReference<ParquetFileReader> idleReader = new AtomicReference<>();

    private volatile boolean closed;

    private final AtomicInteger holders = new AtomicInteger(1);
    private volatile boolean dropped;

    private Block(Path dir, BlockMeta meta, int n, ParquetMetadata samplesFooter) {
        this.dir = dir;
        this.meta = meta;
        this.labels = new Labels[n];
        this.decimals = new int[n];
        this.gcd = new long[n];
        this.firstMantissa = new long[n];
        this.minTime = new long[n];
        this.maxTime = new long[n];
        this.sampleCount = new int[n];
        this.firstRow = new long[n];
        this.samplesFooter = samplesFooter;
        List<BlockMetaData> groups = samplesFooter.getBlocks();
        groupStart = new long[groups.size() + 1];
        for (int g = 0; g < groups.size(); g++) {
            groupStart[g + 1] = groupStart[g] + groups.get(g).getRowCount();
        }
        MessageType schema = samplesFooter.getFileMetaData().getSchema();
        tsColumn = schema.getColumnDescription(new String[] {BlockFormat.TS});
        diffColumn = schema.getColumnDescription(new String[] {BlockFormat.DIFF});
        rawColumn = schema.getColumnDescription(new String[] {BlockFormat.RAW});
    }

    /**
     * Opens the block in {@code dir}; {@code intern} shares label strings across the blocks of a tenant.
     * Fails with {@code INTERNAL} when the files do not match the catalog entry.
     */
    static Block open(Path dir, BlockMeta meta, Function<String, String> intern) {
        try {
            ParquetMetadata samplesFooter;
            try (ParquetFileReader r =
                    ParquetFileReader.open(new LocalInputFile(dir.resolve(BlockFormat.SAMPLES_FILE)), READ_OPTIONS)) {
                samplesFooter = r.getFooter();
            }
            Block b = new Block(dir, meta, Math.toIntExact(meta.series()), samplesFooter);
            b.loadSeries(intern);
            if (b.groupStart[b.groupStart.length - 1] != meta.samples()) {
                throw new SextantException(
                        ErrorCode.INTERNAL,
                        "block " + dir + " holds " + b.groupStart[b.groupStart.length - 1]
                                + " samples, its catalog entry " + meta.samples());
            }
            return b;
        } catch (IOException e) {
            throw new SextantException(ErrorCode.INTERNAL, "cannot open block " + dir + ": " + e.getMessage(), e);
        }
    }

    private void loadSeries(Function<String, String> intern) throws IOException {
        Path file = dir.resolve(BlockFormat.SERIES_FILE);
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file), READ_OPTIONS)) {
            MessageType schema = r.getFooter().getFileMetaData().getSchema();
            String createdBy = r.getFooter().getFileMetaData().getCreatedBy();
            int row = 0;
            PageReadStore pages;
            while ((pages = r.readNextRowGroup()) != null) {
                ColumnReadStoreImpl store = new ColumnReadStoreImpl(
                        pages, new DummyRecordConverter(schema).getRootConverter(), schema, createdBy);
                ColumnReader ref = column(store, schema, BlockFormat.REF);
                ColumnReader keys = column(store, schema, BlockFormat.LABELS, "key_value", "key");
                ColumnReader values = column(store, schema, BlockFormat.LABELS, "key_value", "value");
                ColumnReader dec = column(store, schema, BlockFormat.DECIMALS);
                ColumnReader g = column(store, schema, BlockFormat.GCD);
                ColumnReader first = column(store, schema, BlockFormat.FIRST_MANTISSA);
                ColumnReader min = column(store, schema, BlockFormat.MIN_TIME);
                ColumnReader max = column(store, schema, BlockFormat.MAX_TIME);
                ColumnReader count = column(store, schema, BlockFormat.SAMPLES);
                ColumnReader rowAt = column(store, schema, BlockFormat.FIRST_ROW);
                long rows = pages.getRowCount();
                long pairsLeft = keys.getTotalValueCount();
                for (long i = 0; i < rows; i++, row++) {
                    if (row >= labels.length || ref.getInteger() != row) {
                        throw new SextantException(ErrorCode.INTERNAL, "block " + dir + ": series refs out of order");
                    }
                    ref.consume();
                    Labels.Builder lb = Labels.builder();
                    boolean firstPair = true;
                    while (pairsLeft > 0 && (firstPair || keys.getCurrentRepetitionLevel() > 0)) {
                        if (keys.getCurrentDefinitionLevel() > 0) {
                            lb.add(
                                    intern.apply(keys.getBinary().toStringUsingUTF8()),
                                    intern.apply(values.getBinary().toStringUsingUTF8()));
                        }
                        keys.consume();
                        values.consume();
                        pairsLeft--;
                        firstPair = false;
                    }
                    labels[row] = lb.build();
                    decimals[row] = dec.getInteger();
                    dec.consume();
                    gcd[row] = g.getLong();
                    g.consume();
                    firstMantissa[row] = first.getLong();
                    first.consume();
                    minTime[row] = min.getLong();
                    min.consume();
                    maxTime[row] = max.getLong();
                    max.consume();
                    sampleCount[row] = count.getInteger();
                    count.consume();
                    firstRow[row] = rowAt.getLong();
                    rowAt.consume();
                    index.add(row, labels[row]);
                }
            }
            if (row != labels.length) {
                throw new SextantException(
                        ErrorCode.INTERNAL,
                        "block " + dir + " holds " + row + " series, its catalog entry " + labels.length);
            }
        }
    }

    private static ColumnReader column(ColumnReadStoreImpl store, MessageType schema, String... path) {
        ColumnDescriptor d = schema.getColumnDescription(path);
        return store.getColumnReader(d);
    }

    /** Takes a hold on the block for a read; false when it was already dropped and released. */
    boolean acquire() {
        for (; ; ) {
            int h = holders.get();
            if (h == 0) {
                return false;
            }
            if (holders.compareAndSet(h, h + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (holders.decrementAndGet() == 0) {
            closeReaders();
            deleteFiles();
        }
    }

    /**
     * Closes the idle samples reader, and makes reads close theirs when done: when the store closes, or before the
     * files are deleted.
     */
    void closeReaders() {
        closed = true;
        close(idleReader.getAndSet(null));
    }

    private ParquetFileReader borrowReader() throws IOException {
        ParquetFileReader r = idleReader.getAndSet(null);
        if (r != null) {
            return r;
        }
        LocalInputFile file = new LocalInputFile(dir.resolve(BlockFormat.SAMPLES_FILE));
        r = ParquetFileReader.open(file, samplesFooter, READ_OPTIONS, file.newStream());
        // the series column is not needed: rows are found through the series table
        r.setRequestedSchema(List.of(tsColumn, diffColumn, rawColumn));
        return r;
    }

    private void returnReader(ParquetFileReader r) {
        if (closed || !idleReader.compareAndSet(null, r)) {
            close(r);
        } else if (closed) {
            // closeReaders ran between the check and the set
            close(idleReader.getAndSet(null));
        }
    }

    private void close(ParquetFileReader r) {
        if (r == null) {
            return;
        }
        try {
            r.close();
        } catch (IOException e) {
            throw new SextantException(ErrorCode.INTERNAL, "closing block " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Drops the catalog's hold: the files go once the last reader releases. */
    void drop() {
        if (!dropped) {
            dropped = true;
            release();
        }
    }

    private void deleteFiles() {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            // an undeleted directory is an orphan, deleted on the next open
        }
    }

    int seriesCount() {
        return labels.length;
    }

    Labels labels(int ref) {
        return labels[ref];
    }

    /** Series refs selected by the matchers with samples in {@code [mint, maxt]}, ascending ({@link SeriesOrder}). */
    RoaringBitmap select(List<Matcher> matchers, long mint, long maxt) {
        RoaringBitmap refs = index.select(matchers);
        if (meta.minTime() < mint || meta.maxTime() > maxt) {
            RoaringBitmap kept = new RoaringBitmap();
            IntIterator it = refs.getIntIterator();
            while (it.hasNext()) {
                int ref = it.next();
                if (minTime[ref] <= maxt && maxTime[ref] >= mint) {
                    kept.add(ref);
                }
            }
            return kept;
        }
        return refs;
    }

    /** The samples in {@code [mint, maxt]} of the selected series, sorted by labels; series without any left out. */
    List<Series> read(RoaringBitmap refs, long mint, long maxt) {
        List<Series> out = new ArrayList<>(refs.getCardinality());
        if (refs.isEmpty()) {
            return out;
        }
        ParquetFileReader r = null;
        try {
            r = borrowReader();
            Map<Integer, Group> groups = new HashMap<>();
            // Only the pages holding the selected series' rows are read and decoded (the offset index maps rows to
            // pages): a dashboard reading one series of a block decodes a few pages, not whole row groups.
            Map<Integer, RowRanges.Builder> ranges = new HashMap<>();
            IntIterator sel = refs.getIntIterator();
            while (sel.hasNext()) {
                int ref = sel.next();
                long a = firstRow[ref];
                long b = a + sampleCount[ref];
                for (int g = groupOf(a); g < groupStart.length - 1 && groupStart[g] < b; g++) {
                    long from = Math.max(a, groupStart[g]) - groupStart[g];
                    long to = Math.min(b, groupStart[g + 1]) - groupStart[g] - 1;
                    ranges.computeIfAbsent(g, k -> RowRanges.builder()).addSelectedRange(from, to);
                }
            }
            for (var e : ranges.entrySet()) {
                groups.put(e.getKey(), decodeGroup(r, e.getKey(), e.getValue().build()));
            }
            IntIterator it = refs.getIntIterator();
            while (it.hasNext()) {
                int ref = it.next();
                Samples s = decode(r, groups, ref, mint, maxt);
                if (s.count() > 0) {
                    out.add(new Series(labels[ref], s));
                }
            }
        } catch (IOException e) {
            throw new SextantException(ErrorCode.INTERNAL, "reading block " + dir + ": " + e.getMessage(), e);
        } finally {
            if (r != null) {
                returnReader(r);
            }
        }
        out.sort(java.util.Comparator.comparing(Series::labels));
        return out;
    }

    /**
     * Reads every series in ref order ({@link SeriesOrder}), decoding each row group once: what compaction needs to stream a
     * block of any size. Close it to give back the samples reader.
     */
    final class Cursor implements AutoCloseable {
        private final ParquetFileReader reader;
        private final Map<Integer, Group> groups = new HashMap<>();
        private int next;

        private Cursor() throws IOException {
            reader = borrowReader();
        }

        boolean hasNext() {
            return next < labels.length;
        }

        Labels peekLabels() {
            return labels[next];
        }

        Series next() {
            int ref = next++;
            // groups before this series' first row are never needed again
            int first = groupOf(firstRow[ref]);
            groups.keySet().removeIf(g -> g < first);
            try {
                return new Series(labels[ref], decode(reader, groups, ref, Long.MIN_VALUE, Long.MAX_VALUE));
            } catch (IOException e) {
                throw new SextantException(ErrorCode.INTERNAL, "reading block " + dir + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            returnReader(reader);
        }
    }

    Cursor cursor() {
        try {
            return new Cursor();
        } catch (IOException e) {
            throw new SextantException(ErrorCode.INTERNAL, "reading block " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one series: differences accumulate from its first row, so every row group it spans up to
     * {@code maxt} is read, and rows before {@code mint} are decoded but not kept.
     */
    private Samples decode(ParquetFileReader r, Map<Integer, Group> groups, int ref, long mint, long maxt)
            throws IOException {
        int n = sampleCount[ref];
        long[] ts = new long[n];
        double[] vs = new double[n];
        int kept = 0;
        long m = firstMantissa[ref];
        int d = decimals[ref];
        long g = gcd[ref];
        long row = firstRow[ref];
        long end = row + n;
        while (row < end) {
            int gi = groupOf(row);
            Group group = groups.get(gi);
            if (group == null) {
                group = decodeGroup(r, gi, null);
                groups.put(gi, group);
            }
            int stop = (int) (Math.min(end, groupStart[gi + 1]) - groupStart[gi]);
            int from = group.position(row - groupStart[gi]);
            int to = from + (stop - (int) (row - groupStart[gi]));
            for (int i = from; i < to; i++) {
                long t = group.ts[i];
                if (t > maxt) {
                    return new Samples(ts, vs, kept);
                }
                double v;
                if (group.raw[i]) {
                    v = Double.longBitsToDouble(group.payload[i]);
                } else {
                    m += ValueCodec.unzigzag(group.payload[i]) * g;
                    v = ValueCodec.decode(m, d);
                }
                if (t >= mint) {
                    ts[kept] = t;
                    vs[kept++] = v;
                }
            }
            row = groupStart[gi] + stop;
        }
        return new Samples(ts, vs, kept);
    }

    private int groupOf(long row) {
        int lo = 0;
        int hi = groupStart.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (groupStart[mid] <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * Decoded rows of a row group: timestamps, and per row either the zigzag difference or the raw value bits.
     * {@code rows} lists the group-relative row numbers decoded, ascending, or is null when all were.
     */
    private record Group(long[] ts, long[] payload, boolean[] raw, long[] rows) {
        /** Where group row {@code row} is in the arrays; a series' rows are decoded together, so they follow it. */
        int position(long row) {
            if (rows == null) {
                return (int) row;
            }
            int at = java.util.Arrays.binarySearch(rows, row);
            if (at < 0) {
                throw new IllegalStateException("row " + row + " was not decoded");
            }
            return at;
        }
    }

    /** Decodes row group {@code gi}: all of it, or only the rows in {@code selected}. */
    private Group decodeGroup(ParquetFileReader r, int gi, RowRanges selected) throws IOException {
        try (PageReadStore pages = selected == null ? r.readRowGroup(gi) : r.readFilteredRowGroup(gi, selected)) {
            int rows = Math.toIntExact(selected == null ? pages.getRowCount() : selected.rowCount());
            long[] rowNumbers = null;
            if (selected != null) {
                rowNumbers = new long[rows];
                var it = selected.iterator();
                for (int i = 0; i < rows; i++) {
                    rowNumbers[i] = it.nextLong();
                }
            }
            long[] ts = new long[rows];
            long[] payload = new long[rows];
            boolean[] diff = new boolean[rows];
            boolean[] raw = new boolean[rows];
            ColumnPageDecoder decoder = new ColumnPageDecoder();
            decoder.decode(pages.getPageReader(tsColumn), tsColumn, rowNumbers, rows, ts, null);
            decoder.decode(pages.getPageReader(diffColumn), diffColumn, rowNumbers, rows, payload, diff);
            decoder.decode(pages.getPageReader(rawColumn), rawColumn, rowNumbers, rows, payload, raw);
            for (int i = 0; i < rows; i++) {
                if (diff[i] == raw[i]) {
                    throw new SextantException(
                            ErrorCode.INTERNAL,
                            "block " + dir + ": row " + (groupStart[gi] + (rowNumbers == null ? i : rowNumbers[i]))
                                    + " has " + (raw[i] ? "both" : "neither") + " of diff and raw");
                }
            }
            return new Group(ts, payload, raw, rowNumbers);
        }
    }

    long sizeInBytes() {
        long bytes = index.sizeInBytes() + 64L * labels.length;
        for (Labels l : labels) {
            bytes += 16L * l.size();
        }
        return bytes;
    }
}
