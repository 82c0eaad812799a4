package io.sextant.storage.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.storage.Labels;
import io.sextant.storage.SextantException;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    @Test
    void roundTripsPrimitives() {
        RecordCodec.Writer w = new RecordCodec.Writer();
        long[] ints = {0, 1, -1, 127, 128, Long.MAX_VALUE, Long.MIN_VALUE, 1_700_000_000_000L};
        for (long v : ints) {
            w.zigzag(v);
            w.fixed64(v);
        }
        int at = w.reserveCount();
        w.string("héllo");
        w.labels(Labels.of("__name__", "up", "job", "x"));
        w.patchCount(at, 300);
        w.varint(Integer.MAX_VALUE);
        RecordCodec.Reader r = new RecordCodec.Reader(w.buf, 0, w.pos);
        for (long v : ints) {
            assertThat(r.zigzag()).isEqualTo(v);
            assertThat(r.fixed64()).isEqualTo(v);
        }
        assertThat(r.varint()).isEqualTo(300);
        assertThat(r.string()).isEqualTo("héllo");
        assertThat(r.labels()).isEqualTo(Labels.of("__name__", "up", "job", "x"));
        assertThat(r.varint()).isEqualTo(Integer.MAX_VALUE);
        assertThat(r.hasMore()).isFalse();
    }

    @Test
    void sampleEntryEqualsItsParts() {
        RecordCodec.Writer fused = new RecordCodec.Writer();
        RecordCodec.Writer parts = new RecordCodec.Writer();
        int[] refs = {0, 1, 127, 128, 300_000, Integer.MAX_VALUE};
        long[] deltas = {0, 1, -1, 15_000, -7_200_000, Long.MAX_VALUE, Long.MIN_VALUE};
        for (int ref : refs) {
            for (long delta : deltas) {
                long bits = Double.doubleToRawLongBits(ref * 0.5 - delta);
                fused.sample(ref, delta, bits);
                parts.varint(ref);
                parts.zigzag(delta);
                parts.fixed64(bits);
            }
        }
        assertThat(java.util.Arrays.copyOf(fused.buf, fused.pos))
                .isEqualTo(java.util.Arrays.copyOf(parts.buf, parts.pos));
    }

    @Test
    void truncatedInputFailsCleanly() {
        RecordCodec.Writer w = new RecordCodec.Writer();
        w.string("abcdef");
        for (int len = 0; len < w.pos; len++) {
            RecordCodec.Reader r = new RecordCodec.Reader(w.buf, 0, len);
            assertThatThrownBy(r::string).isInstanceOf(SextantException.class);
        }
    }
}
