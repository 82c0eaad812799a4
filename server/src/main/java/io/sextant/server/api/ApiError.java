package io.sextant.server.api;

/**
 * An error answered in Prometheus' envelope, {@code {"status":"error","errorType":...,"error":...}}, with the
 * HTTP status Prometheus' {@code getDefaultErrorCode} gives its type.
 */
public final class ApiError extends RuntimeException {
    /** Prometheus' error types and their statuses. */
    public enum Type {
        BAD_DATA("bad_data", 400),
        EXECUTION("execution", 422),
        CANCELED("canceled", 499),
        TIMEOUT("timeout", 503),
        INTERNAL("internal", 500),
        NOT_FOUND("not_found", 404),
        NOT_ACCEPTABLE("not_acceptable", 406),
        UNAVAILABLE("unavailable", 500);

        private final String wireName;
        private final int status;

        Type(String wireName, int status) {
            this.wireName = wireName;
            this.status = status;
        }

        public String wireName() {
            return wireName;
        }

        public int status() {
            return status;
        }
    }

    private final Type type;

    public ApiError(Type type, String message) {
        super(message);
        this.type = type;
    }

    public static ApiError badData(String message) {
        return new ApiError(Type.BAD_DATA, message);
    }

    /** Prometheus' {@code invalidParamError}: {@code invalid parameter "name": reason}. */
    public static ApiError invalidParam(String name, String reason) {
        return badData("invalid parameter \"" + name + "\": " + reason);
    }

    public Type type() {
        return type;
    }
}
