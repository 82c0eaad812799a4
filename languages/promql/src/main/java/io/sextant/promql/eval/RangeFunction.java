package io.sextant.promql.eval;

import io.sextant.promql.ast.RangeExtension;
import io.sextant.promql.parser.GoNumbers;
import io.sextant.storage.numeric.KahanSum;
import io.sextant.storage.numeric.RangeRules;
import io.sextant.storage.numeric.Welford;

/**
 * The range-vector functions over float samples, one window at a time, with Prometheus 3.x semantics
 * (promql/functions.go). Every kernel is called only for a non-empty window (Prometheus skips empty ones)
 * and returns whether the series has an output at this step; the value goes to {@code out[i]}.
 *
 * <p>Native histograms are not stored by Sextant yet, so the mixed float/histogram rules do not arise.
 */
public enum RangeFunction {
    RATE(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            return extrapolatedRate(w, true, true, out, i);
        }
    },
    INCREASE(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            return extrapolatedRate(w, true, false, out, i);
        }
    },
    DELTA(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            return extrapolatedRate(w, false, false, out, i);
        }
    },
    IRATE(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            return instantValue(w, true, out, i);
        }
    },
    IDELTA(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            return instantValue(w, false, out, i);
        }
    },
    RESETS(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            int start = anchoredStart(w);
            if (start < 0) {
                return false;
            }
            int resets = 0;
            double prev = w.v[start];
            for (int k = start + 1; k < w.to; k++) {
                double cur = w.v[k];
                if (RangeRules.isCounterReset(prev, cur)) {
                    resets++;
                }
                prev = cur;
            }
            out[i] = resets;
            return true;
        }
    },
    CHANGES(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            int start = anchoredStart(w);
            if (start < 0) {
                return false;
            }
            int changes = 0;
            double prev = w.v[start];
            for (int k = start + 1; k < w.to; k++) {
                double cur = w.v[k];
                if (cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
                    changes++;
                }
                prev = cur;
            }
            out[i] = changes;
            return true;
        }
    },
    DERIV(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            if (w.size() < 2) {
                return false;
            }
            // Regressing against the first sample's time keeps the x values small and the result accurate.
            out[i] = linearRegression(w, w.t[w.from]);
            return true;
        }
    },
    /** {@code predict_linear(v, param0)}. */
    PREDICT_LINEAR(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            if (w.size() < 2) {
                return false;
            }
            double slope = linearRegression(w, w.evalTime);
            out[i] = slope * w.param0 + w.intercept;
            return true;
        }
    },
    /** {@code double_exponential_smoothing(v, sf = param0, tf = param1)}. */
    DOUBLE_EXPONENTIAL_SMOOTHING(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            double sf = w.param0;
            double tf = w.param1;
            if (sf <= 0 || sf >= 1) {
                throw QueryErrors.execution(
                        "invalid smoothing factor. Expected: 0 < sf < 1, got: " + GoNumbers.formatF(sf));
            }
            if (tf <= 0 || tf >= 1) {
                throw QueryErrors.execution(
                        "invalid trend factor. Expected: 0 < tf < 1, got: " + GoNumbers.formatF(tf));
            }
            if (w.size() < 2) {
                return false;
            }
            double s0 = 0;
            double s1 = w.v[w.from];
            double b = w.v[w.from + 1] - w.v[w.from];
            for (int k = 1; k < w.size(); k++) {
                double x = sf * w.v[w.from + k];
                if (k > 1) {
                    b = tf * (s1 - s0) + (1 - tf) * b;
                }
                double y = (1 - sf) * (s1 + b);
                s0 = s1;
                s1 = x + y;
            }
            out[i] = s1;
            return true;
        }
    },
    COUNT_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            out[i] = w.size();
            return true;
        }
    },
    PRESENT_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            out[i] = 1;
            return true;
        }
    },
    SUM_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            KahanSum sum = w.kahan(0);
            for (int k = w.from; k < w.to; k++) {
                sum.add(w.v[k]);
            }
            out[i] = sum.result();
            return true;
        }
    },
    AVG_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            out[i] = Averages.mean(w.v, w.from, w.to, w.kahan(0));
            return true;
        }
    },
    MIN_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            double best = w.v[w.from];
            for (int k = w.from + 1; k < w.to; k++) {
                best = RangeRules.min(best, w.v[k]);
            }
            out[i] = best;
            return true;
        }
    },
    MAX_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            double best = w.v[w.from];
            for (int k = w.from + 1; k < w.to; k++) {
                best = RangeRules.max(best, w.v[k]);
            }
            out[i] = best;
            return true;
        }
    },
    /** Timestamp (s) of the minimum; ties pick the latest sample. */
    TS_OF_MIN_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            int best = w.from;
            for (int k = w.from + 1; k < w.to; k++) {
                if (w.v[k] <= w.v[best] || Double.isNaN(w.v[best])) {
                    best = k;
                }
            }
            out[i] = w.t[best] / 1000.0;
            return true;
        }
    },
    /** Timestamp (s) of the maximum; ties pick the latest sample. */
    TS_OF_MAX_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            int best = w.from;
            for (int k = w.from + 1; k < w.to; k++) {
                if (w.v[k] >= w.v[best] || Double.isNaN(w.v[best])) {
                    best = k;
                }
            }
            out[i] = w.t[best] / 1000.0;
            return true;
        }
    },
    TS_OF_FIRST_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            out[i] = w.t[w.from] / 1000.0;
            return true;
        }
    },
    TS_OF_LAST_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            out[i] = w.t[w.to - 1] / 1000.0;
            return true;
        }
    },
    FIRST_OVER_TIME(true) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            out[i] = w.v[w.from];
            return true;
        }
    },
    LAST_OVER_TIME(true) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            out[i] = w.v[w.to - 1];
            return true;
        }
    },
    /** {@code quantile_over_time(φ = param0, v)}. */
    QUANTILE_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            double[] values = w.copyValues();
            out[i] = Quantiles.quantile(w.param0, values, w.size());
            return true;
        }
    },
    STDDEV_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            out[i] = Math.sqrt(variance(w));
            return true;
        }
    },
    STDVAR_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            out[i] = variance(w);
            return true;
        }
    },
    /** Median absolute deviation around the median; NaN when any value is NaN. */
    MAD_OVER_TIME(false) {
        @Override
        public boolean apply(Window w, double[] out, int i) {
            int n = w.size();
            double[] values = w.copyValues();
            for (int k = 0; k < n; k++) {
                if (Double.isNaN(values[k])) {
                    out[i] = Double.NaN;
                    return true;
                }
            }
            double median = Quantiles.quantile(0.5, values, n);
            for (int k = 0; k < n; k++) {
                values[k] = Math.abs(values[k] - median);
            }
            out[i] = Quantiles.quantile(0.5, values, n);
            return true;
        }
    };

    private final boolean keepsName;

    RangeFunction(boolean keepsName) {
        this.keepsName = keepsName;
    }

    /** Whether the output keeps the input's {@code __name__} (only first/last_over_time do). */
    public boolean keepsName() {
        return keepsName;
    }

    /** Evaluates one non-empty window; false when the series has no output at this step. */
    public abstract boolean apply(Window w, double[] out, int i);

    /** rate, increase and delta: the change over the window, extrapolated towards its edges. */
    static boolean extrapolatedRate(Window w, boolean isCounter, boolean isRate, double[] out, int i) {
        if (w.extension != RangeExtension.NONE) {
            return extendedRate(w, isCounter, isRate, out, i);
        }
        int n = w.size();
        if (n < 2) {
            return false;
        }
        double first = w.v[w.from];
        double result = w.v[w.to - 1] - first;
        if (isCounter) {
            double prev = first;
            for (int k = w.from + 1; k < w.to; k++) {
                double cur = w.v[k];
                if (RangeRules.isCounterReset(prev, cur)) {
                    result += prev;
                }
                prev = cur;
            }
        }
        out[i] = Extrapolation.extrapolate(
                result,
                first,
                w.t[w.from],
                w.t[w.to - 1],
                n,
                w.rangeStart,
                w.rangeEnd,
                w.rangeSeconds,
                isCounter,
                isRate);
        return true;
    }

    /**
     * rate/increase/delta over an {@code anchored} or {@code smoothed} range: the value at each edge is the last
     * sample at or before the start (anchored) or interpolated at the edges (smoothed), without extrapolation.
     */
    static boolean extendedRate(Window w, boolean isCounter, boolean isRate, double[] out, int i) {
        boolean smoothed = w.extension == RangeExtension.SMOOTHED;
        int last = w.to - 1;
        int first = Math.max(w.from, firstAfter(w, w.from, last, w.rangeStart) - 1);
        if (smoothed) {
            last = firstAtOrAfter(w, w.from, last, w.rangeEnd);
        }
        // No data inside the range, only before it or only after it: no output.
        if (w.t[last] <= w.rangeStart || w.t[first] > w.rangeEnd) {
            return false;
        }
        double left = smoothed && w.t[first] < w.rangeStart
                ? interpolate(w, first, first + 1, w.rangeStart, isCounter)
                : w.v[first];
        double right = smoothed && last > w.from && w.t[last] > w.rangeEnd
                ? interpolate(w, last - 1, last, w.rangeEnd, isCounter)
                : w.v[last];
        double result = right - left;
        if (isCounter) {
            // Only samples strictly inside the range: the edges already account for resets at the boundaries.
            int from = w.t[first] <= w.rangeStart ? first + 1 : first;
            int to = w.t[last] >= w.rangeEnd ? last - 1 : last;
            double prev = left;
            for (int k = from; k <= to; k++) {
                if (RangeRules.isCounterReset(prev, w.v[k])) {
                    result += prev;
                }
                prev = w.v[k];
            }
            if (RangeRules.isCounterReset(prev, right)) {
                result += prev;
            }
        }
        if (isRate) {
            result /= w.rangeSeconds;
        }
        out[i] = result;
        return true;
    }

    /** Linear interpolation at {@code t}; across a counter reset the counter restarts from 0 at the first point. */
    static double interpolate(long t1, double y1, long t2, double y2, long t, boolean isCounter) {
        if (isCounter && RangeRules.isCounterReset(y1, y2)) {
            y1 = 0;
        }
        return y1 + (y2 - y1) * (double) (t - t1) / (double) (t2 - t1);
    }

    private static double interpolate(Window w, int a, int b, long t, boolean isCounter) {
        return interpolate(w.t[a], w.v[a], w.t[b], w.v[b], t, isCounter);
    }

    /** Go's {@code sort.Search} over {@code [from, to)}: the first index whose time is after {@code t}. */
    private static int firstAfter(Window w, int from, int to, long t) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (w.t[mid] > t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static int firstAtOrAfter(Window w, int from, int to, long t) {
        return firstAfter(w, from, to, t - 1);
    }

    /** With {@code anchored}, resets and changes start from the last sample at or before the range start. */
    static int anchoredStart(Window w) {
        if (w.extension == RangeExtension.NONE) {
            return w.from;
        }
        int firstInside = firstAfter(w, w.from, w.to, w.rangeStart);
        return firstInside >= w.to ? -1 : Math.max(w.from, firstInside - 1);
    }

    /** irate and idelta: from the last two samples of the window. */
    static boolean instantValue(Window w, boolean isRate, double[] out, int i) {
        if (w.size() < 2) {
            return false;
        }
        long prevT = w.t[w.to - 2];
        long lastT = w.t[w.to - 1];
        double prev = w.v[w.to - 2];
        double last = w.v[w.to - 1];
        long dt = lastT - prevT;
        if (dt == 0) {
            return false;
        }
        double result = isRate && last < prev ? last : last - prev;
        if (isRate) {
            result /= dt / 1000.0;
        }
        out[i] = result;
        return true;
    }

    /**
     * Least-squares regression of the window's values over time (s) relative to {@code interceptTime}, with
     * Kahan-compensated sums; returns the slope and leaves the intercept in {@link Window#intercept}.
     */
    static double linearRegression(Window w, long interceptTime) {
        double n = 0;
        KahanSum sumX = w.kahan(0);
        KahanSum sumY = w.kahan(1);
        KahanSum sumXY = w.kahan(2);
        KahanSum sumX2 = w.kahan(3);
        double initY = w.v[w.from];
        boolean constY = true;
        for (int k = w.from; k < w.to; k++) {
            double y = w.v[k];
            if (constY && k > w.from && y != initY) {
                constY = false;
            }
            n += 1;
            double x = (w.t[k] - interceptTime) / 1e3;
            sumX.add(x);
            sumY.add(y);
            sumXY.add(x * y);
            sumX2.add(x * x);
        }
        if (constY) {
            boolean inf = Double.isInfinite(initY);
            w.intercept = inf ? Double.NaN : initY;
            return inf ? Double.NaN : 0;
        }
        // Prometheus adds the compensation even to an infinite sum (where it is 0); so do we.
        double sx = sumX.sum() + sumX.compensation();
        double sy = sumY.sum() + sumY.compensation();
        double sxy = sumXY.sum() + sumXY.compensation();
        double sx2 = sumX2.sum() + sumX2.compensation();
        double covXY = sxy - sx * sy / n;
        double varX = sx2 - sx * sx / n;
        double slope = covXY / varX;
        w.intercept = sy / n - slope * sx / n;
        return slope;
    }

    /** Population variance by Welford's method with Kahan-compensated mean and sum of squares. */
    static double variance(Window w) {
        Welford variance = w.welford();
        for (int k = w.from; k < w.to; k++) {
            variance.add(w.v[k]);
        }
        return variance.variance();
    }
}
