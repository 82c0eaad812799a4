package io.sextant.storage.cold;

import io.sextant.storage.block.ParquetLabels;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/** The rollup block's Parquet schema and object names, as FORMAT.md specifies them. */
final class ColdFormat {
    static final String FILE = "rollups.parquet";
    static final String CATALOG = "catalog.json";
    static final String FORMAT_KEY = "sextant.rollup.format";
    static final String FORMAT_VERSION = "1";

    static final String LABELS = "labels";
    static final String ENDS = "ends";
    static final String COUNTS = "counts";
    static final String SUMS = "sums";
    static final String SUM_COMPENSATIONS = "sum_compensations";
    static final String MINS = "mins";
    static final String MAXS = "maxs";
    static final String MEANS = "means";
    static final String M2S = "m2s";
    static final String FIRST_TIMES = "first_times";
    static final String FIRST_VALUES = "first_values";
    static final String LAST_TIMES = "last_times";
    static final String LAST_VALUES = "last_values";
    static final String RESET_COUNTS = "reset_counts";
    static final String RESET_VALUES = "reset_values";
    static final String EXTREME = "extreme";

    /** The double columns, in schema order: written BYTE_STREAM_SPLIT, which gives zstd the exponent bytes together. */
    static final String[] DOUBLES = {
        SUMS, SUM_COMPENSATIONS, MINS, MAXS, MEANS, M2S, FIRST_VALUES, LAST_VALUES, RESET_VALUES
    };

    static final MessageType SCHEMA = Types.buildMessage()
            .addField(ParquetLabels.mapType(LABELS))
            .repeated(PrimitiveTypeName.INT64)
            .named(ENDS)
            .repeated(PrimitiveTypeName.INT32)
            .named(COUNTS)
            .repeated(PrimitiveTypeName.DOUBLE)
            .named(SUMS)
            .repeated(PrimitiveTypeName.DOUBLE)
            .named(SUM_COMPENSATIONS)
            .repeated(PrimitiveTypeName.DOUBLE)
            .named(MINS)
            .repeated(PrimitiveTypeName.DOUBLE)
            .named(MAXS)
            .repeated(PrimitiveTypeName.DOUBLE)
            .named(MEANS)
            .repeated(PrimitiveTypeName.DOUBLE)
            .named(M2S)
            .repeated(PrimitiveTypeName.INT64)
            .named(FIRST_TIMES)
            .repeated(PrimitiveTypeName.DOUBLE)
            .named(FIRST_VALUES)
            .repeated(PrimitiveTypeName.INT64)
            .named(LAST_TIMES)
            .repeated(PrimitiveTypeName.DOUBLE)
            .named(LAST_VALUES)
            .repeated(PrimitiveTypeName.INT32)
            .named(RESET_COUNTS)
            .repeated(PrimitiveTypeName.DOUBLE)
            .named(RESET_VALUES)
            .repeated(PrimitiveTypeName.BOOLEAN)
            .named(EXTREME)
            .named("rollup");

    /** The projections a reader asks for: the series table first, the buckets of matching series after. */
    static final MessageType LABELS_ONLY = new MessageType("rollup", SCHEMA.getType(LABELS));

    static final MessageType BUCKETS_ONLY = new MessageType(
            "rollup",
            SCHEMA.getFields().stream().filter(f -> !f.getName().equals(LABELS)).toList());

    private ColdFormat() {}
}
