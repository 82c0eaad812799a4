package io.sextant.ingest;

/**
 * Limits applied to every ingest request, each reported with a precise error when exceeded.
 *
 * @param maxBodyBytes compressed body as received (413 beyond)
 * @param maxDecompressedBytes body after snappy/gzip (413 beyond; protects against decompression bombs)
 * @param maxLabelsPerSeries labels per series, including {@code __name__} (400 beyond)
 * @param maxLabelNameLength bytes of UTF-8 per label name (400 beyond)
 * @param maxLabelValueLength bytes of UTF-8 per label value (400 beyond)
 * @param maxSamplesPerRequest samples plus exemplars per request (413 beyond)
 */
public record IngestLimits(
        int maxBodyBytes,
        int maxDecompressedBytes,
        int maxLabelsPerSeries,
        int maxLabelNameLength,
        int maxLabelValueLength,
        int maxSamplesPerRequest) {
    public static final IngestLimits DEFAULTS = new IngestLimits(64 << 20, 256 << 20, 64, 1024, 4096, 1_000_000);

    public IngestLimits {
        if (maxBodyBytes <= 0
                || maxDecompressedBytes <= 0
                || maxLabelsPerSeries <= 0
                || maxLabelNameLength <= 0
                || maxLabelValueLength <= 0
                || maxSamplesPerRequest <= 0) {
            throw new IllegalArgumentException("ingest limits must be positive");
        }
    }
}
