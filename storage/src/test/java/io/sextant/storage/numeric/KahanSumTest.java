package io.sextant.storage.numeric;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KahanSumTest {
    @Test
    void compensationRecoversWhatTheRunningSumDrops() {
        KahanSum s = new KahanSum();
        s.add(1e16);
        s.add(1);
        s.add(1);
        s.add(-1e16);
        assertThat(s.sum()).isZero();
        assertThat(s.result()).isEqualTo(2);
    }

    @Test
    void addingACompensatedSumAddsBothParts() {
        KahanSum part = new KahanSum();
        part.add(1e16);
        part.add(1);
        part.add(1);
        KahanSum total = new KahanSum();
        total.add(part.sum(), part.compensation());
        total.add(-1e16, 0);
        assertThat(total.result()).isEqualTo(2);
    }

    @Test
    void anInfiniteSumKeepsNoCompensation() {
        KahanSum s = new KahanSum();
        s.add(Double.POSITIVE_INFINITY, 0);
        s.add(1, 0.5);
        assertThat(s.compensation()).isZero();
        assertThat(s.result()).isEqualTo(Double.POSITIVE_INFINITY);
        s.add(Double.NEGATIVE_INFINITY, 0);
        assertThat(s.result()).isNaN();
    }
}
