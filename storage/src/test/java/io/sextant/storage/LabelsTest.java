package io.sextant.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelsTest {
    @Test
    void sortsAndDropsEmptyValues() {
        Labels l = Labels.of("job", "api", "__name__", "up", "zone", "", "instance", "a:1");
        assertThat(l.size()).isEqualTo(3);
        assertThat(l.name(0)).isEqualTo("__name__");
        assertThat(l.name(1)).isEqualTo("instance");
        assertThat(l.name(2)).isEqualTo("job");
        assertThat(l.get("zone")).isEmpty();
        assertThat(l.has("zone")).isFalse();
        assertThat(l.metricName()).isEqualTo("up");
    }

    @Test
    void rejectsEmptyAndDuplicateNames() {
        assertThatThrownBy(() -> Labels.of("", "x"))
                .isInstanceOf(SextantException.class)
                .hasMessageContaining("empty label name");
        assertThatThrownBy(() -> Labels.of("a", "1", "b", "2", "a", "3"))
                .isInstanceOf(SextantException.class)
                .hasMessageContaining("duplicate label name \"a\"");
        assertThatThrownBy(() -> Labels.builder().add("a", "1").add("a", "1").build())
                .isInstanceOf(SextantException.class);
    }

    @Test
    void acceptsUtf8Names() {
        Labels l = Labels.of("__name__", "my.metric", "a.b", "x", "ünï", "ok");
        assertThat(l.get("a.b")).isEqualTo("x");
        assertThat(l.toString()).isEqualTo("{__name__=\"my.metric\", \"a.b\"=\"x\", \"ünï\"=\"ok\"}");
        assertThat(Labels.isLegacyName("a.b")).isFalse();
        assertThat(Labels.isLegacyName("_a1")).isTrue();
        assertThat(Labels.isLegacyName("1a")).isFalse();
    }

    @Test
    void toStringQuotesAndEscapes() {
        assertThat(Labels.of("__name__", "up", "a", "x\"y\\z\n").toString()).isEqualTo("up{a=\"x\\\"y\\\\z\\n\"}");
        assertThat(Labels.of("a", "b").toString()).isEqualTo("{a=\"b\"}");
    }

    @Test
    void equalityAndHashIndependentOfInputOrder() {
        Labels a = Labels.of("a", "1", "b", "2");
        Labels b = Labels.of("b", "2", "a", "1");
        assertThat(a).isEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(a.hash64()).isEqualTo(b.hash64());
        // the separator keeps ("ab","c") and ("a","bc") apart
        assertThat(Labels.of("ab", "c").hash64())
                .isNotEqualTo(Labels.of("a", "bc").hash64());
    }

    @Test
    void compareFollowsPrometheusOrder() {
        List<Labels> sets = new ArrayList<>(List.of(
                Labels.of("a", "2"),
                Labels.of("a", "1", "b", "1"),
                Labels.of("a", "1"),
                Labels.of("b", "0"),
                Labels.of("a", "1", "c", "0")));
        Collections.shuffle(sets, new Random(1));
        Collections.sort(sets);
        assertThat(sets)
                .containsExactly(
                        Labels.of("a", "1"),
                        Labels.of("a", "1", "b", "1"),
                        Labels.of("a", "1", "c", "0"),
                        Labels.of("a", "2"),
                        Labels.of("b", "0"));
    }

    @Test
    void builderSetReplacesAndRemove() {
        Labels l = Labels.builder()
                .set("a", "1")
                .set("b", "2")
                .set("a", "3")
                .remove("b")
                .build();
        assertThat(l).isEqualTo(Labels.of("a", "3"));
        assertThat(Labels.of("a", "1").toBuilder().set("c", "2").build()).isEqualTo(Labels.of("a", "1", "c", "2"));
    }
}
