package io.sextant.storage.block;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/** File names, column names and Parquet schemas of a block, as FORMAT.md specifies them. */
final class BlockFormat {
    static final String SERIES_FILE = "series.parquet";
    static final String SAMPLES_FILE = "samples.parquet";
    static final String FORMAT_KEY = "sextant.block.format";
    static final String FORMAT_VERSION = "1";

    static final String SERIES = "series";
    static final String TS = "ts";
    static final String DIFF = "diff";
    static final String RAW = "raw";

    static final String REF = "ref";
    static final String LABELS = "labels";
    static final String DECIMALS = "decimals";
    static final String GCD = "gcd";
    static final String FIRST_MANTISSA = "first_mantissa";
    static final String MIN_TIME = "min_time";
    static final String MAX_TIME = "max_time";
    static final String SAMPLES = "samples";
    static final String FIRST_ROW = "first_row";

    static final MessageType SAMPLES_SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT32)
            .named(SERIES)
            .required(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
            .named(TS)
            .optional(PrimitiveTypeName.INT64)
            .named(DIFF)
            .optional(PrimitiveTypeName.DOUBLE)
            .named(RAW)
            .named("sample");

    static final MessageType SERIES_SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT32)
            .named(REF)
            .addField(ParquetLabels.mapType(LABELS))
            .required(PrimitiveTypeName.INT32)
            .named(DECIMALS)
            .required(PrimitiveTypeName.INT64)
            .named(GCD)
            .required(PrimitiveTypeName.INT64)
            .named(FIRST_MANTISSA)
            .required(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
            .named(MIN_TIME)
            .required(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
            .named(MAX_TIME)
            .required(PrimitiveTypeName.INT32)
            .named(SAMPLES)
            .required(PrimitiveTypeName.INT64)
            .named(FIRST_ROW)
            .named("series");

    private BlockFormat() {}
}
