package io.sextant.storage.object;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One listed object.
 *
 * @param key the object's key, as given to {@link ObjectStore#put}
 * @param size content length in bytes
 * @param lastModified when the current content was stored, as the store reports it
 */
public record ObjectInfo(String key, long size, Instant lastModified) {
    public ObjectInfo {
        requireNonNull(key, "key is null");
        requireNonNull(lastModified, "lastModified is null");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }
}
