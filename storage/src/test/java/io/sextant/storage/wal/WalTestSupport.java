package io.sextant.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.telemetry.Telemetry;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Helpers shared by the WAL tests. */
final class WalTestSupport {
    static final long BIG_SEGMENTS = 64L << 20;

    private WalTestSupport() {}

    static WalOptions fsyncOptions(Path dir, long segmentBytes) {
        return new WalOptions(dir, WalOptions.SyncPolicy.FSYNC, Duration.ofSeconds(1), segmentBytes);
    }

    /** A replayed record, payload copied. */
    record Rec(byte type, byte[] payload, boolean fromCheckpoint) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Rec r
                    && r.type == type
                    && r.fromCheckpoint == fromCheckpoint
                    && Arrays.equals(r.payload, payload);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(payload) + type;
        }

        @Override
        public String toString() {
            return "Rec[type=" + type + ", " + payload.length + " bytes, checkpoint=" + fromCheckpoint + "]";
        }
    }

    /** Replays {@code wal} and returns what it delivered alongside the stats. */
    record Replayed(List<Rec> records, WriteAheadLog.ReplayStats stats) {}

    static Replayed replay(WriteAheadLog wal) {
        List<Rec> records = new ArrayList<>();
        WriteAheadLog.ReplayStats stats = wal.replay((type, buf, off, len, fromCheckpoint) ->
                records.add(new Rec(type, Arrays.copyOfRange(buf, off, off + len), fromCheckpoint)));
        return new Replayed(records, stats);
    }

    /** Opens {@code dir}, replays it, closes it. */
    static Replayed reopenAndReplay(WalOptions options, Telemetry telemetry) {
        try (SegmentedWal wal = SegmentedWal.open(options, telemetry)) {
            return replay(wal);
        }
    }

    static byte[] payload(long seed, int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    static Rec rec(int type, byte[] payload) {
        return new Rec((byte) type, payload, false);
    }

    static long counter(Telemetry telemetry, String name) {
        return telemetry.counter(name, "").get();
    }

    static double gauge(Telemetry telemetry, String name) {
        StringWriter out = new StringWriter();
        try {
            telemetry.writeText(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString()
                .lines()
                .filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no gauge " + name));
    }

    static List<Path> segments(Path dir) {
        return list(dir).stream()
                .filter(p -> WalFormat.segmentIndex(p).isPresent())
                .sorted(Comparator.comparingLong(p -> WalFormat.segmentIndex(p).getAsLong()))
                .toList();
    }

    static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sum of the sizes of all regular files under {@code dir}. */
    static long fileBytes(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies what the OS holds for {@code from} into {@code to}: what a kill -9 of the writing process would
     * leave for the next one.
     */
    static void copyTree(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void truncate(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void overwrite(Path file, long offset, byte[] bytes) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void flipByte(Path file, long offset) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A));
            b.rewind();
            ch.write(b, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void append(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offset of each record in a segment holding records of the given payload sizes, then the end. */
    static long[] recordOffsets(int... payloadSizes) {
        long[] offsets = new long[payloadSizes.length + 1];
        offsets[0] = WalFormat.SEGMENT_HEADER_BYTES;
        for (int i = 0; i < payloadSizes.length; i++) {
            offsets[i + 1] = offsets[i] + WalFormat.RECORD_HEADER_BYTES + payloadSizes[i];
        }
        return offsets;
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline)
                    .as("timed out waiting for " + what)
                    .isNegative();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** One thread's share of {@link #runConcurrently}. */
    @FunctionalInterface
    interface Worker {
        void run(int thread) throws Exception;
    }

    /** Runs {@code worker} on {@code threads} threads at once and rethrows the first failure. */
    static void runConcurrently(int threads, Worker worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    worker.run(thread);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
