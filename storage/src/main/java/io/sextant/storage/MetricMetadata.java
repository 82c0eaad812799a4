package io.sextant.storage;

import static java.util.Objects.requireNonNull;

/** Metadata of a metric family as sent by remote-write or OTLP: type, help and unit. */
public record MetricMetadata(String metricFamilyName, Type type, String help, String unit) {
    /** The remote-write {@code MetricType} values, in their wire order. */
    public enum Type {
        UNKNOWN,
        COUNTER,
        GAUGE,
        HISTOGRAM,
        GAUGEHISTOGRAM,
        SUMMARY,
        INFO,
        STATESET;

        /** Lower-case name as Prometheus' {@code /api/v1/metadata} writes it. */
        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public MetricMetadata {
        requireNonNull(metricFamilyName, "metricFamilyName is null");
        requireNonNull(type, "type is null");
        requireNonNull(help, "help is null");
        requireNonNull(unit, "unit is null");
    }
}
