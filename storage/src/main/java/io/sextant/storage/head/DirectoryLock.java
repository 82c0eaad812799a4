package io.sextant.storage.head;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <dataDir>/LOCK}, so two processes never write the same WAL. The kernel
 * drops it when the process dies, so a kill -9 never leaves a stale lock behind.
 */
final class DirectoryLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DirectoryLock acquire(Path dataDir) {
        Path file = dataDir.resolve("LOCK");
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new OverlappingFileLockException();
            }
            return new DirectoryLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new SextantException(
                    ErrorCode.UNAVAILABLE, "data directory " + dataDir + " is in use by another Sextant process");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE, "cannot lock data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the original error is the one to report
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE, "cannot release data directory lock: " + e.getMessage(), e);
        }
    }
}
