package io.sextant.storage.object;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.time.Duration;

/**
 * How {@link RetryingObjectStore} retries: up to {@code maxAttempts} tries in all, waiting {@code baseDelay} before
 * the first retry and doubling the wait before each next one, never beyond {@code maxDelay}. Field errors name the
 * configuration key ({@code object-store.retry.*}).
 *
 * <p>The waits carry no jitter: one process talks to its store, so there is no herd of clients to spread out, and
 * fixed waits keep a failure's timeline readable in the log.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    public RetryPolicy {
        requireNonNull(baseDelay, "baseDelay is null");
        requireNonNull(maxDelay, "maxDelay is null");
        if (maxAttempts < 1) {
            throw invalid("object-store.retry.max-attempts must be at least 1, got " + maxAttempts);
        }
        if (baseDelay.isNegative() || baseDelay.isZero()) {
            throw invalid("object-store.retry.base-delay must be positive, got " + baseDelay);
        }
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw invalid("object-store.retry.max-delay (" + maxDelay + ") must not be less than "
                    + "object-store.retry.base-delay (" + baseDelay + ")");
        }
    }

    /**
     * Five attempts over about four seconds (0.25 + 0.5 + 1 + 2 s of waiting): long enough to ride out a
     * connection reset or a throttled burst, short enough that a query reading a cold block fails within its
     * timeout when the store is down.
     */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(10));
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration delayBeforeRetry(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be at least 1");
        }
        Duration delay = baseDelay;
        for (int i = 1; i < retry && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    private static SextantException invalid(String message) {
        return new SextantException(ErrorCode.BAD_DATA, message);
    }
}
