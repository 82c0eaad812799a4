package io.sextant.storage;

/**
 * Every error Sextant reports carries one of these codes. The {@link Kind} decides how the error is
 * surfaced: HTTP status codes, retry hints and log levels derive from it, never from the message.
 */
public enum ErrorCode {
    /** A request body, parameter or field is malformed or violates a rule. */
    BAD_DATA(Kind.USER_ERROR),
    /** A sample is older than the out-of-order window or newer than the accepted future. */
    OUT_OF_BOUNDS(Kind.USER_ERROR),
    /** The same series and timestamp already hold a different value. */
    DUPLICATE_SAMPLE(Kind.USER_ERROR),
    /** The request is larger than a configured limit (body, decompressed body, samples). */
    TOO_LARGE(Kind.USER_ERROR),
    /** The request's media type or encoding is not one Sextant accepts. */
    UNSUPPORTED_MEDIA_TYPE(Kind.USER_ERROR),
    /** The tenant header is malformed. */
    BAD_TENANT(Kind.USER_ERROR),
    /**
     * A well-formed query cannot be evaluated on this data (Prometheus' {@code execution} error type, e.g.
     * "many-to-many matching not allowed").
     */
    QUERY_EXECUTION(Kind.USER_ERROR),
    /** The server is overloaded; the client should retry later. */
    OVERLOADED(Kind.INSUFFICIENT_RESOURCES),
    /** The server is starting or stopping and cannot take this request now. */
    UNAVAILABLE(Kind.INSUFFICIENT_RESOURCES),
    /** A dependency outside the process failed (disk, object store, broker). */
    EXTERNAL_FAILURE(Kind.EXTERNAL),
    /** A bug or an invariant violation inside Sextant. */
    INTERNAL(Kind.INTERNAL);

    /** The four kinds of failure, after Trino's {@code ErrorType}. */
    public enum Kind {
        USER_ERROR,
        INTERNAL,
        INSUFFICIENT_RESOURCES,
        EXTERNAL
    }

    private final Kind kind;

    ErrorCode(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
