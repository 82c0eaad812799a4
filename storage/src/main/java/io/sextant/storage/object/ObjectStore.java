package io.sextant.storage.object;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the cold tier keeps its blocks: a flat namespace of immutable-looking objects addressed by key, backed by
 * a local directory ({@link LocalDirObjectStore}) or an S3-compatible service ({@link S3ObjectStore}).
 *
 * <p><b>Keys</b> are '/'-separated paths of 1 to 1024 UTF-8 bytes: no leading '/', no empty segment (so no
 * trailing '/' either), no segment starting with '.' (this rules out "." and ".." and leaves dot-names free for a
 * store's temporary files), no backslash, no control character. Every store accepts exactly these keys, so data
 * can move between stores. A key must not also be a directory-like prefix of another key ("a" and "a/b"): a
 * local directory cannot hold both, and {@link LocalDirObjectStore} rejects the second with {@link
 * ErrorCode#BAD_DATA}.
 *
 * <p><b>Errors</b>: an invalid key or prefix is a {@link SextantException} with {@link ErrorCode#BAD_DATA} naming
 * it; a failing store (disk, network, service) is a {@link SextantException} with {@link
 * ErrorCode#EXTERNAL_FAILURE} whose message names the store, the operation and the key. An absent object is not an
 * error: {@link #get} returns empty and {@link #download} returns false, so callers can tell "not there" from "could
 * not ask".
 *
 * <p><b>Visibility</b>: a reader sees an object either absent or complete, never partly written, and after
 * {@link #put} returns every reader of this store sees the new content. Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {
    /** Stores the content of {@code file} under {@code key}, replacing any object there. */
    void put(String key, Path file);

    /** Stores {@code bytes} under {@code key}, replacing any object there. */
    void put(String key, byte[] bytes);

    /** The object's content, or empty when there is no object under {@code key}. Meant for small objects. */
    Optional<byte[]> get(String key);

    /**
     * Writes the object's content to {@code target} (replacing it; missing parent directories are created) and
     * returns true, or returns false and leaves {@code target} untouched when there is no object under {@code key}.
     * {@code target} appears complete or not at all; it is not fsynced.
     */
    boolean download(String key, Path target);

    /**
     * The objects whose key starts with {@code prefix} ({@code ""} for all), sorted by key in UTF-8 byte order as
     * S3 lists them, however many requests that takes. A prefix need not end at a segment boundary.
     */
    List<ObjectInfo> list(String prefix);

    /** Removes the object under {@code key}; removing an absent object does nothing. */
    void delete(String key);

    /**
     * Removes every object whose key starts with {@code prefix}. Not atomic: a failure can leave some of them.
     * The empty prefix is rejected, as deleting the whole store is never what a caller means.
     */
    void deletePrefix(String prefix);

    /** Releases connections and threads; no I/O errors are thrown. */
    @Override
    void close();
}
