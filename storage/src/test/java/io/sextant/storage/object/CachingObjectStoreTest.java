package io.sextant.storage.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.telemetry.Telemetry;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingObjectStoreTest {
    @TempDir
    Path tmp;

    Path cacheDir;
    Telemetry telemetry;
    FlakyObjectStore remote;
    CachingObjectStore cache;

    @BeforeEach
    void open() {
        cacheDir = tmp.resolve("cache");
        telemetry = new Telemetry();
        remote = new FlakyObjectStore(LocalDirObjectStore.open(tmp.resolve("remote")), 0);
        cache = CachingObjectStore.open(remote, cacheDir, 300, telemetry);
    }

    @AfterEach
    void close() {
        cache.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] sized(int size, char c) {
        return String.valueOf(c).repeat(size).getBytes(StandardCharsets.US_ASCII);
    }

    long hits() {
        return telemetry.counter("sextant_object_cache_hits_total", "").get();
    }

    long misses() {
        return telemetry.counter("sextant_object_cache_misses_total", "").get();
    }

    long evictions() {
        return telemetry.counter("sextant_object_cache_evictions_total", "").get();
    }

    /** The gauge as a scrape renders it. */
    long bytesGauge() throws IOException {
        StringWriter out = new StringWriter();
        telemetry.writeText(out);
        return out.toString()
                .lines()
                .filter(l -> l.startsWith("sextant_object_cache_bytes "))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(' ') + 1)))
                .findFirst()
                .orElseThrow();
    }

    List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .map(dir::relativize)
                    .sorted()
                    .toList();
        }
    }

    @Test
    void aSecondReadIsAHitThatNeverReachesTheStore() throws IOException {
        remote.put("t/b1/data", utf8("block"));
        int before = remote.calls.get();

        assertThat(cache.get("t/b1/data")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("block")));
        assertThat(cache.get("t/b1/data")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("block")));
        Path out = tmp.resolve("out/data");
        assertThat(cache.download("t/b1/data", out)).isTrue();
        assertThat(Files.readAllBytes(out)).isEqualTo(utf8("block"));

        assertThat(remote.calls.get() - before).isEqualTo(1);
        assertThat(misses()).isEqualTo(1);
        assertThat(hits()).isEqualTo(2);
        assertThat(bytesGauge()).isEqualTo(5);
        assertThat(filesIn(cacheDir)).containsExactly(Path.of("t/b1/data"));
    }

    @Test
    void downloadsFillTheCacheToo() throws IOException {
        remote.put("t/b2/data", sized(120, 'd'));
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");
        assertThat(cache.download("t/b2/data", first)).isTrue();
        assertThat(cache.download("t/b2/data", second)).isTrue();
        assertThat(cache.get("t/b2/data")).hasValueSatisfying(v -> assertThat(v).isEqualTo(sized(120, 'd')));

        assertThat(Files.readAllBytes(first)).isEqualTo(sized(120, 'd'));
        assertThat(Files.readAllBytes(second)).isEqualTo(sized(120, 'd'));
        assertThat(misses()).isEqualTo(1);
        assertThat(hits()).isEqualTo(2);
        assertThat(filesIn(cacheDir)).containsExactly(Path.of("t/b2/data"));
    }

    @Test
    void absentObjectsAreMissesAndCacheNothing() throws IOException {
        assertThat(cache.get("nope")).isEmpty();
        assertThat(cache.download("nope", tmp.resolve("nope"))).isFalse();
        assertThat(cache.get("nope")).isEmpty();
        assertThat(misses()).isEqualTo(3);
        assertThat(hits()).isZero();
        assertThat(filesIn(cacheDir)).isEmpty();
        assertThat(tmp.resolve("nope")).doesNotExist();
    }

    @Test
    void theLeastRecentlyUsedObjectsAreEvictedToStayInBudget() throws IOException {
        for (char c : "abcd".toCharArray()) {
            remote.put("k/" + c, sized(100, c));
        }
        cache.get("k/a");
        cache.get("k/b");
        cache.get("k/c");
        assertThat(cache.get("k/a")).as("a is now the most recently used").isPresent();
        assertThat(hits()).isEqualTo(1);

        cache.get("k/d");
        assertThat(evictions()).isEqualTo(1);
        assertThat(cache.isCached("k/b")).as("b was least recently used").isFalse();
        assertThat(cache.isCached("k/a")).isTrue();
        assertThat(cache.isCached("k/c")).isTrue();
        assertThat(cache.isCached("k/d")).isTrue();
        assertThat(bytesGauge()).isEqualTo(300);
        assertThat(filesIn(cacheDir)).containsExactly(Path.of("k/a"), Path.of("k/c"), Path.of("k/d"));

        long missesBefore = misses();
        assertThat(cache.get("k/b")).hasValueSatisfying(v -> assertThat(v).isEqualTo(sized(100, 'b')));
        assertThat(misses()).isEqualTo(missesBefore + 1);
        assertThat(cache.isCached("k/c")).as("c was least recently used then").isFalse();
        assertThat(cache.cachedBytes()).isEqualTo(300);
    }

    @Test
    void objectsLargerThanTheBudgetPassThroughUncached() throws IOException {
        remote.put("big", sized(301, 'x'));
        remote.put("small", sized(10, 's'));
        cache.get("small");
        assertThat(cache.get("big")).hasValueSatisfying(v -> assertThat(v).hasSize(301));
        Path out = tmp.resolve("big.out");
        assertThat(cache.download("big", out)).isTrue();
        assertThat(Files.size(out)).isEqualTo(301);

        assertThat(cache.isCached("big")).isFalse();
        assertThat(cache.isCached("small")).as("nothing was evicted for it").isTrue();
        assertThat(evictions()).isZero();
        assertThat(filesIn(cacheDir)).containsExactly(Path.of("small"));
    }

    @Test
    void noStaleReadAfterOverwriteOrDelete() throws IOException {
        cache.put("t/b/meta", utf8("v1"));
        assertThat(cache.get("t/b/meta")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("v1")));
        assertThat(cache.isCached("t/b/meta")).isTrue();

        cache.put("t/b/meta", utf8("v2"));
        assertThat(cache.isCached("t/b/meta")).isFalse();
        assertThat(cache.get("t/b/meta")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("v2")));

        Path file = tmp.resolve("v3");
        Files.write(file, utf8("v3"));
        cache.put("t/b/meta", file);
        Path out = tmp.resolve("out");
        assertThat(cache.download("t/b/meta", out)).isTrue();
        assertThat(Files.readAllBytes(out)).isEqualTo(utf8("v3"));

        cache.delete("t/b/meta");
        assertThat(cache.get("t/b/meta")).isEmpty();
        assertThat(cache.download("t/b/meta", tmp.resolve("gone"))).isFalse();
        assertThat(filesIn(cacheDir)).isEmpty();
        assertThat(cache.cachedBytes()).isZero();
    }

    @Test
    void deletePrefixDropsEveryCachedKeyBelowIt() throws IOException {
        for (String key : List.of("t/b1/x", "t/b1/y", "t/b10/x", "u/b1/x")) {
            cache.put(key, utf8(key));
            cache.get(key);
        }
        cache.deletePrefix("t/b1/");
        assertThat(cache.get("t/b1/x")).isEmpty();
        assertThat(cache.get("t/b1/y")).isEmpty();
        assertThat(cache.isCached("t/b10/x")).isTrue();
        assertThat(cache.isCached("u/b1/x")).isTrue();
        assertThat(filesIn(cacheDir)).containsExactly(Path.of("t/b10/x"), Path.of("u/b1/x"));
    }

    @Test
    void aFailedWriteStillDropsTheCachedCopy() {
        cache.put("k", utf8("v1"));
        cache.get("k");
        remote.failNext(1);
        assertThatThrownBy(() -> cache.put("k", utf8("v2")))
                .isInstanceOfSatisfying(
                        SextantException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXTERNAL_FAILURE));
        assertThat(cache.isCached("k")).isFalse();
        assertThat(cache.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("v1")));
    }

    @Test
    void aFetchOverlappingAnOverwriteIsNotCached() throws Exception {
        ObjectStore base = LocalDirObjectStore.open(tmp.resolve("slow-remote"));
        CountDownLatch fetched = new CountDownLatch(1);
        CountDownLatch overwritten = new CountDownLatch(1);
        ObjectStore pausing = new ForwardingObjectStore(base) {
            @Override
            public Optional<byte[]> get(String key) {
                Optional<byte[]> v = super.get(key);
                fetched.countDown();
                await(overwritten);
                return v;
            }
        };
        try (CachingObjectStore c = CachingObjectStore.open(pausing, tmp.resolve("cache2"), 1000, new Telemetry())) {
            base.put("k", utf8("old"));
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                Future<Optional<byte[]>> staleRead = reader.submit(() -> c.get("k"));
                assertThat(fetched.await(10, TimeUnit.SECONDS)).isTrue();
                c.put("k", utf8("new"));
                overwritten.countDown();
                assertThat(staleRead.get(10, TimeUnit.SECONDS))
                        .as("the overlapping read may return either")
                        .isPresent();
            } finally {
                reader.shutdownNow();
            }
            assertThat(c.isCached("k")).as("what the overlapping read fetched").isFalse();
            assertThat(Files.exists(tmp.resolve("cache2/k"))).isFalse();
            overwrittenOnce(c);
        }
    }

    @Test
    void crashLeftoversAreIgnoredAndCleanedWhileCompleteFilesAreKept() throws IOException {
        remote.put("t/b1/data", sized(50, 'c'));
        cache.get("t/b1/data");
        cache.close();

        Path halfWritten = cacheDir.resolve(".fill-4711.tmp");
        Files.write(halfWritten, sized(20, 'h'));
        Path halfDownloaded = cacheDir.resolve("t/b1/.download-42.tmp");
        Files.write(halfDownloaded, sized(20, 'h'));

        Telemetry fresh = new Telemetry();
        telemetry = fresh;
        cache = CachingObjectStore.open(remote, cacheDir, 300, fresh);

        assertThat(halfWritten).doesNotExist();
        assertThat(halfDownloaded).doesNotExist();
        assertThat(cache.cachedBytes()).isEqualTo(50);
        assertThat(bytesGauge()).isEqualTo(50);
        int before = remote.calls.get();
        assertThat(cache.get("t/b1/data")).hasValueSatisfying(v -> assertThat(v).isEqualTo(sized(50, 'c')));
        assertThat(remote.calls.get())
                .as("served from the cache kept across the restart")
                .isEqualTo(before);
        assertThat(hits()).isEqualTo(1);
    }

    @Test
    void reopeningOverBudgetEvicts() throws IOException {
        for (char c : "abc".toCharArray()) {
            remote.put("k/" + c, sized(100, c));
            cache.get("k/" + c);
        }
        cache.close();
        cache = CachingObjectStore.open(remote, cacheDir, 150, new Telemetry());
        assertThat(cache.cachedBytes()).isLessThanOrEqualTo(150);
        assertThat(filesIn(cacheDir)).hasSize(1);
    }

    @Test
    void listAndBadKeysGoStraightThrough() {
        cache.put("a/1", utf8("1"));
        assertThat(cache.list("a/")).extracting(ObjectInfo::key).containsExactly("a/1");
        assertThatThrownBy(() -> cache.get("a/../b"))
                .isInstanceOfSatisfying(
                        SextantException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA));
        assertThatThrownBy(() -> cache.deletePrefix(""))
                .isInstanceOfSatisfying(
                        SextantException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA));
    }

    /** After the overlap, reads see the new content and cache it. */
    private static void overwrittenOnce(CachingObjectStore c) {
        assertThat(c.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("new")));
        assertThat(c.isCached("k")).isTrue();
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
