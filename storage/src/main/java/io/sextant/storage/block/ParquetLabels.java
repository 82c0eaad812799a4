package io.sextant.storage.block;

import io.sextant.storage.Labels;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/** A series' labels as a Parquet MAP column, as the warm blocks' and the rollup blocks' series tables store them. */
public final class ParquetLabels {
    private ParquetLabels() {}

    /** A required {@code MAP<string, string>} column named {@code name}. */
    public static GroupType mapType(String name) {
        return Types.requiredGroup()
                .as(LogicalTypeAnnotation.mapType())
                .addField(Types.repeatedGroup()
                        .addField(Types.required(PrimitiveTypeName.BINARY)
                                .as(LogicalTypeAnnotation.stringType())
                                .named("key"))
                        .addField(Types.required(PrimitiveTypeName.BINARY)
                                .as(LogicalTypeAnnotation.stringType())
                                .named("value"))
                        .named("key_value"))
                .named(name);
    }

    /** Writes field {@code index} named {@code name} of the current record: the map of {@code labels}. */
    public static void write(RecordConsumer out, String name, int index, Labels labels) {
        out.startField(name, index);
        out.startGroup();
        if (labels.size() > 0) {
            out.startField("key_value", 0);
            for (int i = 0; i < labels.size(); i++) {
                out.startGroup();
                out.startField("key", 0);
                out.addBinary(Binary.fromString(labels.name(i)));
                out.endField("key", 0);
                out.startField("value", 1);
                out.addBinary(Binary.fromString(labels.value(i)));
                out.endField("value", 1);
                out.endGroup();
            }
            out.endField("key_value", 0);
        }
        out.endGroup();
        out.endField(name, index);
    }
}
