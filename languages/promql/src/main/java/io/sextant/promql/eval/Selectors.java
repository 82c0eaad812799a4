package io.sextant.promql.eval;

import io.sextant.storage.Samples;
import java.util.BitSet;

/**
 * Instant and range selection of one series over a step grid, with Prometheus 3.x rules: the lookback window
 * and range windows are left-open, {@code (t − offset − d, t − offset]}; a stale marker hides an instant
 * selection and is dropped from range windows.
 */
public final class Selectors {
    private Selectors() {}

    /**
     * The instant-vector value of the series at each step: the newest sample in the lookback window unless it
     * is a stale marker. Sets {@code present} for the steps with a value; {@code sampleTimes} (may be null)
     * receives the chosen sample's timestamp, for {@code timestamp()}.
     * {@code smoothed} interpolates between the selected sample and the next one when that lies within the
     * lookback after the step.
     */
    public static void instant(
            Samples s,
            StepGrid grid,
            long offsetMs,
            long lookbackMs,
            boolean smoothed,
            double[] out,
            BitSet present,
            long[] sampleTimes) {
        long[] ts = s.timestamps();
        double[] vs = s.values();
        int n = s.count();
        int j = -1; // index of the newest sample with ts <= ref
        for (int i = 0, steps = grid.size(); i < steps; i++) {
            long ref = grid.time(i) - offsetMs;
            while (j + 1 < n && ts[j + 1] <= ref) {
                j++;
            }
            if (j < 0 || ts[j] <= ref - lookbackMs || Samples.isStaleNaN(vs[j])) {
                continue;
            }
            out[i] = vs[j];
            if (smoothed
                    && ts[j] < ref
                    && j + 1 < n
                    && ts[j + 1] <= ref + lookbackMs
                    && !Samples.isStaleNaN(vs[j + 1])) {
                out[i] = RangeFunction.interpolate(ts[j], vs[j], ts[j + 1], vs[j + 1], ref, false);
            }
            present.set(i);
            if (sampleTimes != null) {
                sampleTimes[i] = ts[j];
            }
        }
    }

    /** A copy of the samples without stale markers, as range windows see them. */
    public static Samples withoutStaleMarkers(Samples s) {
        int n = s.count();
        int stale = 0;
        for (int k = 0; k < n; k++) {
            if (Samples.isStaleNaN(s.values()[k])) {
                stale++;
            }
        }
        if (stale == 0) {
            return s;
        }
        long[] t = new long[n - stale];
        double[] v = new double[n - stale];
        int o = 0;
        for (int k = 0; k < n; k++) {
            if (!Samples.isStaleNaN(s.values()[k])) {
                t[o] = s.timestamps()[k];
                v[o++] = s.values()[k];
            }
        }
        return new Samples(t, v, o);
    }

    /**
     * Applies {@code f} to the series' window {@code (t − offset − range, t − offset]} at every step, sliding
     * two indices along the samples, so the whole grid costs one pass over them. {@code s} must not contain
     * stale markers. {@code param0}/{@code param1} (may be null) give the function's scalar arguments per step.
     * With an extension ({@link Window#extension}), the window reaches {@code lookbackMs} further out.
     */
    public static void range(
            RangeFunction f,
            Samples s,
            StepGrid grid,
            long offsetMs,
            long rangeMs,
            long lookbackMs,
            Window w,
            double[] param0,
            double[] param1,
            double[] out,
            BitSet present) {
        long before = w.extension == io.sextant.promql.ast.RangeExtension.NONE ? 0 : lookbackMs;
        long after = w.extension == io.sextant.promql.ast.RangeExtension.SMOOTHED ? lookbackMs : 0;
        w.t = s.timestamps();
        w.v = s.values();
        w.rangeSeconds = rangeMs / 1000.0;
        int n = s.count();
        int lo = 0;
        int hi = 0;
        for (int i = 0, steps = grid.size(); i < steps; i++) {
            long end = (w.fixedEnd == Long.MIN_VALUE ? grid.time(i) : w.fixedEnd) - offsetMs;
            long start = end - rangeMs;
            while (lo < n && w.t[lo] <= start - before) {
                lo++;
            }
            if (hi < lo) {
                hi = lo;
            }
            while (hi < n && w.t[hi] <= end + after) {
                hi++;
            }
            if (hi <= lo) {
                continue;
            }
            w.from = lo;
            w.to = hi;
            w.rangeStart = start;
            w.rangeEnd = end;
            w.evalTime = grid.time(i);
            w.param0 = param0 == null ? 0 : param0[i];
            w.param1 = param1 == null ? 0 : param1[i];
            if (f.apply(w, out, i)) {
                present.set(i);
            }
        }
    }
}
