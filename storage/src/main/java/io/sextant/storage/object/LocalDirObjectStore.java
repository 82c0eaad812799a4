package io.sextant.storage.object;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.io.Fsync;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default object store: key {@code a/b/c} is the file {@code <root>/a/b/c}. A put writes a dot-named temporary
 * file beside the target, fsyncs it, renames it over the target and fsyncs the directory, so a reader or a crash
 * sees the old object or the new one, never a mix. Directories emptied by deletes are removed, so that a key can
 * later become a file where a directory was.
 */
public final class LocalDirObjectStore implements ObjectStore {
    private static final Logger log = LoggerFactory.getLogger(LocalDirObjectStore.class);
    static final String TMP_SUFFIX = ".tmp";

    private final Path root;
    private final String name;
    /**
     * Held while directories are created together with a put's temporary file, and while empty directories are
     * removed: a directory holding a temporary file is never empty, so a concurrent delete cannot remove it from
     * under a put.
     */
    private final Object dirLock = new Object();

    private LocalDirObjectStore(Path root) {
        this.root = root;
        this.name = "local:" + root;
    }

    /**
     * Opens the store in {@code root}, creating it if needed, and deletes temporary files a crash left (an
     * interrupted put never became visible, so nothing is lost).
     */
    public static LocalDirObjectStore open(Path root) {
        requireNonNull(root, "root is null");
        LocalDirObjectStore store =
                new LocalDirObjectStore(root.toAbsolutePath().normalize());
        try {
            Files.createDirectories(store.root);
            store.removeLeftovers();
        } catch (IOException e) {
            throw store.failure("open", "", e);
        }
        return store;
    }

    private void removeLeftovers() throws IOException {
        List<Path> leftovers = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (isTemporary(file)) {
                    leftovers.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path file : leftovers) {
            log.warn("object store {}: deleting {} left by an interrupted write", name, file);
            Files.deleteIfExists(file);
        }
    }

    private static boolean isTemporary(Path file) {
        String n = file.getFileName().toString();
        return n.startsWith(".") && n.endsWith(TMP_SUFFIX);
    }

    @Override
    public void put(String key, Path file) {
        ObjectKeys.requireUploadable(key, file);
        write(key, tmp -> Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING));
    }

    @Override
    public void put(String key, byte[] bytes) {
        ObjectKeys.requireKey(key);
        requireNonNull(bytes, "bytes is null");
        write(key, tmp -> Files.write(tmp, bytes));
    }

    private interface Filler {
        void fill(Path tmp) throws IOException;
    }

    private void write(String key, Filler filler) {
        Path target = path(key);
        Path dir = target.getParent();
        Path tmp = null;
        try {
            synchronized (dirLock) {
                createParents(key, dir);
                tmp = Files.createTempFile(dir, ".put-", TMP_SUFFIX);
            }
            filler.fill(tmp);
            Fsync.file(tmp);
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new SextantException(
                        ErrorCode.BAD_DATA,
                        "cannot put object " + ObjectKeys.quote(key) + ": objects exist below " + key + "/");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            Fsync.directory(dir);
        } catch (IOException e) {
            throw failure("put", key, e);
        } finally {
            ObjectKeys.deleteQuietly(tmp);
        }
    }

    /**
     * Creates the missing directories between the root and {@code dir}, each made durable by syncing its parent.
     */
    private void createParents(String key, Path dir) throws IOException {
        Path current = root;
        for (Path segment : root.relativize(dir)) {
            current = current.resolve(segment);
            if (Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                throw new SextantException(
                        ErrorCode.BAD_DATA,
                        "cannot put object " + ObjectKeys.quote(key) + ": object "
                                + ObjectKeys.quote(ObjectKeys.of(root, current)) + " exists");
            }
            Files.createDirectory(current);
            Fsync.directory(current.getParent());
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        Path file = path(ObjectKeys.requireKey(key));
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException e) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                requireRoot("get", key);
                return Optional.empty();
            }
            throw failure("get", key, e);
        }
    }

    @Override
    public boolean download(String key, Path target) {
        Path file = path(ObjectKeys.requireKey(key));
        requireNonNull(target, "target is null");
        Path tmp = null;
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".download-", TMP_SUFFIX);
            try {
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    requireRoot("download", key);
                    return false;
                }
                throw e;
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            return true;
        } catch (IOException e) {
            throw failure("download", key + " to " + target, e);
        } finally {
            ObjectKeys.deleteQuietly(tmp);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        ObjectKeys.requirePrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        Path base = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        List<ObjectInfo> out = new ArrayList<>();
        if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            requireRoot("list", prefix);
            return out;
        }
        try {
            Files.walkFileTree(base, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(base)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String dirKey = ObjectKeys.of(root, dir) + "/";
                    boolean mayMatch = dirKey.startsWith(prefix) || prefix.startsWith(dirKey);
                    return mayMatch && !dir.getFileName().toString().startsWith(".")
                            ? FileVisitResult.CONTINUE
                            : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(".")) {
                        String key = ObjectKeys.of(root, file);
                        if (key.startsWith(prefix)) {
                            out.add(new ObjectInfo(
                                    key, attrs.size(), attrs.lastModifiedTime().toInstant()));
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw failure("list", prefix, e);
        }
        out.sort(Comparator.comparing(ObjectInfo::key, ObjectKeys.ORDER));
        return out;
    }

    @Override
    public void delete(String key) {
        Path file = path(ObjectKeys.requireKey(key));
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            if (Files.deleteIfExists(file)) {
                Fsync.directory(file.getParent());
                removeEmptyParents(file.getParent());
            }
        } catch (IOException e) {
            throw failure("delete", key, e);
        }
    }

    private void removeEmptyParents(Path dir) throws IOException {
        synchronized (dirLock) {
            Path current = dir;
            while (!current.equals(root)) {
                try {
                    Files.delete(current);
                } catch (DirectoryNotEmptyException e) {
                    return;
                } catch (NoSuchFileException e) {
                    current = current.getParent();
                    continue;
                }
                Fsync.directory(current.getParent());
                current = current.getParent();
            }
        }
    }

    @Override
    public void deletePrefix(String prefix) {
        ObjectKeys.requireNonEmptyPrefix(prefix);
        for (ObjectInfo info : list(prefix)) {
            delete(info.key());
        }
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return name;
    }

    /**
     * An absent object is only reported as absent while the root exists: a vanished root (an unmounted volume) is
     * a failure of the store, not an empty store.
     */
    private void requireRoot(String op, String what) {
        if (!Files.isDirectory(root)) {
            throw failure(op, what, new NotDirectoryException(root.toString()));
        }
    }

    private Path path(String key) {
        return root.resolve(key);
    }

    private SextantException failure(String op, String what, IOException e) {
        return new SextantException(
                ErrorCode.EXTERNAL_FAILURE, "object store " + name + ": " + op + " " + what + " failed: " + e, e);
    }
}
