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

import io.sextant.storage.telemetry.Telemetry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TornTailTest {
    private static final String TORN = "sextant_wal_torn_tail_truncations_total";
    private static final int[] SIZES = {50, 80, 0, 120, 40};

    @TempDir
    Path base;

    @TempDir
    Path work;

    private final List<WalTestSupport.Rec> written = new ArrayList<>();
    private final long[] offsets = WalTestSupport.recordOffsets(SIZES);

    @BeforeEach
    void writeBase() {
        try (SegmentedWal wal = SegmentedWal.open(fsyncOptions(base, BIG_SEGMENTS), new Telemetry())) {
            replay(wal);
            for (int i = 0; i < SIZES.length; i++) {
                byte[] p = payload(i, SIZES[i]);
                wal.append((byte) i, p, 0, p.length);
                written.add(rec(i, p));
            }
        }
        assertThat(segments(base)).hasSize(1);
        assertThat(WalTestSupport.size(segments(base).get(0))).isEqualTo(offsets[SIZES.length]);
    }

    /** A copy of the base log in a fresh directory, its only segment and the options to open it. */
    private record Copy(WalOptions options, Path segment) {}

    private Copy copy(String name) {
        Path dir = work.resolve(name);
        WalTestSupport.copyTree(base, dir);
        return new Copy(fsyncOptions(dir, BIG_SEGMENTS), segments(dir).get(0));
    }

    @Test
    void cutAtEveryOffsetInsideTheLastRecordIsTruncatedAndTheLogStaysUsable() {
        int last = SIZES.length - 1;
        long start = offsets[last];
        long end = offsets[last + 1];
        for (long cut = start + 1; cut < end; cut++) {
            Copy copy = copy("cut-" + cut);
            WalTestSupport.truncate(copy.segment(), cut);
            Telemetry telemetry = new Telemetry();
            WalTestSupport.Replayed replayed;
            try (SegmentedWal wal = SegmentedWal.open(copy.options(), telemetry)) {
                replayed = replay(wal);
                assertThat(replayed.records()).as("cut at %d", cut).isEqualTo(written.subList(0, last));
                assertThat(replayed.stats().tornTailBytesTruncated()).isEqualTo(cut - start);
                assertThat(replayed.stats().corruptRecordsSkipped()).isZero();
                assertThat(counter(telemetry, TORN)).isEqualTo(1);
                assertThat(WalTestSupport.size(copy.segment())).isEqualTo(start);
                if (cut % 5 == 0) {
                    wal.append((byte) 99, new byte[] {1, 2, 3}, 0, 3);
                }
            }
            if (cut % 5 == 0) {
                Telemetry again = new Telemetry();
                List<WalTestSupport.Rec> expected = new ArrayList<>(written.subList(0, last));
                expected.add(rec(99, new byte[] {1, 2, 3}));
                assertThat(reopenAndReplay(copy.options(), again).records()).isEqualTo(expected);
                assertThat(counter(again, TORN)).isZero();
            }
        }
    }

    @Test
    void cutAtARecordBoundaryIsNotDamage() {
        Copy copy = copy("boundary");
        WalTestSupport.truncate(copy.segment(), offsets[3]);
        Telemetry telemetry = new Telemetry();
        assertThat(reopenAndReplay(copy.options(), telemetry).records()).isEqualTo(written.subList(0, 3));
        assertThat(counter(telemetry, TORN)).isZero();
    }

    @Test
    void checksumMismatchOnTheLastRecordIsATornTail() {
        Copy copy = copy("crc");
        WalTestSupport.flipByte(copy.segment(), offsets[SIZES.length] - 1);
        Telemetry telemetry = new Telemetry();
        WalTestSupport.Replayed replayed = reopenAndReplay(copy.options(), telemetry);
        assertThat(replayed.records()).isEqualTo(written.subList(0, SIZES.length - 1));
        assertThat(counter(telemetry, TORN)).isEqualTo(1);
        assertThat(counter(telemetry, "sextant_wal_corruptions_total")).isZero();
        assertThat(WalTestSupport.size(copy.segment())).isEqualTo(offsets[SIZES.length - 1]);
    }

    @Test
    void zerosOrGarbageAfterTheLastRecordAreCut() {
        Copy zeros = copy("zeros");
        WalTestSupport.append(zeros.segment(), new byte[4096]);
        Copy garbage = copy("garbage");
        WalTestSupport.append(garbage.segment(), payload(42, 3000));
        for (Copy copy : List.of(zeros, garbage)) {
            WalTestSupport.Replayed replayed = reopenAndReplay(copy.options(), new Telemetry());
            assertThat(replayed.records()).isEqualTo(written);
            assertThat(WalTestSupport.size(copy.segment())).isEqualTo(offsets[SIZES.length]);
        }
    }

    @Test
    void cutInsideTheSegmentHeaderEmptiesTheSegment() {
        for (int cut = 1; cut < WalFormat.SEGMENT_HEADER_BYTES; cut++) {
            Copy copy = copy("header-" + cut);
            WalTestSupport.truncate(copy.segment(), cut);
            Telemetry telemetry = new Telemetry();
            try (SegmentedWal wal = SegmentedWal.open(copy.options(), telemetry)) {
                assertThat(replay(wal).records()).isEmpty();
                wal.append((byte) 5, new byte[7], 0, 7);
            }
            assertThat(counter(telemetry, TORN)).isEqualTo(1);
            assertThat(WalTestSupport.size(copy.segment())).isZero();
            Telemetry again = new Telemetry();
            assertThat(reopenAndReplay(copy.options(), again).records()).containsExactly(rec(5, new byte[7]));
            assertThat(counter(again, TORN) + counter(again, "sextant_wal_corruptions_total"))
                    .isZero();
        }
    }

    @Test
    void onlyTheLastSegmentIsTruncated() {
        Copy copy = copy("multi");
        List<WalTestSupport.Rec> expected = new ArrayList<>(written);
        try (SegmentedWal wal = SegmentedWal.open(copy.options(), new Telemetry())) {
            replay(wal);
            for (int i = 0; i < 3; i++) {
                byte[] p = payload(100 + i, 64);
                wal.append((byte) 1, p, 0, p.length);
                expected.add(rec(1, p));
            }
        }
        List<Path> segments = segments(copy.options().directory());
        assertThat(segments).hasSize(2);
        Path second = segments.get(1);
        WalTestSupport.truncate(second, WalTestSupport.size(second) - 10);
        assertThat(reopenAndReplay(copy.options(), new Telemetry()).records())
                .isEqualTo(expected.subList(0, expected.size() - 1));
        assertThat(WalTestSupport.size(segments.get(0))).isEqualTo(offsets[SIZES.length]);
    }
}
