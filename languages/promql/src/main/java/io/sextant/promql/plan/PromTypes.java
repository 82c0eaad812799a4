package io.sextant.promql.plan;

import io.sextant.planner.SeriesTable;
import io.sextant.promql.ast.ValueType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * PromQL's value types as relations. An instant vector and a range vector are {@code (labels, ts, value)}
 * like {@link SeriesTable}; a scalar has no labels, {@code (ts, value)}; a string is {@code (value VARCHAR)}.
 * The field positions below are what the translation and the rules rely on.
 */
final class PromTypes {
    static final int LABELS = 0;
    static final int TS = 1;
    static final int VALUE = 2;
    static final int SCALAR_TS = 0;
    static final int SCALAR_VALUE = 1;

    private PromTypes() {}

    static RelDataType of(ValueType type, RelDataTypeFactory types) {
        return switch (type) {
            case VECTOR, MATRIX -> SeriesTable.rowType(types);
            case SCALAR -> scalar(types);
            case STRING -> types.builder().add("value", SqlTypeName.VARCHAR).build();
            case NONE -> throw new IllegalArgumentException("an expression without a value type");
        };
    }

    static RelDataType scalar(RelDataTypeFactory types) {
        return types.builder()
                .add("ts", SqlTypeName.BIGINT)
                .add("value", types.createTypeWithNullability(types.createSqlType(SqlTypeName.DOUBLE), false))
                .build();
    }

    static boolean isScalar(RelDataType rowType) {
        return rowType.getFieldCount() == 2;
    }
}
