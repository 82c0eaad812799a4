package io.sextant.storage;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.text.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long each tier keeps a tenant's data: raw samples (head and warm blocks), 5m rollups and 1h rollups, with
 * per-tenant overrides of any of them. Rollups usually outlive raw data, which is the point of the cold tier.
 *
 * @param defaults the retention of each tier for tenants without an override
 * @param tenants per tenant, the tiers it overrides
 */
public record RetentionPolicy(Map<Tier, Duration> defaults, Map<String, Map<Tier, Duration>> tenants) {
    /** The tiers retention applies to, by their configuration names. */
    public enum Tier {
        RAW("raw", 0),
        FIVE_MINUTES("5m", 300_000),
        ONE_HOUR("1h", 3_600_000);

        private final String label;
        private final long resolutionMs;

        Tier(String label, long resolutionMs) {
            this.label = label;
            this.resolutionMs = resolutionMs;
        }

        public String label() {
            return label;
        }

        /** The rollup tier of {@code resolutionMs}. */
        public static Tier ofResolution(long resolutionMs) {
            for (Tier t : values()) {
                if (t.resolutionMs == resolutionMs && t != RAW) {
                    return t;
                }
            }
            throw new IllegalArgumentException("no rollup tier of " + resolutionMs + " ms");
        }

        static Tier parse(String label) {
            for (Tier t : values()) {
                if (t.label.equals(label)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown tier \"" + label + "\" (expected raw, 5m or 1h)");
        }
    }

    public RetentionPolicy {
        defaults = Map.copyOf(defaults);
        for (Tier t : Tier.values()) {
            Duration d = requireNonNull(defaults.get(t), "no default retention for " + t.label());
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("retention of " + t.label() + " must be positive");
            }
        }
        Map<String, Map<Tier, Duration>> copy = new TreeMap<>();
        tenants.forEach((tenant, o) -> copy.put(tenant, Map.copyOf(o)));
        tenants = java.util.Collections.unmodifiableMap(copy);
    }

    /** The same retention for every tenant. */
    public static RetentionPolicy of(Duration raw, Duration fiveMinutes, Duration oneHour) {
        return new RetentionPolicy(
                Map.of(Tier.RAW, raw, Tier.FIVE_MINUTES, fiveMinutes, Tier.ONE_HOUR, oneHour), Map.of());
    }

    public Duration retention(String tenant, Tier tier) {
        Map<Tier, Duration> o = tenants.get(tenant);
        Duration d = o == null ? null : o.get(tier);
        return d != null ? d : defaults.get(tier);
    }

    public RetentionPolicy withTenants(Map<String, Map<Tier, Duration>> overrides) {
        return new RetentionPolicy(defaults, overrides);
    }

    /**
     * Parses per-tenant overrides written {@code tenant:tier=duration,tier=duration;tenant:...}, e.g. {@code
     * acme:raw=7d,1h=2y;beta:5m=30d}; the empty string has none.
     *
     * @throws IllegalArgumentException naming the part at fault
     */
    public static Map<String, Map<Tier, Duration>> parseOverrides(String spec) {
        Map<String, Map<Tier, Duration>> out = new LinkedHashMap<>();
        if (spec.isBlank()) {
            return out;
        }
        for (String entry : spec.split(";")) {
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("\"" + entry + "\" is not tenant:tier=duration[,tier=duration...]");
            }
            String tenant = entry.substring(0, colon).trim();
            Map<Tier, Duration> tiers = new LinkedHashMap<>();
            for (String part : entry.substring(colon + 1).split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException(
                            "\"" + part + "\" of tenant " + tenant + " is not tier=duration");
                }
                Duration d;
                try {
                    d = Durations.parse(kv[1].trim());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "tenant " + tenant + ", tier " + kv[0].trim() + ": " + e.getMessage());
                }
                if (d.isZero()) {
                    throw new IllegalArgumentException(
                            "tenant " + tenant + ", tier " + kv[0].trim() + ": must be positive");
                }
                tiers.put(Tier.parse(kv[0].trim()), d);
            }
            if (out.put(tenant, tiers) != null) {
                throw new IllegalArgumentException("tenant " + tenant + " is listed twice");
            }
        }
        return out;
    }

    /** The overrides in the notation {@link #parseOverrides} reads. */
    public static String formatOverrides(Map<String, Map<Tier, Duration>> overrides) {
        List<String> entries = new java.util.ArrayList<>();
        overrides.forEach((tenant, tiers) -> {
            List<String> parts = new java.util.ArrayList<>();
            tiers.forEach((t, d) -> parts.add(t.label() + "=" + Durations.format(d)));
            entries.add(tenant + ":" + String.join(",", parts));
        });
        return String.join(";", entries);
    }
}
