package io.sextant.storage.object;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.io.Fsync;
import io.sextant.storage.telemetry.Telemetry;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local read cache in front of a (remote) store, for cold blocks: {@link #get} and {@link #download} keep what
 * they fetch in a directory (key {@code a/b} as file {@code <dir>/a/b}) and serve it from there while it is
 * cached. The cache holds at most {@code maxBytes}; the least recently used objects are evicted first, and an
 * object larger than the whole budget is passed through uncached.
 *
 * <p>A cache file is written under a dot-name, fsynced, and renamed into place, so a file under a key's name is
 * always complete; dot-named leftovers of a crash are deleted when the cache opens, and the files found then are
 * cached again (oldest first in the LRU order).
 *
 * <p>Consistency: {@link #put}, {@link #delete} and {@link #deletePrefix} drop the affected cache entries once the
 * store has acted (even if it failed, when the object may or may not have changed), and a fetch that overlapped
 * such a write is not cached, so a read that starts after a write returns never sees what the write replaced. This
 * holds for writes through this instance; the store must not be changed behind its back.
 *
 * <p>Metrics: {@code sextant_object_cache_hits_total}, {@code sextant_object_cache_misses_total}, {@code
 * sextant_object_cache_evictions_total} and the gauge {@code sextant_object_cache_bytes}.
 */
public final class CachingObjectStore implements ObjectStore {
    private static final Logger log = LoggerFactory.getLogger(CachingObjectStore.class);

    private final ObjectStore delegate;
    private final Path dir;
    private final long maxBytes;
    private final Telemetry.Counter hits;
    private final Telemetry.Counter misses;
    private final Telemetry.Counter evictions;

    private final Object lock = new Object();
    /** Cached keys and their sizes, least recently used first. Guarded by {@link #lock}. */
    private final LinkedHashMap<String, Long> entries = new LinkedHashMap<>(16, 0.75f, true);
    /** Keys being fetched from the store, so that a write can veto caching what they fetched. Guarded by lock. */
    private final Map<String, Fill> fills = new HashMap<>();
    /** Guarded by {@link #lock}. */
    private long bytes;

    /** The fetches of one key in flight; a write bumps {@code generation}, and a fetch commits only if unchanged. */
    private static final class Fill {
        int fetches;
        long generation;
    }

    private CachingObjectStore(ObjectStore delegate, Path dir, long maxBytes, Telemetry telemetry) {
        this.delegate = delegate;
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.hits =
                telemetry.counter("sextant_object_cache_hits_total", "Object store reads served from the local cache.");
        this.misses =
                telemetry.counter("sextant_object_cache_misses_total", "Object store reads that went to the store.");
        this.evictions = telemetry.counter(
                "sextant_object_cache_evictions_total", "Objects evicted from the local cache to stay in budget.");
        telemetry.gauge("sextant_object_cache_bytes", "Bytes held in the local object cache.", this::cachedBytes);
    }

    /**
     * Opens the cache in {@code dir} (created if needed) in front of {@code delegate}, keeping what a previous run
     * cached.
     */
    public static CachingObjectStore open(ObjectStore delegate, Path dir, long maxBytes, Telemetry telemetry) {
        requireNonNull(delegate, "delegate is null");
        requireNonNull(dir, "dir is null");
        requireNonNull(telemetry, "telemetry is null");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        CachingObjectStore cache =
                new CachingObjectStore(delegate, dir.toAbsolutePath().normalize(), maxBytes, telemetry);
        try {
            Files.createDirectories(cache.dir);
            cache.load();
        } catch (IOException e) {
            throw cache.failure("open", "", e);
        }
        return cache;
    }

    private void load() throws IOException {
        List<ObjectInfo> found = new ArrayList<>();
        List<Path> leftovers = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                return d.equals(dir) || !d.getFileName().toString().startsWith(".")
                        ? FileVisitResult.CONTINUE
                        : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                if (name.startsWith(".")) {
                    if (name.endsWith(LocalDirObjectStore.TMP_SUFFIX)) {
                        leftovers.add(file);
                    }
                } else if (attrs.isRegularFile()) {
                    String key = ObjectKeys.of(dir, file);
                    try {
                        ObjectKeys.requireKey(key);
                        found.add(new ObjectInfo(
                                key, attrs.size(), attrs.lastModifiedTime().toInstant()));
                    } catch (SextantException e) {
                        log.warn("object cache {}: ignoring {}, not a cached object", dir, file);
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path file : leftovers) {
            log.info("object cache {}: deleting {} left by an interrupted fill", dir, file);
            Files.deleteIfExists(file);
        }
        found.sort(Comparator.comparing(ObjectInfo::lastModified));
        synchronized (lock) {
            for (ObjectInfo info : found) {
                entries.put(info.key(), info.size());
                bytes += info.size();
            }
            evictOverBudget();
        }
    }

    @Override
    public void put(String key, Path file) {
        afterWrite(key, () -> delegate.put(key, file));
    }

    @Override
    public void put(String key, byte[] bytes) {
        afterWrite(key, () -> delegate.put(key, bytes));
    }

    @Override
    public Optional<byte[]> get(String key) {
        ObjectKeys.requireKey(key);
        if (touch(key)) {
            try {
                byte[] content = Files.readAllBytes(path(key));
                hits.inc();
                return Optional.of(content);
            } catch (IOException e) {
                dropUnreadable(key, e);
            }
        }
        misses.inc();
        long generation = beginFetch(key);
        try {
            Optional<byte[]> content = delegate.get(key);
            if (content.isPresent() && content.get().length <= maxBytes) {
                keep(key, generation, content.get());
            }
            return content;
        } finally {
            endFetch(key);
        }
    }

    @Override
    public boolean download(String key, Path target) {
        ObjectKeys.requireKey(key);
        requireNonNull(target, "target is null");
        if (touch(key)) {
            Path file = path(key);
            try {
                copyAtomically(file, target);
                hits.inc();
                return true;
            } catch (IOException e) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw failure("download", key + " to " + target, e);
                }
                dropUnreadable(key, e);
            }
        }
        misses.inc();
        long generation = beginFetch(key);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, ".fill-", LocalDirObjectStore.TMP_SUFFIX);
            if (!delegate.download(key, tmp)) {
                return false;
            }
            copyAtomically(tmp, target);
            long size = Files.size(tmp);
            if (size <= maxBytes) {
                Fsync.file(tmp);
                commit(key, generation, tmp, size);
            }
            return true;
        } catch (IOException e) {
            throw failure("download", key + " to " + target, e);
        } finally {
            ObjectKeys.deleteQuietly(tmp);
            endFetch(key);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) {
        afterWrite(key, () -> delegate.delete(key));
    }

    @Override
    public void deletePrefix(String prefix) {
        ObjectKeys.requireNonEmptyPrefix(prefix);
        RuntimeException failure = null;
        try {
            delegate.deletePrefix(prefix);
        } catch (RuntimeException e) {
            failure = e;
        }
        invalidate(prefix, true, failure);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate + " cached in " + dir;
    }

    /** Bytes of the objects now cached. */
    long cachedBytes() {
        synchronized (lock) {
            return bytes;
        }
    }

    /** Whether {@code key} is cached, without counting as a use. */
    boolean isCached(String key) {
        synchronized (lock) {
            return entries.containsKey(key);
        }
    }

    /** Whether {@code key} is cached, making it the most recently used if so. */
    private boolean touch(String key) {
        synchronized (lock) {
            return entries.get(key) != null;
        }
    }

    private void afterWrite(String key, Runnable write) {
        ObjectKeys.requireKey(key);
        RuntimeException failure = null;
        try {
            write.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        invalidate(key, false, failure);
    }

    /**
     * Drops the cache entries of {@code key} (or of every key starting with it) and vetoes fetches in flight, then
     * rethrows the write's {@code failure}, if any. A cache file that cannot be deleted fails the call, as it would
     * be served stale after a restart.
     */
    private void invalidate(String key, boolean isPrefix, RuntimeException failure) {
        IOException stuck = null;
        synchronized (lock) {
            for (Map.Entry<String, Fill> fill : fills.entrySet()) {
                if (isPrefix ? fill.getKey().startsWith(key) : fill.getKey().equals(key)) {
                    fill.getValue().generation++;
                }
            }
            List<String> dropped = new ArrayList<>();
            if (isPrefix) {
                for (String cached : entries.keySet()) {
                    if (cached.startsWith(key)) {
                        dropped.add(cached);
                    }
                }
            } else {
                dropped.add(key);
            }
            for (String k : dropped) {
                Long size = entries.remove(k);
                if (size != null) {
                    bytes -= size;
                }
                try {
                    deleteFile(k);
                } catch (IOException e) {
                    stuck = e;
                }
            }
        }
        if (failure != null) {
            if (stuck != null) {
                failure.addSuppressed(stuck);
            }
            throw failure;
        }
        if (stuck != null) {
            throw failure("invalidate", key, stuck);
        }
    }

    private long beginFetch(String key) {
        synchronized (lock) {
            Fill fill = fills.computeIfAbsent(key, k -> new Fill());
            fill.fetches++;
            return fill.generation;
        }
    }

    private void endFetch(String key) {
        synchronized (lock) {
            Fill fill = fills.get(key);
            if (--fill.fetches == 0) {
                fills.remove(key);
            }
        }
    }

    /** Caches fetched bytes; a failure to do so only costs a later miss. */
    private void keep(String key, long generation, byte[] content) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, ".fill-", LocalDirObjectStore.TMP_SUFFIX);
            Files.write(tmp, content);
            Fsync.file(tmp);
            commit(key, generation, tmp, content.length);
        } catch (IOException e) {
            log.warn("object cache {}: cannot cache {}: {}", dir, key, e.toString());
        } finally {
            ObjectKeys.deleteQuietly(tmp);
        }
    }

    /** Renames a complete, synced temporary file into place, unless a write overlapped its fetch. */
    private void commit(String key, long generation, Path tmp, long size) throws IOException {
        synchronized (lock) {
            if (fills.get(key).generation != generation) {
                return;
            }
            Path file = path(key);
            Files.createDirectories(file.getParent());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Long old = entries.put(key, size);
            bytes += size - (old == null ? 0 : old);
            evictOverBudget();
        }
    }

    /** Called with {@link #lock} held. */
    private void evictOverBudget() {
        Iterator<Map.Entry<String, Long>> eldest = entries.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            Map.Entry<String, Long> entry = eldest.next();
            eldest.remove();
            bytes -= entry.getValue();
            evictions.inc();
            try {
                deleteFile(entry.getKey());
            } catch (IOException e) {
                log.warn("object cache {}: cannot evict {}: {}", dir, entry.getKey(), e.toString());
            }
        }
    }

    /** A cached file that cannot be read is dropped, so that the next read refetches it. */
    private void dropUnreadable(String key, IOException e) {
        if (e instanceof NoSuchFileException) {
            return;
        }
        log.warn("object cache {}: cannot read cached {}, fetching it again: {}", dir, key, e.toString());
        synchronized (lock) {
            Long size = entries.remove(key);
            if (size != null) {
                bytes -= size;
            }
            try {
                deleteFile(key);
            } catch (IOException deleteFailure) {
                log.warn("object cache {}: cannot delete {}: {}", dir, key, deleteFailure.toString());
            }
        }
    }

    /** Deletes a key's cache file and the directories that leaves empty. Called with {@link #lock} held. */
    private void deleteFile(String key) throws IOException {
        Path file = path(key);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            return;
        }
        Path parent = file.getParent();
        while (!parent.equals(dir)) {
            try {
                Files.delete(parent);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            }
            parent = parent.getParent();
        }
    }

    private static void copyAtomically(Path source, Path target) throws IOException {
        Path targetDir = target.toAbsolutePath().getParent();
        Files.createDirectories(targetDir);
        Path tmp = Files.createTempFile(targetDir, ".download-", LocalDirObjectStore.TMP_SUFFIX);
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            ObjectKeys.deleteQuietly(tmp);
        }
    }

    private Path path(String key) {
        return dir.resolve(key);
    }

    private SextantException failure(String op, String what, IOException e) {
        return new SextantException(
                ErrorCode.EXTERNAL_FAILURE, "object cache " + dir + ": " + op + " " + what + " failed: " + e, e);
    }
}
