package io.sextant.storage.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Deletes directory trees (WAL checkpoints, blocks) and reports the bytes freed. */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes {@code root} and everything below it; a missing root frees 0 bytes. */
    public static long delete(Path root) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (NoSuchFileException e) {
            return 0;
        }
        long bytes = 0;
        for (Path path : paths) {
            if (Files.isRegularFile(path)) {
                bytes += Files.size(path);
            }
            Files.deleteIfExists(path);
        }
        return bytes;
    }
}
