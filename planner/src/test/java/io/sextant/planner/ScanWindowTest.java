package io.sextant.planner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScanWindowTest {
    @Test
    void aStepWindowCoversEveryStepsLeftOpenRange() {
        // rate(x[5m] offset 1m) over steps 1000..2000: samples in (1000-6m, 2000-1m]
        ScanWindow w = new ScanWindow(ScanWindow.Anchor.STEPS, 0, -360_000, -60_000);
        assertThat(w.from(1_000, 0, 5_000)).isEqualTo(1_000 - 360_000 + 1);
        assertThat(w.to(2_000, 0, 5_000)).isEqualTo(2_000 - 60_000);
        assertThat(w).hasToString("(step-6m, step-1m]");
    }

    @Test
    void anchoredWindowsIgnoreTheSteps() {
        ScanWindow start = new ScanWindow(ScanWindow.Anchor.START, 0, -300_000, 0);
        assertThat(start.from(7, 100_000, 200_000)).isEqualTo(100_000 - 300_000 + 1);
        assertThat(start.to(9, 100_000, 200_000)).isEqualTo(100_000);
        ScanWindow end = new ScanWindow(ScanWindow.Anchor.END, 0, -1, 300_000);
        assertThat(end.to(9, 100_000, 200_000)).isEqualTo(500_000);
        assertThat(end).hasToString("(end()-1ms, end()+5m]");
        ScanWindow fixed = new ScanWindow(ScanWindow.Anchor.FIXED, 42_000, -90_061_001, 0);
        assertThat(fixed.from(0, 0, 0)).isEqualTo(42_000 - 90_061_001 + 1);
        assertThat(fixed).hasToString("(@42000-1d1h1m1s1ms, @42000]");
    }

    @Test
    void durationsUsePrometheusUnits() {
        assertThat(ScanWindow.duration(0)).isEqualTo("0s");
        assertThat(ScanWindow.duration(5_400_000)).isEqualTo("1h30m");
        assertThat(ScanWindow.duration(1_500)).isEqualTo("1s500ms");
        assertThat(ScanWindow.duration(86_400_000L * 8)).isEqualTo("1w1d");
    }
}
