package io.sextant.storage;

import static java.util.Objects.requireNonNull;

/** The one unchecked exception Sextant throws; {@link #code()} says what kind of failure it is. */
public class SextantException extends RuntimeException {
    private final ErrorCode code;

    public SextantException(ErrorCode code, String message) {
        super(requireNonNull(message, "message is null"));
        this.code = requireNonNull(code, "code is null");
    }

    public SextantException(ErrorCode code, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.code = requireNonNull(code, "code is null");
    }

    public ErrorCode code() {
        return code;
    }
}
