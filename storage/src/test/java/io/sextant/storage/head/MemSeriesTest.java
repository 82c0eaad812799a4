package io.sextant.storage.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemSeriesTest {
    private final BufferAllocator allocator = new RootAllocator();
    // Small batches (Arrow rounds 300 up to 512 rows) so the tests cross batch boundaries and free batches.
    private final SealedArena arena = new SealedArena(allocator, 300);
    private final MemSeries s = newSeries();

    private MemSeries newSeries() {
        return new MemSeries(0, Labels.of("__name__", "x"), arena);
    }

    @AfterEach
    void freeArrowMemory() {
        arena.close();
        allocator.close();
    }

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
    void sealedRunsKeepStaleMarkerBitsAndAnswerDuplicates() {
        double stale = Double.longBitsToDouble(Samples.STALE_NAN_BITS);
        int n = 5 * MemSeries.MAX_CHUNK + 5;
        for (int i = 0; i < n; i++) {
            s.append(i * 1000L, i % 7 == 0 ? stale : i, 0);
        }
        assertThat(arena.batchCount()).isGreaterThanOrEqualTo(2);
        Samples c = s.copy(Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(c.count()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            long bits = Double.doubleToRawLongBits(c.values()[i]);
            assertThat(bits).isEqualTo(i % 7 == 0 ? Samples.STALE_NAN_BITS : Double.doubleToRawLongBits(i));
        }
        assertThat(s.append(7_000, stale, Long.MAX_VALUE)).isEqualTo(MemSeries.DUPLICATE_IGNORED);
        assertThat(s.append(8_000, 8, Long.MAX_VALUE)).isEqualTo(MemSeries.DUPLICATE_IGNORED);
        assertThat(s.append(8_000, 9, Long.MAX_VALUE)).isEqualTo(MemSeries.DUPLICATE_TIMESTAMP);
        assertThat(s.append(8_500, 9, Long.MAX_VALUE)).isEqualTo(MemSeries.APPENDED);
        assertThat(s.copy(8_000, 9_000).timestamps()).containsExactly(8_000, 8_500, 9_000);
    }

    /**
     * Readers copy while the writer appends, seals, inserts late samples, truncates and frees batches: every
     * copy is sorted without repeats, every value belongs to its timestamp, and without truncation a copy
     * holds at least every sample appended before it started.
     */
    @Test
    void concurrentReadersSeeConsistentSnapshots() throws Exception {
        for (boolean truncate : new boolean[] {false, true}) {
            MemSeries series = newSeries();
            AtomicLong acked = new AtomicLong();
            AtomicLong newestAcked = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] readers = new Thread[2];
            for (int r = 0; r < readers.length; r++) {
                readers[r] = new Thread(() -> {
                    try {
                        long reads = 0;
                        while (!done.get()) {
                            long before = acked.get();
                            // Most reads cover only the newest samples, where seals and late inserts rewrite.
                            boolean whole = reads++ % 8 == 0;
                            long mint = whole ? Long.MIN_VALUE : newestAcked.get() - 300;
                            Samples c = series.copy(mint, Long.MAX_VALUE);
                            for (int i = 0; i < c.count(); i++) {
                                long t = c.timestamps()[i];
                                if (i > 0 && t <= c.timestamps()[i - 1]) {
                                    throw new AssertionError("not strictly increasing at " + i + ": " + t);
                                }
                                if (c.values()[i] != 2.0 * t) {
                                    throw new AssertionError("value " + c.values()[i] + " at timestamp " + t);
                                }
                            }
                            if (whole && !truncate && c.count() < before) {
                                throw new AssertionError("copy has " + c.count() + " samples, " + before + " acked");
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                readers[r].start();
            }
            Random random = new Random(5);
            long count = 0;
            for (long t = 2; t < 400_000; t += 2) {
                series.append(t, 2.0 * t, Long.MAX_VALUE);
                count++;
                if (random.nextInt(16) == 0) {
                    long late = t - 1 - 2 * random.nextInt(300);
                    if (late > 0 && series.append(late, 2.0 * late, Long.MAX_VALUE) == MemSeries.APPENDED) {
                        count++;
                    }
                }
                if (truncate && random.nextInt(5_000) == 0) {
                    count -= series.truncateBefore(t - 5_000);
                    arena.freeBefore(t - 5_000);
                }
                acked.set(count);
                newestAcked.set(t);
            }
            done.set(true);
            for (Thread r : readers) {
                r.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(series.copy(Long.MIN_VALUE, Long.MAX_VALUE).count()).isEqualTo((int) count);
        }
    }

    /** Any NaN payload is a value a sender may write; none may be mistaken for "no sample here". */
    @Test
    void duplicatesOfAnyNaNPayloadAreFound() {
        double odd = Double.longBitsToDouble(0x7ff8dead00000001L);
        s.append(1_000, odd, Long.MAX_VALUE);
        s.append(2_000, 1, Long.MAX_VALUE);
        assertThat(s.append(1_000, odd, Long.MAX_VALUE)).isEqualTo(MemSeries.DUPLICATE_IGNORED);
        assertThat(s.append(1_000, 5, Long.MAX_VALUE)).isEqualTo(MemSeries.DUPLICATE_TIMESTAMP);
        assertThat(s.count()).isEqualTo(2);
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
            MemSeries series = newSeries();
            TreeMap<Long, Double> model = new TreeMap<>();
            long newest = 0;
            for (int op = 0; op < 1500; op++) {
                int kind = random.nextInt(20);
                if (kind < 12) {
                    newest += 1 + random.nextInt(3);
                    assertThat(series.append(newest, op, 0)).isEqualTo(MemSeries.APPENDED);
                    model.put(newest, (double) op);
                } else if (kind < 17) {
                    // Mostly into the open chunk, sometimes into sealed runs.
                    long t = newest - random.nextInt(random.nextBoolean() ? 50 : 800);
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
                    arena.freeBefore(cut);
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
