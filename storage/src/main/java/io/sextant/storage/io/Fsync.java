package io.sextant.storage.io;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Forces files and directory entries to disk. A created, renamed or deleted entry is durable only once its
 * directory is synced (Linux honours fsync on a directory).
 */
public final class Fsync {
    private Fsync() {}

    public static void file(Path file) throws IOException {
        force(file, StandardOpenOption.WRITE);
    }

    public static void directory(Path dir) throws IOException {
        force(dir, StandardOpenOption.READ);
    }

    /**
     * Only a {@code FileChannel} can fsync a directory, and an interrupt closes it mid-call; the channel is
     * private, so the fsync is retried with the interrupt held back and the interrupt restored afterwards.
     */
    private static void force(Path path, StandardOpenOption mode) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try (FileChannel channel = FileChannel.open(path, mode)) {
                    channel.force(true);
                    return;
                } catch (ClosedByInterruptException e) {
                    interrupted |= Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
