package io.sextant.promql.conformance;

import static java.util.Objects.requireNonNull;

/**
 * The result of one eval of the corpus.
 *
 * @param line the eval's 1-based line in {@code file}
 * @param reason why it was skipped or failed; empty when it passed
 */
record Outcome(String file, int line, String expr, Status status, String reason) {
    enum Status {
        PASSED,
        SKIPPED,
        FAILED
    }

    Outcome {
        requireNonNull(file, "file is null");
        requireNonNull(expr, "expr is null");
        requireNonNull(status, "status is null");
        requireNonNull(reason, "reason is null");
    }

    /** The key of the known-failures list: {@code file:line}. */
    String key() {
        return file + ":" + line;
    }
}
