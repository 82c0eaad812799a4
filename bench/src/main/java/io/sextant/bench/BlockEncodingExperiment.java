package io.sextant.bench;

import io.sextant.bench.load.CommandLine;
import io.sextant.bench.load.Fleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Which Parquet layout stores the {@code bench/} fleet's samples in the fewest bytes: the measurement behind the
 * warm tier's block format (issue S3). Generates the fleet's scrapes in memory, sorts them by (series, time) as a
 * block would hold them, writes each layout with zstd and prints bytes per sample.
 *
 * <pre>
 * java -cp bench/target/sextant-bench.jar io.sextant.bench.BlockEncodingExperiment --series 10000 --steps 480
 * </pre>
 */
public final class BlockEncodingExperiment {
    private static final String USAGE = "usage: BlockEncodingExperiment [--series N] [--steps N] [--seed N] [--dir D]";
    /** Decimal exponents tried for a series' values, finest last: 10^0 .. 10^-6. */
    private static final int MAX_DECIMALS = 6;

    private BlockEncodingExperiment() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> o = CommandLine.parse(args, Set.of("help"), USAGE);
        if (o.containsKey("help")) {
            System.out.println(USAGE);
            return;
        }
        int series = Integer.parseInt(o.getOrDefault("series", "10000"));
        int steps = Integer.parseInt(o.getOrDefault("steps", "480"));
        long seed = Long.parseLong(o.getOrDefault("seed", "42"));
        Path dir = Files.createDirectories(Path.of(o.getOrDefault("dir", "/tmp/sextant-block-encoding")));

        Fleet fleet = new Fleet(seed, series, 15_000);
        int n = fleet.seriesCount();
        long[][] ts = new long[n][steps];
        double[][] vs = new double[n][steps];
        int[] byTarget = fleet.targetsByOffset();
        for (int step = 0; step < steps; step++) {
            fleet.step();
            for (int t : byTarget) {
                long time = step * 15_000L + fleet.targetOffsetMs(t) + fleet.jitterMs(t);
                for (int s = fleet.targetFirstSeries(t);
                        s < fleet.targetFirstSeries(t) + fleet.targetSeriesCount(t);
                        s++) {
                    ts[s][step] = time;
                    vs[s][step] = fleet.value(s);
                }
            }
        }
        long samples = (long) n * steps;
        System.out.printf("%,d series x %,d steps = %,d samples%n", n, steps, samples);

        report(
                "A1 ts INT64 plain, value DOUBLE plain",
                samples,
                writeDoubles(dir.resolve("a1.parquet"), ts, vs, false, false));
        report(
                "A2 ts DELTA_BINARY_PACKED, value DOUBLE plain",
                samples,
                writeDoubles(dir.resolve("a2.parquet"), ts, vs, true, false));
        report(
                "A3 ts DELTA_BINARY_PACKED, value DOUBLE BYTE_STREAM_SPLIT",
                samples,
                writeDoubles(dir.resolve("a3.parquet"), ts, vs, true, true));
        int[] decimals = new int[n];
        int exact = 0;
        for (int s = 0; s < n; s++) {
            decimals[s] = decimals(vs[s]);
            exact += decimals[s] >= 0 ? 1 : 0;
        }
        System.out.printf("  %,d of %,d series are exact decimals with at most %d digits%n", exact, n, MAX_DECIMALS);
        report(
                "B  ts DELTA_BINARY_PACKED, value scaled decimal INT64 DELTA_BINARY_PACKED (raw bits if not decimal)",
                samples,
                writeDecimals(dir.resolve("b.parquet"), ts, vs, decimals));
        for (String enc : new String[] {"DELTA", "PLAIN", "SPLIT"}) {
            for (boolean gcd : new boolean[] {false, true}) {
                report(
                        "C  per-series zigzag first differences of mantissa, " + enc + (gcd ? ", / gcd" : "")
                                + "; raw DOUBLE SPLIT column",
                        samples,
                        writeDiffs(dir.resolve("c-" + enc + gcd + ".parquet"), ts, vs, decimals, enc, gcd, 3));
            }
        }
        for (int level : new int[] {9, 19}) {
            report(
                    "C  per-series zigzag first differences of mantissa, SPLIT, / gcd, zstd level " + level,
                    samples,
                    writeDiffs(dir.resolve("c-level" + level + ".parquet"), ts, vs, decimals, "SPLIT", true, level));
        }
    }

    private static Path writeDiffs(
            Path file, long[][] ts, double[][] vs, int[] decimals, String enc, boolean useGcd, int level)
            throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.INT32)
                .named("series")
                .required(PrimitiveTypeName.INT64)
                .named("ts")
                .optional(PrimitiveTypeName.INT64)
                .named("diff")
                .optional(PrimitiveTypeName.DOUBLE)
                .named("raw")
                .named("samples");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set("parquet.compression.codec.zstd.level", Integer.toString(level));
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(conf)
                .withType(schema)
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withDictionaryEncoding(false)
                .withDictionaryEncoding("series", true)
                .withByteStreamSplitEncoding("raw", true)
                .withByteStreamSplitEncoding("diff", enc.equals("SPLIT"))
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            for (int s = 0; s < ts.length; s++) {
                double scale = decimals[s] >= 0 ? Math.pow(10, decimals[s]) : 0;
                long g = 0;
                if (useGcd && decimals[s] >= 0) {
                    for (int i = 1; i < ts[s].length; i++) {
                        g = gcd(g, Math.abs(Math.round(vs[s][i] * scale) - Math.round(vs[s][i - 1] * scale)));
                    }
                }
                g = Math.max(g, 1);
                long prev = 0;
                for (int i = 0; i < ts[s].length; i++) {
                    Group row = groups.newGroup().append("series", s).append("ts", ts[s][i]);
                    if (decimals[s] >= 0) {
                        long m = Math.round(vs[s][i] * scale);
                        long d = i == 0 ? 0 : (m - prev) / g;
                        prev = m;
                        row.append("diff", enc.equals("DELTA") ? d : (d << 1) ^ (d >> 63));
                    } else {
                        row.append("raw", vs[s][i]);
                    }
                    w.write(row);
                }
            }
        }
        return file;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static void report(String layout, long samples, Path file) throws IOException {
        long bytes = Files.size(file);
        System.out.printf("%-100s %,12d bytes  %.3f B/sample%n", layout, bytes, (double) bytes / samples);
        Map<String, Long> columns = new java.util.LinkedHashMap<>();
        try (ParquetFileReader r = ParquetFileReader.open(
                new LocalInputFile(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            for (BlockMetaData block : r.getFooter().getBlocks()) {
                for (ColumnChunkMetaData c : block.getColumns()) {
                    columns.merge(c.getPath().toDotString(), c.getTotalSize(), Long::sum);
                }
            }
        }
        columns.forEach((c, b) -> System.out.printf("    %-10s %.3f B/sample%n", c, (double) b / samples));
    }

    private static ParquetWriter<Group> writer(Path file, MessageType schema, boolean delta, boolean split)
            throws IOException {
        return ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withType(schema)
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriterVersion(
                        delta
                                ? ParquetProperties.WriterVersion.PARQUET_2_0
                                : ParquetProperties.WriterVersion.PARQUET_1_0)
                .withDictionaryEncoding(false)
                .withDictionaryEncoding("series", true)
                .withByteStreamSplitEncoding(split)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }

    private static Path writeDoubles(Path file, long[][] ts, double[][] vs, boolean delta, boolean split)
            throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.INT32)
                .named("series")
                .required(PrimitiveTypeName.INT64)
                .named("ts")
                .required(PrimitiveTypeName.DOUBLE)
                .named("value")
                .named("samples");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = writer(file, schema, delta, split)) {
            for (int s = 0; s < ts.length; s++) {
                for (int i = 0; i < ts[s].length; i++) {
                    w.write(groups.newGroup()
                            .append("series", s)
                            .append("ts", ts[s][i])
                            .append("value", vs[s][i]));
                }
            }
        }
        return file;
    }

    private static Path writeDecimals(Path file, long[][] ts, double[][] vs, int[] decimals) throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.INT32)
                .named("series")
                .required(PrimitiveTypeName.INT64)
                .named("ts")
                .required(PrimitiveTypeName.INT64)
                .named("mantissa")
                .named("samples");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = writer(file, schema, true, false)) {
            for (int s = 0; s < ts.length; s++) {
                double scale = decimals[s] >= 0 ? Math.pow(10, decimals[s]) : 0;
                for (int i = 0; i < ts[s].length; i++) {
                    long m = decimals[s] >= 0 ? Math.round(vs[s][i] * scale) : Double.doubleToRawLongBits(vs[s][i]);
                    w.write(groups.newGroup()
                            .append("series", s)
                            .append("ts", ts[s][i])
                            .append("mantissa", m));
                }
            }
        }
        return file;
    }

    /**
     * The fewest decimal digits {@code d ≤ MAX_DECIMALS} with which every value is exactly {@code m / 10^d} for
     * an integer {@code m} of at most 53 bits, or -1.
     */
    static int decimals(double[] values) {
        for (int d = 0; d <= MAX_DECIMALS; d++) {
            double scale = Math.pow(10, d);
            boolean all = true;
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    all = false;
                    break;
                }
                double m = Math.rint(v * scale);
                if (Math.abs(m) >= 0x1p53 || m / scale != v) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return d;
            }
        }
        return -1;
    }
}
