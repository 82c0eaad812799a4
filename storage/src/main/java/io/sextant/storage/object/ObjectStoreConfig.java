package io.sextant.storage.object;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which object store the cold tier writes to, and how it is cached and retried. Errors name the configuration key
 * ({@code object-store.*}) at fault.
 *
 * @param type {@link Type#LOCAL} (the default) or {@link Type#S3}
 * @param localDir with {@link Type#LOCAL}, the store's directory; null otherwise
 * @param s3 with {@link Type#S3}, the bucket and how to reach it; null otherwise
 * @param cacheDir directory of the local read cache; null for no cache
 * @param cacheMaxBytes with a cache, the most bytes it holds
 * @param retry how failed operations are retried
 */
public record ObjectStoreConfig(
        Type type, Path localDir, S3Settings s3, Path cacheDir, long cacheMaxBytes, RetryPolicy retry) {

    /** The kinds of store, by their configuration names. */
    public enum Type {
        LOCAL,
        S3;

        /** The configuration name: {@code local} or {@code s3}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Type parse(String value) {
            requireNonNull(value, "value is null");
            for (Type t : values()) {
                if (t.configName().equals(value)) {
                    return t;
                }
            }
            throw invalid("object-store.type must be local or s3, got \"" + value + "\"");
        }
    }

    public ObjectStoreConfig {
        requireNonNull(type, "type is null");
        requireNonNull(retry, "retry is null");
        switch (type) {
            case LOCAL -> {
                if (localDir == null) {
                    throw invalid("object-store.local.dir is required when object-store.type is local");
                }
            }
            case S3 -> {
                if (s3 == null) {
                    throw invalid("object-store.s3.bucket is required when object-store.type is s3");
                }
            }
        }
        if (cacheDir != null) {
            if (cacheMaxBytes <= 0) {
                throw invalid("object-store.cache.max-size must be positive when object-store.cache.dir is set, got "
                        + cacheMaxBytes);
            }
            if (type == Type.LOCAL && overlaps(cacheDir, localDir)) {
                throw invalid("object-store.cache.dir (" + cacheDir + ") must not overlap object-store.local.dir ("
                        + localDir + "): evicting from the cache would delete stored objects");
            }
        }
    }

    /** A local store in {@code dir}, uncached, with the default retries. */
    public static ObjectStoreConfig local(Path dir) {
        return new ObjectStoreConfig(Type.LOCAL, dir, null, null, 0, RetryPolicy.defaults());
    }

    /** An S3-compatible store, uncached, with the default retries. */
    public static ObjectStoreConfig s3(S3Settings s3) {
        return new ObjectStoreConfig(Type.S3, null, s3, null, 0, RetryPolicy.defaults());
    }

    public ObjectStoreConfig withCache(Path dir, long maxBytes) {
        return new ObjectStoreConfig(type, localDir, s3, dir, maxBytes, retry);
    }

    public ObjectStoreConfig withRetry(RetryPolicy policy) {
        return new ObjectStoreConfig(type, localDir, s3, cacheDir, cacheMaxBytes, policy);
    }

    private static boolean overlaps(Path a, Path b) {
        Path x = a.toAbsolutePath().normalize();
        Path y = b.toAbsolutePath().normalize();
        return x.startsWith(y) || y.startsWith(x);
    }

    private static SextantException invalid(String message) {
        return new SextantException(ErrorCode.BAD_DATA, message);
    }
}
