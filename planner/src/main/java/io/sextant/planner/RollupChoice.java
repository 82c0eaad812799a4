package io.sextant.planner;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which rollup resolution, if any, answers a range function over a plain range selector exactly. A resolution R
 * qualifies only when every window {@code (t − range, t]} is a union of whole buckets — the range, the step and
 * the first window end are multiples of R — and the request allows it: {@code max_source_resolution} pins the
 * coarsest resolution allowed, and {@code auto} (the default) takes one only when a step spans at least five
 * buckets, Thanos' rule, so a panel keeps the detail its step can show. The coarsest qualifying resolution whose
 * cold blocks overlap the range wins; without any, the function reads raw samples.
 */
public final class RollupChoice {
    private RollupChoice() {}

    /** The {@code max_source_resolution} request parameter. */
    public enum MaxResolution {
        RAW(0),
        FIVE_MINUTES(300_000),
        ONE_HOUR(3_600_000),
        AUTO(Long.MAX_VALUE);

        private final long limitMs;

        MaxResolution(long limitMs) {
            this.limitMs = limitMs;
        }

        /** Parses {@code raw}, {@code 5m}, {@code 1h} or {@code auto}; the empty string is {@code auto}. */
        public static MaxResolution parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "", "auto" -> AUTO;
                case "raw", "0", "0s" -> RAW;
                case "5m" -> FIVE_MINUTES;
                case "1h" -> ONE_HOUR;
                default ->
                    throw new SextantException(
                            ErrorCode.BAD_DATA,
                            "max_source_resolution must be raw, 5m, 1h or auto, got \"" + value + "\"");
            };
        }

        public String label() {
            return switch (this) {
                case RAW -> "raw";
                case FIVE_MINUTES -> "5m";
                case ONE_HOUR -> "1h";
                case AUTO -> "auto";
            };
        }
    }

    /**
     * The outcome: a resolution ({@code 0} for raw) and, when rollups could have applied but did not, why.
     *
     * @param coverage the raw-time range the cold tier answers at that resolution
     */
    public record Decision(long resolutionMs, TimeRange coverage, String reason) {
        public Decision {
            requireNonNull(coverage, "coverage is null");
            requireNonNull(reason, "reason is null");
        }

        public boolean usesRollups() {
            return resolutionMs > 0;
        }
    }

    /**
     * @param resolutions the cold tier's resolutions
     * @param firstEnd the first window's end (step time minus offset)
     * @param stepMs the query's step, 0 for an instant query
     * @param needed the raw samples the windows span
     */
    public static Decision choose(
            MaxResolution max,
            List<Long> resolutions,
            TierWatermarks watermarks,
            long rangeMs,
            long firstEnd,
            long stepMs,
            TimeRange needed) {
        if (max == MaxResolution.RAW) {
            return new Decision(0, TimeRange.EMPTY, "");
        }
        Optional<String> reason = Optional.empty();
        long best = 0;
        TimeRange coverage = TimeRange.EMPTY;
        for (long r : resolutions) {
            TimeRange cold = watermarks.cold(r).intersect(needed);
            if (cold.isEmpty()) {
                continue;
            }
            String why = null;
            if (r > max.limitMs) {
                why = "max_source_resolution=" + max.label() + " allows no " + ScanWindow.duration(r) + " rollups";
            } else if (max == MaxResolution.AUTO && (stepMs == 0 || stepMs < 5 * r)) {
                why = "the step is under five " + ScanWindow.duration(r) + " buckets";
            } else if (rangeMs % r != 0 || (stepMs != 0 && stepMs % r != 0) || Math.floorMod(firstEnd, r) != 0) {
                why = "the windows are not aligned to " + ScanWindow.duration(r) + " buckets";
            }
            if (why == null) {
                if (r > best) {
                    best = r;
                    coverage = cold;
                }
            } else if (reason.isEmpty()) {
                reason = Optional.of(why);
            }
        }
        return best > 0 ? new Decision(best, coverage, "") : new Decision(0, TimeRange.EMPTY, reason.orElse(""));
    }
}
