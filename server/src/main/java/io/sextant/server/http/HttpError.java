package io.sextant.server.http;

/**
 * Ends a request with a plain-text answer, for failures found before an endpoint's own protocol applies (a body
 * over the size limit, a form that does not decode).
 */
public final class HttpError extends RuntimeException {
    private final int status;

    public HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
