package io.sextant.storage.wal;

import static io.sextant.storage.wal.WalTestSupport.counter;
import static io.sextant.storage.wal.WalTestSupport.fsyncOptions;
import static io.sextant.storage.wal.WalTestSupport.payload;
import static io.sextant.storage.wal.WalTestSupport.rec;
import static io.sextant.storage.wal.WalTestSupport.reopenAndReplay;
import static io.sextant.storage.wal.WalTestSupport.replay;
import static io.sextant.storage.wal.WalTestSupport.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.telemetry.Telemetry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    private static final long SEGMENT_BYTES = 4096;

    @TempDir
    Path dir;

    @TempDir
    Path snapshot;

    private WalOptions options;

    @BeforeEach
    void setUp() {
        options = fsyncOptions(dir, SEGMENT_BYTES);
    }

    private static final WalTestSupport.Rec SUMMARY =
            new WalTestSupport.Rec((byte) 100, "summary".getBytes(StandardCharsets.UTF_8), true);

    private static void writeSummary(WriteAheadLog.RecordSink sink) {
        sink.write(SUMMARY.type(), SUMMARY.payload(), 0, SUMMARY.payload().length);
    }

    private static List<WalTestSupport.Rec> appendSome(WriteAheadLog wal, int seed, int count) {
        List<WalTestSupport.Rec> written = new ArrayList<>();
        long seq = 0;
        for (int i = 0; i < count; i++) {
            byte[] p = payload(seed + i, 700);
            seq = wal.append((byte) seed, p, 0, p.length);
            written.add(rec(seed, p));
        }
        // The crash simulations copy the directory next, and want what was appended to be in it.
        wal.awaitDurable(seq);
        return written;
    }

    private static long checkpointIndex(Path dir) {
        return WalTestSupport.list(dir).stream()
                .filter(p -> WalFormat.checkpointIndex(p).isPresent())
                .mapToLong(p -> WalFormat.checkpointIndex(p).getAsLong())
                .max()
                .orElseThrow();
    }

    @Test
    void replayReadsTheCheckpointThenOnlyLaterSegments() {
        Telemetry telemetry = new Telemetry();
        List<WalTestSupport.Rec> after;
        try (SegmentedWal wal = SegmentedWal.open(options, telemetry)) {
            replay(wal);
            appendSome(wal, 1, 20);
            assertThat(segments(dir)).hasSizeGreaterThan(3);
            wal.checkpoint(CheckpointTest::writeSummary);
            after = appendSome(wal, 2, 8);
        }
        assertThat(counter(telemetry, "sextant_wal_checkpoints_total")).isEqualTo(1);
        long n = checkpointIndex(dir);
        assertThat(segments(dir))
                .allSatisfy(
                        p -> assertThat(WalFormat.segmentIndex(p).getAsLong()).isGreaterThanOrEqualTo(n));
        assertThat(WalTestSupport.list(dir))
                .filteredOn(p -> p.getFileName().toString().startsWith("checkpoint"))
                .hasSize(1);

        List<WalTestSupport.Rec> expected = new ArrayList<>();
        expected.add(SUMMARY);
        expected.addAll(after);
        assertThat(reopenAndReplay(options, new Telemetry()).records()).isEqualTo(expected);
    }

    @Test
    void newerCheckpointReplacesOlderAndLargeCheckpointsSpanFiles() {
        List<WalTestSupport.Rec> big = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            big.add(new WalTestSupport.Rec((byte) 7, payload(1000 + i, 900), true));
        }
        List<WalTestSupport.Rec> after;
        try (SegmentedWal wal = SegmentedWal.open(options, new Telemetry())) {
            replay(wal);
            appendSome(wal, 1, 5);
            wal.checkpoint(CheckpointTest::writeSummary);
            appendSome(wal, 2, 5);
            wal.checkpoint(sink -> big.forEach(r -> sink.write(r.type(), r.payload(), 0, r.payload().length)));
            after = appendSome(wal, 3, 3);
        }
        List<Path> checkpoints = WalTestSupport.list(dir).stream()
                .filter(p -> p.getFileName().toString().startsWith("checkpoint"))
                .toList();
        assertThat(checkpoints).hasSize(1);
        assertThat(segments(checkpoints.get(0))).hasSizeGreaterThan(3);
        List<WalTestSupport.Rec> expected = new ArrayList<>(big);
        expected.addAll(after);
        assertThat(reopenAndReplay(options, new Telemetry()).records()).isEqualTo(expected);
    }

    @Test
    void appendsContinueWhileTheCheckpointIsWritten() {
        List<WalTestSupport.Rec> concurrent = new ArrayList<>();
        try (SegmentedWal wal = SegmentedWal.open(options, new Telemetry())) {
            replay(wal);
            appendSome(wal, 1, 5);
            wal.checkpoint(sink -> {
                writeSummary(sink);
                // Another thread appends and syncs while the source runs: it would deadlock if the
                // checkpoint held the append lock.
                byte[] p = payload(77, 100);
                CompletableFuture.runAsync(() -> wal.awaitDurable(wal.append((byte) 3, p, 0, p.length)))
                        .orTimeout(30, TimeUnit.SECONDS)
                        .join();
                concurrent.add(rec(3, p));
            });
        }
        List<WalTestSupport.Rec> expected = new ArrayList<>();
        expected.add(SUMMARY);
        expected.addAll(concurrent);
        assertThat(reopenAndReplay(options, new Telemetry()).records()).isEqualTo(expected);
    }

    @Test
    void failingSourceLeavesNoCheckpointAndKeepsTheLog() {
        List<WalTestSupport.Rec> written;
        try (SegmentedWal wal = SegmentedWal.open(options, new Telemetry())) {
            replay(wal);
            written = new ArrayList<>(appendSome(wal, 1, 6));
            assertThatThrownBy(() -> wal.checkpoint(sink -> {
                        writeSummary(sink);
                        throw new IllegalStateException("source broke");
                    }))
                    .hasMessage("source broke");
            written.addAll(appendSome(wal, 2, 2));
            assertThat(wal.diskBytes()).isEqualTo(WalTestSupport.fileBytes(dir));
        }
        assertThat(WalTestSupport.list(dir))
                .noneMatch(p -> p.getFileName().toString().startsWith("checkpoint"));
        assertThat(reopenAndReplay(options, new Telemetry()).records()).isEqualTo(written);
    }

    @Test
    void crashBeforeTheRenameKeepsTheOldCheckpointAndAllSegments() throws Exception {
        List<WalTestSupport.Rec> expected = new ArrayList<>();
        expected.add(SUMMARY);
        try (SegmentedWal wal = SegmentedWal.open(options, new Telemetry())) {
            replay(wal);
            appendSome(wal, 1, 4);
            wal.checkpoint(CheckpointTest::writeSummary);
            expected.addAll(appendSome(wal, 2, 10));
            WalTestSupport.copyTree(dir, snapshot);
            wal.checkpoint(sink -> sink.write((byte) 1, new byte[10], 0, 10));
            expected.addAll(appendSome(wal, 3, 3));
        }
        // Back to the moment between writing checkpoint.N.tmp and renaming it: the old checkpoint and
        // segments are all there, plus the new segment N and the finished but unrenamed directory.
        long n = checkpointIndex(dir);
        Path tmp = dir.resolve(WalFormat.checkpointTmpName(n));
        Files.move(dir.resolve(WalFormat.checkpointName(n)), tmp);
        WalTestSupport.copyTree(snapshot, dir);

        Telemetry telemetry = new Telemetry();
        assertThat(reopenAndReplay(options, telemetry).records()).isEqualTo(expected);
        assertThat(Files.exists(tmp)).isFalse();
        assertThat(counter(telemetry, "sextant_wal_corruptions_total")).isZero();
    }

    @Test
    void crashDuringCleanUpUsesTheNewCheckpointAndFinishesTheCleanUp() {
        List<WalTestSupport.Rec> expected = new ArrayList<>();
        try (SegmentedWal wal = SegmentedWal.open(options, new Telemetry())) {
            replay(wal);
            appendSome(wal, 1, 4);
            wal.checkpoint(sink -> sink.write((byte) 1, new byte[10], 0, 10));
            appendSome(wal, 2, 10);
            WalTestSupport.copyTree(dir, snapshot);
            wal.checkpoint(CheckpointTest::writeSummary);
            expected.add(SUMMARY);
            expected.addAll(appendSome(wal, 3, 3));
        }
        long n = checkpointIndex(dir);
        // Old segments and the old checkpoint come back as if deleting them had been cut short.
        for (Path old : WalTestSupport.list(snapshot)) {
            if (!Files.exists(dir.resolve(old.getFileName().toString()))) {
                WalTestSupport.copyTree(old, dir.resolve(old.getFileName().toString()));
            }
        }
        assertThat(segments(dir).get(0))
                .satisfies(
                        p -> assertThat(WalFormat.segmentIndex(p).getAsLong()).isLessThan(n));
        Path leftover = dir.resolve(WalFormat.checkpointTmpName(n + 100));
        WalTestSupport.copyTree(snapshot, leftover);

        assertThat(reopenAndReplay(options, new Telemetry()).records()).isEqualTo(expected);
        assertThat(WalTestSupport.list(dir)).allSatisfy(p -> {
            String name = p.getFileName().toString();
            assertThat(name).doesNotEndWith(".tmp");
            long index = WalFormat.segmentIndex(p)
                    .orElseGet(() -> WalFormat.checkpointIndex(p).orElseThrow());
            assertThat(index).isGreaterThanOrEqualTo(n);
        });
    }
}
