package io.sextant.storage.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MemSeriesTest {
    private final MemSeries s = new MemSeries(0, Labels.of("__name__", "x"));

    @Test
    void inOrderAppendsAndCopyRange() {
        for (int i = 0; i < 100; i++) {
            assertThat(s.append(i * 1000L, i, 0)).isEqualTo(MemSeries.APPENDED);
        }
        Samples c = s.copy(10_000, 19_999);
        assertThat(c.count()).isEqualTo(10);
        assertThat(c.timestamps()[0]).isEqualTo(10_000);
        assertThat(c.values()[9]).isEqualTo(19.0);
        assertThat(s.copy(200_000, 300_000).count()).isZero();
        assertThat(s.overlaps(99_000, 99_000)).isTrue();
        assertThat(s.overlaps(500, 999)).isFalse();
    }

    @Test
    void outOfOrderWithinWindowIsInsertedSorted() {
        s.append(10_000, 1, 5_000);
        s.append(20_000, 2, 5_000);
        assertThat(s.append(16_000, 1.5, 5_000)).isEqualTo(MemSeries.APPENDED);
        assertThat(s.append(14_999, 1.4, 5_000)).isEqualTo(MemSeries.OUT_OF_ORDER);
        Samples c = s.copy(Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(c.count()).isEqualTo(3);
        assertThat(c.timestamps()).startsWith(10_000, 16_000, 20_000);
    }

    @Test
    void duplicatesCompareRawBits() {
        double stale = Double.longBitsToDouble(Samples.STALE_NAN_BITS);
        s.append(1_000, stale, 0);
        assertThat(s.append(1_000, stale, 0)).isEqualTo(MemSeries.DUPLICATE_IGNORED);
        // an ordinary NaN is a different value from the stale marker
        assertThat(s.append(1_000, Double.NaN, 0)).isEqualTo(MemSeries.DUPLICATE_TIMESTAMP);
        s.append(2_000, 5, 0);
        assertThat(s.append(2_000, 5, 0)).isEqualTo(MemSeries.DUPLICATE_IGNORED);
        assertThat(s.append(2_000, 6, 0)).isEqualTo(MemSeries.DUPLICATE_TIMESTAMP);
        assertThat(Double.doubleToRawLongBits(s.copy(1_000, 1_000).values()[0])).isEqualTo(Samples.STALE_NAN_BITS);
    }

    @Test
    void replayAcceptsAnyOrder() {
        s.append(100_000, 1, Long.MAX_VALUE);
        assertThat(s.append(1, 0, Long.MAX_VALUE)).isEqualTo(MemSeries.APPENDED);
        assertThat(s.minTime()).isEqualTo(1);
    }

    @Test
    void truncateBeforeDropsPrefix() {
        for (int i = 0; i < 10; i++) {
            s.append(i, i, 0);
        }
        assertThat(s.truncateBefore(4)).isEqualTo(4);
        assertThat(s.count()).isEqualTo(6);
        assertThat(s.minTime()).isEqualTo(4);
        assertThat(s.truncateBefore(0)).isZero();
    }

    /** Chunk splits, boundaries and truncation must behave exactly like a sorted map of timestamps. */
    @Test
    void agreesWithSortedMapUnderRandomOperations() {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            MemSeries series = new MemSeries(0, Labels.of("__name__", "x"));
            TreeMap<Long, Double> model = new TreeMap<>();
            long newest = 0;
            for (int op = 0; op < 600; op++) {
                int kind = random.nextInt(20);
                if (kind < 12) {
                    newest += 1 + random.nextInt(3);
                    assertThat(series.append(newest, op, 0)).isEqualTo(MemSeries.APPENDED);
                    model.put(newest, (double) op);
                } else if (kind < 17) {
                    long t = newest - random.nextInt(50);
                    int r = series.append(t, op, Long.MAX_VALUE);
                    if (model.containsKey(t)) {
                        assertThat(r).isEqualTo(MemSeries.DUPLICATE_TIMESTAMP);
                    } else {
                        assertThat(r).isEqualTo(MemSeries.APPENDED);
                        model.put(t, (double) op);
                        newest = Math.max(newest, t);
                    }
                } else if (kind < 18 && !model.isEmpty()) {
                    long cut = model.firstKey() + random.nextInt(40);
                    int before = model.size();
                    model.headMap(cut, false).clear();
                    assertThat(series.truncateBefore(cut)).isEqualTo(before - model.size());
                } else {
                    long a = newest - random.nextInt(200);
                    long b = a + random.nextInt(200);
                    assertSame(series.copy(a, b), model.subMap(a, true, b, true));
                    assertThat(series.overlaps(a, b))
                            .isEqualTo(!model.subMap(a, true, b, true).isEmpty());
                }
                assertThat(series.count()).isEqualTo(model.size());
            }
            assertSame(series.copy(Long.MIN_VALUE, Long.MAX_VALUE), model);
            if (!model.isEmpty()) {
                assertThat(series.minTime()).isEqualTo(model.firstKey());
                assertThat(series.maxTime()).isEqualTo(model.lastKey());
            }
        }
    }

    private static void assertSame(Samples actual, NavigableMap<Long, Double> expected) {
        assertThat(actual.count()).isEqualTo(expected.size());
        int i = 0;
        for (Map.Entry<Long, Double> e : expected.entrySet()) {
            assertThat(actual.timestamps()[i]).isEqualTo(e.getKey());
            assertThat(actual.values()[i]).isEqualTo(e.getValue());
            i++;
        }
    }
}
