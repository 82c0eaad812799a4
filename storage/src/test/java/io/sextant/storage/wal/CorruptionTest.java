package io.sextant.storage.wal;

import static io.sextant.storage.wal.WalTestSupport.BIG_SEGMENTS;
import static io.sextant.storage.wal.WalTestSupport.counter;
import static io.sextant.storage.wal.WalTestSupport.fsyncOptions;
import static io.sextant.storage.wal.WalTestSupport.payload;
import static io.sextant.storage.wal.WalTestSupport.rec;
import static io.sextant.storage.wal.WalTestSupport.reopenAndReplay;
import static io.sextant.storage.wal.WalTestSupport.replay;
import static io.sextant.storage.wal.WalTestSupport.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.telemetry.Telemetry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorruptionTest {
    private static final String CORRUPTIONS = "sextant_wal_corruptions_total";
    private static final String TORN = "sextant_wal_torn_tail_truncations_total";

    @TempDir
    Path dir;

    private final List<WalTestSupport.Rec> written = new ArrayList<>();
    private int[] sizes;

    /** Writes {@code count} records of distinct sizes into one segment (in a fresh log) and returns it. */
    private Path writeSegment(int count) {
        sizes = new int[count];
        try (SegmentedWal wal = SegmentedWal.open(fsyncOptions(dir, BIG_SEGMENTS), new Telemetry())) {
            replay(wal);
            for (int i = 0; i < count; i++) {
                sizes[i] = 100 + 10 * i;
                byte[] p = payload(i, sizes[i]);
                wal.append((byte) i, p, 0, p.length);
                written.add(rec(i, p));
            }
        }
        return segments(dir).get(segments(dir).size() - 1);
    }

    private List<WalTestSupport.Rec> without(int... skipped) {
        List<WalTestSupport.Rec> expected = new ArrayList<>(written);
        for (int i = skipped.length - 1; i >= 0; i--) {
            expected.remove(skipped[i]);
        }
        return expected;
    }

    private void assertRecoveredAllBut(Telemetry telemetry, WalTestSupport.Replayed replayed, int... skipped) {
        assertThat(replayed.records()).isEqualTo(without(skipped));
        assertThat(replayed.stats().corruptRecordsSkipped()).isEqualTo(1);
        assertThat(replayed.stats().tornTailBytesTruncated()).isZero();
        assertThat(counter(telemetry, CORRUPTIONS)).isEqualTo(1);
        assertThat(counter(telemetry, TORN)).isZero();
    }

    @Test
    void damagedPayloadTypeOrChecksumSkipsOnlyThatRecord() {
        Path segment = writeSegment(10);
        long[] offsets = WalTestSupport.recordOffsets(sizes);
        long[] damage = {offsets[4] + 9 + 17, offsets[4] + 8, offsets[4] + 5};
        for (long at : damage) {
            WalTestSupport.flipByte(segment, at);
            long size = WalTestSupport.size(segment);
            Telemetry telemetry = new Telemetry();
            assertRecoveredAllBut(telemetry, reopenAndReplay(fsyncOptions(dir, BIG_SEGMENTS), telemetry), 4);
            assertThat(WalTestSupport.size(segment))
                    .as("a corrupt record is not truncated")
                    .isEqualTo(size);
            WalTestSupport.flipByte(segment, at);
        }
    }

    @Test
    void garbageLengthIsResynchronisedPast() {
        Path segment = writeSegment(10);
        long[] offsets = WalTestSupport.recordOffsets(sizes);
        // Beyond the maximum, beyond the file, and plausible but pointing into the next record's payload.
        int[] lengths = {0xFFFFFFF0, 1 << 20, sizes[4] + 30, 3};
        for (int length : lengths) {
            WalTestSupport.overwrite(
                    segment, offsets[4], ByteBuffer.allocate(4).putInt(length).array());
            Telemetry telemetry = new Telemetry();
            assertRecoveredAllBut(telemetry, reopenAndReplay(fsyncOptions(dir, BIG_SEGMENTS), telemetry), 4);
            WalTestSupport.overwrite(
                    segment, offsets[4], ByteBuffer.allocate(4).putInt(sizes[4]).array());
        }
    }

    @Test
    void zeroedPageSpanningSeveralRecordsLosesOnlyThose() {
        Path segment = writeSegment(30);
        long[] offsets = WalTestSupport.recordOffsets(sizes);
        long from = offsets[5] + 20;
        long to = offsets[9] + 12;
        WalTestSupport.overwrite(segment, from, new byte[(int) (to - from)]);
        Telemetry telemetry = new Telemetry();
        WalTestSupport.Replayed replayed = reopenAndReplay(fsyncOptions(dir, BIG_SEGMENTS), telemetry);
        assertThat(replayed.records()).isEqualTo(without(5, 6, 7, 8, 9));
        assertThat(replayed.stats().corruptRecordsSkipped()).isEqualTo(1);
        assertThat(counter(telemetry, TORN)).isZero();
    }

    @Test
    void damageInAnEarlierSegmentIsReportedNotTruncated() {
        writeSegment(6);
        List<WalTestSupport.Rec> later = new ArrayList<>();
        try (SegmentedWal wal = SegmentedWal.open(fsyncOptions(dir, BIG_SEGMENTS), new Telemetry())) {
            replay(wal);
            for (int i = 0; i < 4; i++) {
                byte[] p = payload(50 + i, 77);
                wal.append((byte) 9, p, 0, p.length);
                later.add(rec(9, p));
            }
        }
        Path first = segments(dir).get(0);
        long cut = WalTestSupport.size(first) - 15;
        WalTestSupport.truncate(first, cut);
        Telemetry telemetry = new Telemetry();
        WalTestSupport.Replayed replayed = reopenAndReplay(fsyncOptions(dir, BIG_SEGMENTS), telemetry);
        List<WalTestSupport.Rec> expected = new ArrayList<>(written.subList(0, 5));
        expected.addAll(later);
        assertThat(replayed.records()).isEqualTo(expected);
        assertThat(replayed.stats().tornTailBytesTruncated()).isZero();
        assertThat(counter(telemetry, CORRUPTIONS)).isEqualTo(1);
        assertThat(WalTestSupport.size(first)).isEqualTo(cut);
    }

    @Test
    void damagedSegmentHeaderStillYieldsItsRecords() {
        Path segment = writeSegment(5);
        WalTestSupport.flipByte(segment, 1);
        Telemetry telemetry = new Telemetry();
        WalTestSupport.Replayed replayed = reopenAndReplay(fsyncOptions(dir, BIG_SEGMENTS), telemetry);
        assertThat(replayed.records()).isEqualTo(written);
        assertThat(counter(telemetry, CORRUPTIONS)).isEqualTo(1);
    }

    @Test
    void missingSegmentIsCountedAndTheRestReplayed() throws Exception {
        // 1500-byte records, two to a 4 KiB segment.
        WalOptions options = fsyncOptions(dir, 4096);
        try (SegmentedWal wal = SegmentedWal.open(options, new Telemetry())) {
            replay(wal);
            for (int i = 0; i < 9; i++) {
                byte[] p = payload(i, 1500);
                wal.append((byte) 1, p, 0, p.length);
            }
        }
        List<Path> segments = segments(dir);
        assertThat(segments).hasSize(5);
        Files.delete(segments.get(2));
        Telemetry telemetry = new Telemetry();
        WalTestSupport.Replayed replayed = reopenAndReplay(options, telemetry);
        assertThat(replayed.records()).hasSize(7);
        assertThat(counter(telemetry, CORRUPTIONS)).isEqualTo(1);
    }

    @Test
    void unknownFormatVersionIsRefused() {
        Path segment = writeSegment(2);
        WalTestSupport.overwrite(segment, 4, ByteBuffer.allocate(4).putInt(2).array());
        try (SegmentedWal wal = SegmentedWal.open(fsyncOptions(dir, BIG_SEGMENTS), new Telemetry())) {
            assertThatThrownBy(() -> replay(wal))
                    .asInstanceOf(InstanceOfAssertFactories.throwable(SextantException.class))
                    .hasMessageContaining("format version 2")
                    .extracting(SextantException::code)
                    .isEqualTo(ErrorCode.EXTERNAL_FAILURE);
        }
    }
}
