package io.sextant.storage.wal;

import static io.sextant.storage.wal.WalTestSupport.BIG_SEGMENTS;
import static io.sextant.storage.wal.WalTestSupport.fsyncOptions;
import static io.sextant.storage.wal.WalTestSupport.replay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.telemetry.Telemetry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleTest {
    @TempDir
    Path dir;

    private SegmentedWal open() {
        return SegmentedWal.open(fsyncOptions(dir, BIG_SEGMENTS), new Telemetry());
    }

    @Test
    void appendAfterCloseFailsClearly() {
        SegmentedWal wal = open();
        replay(wal);
        long seq = wal.append((byte) 1, new byte[4], 0, 4);
        wal.close();
        wal.close();
        wal.awaitDurable(seq);
        assertThatThrownBy(() -> wal.append((byte) 1, new byte[4], 0, 4))
                .isInstanceOf(SextantException.class)
                .hasMessageContaining("is closed")
                .extracting(e -> ((SextantException) e).code())
                .isEqualTo(ErrorCode.UNAVAILABLE);
        assertThatThrownBy(() -> wal.checkpoint(sink -> {}))
                .isInstanceOf(SextantException.class)
                .hasMessageContaining("is closed");
    }

    @Test
    void appendBeforeReplayAndSecondReplayAreRefused() {
        try (SegmentedWal wal = open()) {
            assertThatThrownBy(() -> wal.append((byte) 1, new byte[4], 0, 4))
                    .asInstanceOf(InstanceOfAssertFactories.throwable(SextantException.class))
                    .hasMessageContaining("must be replayed")
                    .extracting(SextantException::code)
                    .isEqualTo(ErrorCode.INTERNAL);
            replay(wal);
            assertThatThrownBy(() -> replay(wal))
                    .isInstanceOf(SextantException.class)
                    .hasMessageContaining("only once");
        }
    }

    @Test
    void oversizedAndOutOfBoundsAppendsAreRejectedBeforeWriting() {
        try (SegmentedWal wal = open()) {
            replay(wal);
            assertThatThrownBy(() -> wal.append((byte) 1, new byte[16], 0, WalFormat.MAX_PAYLOAD_BYTES + 1))
                    .asInstanceOf(InstanceOfAssertFactories.throwable(SextantException.class))
                    .extracting(SextantException::code)
                    .isEqualTo(ErrorCode.TOO_LARGE);
            assertThatThrownBy(() -> wal.append((byte) 1, new byte[16], 10, 7))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            long seq = wal.append((byte) 1, new byte[16], 10, 6);
            assertThat(seq).isEqualTo(1);
        }
    }

    @Test
    void interruptedWritersDoNotBreakTheLog() {
        WalOptions options = fsyncOptions(dir, 4096);
        List<WalTestSupport.Rec> written = new ArrayList<>();
        try (SegmentedWal wal = SegmentedWal.open(options, new Telemetry())) {
            replay(wal);
            try {
                // Enough to rotate segments, whose creation fsyncs the directory, with the interrupt set.
                for (int i = 0; i < 10; i++) {
                    Thread.currentThread().interrupt();
                    byte[] p = WalTestSupport.payload(i, 1500);
                    wal.awaitDurable(wal.append((byte) 1, p, 0, p.length));
                    written.add(WalTestSupport.rec(1, p));
                    assertThat(Thread.currentThread().isInterrupted())
                            .as("the interrupt is kept for the caller")
                            .isTrue();
                }
                wal.checkpoint(sink -> {});
            } finally {
                Thread.interrupted();
            }
            byte[] p = WalTestSupport.payload(99, 10);
            wal.awaitDurable(wal.append((byte) 2, p, 0, p.length));
            written.clear();
            written.add(WalTestSupport.rec(2, p));
        }
        assertThat(WalTestSupport.reopenAndReplay(options, new Telemetry()).records())
                .isEqualTo(written);
    }

    @Test
    void closeWithoutReplayLeavesTheDirectoryUntouched() {
        open().close();
        assertThat(WalTestSupport.list(dir)).isEmpty();
    }
}
