package io.sextant.storage.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every {@link ObjectStore} must do; subclasses run it against one implementation each. */
abstract class ObjectStoreContractTest {
    @TempDir
    Path tmp;

    ObjectStore store;

    /** A fresh, empty store. */
    abstract ObjectStore openStore() throws Exception;

    /** How many keys the listing test writes: enough to need several list pages where the store pages. */
    abstract int manyKeys();

    @BeforeEach
    void open() throws Exception {
        store = openStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static List<String> keys(List<ObjectInfo> infos) {
        return infos.stream().map(ObjectInfo::key).toList();
    }

    @Test
    void putBytesThenGet() {
        store.put("tenant/b1/meta.json", utf8("{\"v\":1}"));
        assertThat(store.get("tenant/b1/meta.json"))
                .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("{\"v\":1}")));
    }

    @Test
    void binaryContentRoundTripsByteExact() throws IOException {
        byte[] every = new byte[256 * 4];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        store.put("bin/bytes", every);
        Path file = tmp.resolve("in.bin");
        byte[] noise = random(100_003, 7);
        Files.write(file, noise);
        store.put("bin/file", file);

        assertThat(store.get("bin/bytes")).hasValueSatisfying(v -> assertThat(v).isEqualTo(every));
        Path out = tmp.resolve("out/nested/file.bin");
        assertThat(store.download("bin/file", out)).isTrue();
        assertThat(Files.readAllBytes(out)).isEqualTo(noise);
    }

    @Test
    void emptyObject() {
        store.put("empty", new byte[0]);
        assertThat(store.get("empty")).hasValueSatisfying(v -> assertThat(v).isEmpty());
        assertThat(store.list("")).singleElement().satisfies(i -> assertThat(i.size())
                .isZero());
    }

    @Test
    void largeFileRoundTrip() throws IOException {
        Path file = tmp.resolve("large.bin");
        byte[] content = random(20 << 20, 20);
        Files.write(file, content);
        store.put("tenant/large/data.parquet", file);

        assertThat(store.list("tenant/large/")).singleElement().satisfies(i -> assertThat(i.size())
                .isEqualTo(20 << 20));
        Path out = tmp.resolve("large.out");
        assertThat(store.download("tenant/large/data.parquet", out)).isTrue();
        assertThat(Files.mismatch(file, out)).isEqualTo(-1L);
    }

    @Test
    void overwriteReplacesContent() throws IOException {
        store.put("k", utf8("a much longer first version"));
        store.put("k", utf8("short"));
        assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("short")));

        Path file = tmp.resolve("third");
        Files.write(file, utf8("third"));
        store.put("k", file);
        Path out = tmp.resolve("out");
        Files.write(out, utf8("stale content in the target"));
        assertThat(store.download("k", out)).isTrue();
        assertThat(Files.readAllBytes(out)).isEqualTo(utf8("third"));
        assertThat(store.list("")).singleElement().satisfies(i -> assertThat(i.size())
                .isEqualTo(5));
    }

    @Test
    void missingKeyIsAbsentNotAnError() throws IOException {
        store.put("present/x", utf8("x"));
        assertThat(store.get("present/y")).isEmpty();
        assertThat(store.get("absent")).isEmpty();
        assertThat(store.get("present")).as("a prefix of a key is no object").isEmpty();

        Path target = tmp.resolve("target");
        Files.write(target, utf8("kept"));
        assertThat(store.download("absent/key", target)).isFalse();
        assertThat(Files.readAllBytes(target)).isEqualTo(utf8("kept"));
        assertThat(store.download("absent/key", tmp.resolve("never"))).isFalse();
        assertThat(tmp.resolve("never")).doesNotExist();
    }

    @Test
    void listIsSortedWithSizesAndTimes() {
        List<String> keys = new ArrayList<>(List.of("b", "a/2", "a/10", "a/1", "c/x/y", "a-", "B"));
        Collections.shuffle(keys, new Random(3));
        Instant before = Instant.now().minusSeconds(2);
        for (String key : keys) {
            store.put(key, utf8(key + key));
        }
        Instant after = Instant.now().plusSeconds(2);

        List<ObjectInfo> listed = store.list("");
        assertThat(keys(listed)).containsExactly("B", "a-", "a/1", "a/10", "a/2", "b", "c/x/y");
        for (ObjectInfo info : listed) {
            assertThat(info.size()).isEqualTo(2L * info.key().length());
            assertThat(info.lastModified()).isBetween(before, after);
        }
    }

    @Test
    void listOrdersByUtf8Bytes() {
        store.put("k\uFFFD", utf8("1"));
        store.put("k\uD83D\uDE00", utf8("2"));
        store.put("k~", utf8("3"));
        assertThat(keys(store.list("k"))).containsExactly("k~", "k\uFFFD", "k\uD83D\uDE00");
    }

    @Test
    void listByPrefix() {
        for (String key : List.of("a/b/1", "a/b/2", "a/bx/1", "a/c/1", "ab/1", "b")) {
            store.put(key, utf8(key));
        }
        assertThat(keys(store.list("a/"))).containsExactly("a/b/1", "a/b/2", "a/bx/1", "a/c/1");
        assertThat(keys(store.list("a/b/"))).containsExactly("a/b/1", "a/b/2");
        assertThat(keys(store.list("a/b"))).containsExactly("a/b/1", "a/b/2", "a/bx/1");
        assertThat(keys(store.list("a"))).containsExactly("a/b/1", "a/b/2", "a/bx/1", "a/c/1", "ab/1");
        assertThat(keys(store.list("a/b/1"))).containsExactly("a/b/1");
        assertThat(keys(store.list(""))).hasSize(6);
        assertThat(store.list("zzz")).isEmpty();
        assertThat(store.list("a/zzz/")).isEmpty();
    }

    @Test
    void manyKeysAreListedAndDeletedCompletely() throws Exception {
        int n = manyKeys();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(String.format("many/%05d", i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (String key : expected) {
                puts.add(pool.submit(() -> store.put(key, utf8(key))));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        store.put("other", utf8("stays"));

        assertThat(keys(store.list("many/"))).containsExactlyElementsOf(expected);
        store.deletePrefix("many/");
        assertThat(store.list("many/")).isEmpty();
        assertThat(keys(store.list(""))).containsExactly("other");
    }

    @Test
    void deleteIsIdempotent() {
        store.delete("never/there");
        store.put("d/k", utf8("v"));
        store.delete("d/k");
        assertThat(store.get("d/k")).isEmpty();
        assertThat(store.list("")).isEmpty();
        store.delete("d/k");
        store.put("d/k", utf8("again"));
        assertThat(store.get("d/k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("again")));
    }

    @Test
    void deletePrefixRemovesOnlyMatchingKeys() {
        for (String key : List.of("t/b1/x", "t/b1/y", "t/b10/x", "t/b2/x", "u/b1/x")) {
            store.put(key, utf8(key));
        }
        store.deletePrefix("t/b1/");
        assertThat(keys(store.list(""))).containsExactly("t/b10/x", "t/b2/x", "u/b1/x");
        store.deletePrefix("t/b1");
        assertThat(keys(store.list(""))).containsExactly("t/b2/x", "u/b1/x");
        store.deletePrefix("nothing/");
        assertThat(keys(store.list(""))).containsExactly("t/b2/x", "u/b1/x");
    }

    @Test
    void deletePrefixRejectsTheEmptyPrefix() {
        store.put("k", utf8("v"));
        assertThatThrownBy(() -> store.deletePrefix(""))
                .isInstanceOfSatisfying(
                        SextantException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA));
        assertThat(store.get("k")).isPresent();
    }

    static Stream<String> badKeys() {
        return Stream.of(
                "",
                "/abs",
                "a//b",
                "a/",
                "..",
                "../escape",
                "a/../b",
                "a/./b",
                ".hidden",
                "a/.put-x.tmp",
                "back\\slash",
                "nul\u0000byte",
                "new\nline",
                "x".repeat(ObjectKeys.MAX_KEY_BYTES + 1),
                "\u00e9".repeat(ObjectKeys.MAX_KEY_BYTES / 2 + 1),
                "lone\uD800surrogate");
    }

    @ParameterizedTest
    @MethodSource("badKeys")
    void badKeysAreRejectedByEveryOperation(String key) {
        Path file = tmp.resolve("f");
        List<Consumer<String>> ops = List.of(
                k -> store.put(k, utf8("v")),
                k -> store.put(k, file),
                k -> store.get(k),
                k -> store.download(k, tmp.resolve("out")),
                k -> store.delete(k));
        for (Consumer<String> op : ops) {
            assertThatThrownBy(() -> op.accept(key)).isInstanceOfSatisfying(SextantException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA);
                assertThat(e.getMessage()).startsWith("invalid object key ");
                if (key.length() < 20 && key.chars().allMatch(c -> c >= 0x20 && c != '\\')) {
                    assertThat(e.getMessage()).contains("\"" + key + "\"");
                }
            });
        }
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void badPrefixesAreRejected() {
        for (String prefix : List.of("/a", "a//", "a/../", "./", "a\u0001")) {
            assertThatThrownBy(() -> store.list(prefix))
                    .isInstanceOfSatisfying(
                            SextantException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA));
            assertThatThrownBy(() -> store.deletePrefix(prefix))
                    .isInstanceOfSatisfying(
                            SextantException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA));
        }
    }

    @Test
    void unusualButValidKeys() {
        List<String> keys =
                List.of("sp ace/tab-less", "ünïcødé/ключ", "emoji/\uD83D\uDE00", "sym/!$&'()*+,;=@:%", "x".repeat(255));
        for (String key : keys) {
            store.put(key, utf8(key));
        }
        for (String key : keys) {
            assertThat(store.get(key)).as(key).hasValueSatisfying(v -> assertThat(v)
                    .isEqualTo(utf8(key)));
        }
        assertThat(keys(store.list(""))).containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void putOfAMissingFileIsRejected() {
        assertThatThrownBy(() -> store.put("k", tmp.resolve("missing")))
                .isInstanceOfSatisfying(SextantException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA);
                    assertThat(e.getMessage()).contains("\"k\"").contains("missing");
                });
        assertThat(store.get("k")).isEqualTo(Optional.empty());
    }
}
