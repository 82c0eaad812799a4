package io.sextant.promql.eval;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;

/** The errors query evaluation raises, with Prometheus' texts. */
public final class QueryErrors {
    private QueryErrors() {}

    /** An error of Prometheus' {@code execution} type (HTTP 422). */
    public static SextantException execution(String message) {
        return new SextantException(ErrorCode.QUERY_EXECUTION, message);
    }
}
