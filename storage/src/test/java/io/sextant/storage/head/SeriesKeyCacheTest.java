package io.sextant.storage.head;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SeriesKeyCacheTest {
    private static byte[] key(int i) {
        return ("\n\u0008__name__\u0012\u0004up" + i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putGetAcrossResizes() {
        SeriesKeyCache cache = new SeriesKeyCache();
        for (int i = 0; i < 10_000; i++) {
            byte[] k = key(i);
            cache.put(k, 0, k.length, i % 7, i); // weak hashes force collisions
        }
        for (int i = 0; i < 10_000; i++) {
            byte[] k = key(i);
            assertThat(cache.get(k, 0, k.length, i % 7)).isEqualTo(i);
        }
        byte[] unknown = key(20_000);
        assertThat(cache.get(unknown, 0, unknown.length, 3)).isEqualTo(-1);
    }

    @Test
    void keysAcrossManyPagesAndLongerThanAPage() {
        SeriesKeyCache cache = new SeriesKeyCache();
        byte[] huge = new byte[3 << 20];
        new java.util.Random(1).nextBytes(huge);
        for (int i = 0; i < 40_000; i++) {
            byte[] k = key(i);
            cache.put(k, 0, k.length, i, i);
            if (i == 20_000) {
                cache.put(huge, 0, huge.length, -5, 123_456);
            }
        }
        for (int i = 0; i < 40_000; i += 7) {
            byte[] k = key(i);
            assertThat(cache.get(k, 0, k.length, i)).isEqualTo(i);
        }
        assertThat(cache.get(huge, 0, huge.length, -5)).isEqualTo(123_456);
        huge[huge.length - 1]++;
        assertThat(cache.get(huge, 0, huge.length, -5)).isEqualTo(-1);
    }

    @Test
    void lookupInsideLargerBuffer() {
        SeriesKeyCache cache = new SeriesKeyCache();
        byte[] k = key(1);
        byte[] big = new byte[k.length + 10];
        System.arraycopy(k, 0, big, 5, k.length);
        cache.put(big, 5, k.length, 99, 42);
        assertThat(cache.get(k, 0, k.length, 99)).isEqualTo(42);
        assertThat(cache.get(k, 0, k.length - 1, 99)).isEqualTo(-1);
    }

    @Test
    void concurrentReadersSeeOnlyCorrectRefs() throws Exception {
        SeriesKeyCache cache = new SeriesKeyCache();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                for (int i = 0; i < 2000; i++) {
                    byte[] k = key(i);
                    int ref = cache.get(k, 0, k.length, i);
                    if (ref != -1 && ref != i) {
                        failure.set("key " + i + " resolved to " + ref);
                    }
                }
            }
        });
        reader.start();
        for (int i = 0; i < 50_000; i++) {
            byte[] k = key(i);
            cache.put(k, 0, k.length, i, i);
        }
        stop.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
    }
}
