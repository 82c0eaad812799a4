package io.sextant.ingest;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * What an ingest protocol answers: the status its specification demands, the body in the protocol's own
 * content type and any headers (for example {@code Retry-After}). The HTTP layer writes it as is.
 */
public record IngestResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    public IngestResponse {
        requireNonNull(contentType, "contentType is null");
        requireNonNull(body, "body is null");
        headers = Map.copyOf(headers);
    }

    public static IngestResponse text(int status, String message) {
        return new IngestResponse(
                status,
                "text/plain; charset=utf-8",
                (message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of());
    }
}
