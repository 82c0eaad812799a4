package io.sextant.storage.wal;

import static io.sextant.storage.wal.WalTestSupport.BIG_SEGMENTS;
import static io.sextant.storage.wal.WalTestSupport.counter;
import static io.sextant.storage.wal.WalTestSupport.fsyncOptions;
import static io.sextant.storage.wal.WalTestSupport.gauge;
import static io.sextant.storage.wal.WalTestSupport.payload;
import static io.sextant.storage.wal.WalTestSupport.rec;
import static io.sextant.storage.wal.WalTestSupport.reopenAndReplay;
import static io.sextant.storage.wal.WalTestSupport.replay;
import static io.sextant.storage.wal.WalTestSupport.runConcurrently;
import static io.sextant.storage.wal.WalTestSupport.segments;
import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.telemetry.Telemetry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedWalRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void concurrentAppendsReplayExactlyOnceInPerThreadOrder() throws Exception {
        int threads = 6;
        int perThread = 300;
        Telemetry telemetry = new Telemetry();
        WalOptions options = fsyncOptions(dir, 1 << 20);
        try (SegmentedWal wal = SegmentedWal.open(options, telemetry)) {
            assertThat(replay(wal).records()).isEmpty();
            runConcurrently(threads, thread -> {
                for (int i = 0; i < perThread; i++) {
                    byte[] p = threadPayload(thread, i);
                    long seq = wal.append(threadType(thread, i), p, 0, p.length);
                    if (i % 50 == 49) {
                        wal.awaitDurable(seq);
                    }
                }
            });
        }
        assertThat(counter(telemetry, "sextant_wal_records_written_total")).isEqualTo((long) threads * perThread);
        assertThat(segments(dir)).hasSizeGreaterThan(2);

        Telemetry second = new Telemetry();
        WalTestSupport.Replayed replayed = reopenAndReplay(options, second);
        int[] next = new int[threads];
        for (WalTestSupport.Rec r : replayed.records()) {
            ByteBuffer b = ByteBuffer.wrap(r.payload());
            int thread = b.getInt();
            int i = b.getInt();
            assertThat(i).as("next record of thread %d", thread).isEqualTo(next[thread]);
            assertThat(r).isEqualTo(rec(threadType(thread, i), threadPayload(thread, i)));
            next[thread]++;
        }
        assertThat(next).containsOnly(perThread);
        assertThat(replayed.stats())
                .isEqualTo(new WriteAheadLog.ReplayStats(
                        (long) threads * perThread,
                        WalTestSupport.fileBytes(dir) - WalFormat.SEGMENT_HEADER_BYTES,
                        segments(dir).size() - 1,
                        0,
                        0));
        assertThat(gauge(second, "sextant_wal_replay_records")).isEqualTo(threads * perThread);
        assertThat(gauge(second, "sextant_wal_replay_bytes"))
                .isEqualTo(gauge(second, "sextant_wal_replay_total_bytes"))
                .isEqualTo(replayed.stats().bytes());
    }

    private static byte threadType(int thread, int i) {
        return (byte) (thread * 31 + i);
    }

    /** Thread and index up front, then random bytes of a random length (sometimes none). */
    private static byte[] threadPayload(int thread, int i) {
        long seed = thread * 1_000_003L + i;
        int size = new SplittableRandom(seed).nextInt(20_000);
        byte[] p = payload(seed, 8 + (i % 17 == 0 ? 0 : size));
        ByteBuffer.wrap(p).putInt(thread).putInt(i);
        return p;
    }

    @Test
    void rotatesSegmentsAndReplaysAcrossThem() {
        long segmentBytes = 4096;
        Telemetry telemetry = new Telemetry();
        WalOptions options = fsyncOptions(dir, segmentBytes);
        List<WalTestSupport.Rec> written = new ArrayList<>();
        try (SegmentedWal wal = SegmentedWal.open(options, telemetry)) {
            replay(wal);
            for (int i = 0; i < 40; i++) {
                // Every tenth record is larger than a segment and must get one of its own.
                byte[] p = payload(i, i % 10 == 9 ? 10_000 : 1000);
                wal.append((byte) i, p, 0, p.length);
                written.add(rec(i, p));
            }
            assertThat(wal.diskBytes()).isLessThanOrEqualTo(WalTestSupport.fileBytes(dir));
        }
        List<Path> segments = segments(dir);
        assertThat(segments).hasSizeGreaterThanOrEqualTo(12);
        assertThat(counter(telemetry, "sextant_wal_segments_created_total")).isEqualTo(segments.size());
        for (Path segment : segments) {
            long size = WalTestSupport.size(segment);
            if (size > segmentBytes) {
                assertThat(size)
                        .as("an oversized segment holds one record")
                        .isEqualTo(WalFormat.SEGMENT_HEADER_BYTES + WalFormat.RECORD_HEADER_BYTES + 10_000);
            }
        }
        assertThat(reopenAndReplay(options, new Telemetry()).records()).isEqualTo(written);
    }

    @Test
    void appendsAfterReopenGoToANewSegmentAndReplayAfterTheOldOnes() {
        WalOptions options = fsyncOptions(dir, BIG_SEGMENTS);
        List<WalTestSupport.Rec> written = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            try (SegmentedWal wal = SegmentedWal.open(options, new Telemetry())) {
                assertThat(replay(wal).records()).isEqualTo(written);
                for (int i = 0; i < 5; i++) {
                    byte[] p = payload(round * 10 + i, 100 + i);
                    wal.append((byte) round, p, 0, p.length);
                    written.add(rec(round, p));
                }
            }
            assertThat(segments(dir)).hasSize(round + 1);
        }
        assertThat(reopenAndReplay(options, new Telemetry()).records()).isEqualTo(written);
    }

    @Test
    void diskBytesTracksFilesAndMetricsAreExposed() {
        Telemetry telemetry = new Telemetry();
        SegmentedWal wal = SegmentedWal.open(fsyncOptions(dir, 8192), telemetry);
        replay(wal);
        for (int i = 0; i < 20; i++) {
            byte[] p = payload(i, 1500);
            wal.awaitDurable(wal.append((byte) 1, p, 0, p.length));
        }
        assertThat(wal.diskBytes()).isEqualTo(WalTestSupport.fileBytes(dir));
        wal.checkpoint(sink -> sink.write((byte) 2, new byte[300], 0, 300));
        assertThat(wal.diskBytes()).isEqualTo(WalTestSupport.fileBytes(dir));
        wal.close();
        assertThat(wal.diskBytes()).isEqualTo(WalTestSupport.fileBytes(dir));
        assertThat(gauge(telemetry, "sextant_wal_disk_bytes")).isEqualTo(wal.diskBytes());
        assertThat(counter(telemetry, "sextant_wal_bytes_written_total"))
                .isEqualTo(counter(telemetry, "sextant_wal_segments_created_total") * WalFormat.SEGMENT_HEADER_BYTES
                        + 20 * (WalFormat.RECORD_HEADER_BYTES + 1500));
        assertThat(telemetry
                        .histogram("sextant_wal_fsync_duration_seconds", "", Telemetry.LATENCY_BUCKETS)
                        .count())
                .isEqualTo(counter(telemetry, "sextant_wal_fsyncs_total"))
                .isPositive();
        StringBuilder text = new StringBuilder();
        try {
            telemetry.writeText(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(text.toString())
                .contains(
                        "sextant_wal_fsync_duration_seconds_bucket",
                        "sextant_wal_bytes_written_total",
                        "sextant_wal_records_written_total 20",
                        "sextant_wal_fsyncs_total",
                        "sextant_wal_segments_created_total",
                        "sextant_wal_corruptions_total 0",
                        "sextant_wal_torn_tail_truncations_total 0",
                        "sextant_wal_checkpoints_total 1",
                        "sextant_wal_disk_bytes",
                        "sextant_wal_replay_records 0",
                        "sextant_wal_replay_bytes 0",
                        "sextant_wal_replay_total_bytes 0");
    }
}
