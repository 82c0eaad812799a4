package io.sextant.storage.block;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import io.sextant.storage.Series;
import io.sextant.storage.SextantException;
import io.sextant.storage.io.FileTrees;
import io.sextant.storage.io.Fsync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes one block (FORMAT.md): the series table and the samples of series given in {@link SeriesOrder}, into
 * {@code <id>.tmp/} below the tenant directory, synced, then renamed to {@code <id>/}. The catalog entry is
 * the caller's next step; until then the directory is an orphan that {@link BlockStore} deletes on open.
 */
public final class BlockWriter {
    /**
     * Rows per row group of the samples file: the unit a read decodes, since a series' differences accumulate
     * from its first row. 128 Ki rows keep that cost near a millisecond while the footer stays small.
     */
    static final int ROW_GROUP_ROWS = 1 << 17;

    private BlockWriter() {}

    /**
     * Tuning of a write: the zstd level. Compactions use 9: on the bench fleet (10k series, 2h) it writes as fast
     * as 3 and 2% smaller; 19 is another 6% smaller but 18 times slower, too slow for 2-day blocks of 100k series.
     */
    public record Options(int zstdLevel) {
        public static final Options FLUSH = new Options(3);
        public static final Options COMPACTION = new Options(9);
    }

    /**
     * Writes the series (in {@link SeriesOrder}, each with at least one sample) as block {@code id} of {@code level}.
     * Returns its catalog entry. Fails with {@code INTERNAL} on unsorted input and {@code EXTERNAL_FAILURE} on
     * I/O errors, leaving only a {@code .tmp} directory behind.
     */
    public static BlockMeta write(Path tenantDir, String id, int level, Options options, Iterator<Series> series) {
        Path tmp = tenantDir.resolve(id + BlockStore.TMP_SUFFIX);
        Path target = tenantDir.resolve(id);
        try {
            Files.createDirectories(tmp);
            long rows = 0;
            int ref = 0;
            long minTime = Long.MAX_VALUE;
            long maxTime = Long.MIN_VALUE;
            Labels previous = null;
            SampleRow sample = new SampleRow();
            SeriesRow row = new SeriesRow();
            try (ParquetWriter<SampleRow> samples =
                            writer(tmp.resolve(BlockFormat.SAMPLES_FILE), new SampleWriteSupport(), options, true);
                    ParquetWriter<SeriesRow> table =
                            writer(tmp.resolve(BlockFormat.SERIES_FILE), new SeriesWriteSupport(), options, false)) {
                while (series.hasNext()) {
                    Series s = series.next();
                    Samples data = s.samples();
                    if (data.count() == 0) {
                        continue;
                    }
                    if (previous != null && SeriesOrder.COMPARATOR.compare(previous, s.labels()) >= 0) {
                        throw new SextantException(ErrorCode.INTERNAL, "block series out of order: " + s.labels());
                    }
                    previous = s.labels();
                    ValueCodec.Params p = ValueCodec.choose(data.values(), data.count());
                    long m = p.firstMantissa();
                    sample.series = ref;
                    for (int i = 0; i < data.count(); i++) {
                        sample.ts = data.timestamps()[i];
                        double v = data.values()[i];
                        long mi = p.decimals() < 0 ? Long.MIN_VALUE : ValueCodec.mantissa(v, p.decimals());
                        // the gcd divides every difference between consecutive decimal values (ValueCodec.choose)
                        if (mi != Long.MIN_VALUE) {
                            sample.decimal = true;
                            sample.diff = ValueCodec.zigzag((mi - m) / p.gcd());
                            m = mi;
                        } else {
                            sample.decimal = false;
                            sample.raw = v;
                        }
                        samples.write(sample);
                    }
                    row.ref = ref;
                    row.labels = s.labels();
                    row.params = p;
                    row.minTime = data.timestamps()[0];
                    row.maxTime = data.timestamps()[data.count() - 1];
                    row.samples = data.count();
                    row.firstRow = rows;
                    table.write(row);
                    rows += data.count();
                    minTime = Math.min(minTime, row.minTime);
                    maxTime = Math.max(maxTime, row.maxTime);
                    ref++;
                }
            }
            if (ref == 0) {
                throw new SextantException(ErrorCode.INTERNAL, "a block needs at least one sample");
            }
            long bytes = 0;
            for (String f : new String[] {BlockFormat.SERIES_FILE, BlockFormat.SAMPLES_FILE}) {
                Path file = tmp.resolve(f);
                Fsync.file(file);
                bytes += Files.size(file);
            }
            Fsync.directory(tmp);
            CrashPoints.reach("block.before-rename");
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            Fsync.directory(tenantDir);
            CrashPoints.reach("block.after-rename");
            return new BlockMeta(id, minTime, maxTime, BlockMeta.RAW, level, ref, rows, bytes);
        } catch (IOException | UncheckedIOException e) {
            throw deleted(
                    tmp,
                    new SextantException(
                            ErrorCode.EXTERNAL_FAILURE, "writing block " + target + ": " + e.getMessage(), e));
        } catch (RuntimeException e) {
            throw deleted(tmp, e);
        }
    }

    /** Deletes the unfinished block directory; the failure that stopped it is what the caller sees. */
    private static RuntimeException deleted(Path tmp, RuntimeException failure) {
        try {
            FileTrees.delete(tmp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    private static <T> ParquetWriter<T> writer(Path file, WriteSupport<T> support, Options options, boolean samples)
            throws IOException {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set("parquet.compression.codec.zstd.level", Integer.toString(options.zstdLevel()));
        var b = new Builder<>(new LocalOutputFile(file), support)
                .withConf(conf)
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .withDictionaryEncoding(false);
        if (samples) {
            b.withRowGroupRowCountLimit(ROW_GROUP_ROWS)
                    .withDictionaryEncoding(BlockFormat.SERIES, true)
                    .withByteStreamSplitEncoding(BlockFormat.DIFF, true)
                    .withByteStreamSplitEncoding(BlockFormat.RAW, true);
        } else {
            b.withDictionaryEncoding(true);
        }
        return b.build();
    }

    private static final class Builder<T> extends ParquetWriter.Builder<T, Builder<T>> {
        private final WriteSupport<T> support;

        Builder(OutputFile file, WriteSupport<T> support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        @Override
        protected WriteSupport<T> getWriteSupport(Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<T> getWriteSupport(ParquetConfiguration conf) {
            return support;
        }
    }

    private static final class SampleRow {
        int series;
        long ts;
        boolean decimal;
        long diff;
        double raw;
    }

    private static final class SeriesRow {
        int ref;
        Labels labels;
        ValueCodec.Params params;
        long minTime;
        long maxTime;
        int samples;
        long firstRow;
    }

    private abstract static class Support<T> extends WriteSupport<T> {
        private final MessageType schema;
        RecordConsumer out;

        Support(MessageType schema) {
            this.schema = schema;
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(schema, Map.of(BlockFormat.FORMAT_KEY, BlockFormat.FORMAT_VERSION));
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(schema, Map.of(BlockFormat.FORMAT_KEY, BlockFormat.FORMAT_VERSION));
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            out = recordConsumer;
        }

        void longField(String name, int index, long v) {
            out.startField(name, index);
            out.addLong(v);
            out.endField(name, index);
        }

        void intField(String name, int index, int v) {
            out.startField(name, index);
            out.addInteger(v);
            out.endField(name, index);
        }
    }

    private static final class SampleWriteSupport extends Support<SampleRow> {
        SampleWriteSupport() {
            super(BlockFormat.SAMPLES_SCHEMA);
        }

        @Override
        public void write(SampleRow r) {
            out.startMessage();
            intField(BlockFormat.SERIES, 0, r.series);
            longField(BlockFormat.TS, 1, r.ts);
            if (r.decimal) {
                longField(BlockFormat.DIFF, 2, r.diff);
            } else {
                out.startField(BlockFormat.RAW, 3);
                out.addDouble(r.raw);
                out.endField(BlockFormat.RAW, 3);
            }
            out.endMessage();
        }
    }

    private static final class SeriesWriteSupport extends Support<SeriesRow> {
        SeriesWriteSupport() {
            super(BlockFormat.SERIES_SCHEMA);
        }

        @Override
        public void write(SeriesRow r) {
            out.startMessage();
            intField(BlockFormat.REF, 0, r.ref);
            ParquetLabels.write(out, BlockFormat.LABELS, 1, r.labels);
            intField(BlockFormat.DECIMALS, 2, r.params.decimals());
            longField(BlockFormat.GCD, 3, r.params.gcd());
            longField(BlockFormat.FIRST_MANTISSA, 4, r.params.firstMantissa());
            longField(BlockFormat.MIN_TIME, 5, r.minTime);
            longField(BlockFormat.MAX_TIME, 6, r.maxTime);
            intField(BlockFormat.SAMPLES, 7, r.samples);
            longField(BlockFormat.FIRST_ROW, 8, r.firstRow);
            out.endMessage();
        }
    }
}
