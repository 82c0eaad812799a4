package io.sextant.ingest;

import io.sextant.storage.ErrorCode;

/** The HTTP status every ingest protocol answers for an {@link ErrorCode}. */
public final class IngestStatus {
    private IngestStatus() {}

    public static int httpStatus(ErrorCode code) {
        return switch (code) {
            case BAD_DATA, OUT_OF_BOUNDS, DUPLICATE_SAMPLE, BAD_TENANT -> 400;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            // 5xx, not 429: remote-write senders retry 429 only when configured to, 5xx always
            case OVERLOADED, UNAVAILABLE -> 503;
            case EXTERNAL_FAILURE, INTERNAL, QUERY_EXECUTION -> 500;
        };
    }
}
