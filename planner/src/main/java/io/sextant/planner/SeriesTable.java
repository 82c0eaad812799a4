package io.sextant.planner;

import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A tenant's metric samples as one relation {@code (labels MAP<VARCHAR, VARCHAR>, ts BIGINT, value DOUBLE)}:
 * the metric name is the label {@code __name__}, not a table, so regexes on names and selectors without a name
 * work. {@code ts} is milliseconds since the epoch.
 */
public final class SeriesTable extends AbstractTable {
    public static final SeriesTable INSTANCE = new SeriesTable();
    public static final List<String> NAME = List.of("metrics", "samples");
    public static final int LABELS = 0;
    public static final int TS = 1;
    public static final int VALUE = 2;

    private SeriesTable() {}

    @Override
    public RelDataType getRowType(RelDataTypeFactory types) {
        return rowType(types);
    }

    public static RelDataType rowType(RelDataTypeFactory types) {
        return types.builder()
                .add("labels", labelsType(types))
                .add("ts", SqlTypeName.BIGINT)
                .add("value", types.createTypeWithNullability(types.createSqlType(SqlTypeName.DOUBLE), false))
                .build();
    }

    public static RelDataType labelsType(RelDataTypeFactory types) {
        RelDataType varchar = types.createSqlType(SqlTypeName.VARCHAR);
        return types.createMapType(varchar, varchar);
    }
}
