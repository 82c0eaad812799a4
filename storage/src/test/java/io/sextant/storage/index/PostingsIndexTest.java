package io.sextant.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.Matcher.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

class PostingsIndexTest {
    private static final String[] NAMES = {"__name__", "job", "instance", "code", "zone"};
    private static final String[][] VALUES = {
        {"up", "http_requests_total", "node_cpu"},
        {"api", "db", "web"},
        {"a:1", "b:2", "c:3", "d:4"},
        {"200", "404", "500"},
        {"eu", "us"}
    };

    /** The index must agree with evaluating every matcher against every series directly. */
    @Test
    void agreesWithBruteForce() {
        Random random = new Random(42);
        PostingsIndex index = new PostingsIndex();
        List<Labels> series = new ArrayList<>();
        for (int ref = 0; ref < 500; ref++) {
            Labels.Builder b = Labels.builder();
            for (int n = 0; n < NAMES.length; n++) {
                // some labels absent, to exercise the empty-string rule
                if (n == 0 || random.nextInt(4) != 0) {
                    b.set(NAMES[n], VALUES[n][random.nextInt(VALUES[n].length)]);
                }
            }
            Labels l = b.build();
            series.add(l);
            index.add(ref, l);
        }
        String[] regexes = {".*", ".+", "a.*", "a:1|b:2", "", "5..", "x"};
        int checked = 0;
        for (int round = 0; round < 400; round++) {
            List<Matcher> matchers = new ArrayList<>();
            int k = 1 + random.nextInt(3);
            for (int i = 0; i < k; i++) {
                int n = random.nextInt(NAMES.length + 1);
                String name = n == NAMES.length ? "absent_label" : NAMES[n];
                Type type = Type.values()[random.nextInt(4)];
                String value = (type == Type.REGEX || type == Type.NOT_REGEX)
                        ? regexes[random.nextInt(regexes.length)]
                        : (n < NAMES.length && random.nextBoolean()
                                ? VALUES[n][random.nextInt(VALUES[n].length)]
                                : (random.nextBoolean() ? "" : "nope"));
                matchers.add(Matcher.of(type, name, value));
            }
            RoaringBitmap expected = new RoaringBitmap();
            for (int ref = 0; ref < series.size(); ref++) {
                Labels l = series.get(ref);
                if (matchers.stream().allMatch(m -> m.matches(l.get(m.name())))) {
                    expected.add(ref);
                }
            }
            assertThat(index.select(matchers)).as(matchers.toString()).isEqualTo(expected);
            checked++;
        }
        assertThat(checked).isEqualTo(400);
        assertThat(index.select(List.of()).getCardinality()).isEqualTo(500);
    }

    @Test
    void namesAndValuesAreSorted() {
        PostingsIndex index = new PostingsIndex();
        index.add(0, Labels.of("b", "2", "a", "z"));
        index.add(1, Labels.of("a", "y"));
        assertThat(index.names()).containsExactly("a", "b");
        assertThat(index.values("a")).extracting(e -> e.getKey()).containsExactly("y", "z");
        assertThat(index.values("nope")).isEmpty();
    }
}
