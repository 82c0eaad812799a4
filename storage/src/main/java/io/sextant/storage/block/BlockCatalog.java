package io.sextant.storage.block;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.io.Fsync;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The block catalog of one tenant: the blocks that exist, as one JSON document ({@code catalog.json}, see
 * FORMAT.md). It is replaced as a whole: written to a temporary file, synced, renamed over the old one, and the
 * directory synced. A reader therefore sees the old catalog or the new one, never a mix, and a block becomes
 * part of the store exactly when the rename is durable.
 *
 * @param format catalog format version
 * @param tenant the tenant, as sent by clients (the directory name is an encoding of it)
 * @param nextId the number the next block id is made from
 * @param blocks the blocks, oldest first
 */
public record BlockCatalog(int format, String tenant, long nextId, List<BlockMeta> blocks) {
    static final String FILE = "catalog.json";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public BlockCatalog {
        requireNonNull(tenant, "tenant is null");
        blocks = List.copyOf(blocks);
    }

    static BlockCatalog empty(String tenant) {
        return new BlockCatalog(FORMAT, tenant, 1, List.of());
    }

    /** The catalog in {@code dir}, or empty when there is none yet. */
    static Optional<BlockCatalog> read(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            BlockCatalog c = JSON.readValue(Files.readAllBytes(file), BlockCatalog.class);
            if (c.format() != FORMAT) {
                throw new SextantException(ErrorCode.INTERNAL, file + ": unknown catalog format " + c.format());
            }
            return Optional.of(c);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SextantException(
                    ErrorCode.INTERNAL, "cannot read block catalog " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the catalog in {@code dir} durably and atomically. */
    void write(Path dir) {
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + BlockStore.TMP_SUFFIX);
        try {
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
            Fsync.file(tmp);
            CrashPoints.reach("catalog.before-rename");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Fsync.directory(dir);
        } catch (IOException e) {
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE, "cannot write block catalog " + file + ": " + e.getMessage(), e);
        }
    }
}
