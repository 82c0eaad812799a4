package io.sextant.promql.parser;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;

/**
 * A query that does not parse or type-check. The message is Prometheus' text byte for byte, e.g. {@code 1:14:
 * parse error: unexpected <by>}; only the first error is reported, as Prometheus does.
 */
public final class PromQLParseException extends SextantException {
    private final PositionRange position;
    private final String error;

    PromQLParseException(String query, PositionRange position, String error) {
        super(ErrorCode.BAD_DATA, position.startPosition(query) + ": parse error: " + error);
        this.position = requireNonNull(position, "position is null");
        this.error = error;
    }

    /** Where the error is, in bytes of the query. */
    public PositionRange position() {
        return position;
    }

    /** The error without position, e.g. {@code unexpected <by>}. */
    public String error() {
        return error;
    }
}
