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
    void closeWithoutReplayLeavesTheDirectoryUntouched() {
        open().close();
        assertThat(WalTestSupport.list(dir)).isEmpty();
    }
}
