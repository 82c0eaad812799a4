package io.sextant.storage.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.io.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalDirObjectStoreTest extends ObjectStoreContractTest {
    Path root;

    @Override
    ObjectStore openStore() {
        root = tmp.resolve("store");
        return LocalDirObjectStore.open(root);
    }

    @Override
    int manyKeys() {
        return 300;
    }

    private List<Path> filesUnderRoot() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .map(root::relativize)
                    .sorted()
                    .toList();
        }
    }

    @Test
    void keysAreFilesUnderTheRootAndPutsLeaveNoTemporaryFiles() throws IOException {
        store.put("t/b1/data", utf8("d"));
        Path file = tmp.resolve("src");
        Files.write(file, utf8("m"));
        store.put("t/b1/meta", file);
        store.put("t/b1/meta", utf8("m2"));

        assertThat(filesUnderRoot()).containsExactly(Path.of("t/b1/data"), Path.of("t/b1/meta"));
        assertThat(Files.readAllBytes(root.resolve("t/b1/meta"))).isEqualTo(utf8("m2"));
    }

    @Test
    void openDeletesTemporaryFilesLeftByACrashAndNeverListsThem() throws IOException {
        store.put("t/b1/data", utf8("complete"));
        Path partial = root.resolve("t/b1/.put-123456.tmp");
        Files.write(partial, utf8("half writ"));
        Path partialTop = root.resolve(".put-99.tmp");
        Files.write(partialTop, utf8("half"));
        assertThat(keys(store.list(""))).containsExactly("t/b1/data");

        store.close();
        store = LocalDirObjectStore.open(root);

        assertThat(partial).doesNotExist();
        assertThat(partialTop).doesNotExist();
        assertThat(keys(store.list(""))).containsExactly("t/b1/data");
        assertThat(store.get("t/b1/data")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("complete")));
    }

    @Test
    void aKeyCannotBeBothAnObjectAndADirectory() {
        store.put("a", utf8("file"));
        assertThatThrownBy(() -> store.put("a/b", utf8("below a file")))
                .isInstanceOfSatisfying(SextantException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA);
                    assertThat(e.getMessage()).contains("\"a/b\"").contains("\"a\"");
                });
        store.put("x/y", utf8("below x"));
        assertThatThrownBy(() -> store.put("x", utf8("over a directory")))
                .isInstanceOfSatisfying(SextantException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA);
                    assertThat(e.getMessage()).contains("\"x\"");
                });
        assertThat(keys(store.list(""))).containsExactly("a", "x/y");
    }

    @Test
    void deletesRemoveDirectoriesTheyEmpty() throws IOException {
        store.put("t/b1/x", utf8("1"));
        store.put("t/b1/y", utf8("2"));
        store.put("t/b2/x", utf8("3"));
        store.delete("t/b1/x");
        assertThat(root.resolve("t/b1")).isDirectory();
        store.delete("t/b1/y");
        assertThat(root.resolve("t/b1")).doesNotExist();
        assertThat(root.resolve("t")).isDirectory();
        store.deletePrefix("t/");
        assertThat(root.resolve("t")).doesNotExist();
        assertThat(root).isDirectory();

        store.put("t", utf8("a key where a directory was"));
        assertThat(store.get("t")).isPresent();
    }

    @Test
    void ioFailuresAreExternalAndNameTheStoreOperationAndKey() throws IOException {
        store.put("t/k", utf8("v"));
        FileTrees.delete(root);
        Files.write(root, utf8("a file where the store's directory was"));

        assertThatThrownBy(() -> store.put("t/k2", utf8("v"))).isInstanceOfSatisfying(SextantException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.EXTERNAL_FAILURE);
            assertThat(e.getMessage()).contains("local:" + root).contains("put t/k2");
        });
        List<Runnable> reads = List.of(
                () -> store.list("t/"), () -> store.get("t/k"), () -> store.download("t/k", tmp.resolve("out")));
        for (Runnable read : reads) {
            assertThatThrownBy(read::run)
                    .as("a vanished root is a failure, not an empty store")
                    .isInstanceOfSatisfying(
                            SextantException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXTERNAL_FAILURE));
        }
    }
}
