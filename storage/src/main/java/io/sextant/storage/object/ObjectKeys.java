package io.sextant.storage.object;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.slf4j.LoggerFactory;

/** The key rules every {@link ObjectStore} enforces (see there), and S3's listing order. */
final class ObjectKeys {
    static final int MAX_KEY_BYTES = 1024;

    /**
     * UTF-8 byte order, which S3 lists in: comparing code points gives the same order, while {@link
     * String#compareTo} would sort supplementary characters below U+E000..U+FFFF.
     */
    static final Comparator<String> ORDER = ObjectKeys::compareCodePoints;

    private ObjectKeys() {}

    static String requireKey(String key) {
        requireNonNull(key, "key is null");
        String problem = keyProblem(key);
        if (problem != null) {
            throw new SextantException(ErrorCode.BAD_DATA, "invalid object key " + quote(key) + ": " + problem);
        }
        return key;
    }

    /** A prefix is empty or a valid key, optionally followed by one '/'. */
    static String requirePrefix(String prefix) {
        requireNonNull(prefix, "prefix is null");
        if (prefix.isEmpty()) {
            return prefix;
        }
        String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        String problem = keyProblem(body);
        if (problem != null) {
            throw new SextantException(
                    ErrorCode.BAD_DATA, "invalid object key prefix " + quote(prefix) + ": " + problem);
        }
        return prefix;
    }

    static String requireNonEmptyPrefix(String prefix) {
        requireNonNull(prefix, "prefix is null");
        if (prefix.isEmpty()) {
            throw new SextantException(
                    ErrorCode.BAD_DATA, "invalid object key prefix \"\": deleting every object is not allowed");
        }
        return requirePrefix(prefix);
    }

    private static String keyProblem(String key) {
        if (key.isEmpty()) {
            return "empty";
        }
        if (key.charAt(0) == '/') {
            return "starts with '/'";
        }
        int segmentStart = 0;
        for (int i = 0; i <= key.length(); i++) {
            if (i == key.length() || key.charAt(i) == '/') {
                if (i == segmentStart) {
                    return "empty segment";
                }
                if (key.charAt(segmentStart) == '.') {
                    return "segment starts with '.'";
                }
                segmentStart = i + 1;
                continue;
            }
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "control character";
            }
            if (c == '\\') {
                return "backslash";
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c)
                        && i + 1 < key.length()
                        && Character.isLowSurrogate(key.charAt(i + 1));
                if (!paired) {
                    return "unpaired surrogate";
                }
                i++;
            }
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return "longer than " + MAX_KEY_BYTES + " UTF-8 bytes";
        }
        return null;
    }

    /** The key in quotes, control characters escaped so that a message stays on one readable line. */
    static String quote(String key) {
        StringBuilder sb = new StringBuilder(key.length() + 2).append('"');
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** The key of {@code file} below a local store's {@code root}: its path segments joined by '/'. */
    static String of(Path root, Path file) {
        StringBuilder sb = new StringBuilder();
        for (Path segment : root.relativize(file)) {
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(segment);
        }
        return sb.toString();
    }

    /** Deletes a temporary file a failed or finished write left; a failure is only logged. */
    static void deleteQuietly(Path tmp) {
        if (tmp == null) {
            return;
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            LoggerFactory.getLogger(ObjectKeys.class).warn("cannot delete temporary file {}: {}", tmp, e.toString());
        }
    }

    /** Checks the key and that {@code file} is a regular file to upload, naming the key when it is not. */
    static void requireUploadable(String key, Path file) {
        requireKey(key);
        requireNonNull(file, "file is null");
        if (!Files.isRegularFile(file)) {
            throw new SextantException(
                    ErrorCode.BAD_DATA, "cannot put object " + quote(key) + ": " + file + " is not a file");
        }
    }
}
