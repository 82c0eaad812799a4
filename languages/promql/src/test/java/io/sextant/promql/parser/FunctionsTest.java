package io.sextant.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.promql.ast.Function;
import io.sextant.promql.ast.Functions;
import io.sextant.promql.ast.ValueType;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionsTest {
    @Test
    void tableHasEveryPrometheus314Function() {
        assertThat(Functions.all()).hasSize(90);
        assertThat(Functions.get("holt_winters")).isEmpty();
        assertThat(Functions.get("Rate")).isEmpty();
    }

    @Test
    void signatures() {
        assertThat(Functions.get("rate").orElseThrow())
                .isEqualTo(new Function("rate", List.of(ValueType.MATRIX), 0, ValueType.VECTOR, false));
        Function quantiles = Functions.get("histogram_quantiles").orElseThrow();
        assertThat(quantiles.experimental()).isTrue();
        assertThat(quantiles.minArgs()).isEqualTo(3);
        assertThat(quantiles.maxArgs()).isEqualTo(12);
        Function labelJoin = Functions.get("label_join").orElseThrow();
        assertThat(labelJoin.minArgs()).isEqualTo(3);
        assertThat(labelJoin.maxArgs()).isEqualTo(-1);
        assertThat(Functions.get("round").orElseThrow().maxArgs()).isEqualTo(2);
        assertThat(Functions.get("scalar").orElseThrow().returnType()).isEqualTo(ValueType.SCALAR);
        assertThat(Functions.all().stream().filter(Function::experimental).map(Function::name))
                .contains("mad_over_time", "info", "sort_by_label", "start", "step", "min_of", "ts_of_max_over_time")
                .doesNotContain("rate", "time", "label_replace");
    }
}
