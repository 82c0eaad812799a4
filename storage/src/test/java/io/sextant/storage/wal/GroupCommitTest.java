package io.sextant.storage.wal;

import static io.sextant.storage.wal.WalTestSupport.BIG_SEGMENTS;
import static io.sextant.storage.wal.WalTestSupport.counter;
import static io.sextant.storage.wal.WalTestSupport.fsyncOptions;
import static io.sextant.storage.wal.WalTestSupport.replay;
import static io.sextant.storage.wal.WalTestSupport.runConcurrently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.telemetry.Telemetry;
import java.nio.file.Path;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
    private static final String FSYNCS = "sextant_wal_fsyncs_total";

    @TempDir
    Path dir;

    @Test
    void oneFsyncCoversEveryRecordAppendedBeforeIt() throws Exception {
        int threads = 4;
        int rounds = 30;
        Telemetry telemetry = new Telemetry();
        try (SegmentedWal wal = SegmentedWal.open(fsyncOptions(dir, BIG_SEGMENTS), telemetry)) {
            replay(wal);
            // Every round all threads append before any waits, so the first waiter's fsync covers them all.
            CyclicBarrier appended = new CyclicBarrier(threads);
            runConcurrently(threads, thread -> {
                byte[] p = new byte[2000];
                for (int round = 0; round < rounds; round++) {
                    long seq = wal.append((byte) thread, p, 0, p.length);
                    appended.await(30, TimeUnit.SECONDS);
                    wal.awaitDurable(seq);
                }
            });
            assertThat(counter(telemetry, FSYNCS)).isEqualTo(rounds);
        }
    }

    @Test
    void concurrentWritersShareFsyncs() throws Exception {
        int threads = 4;
        int perThread = 150;
        Telemetry telemetry = new Telemetry();
        WalOptions options = fsyncOptions(dir, BIG_SEGMENTS);
        try (SegmentedWal wal = SegmentedWal.open(options, telemetry)) {
            replay(wal);
            runConcurrently(threads, thread -> {
                byte[] p = new byte[1000];
                for (int i = 0; i < perThread; i++) {
                    wal.awaitDurable(wal.append((byte) thread, p, 0, p.length));
                }
            });
            long fsyncs = counter(telemetry, FSYNCS);
            assertThat(fsyncs).isPositive().isLessThan((long) threads * perThread);
        }
        assertThat(WalTestSupport.reopenAndReplay(options, new Telemetry()).records())
                .hasSize(threads * perThread);
    }

    @Test
    void awaitingADurableRecordDoesNotFsyncAgain() {
        Telemetry telemetry = new Telemetry();
        try (SegmentedWal wal = SegmentedWal.open(fsyncOptions(dir, BIG_SEGMENTS), telemetry)) {
            replay(wal);
            long first = wal.append((byte) 1, new byte[10], 0, 10);
            long second = wal.append((byte) 1, new byte[10], 0, 10);
            assertThat(second).isGreaterThan(first);
            assertThat(counter(telemetry, FSYNCS)).isZero();
            wal.awaitDurable(second);
            assertThat(counter(telemetry, FSYNCS)).isEqualTo(1);
            wal.awaitDurable(first);
            wal.awaitDurable(second);
            assertThat(counter(telemetry, FSYNCS)).isEqualTo(1);
            assertThatThrownBy(() -> wal.awaitDurable(second + 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("never appended");
        }
    }
}
