package io.sextant.storage.wal;

import static io.sextant.storage.wal.WalTestSupport.BIG_SEGMENTS;
import static io.sextant.storage.wal.WalTestSupport.counter;
import static io.sextant.storage.wal.WalTestSupport.payload;
import static io.sextant.storage.wal.WalTestSupport.rec;
import static io.sextant.storage.wal.WalTestSupport.replay;
import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.telemetry.Telemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchIntervalTest {
    private static final String FSYNCS = "sextant_wal_fsyncs_total";

    @TempDir
    Path dir;

    @TempDir
    Path crashCopy;

    private WalOptions batch(Duration interval) {
        return new WalOptions(dir, WalOptions.SyncPolicy.BATCH_INTERVAL, interval, BIG_SEGMENTS);
    }

    @Test
    void awaitDurableHandsRecordsToTheOsWithoutFsync() {
        Telemetry telemetry = new Telemetry();
        List<WalTestSupport.Rec> written = new ArrayList<>();
        try (SegmentedWal wal = SegmentedWal.open(batch(Duration.ofHours(1)), telemetry)) {
            replay(wal);
            for (int i = 0; i < 5; i++) {
                byte[] p = payload(i, 300);
                wal.awaitDurable(wal.append((byte) 7, p, 0, p.length));
                written.add(rec(7, p));
            }
            assertThat(counter(telemetry, FSYNCS)).isZero();
            // What a kill -9 leaves: the files as the OS has them, with nothing more from this process.
            WalTestSupport.copyTree(dir, crashCopy);
        }
        WalOptions copy = new WalOptions(crashCopy, WalOptions.SyncPolicy.FSYNC, Duration.ofSeconds(1), BIG_SEGMENTS);
        WalTestSupport.Replayed replayed = WalTestSupport.reopenAndReplay(copy, new Telemetry());
        assertThat(replayed.records()).isEqualTo(written);
        assertThat(replayed.stats().tornTailBytesTruncated()).isZero();
    }

    @Test
    void backgroundThreadSyncsWithinTheInterval() {
        Telemetry telemetry = new Telemetry();
        try (SegmentedWal wal = SegmentedWal.open(batch(Duration.ofMillis(20)), telemetry)) {
            replay(wal);
            byte[] p = payload(1, 500);
            wal.append((byte) 1, p, 0, p.length);
            WalTestSupport.await(() -> counter(telemetry, FSYNCS) >= 1, Duration.ofSeconds(10), "the background fsync");
            // The background sync flushed the buffered record too, though nobody awaited it.
            WalTestSupport.copyTree(dir, crashCopy);
            wal.append((byte) 2, p, 0, p.length);
            WalTestSupport.await(
                    () -> counter(telemetry, FSYNCS) >= 2, Duration.ofSeconds(10), "a second background fsync");
        }
        WalOptions copy = new WalOptions(crashCopy, WalOptions.SyncPolicy.FSYNC, Duration.ofSeconds(1), BIG_SEGMENTS);
        assertThat(WalTestSupport.reopenAndReplay(copy, new Telemetry()).records())
                .containsExactly(rec(1, payload(1, 500)));
    }
}
