package io.sextant.storage.object;

import static java.util.Objects.requireNonNull;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import io.sextant.storage.telemetry.Telemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a store's failed operations ({@link ErrorCode#EXTERNAL_FAILURE}) as its {@link RetryPolicy} says, and
 * rethrows the last failure once the attempts are used up. Other errors (an invalid key) are not retried. Every
 * operation of the store is idempotent, so a retry after a failure whose effect is unknown is safe.
 *
 * <p>Metrics, labelled {@code op} (put, get, download, list, delete, delete_prefix): {@code
 * sextant_object_store_requests_total} counts attempts, {@code sextant_object_store_failures_total} attempts that
 * failed with an external failure, {@code sextant_object_store_retries_total} attempts that were retries.
 */
public final class RetryingObjectStore implements ObjectStore {
    private static final Logger log = LoggerFactory.getLogger(RetryingObjectStore.class);

    /** Waits between attempts; injectable so that tests need not wait. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

        void sleep(Duration duration) throws InterruptedException;
    }

    private enum Op {
        PUT,
        GET,
        DOWNLOAD,
        LIST,
        DELETE,
        DELETE_PREFIX;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    private record Counters(Telemetry.Counter requests, Telemetry.Counter failures, Telemetry.Counter retries) {}

    private final ObjectStore delegate;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final Map<Op, Counters> counters = new EnumMap<>(Op.class);

    public RetryingObjectStore(ObjectStore delegate, RetryPolicy policy, Telemetry telemetry, Sleeper sleeper) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        requireNonNull(telemetry, "telemetry is null");
        for (Op op : Op.values()) {
            counters.put(
                    op,
                    new Counters(
                            telemetry.counter(
                                    "sextant_object_store_requests_total",
                                    "Requests sent to the cold tier's object store, retries included.",
                                    "op",
                                    op.label),
                            telemetry.counter(
                                    "sextant_object_store_failures_total",
                                    "Object store requests that failed (store, network or disk errors).",
                                    "op",
                                    op.label),
                            telemetry.counter(
                                    "sextant_object_store_retries_total",
                                    "Object store requests that retried a failed one.",
                                    "op",
                                    op.label)));
        }
    }

    @Override
    public void put(String key, Path file) {
        run(Op.PUT, () -> {
            delegate.put(key, file);
            return null;
        });
    }

    @Override
    public void put(String key, byte[] bytes) {
        run(Op.PUT, () -> {
            delegate.put(key, bytes);
            return null;
        });
    }

    @Override
    public Optional<byte[]> get(String key) {
        return run(Op.GET, () -> delegate.get(key));
    }

    @Override
    public boolean download(String key, Path target) {
        return run(Op.DOWNLOAD, () -> delegate.download(key, target));
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return run(Op.LIST, () -> delegate.list(prefix));
    }

    @Override
    public void delete(String key) {
        run(Op.DELETE, () -> {
            delegate.delete(key);
            return null;
        });
    }

    @Override
    public void deletePrefix(String prefix) {
        run(Op.DELETE_PREFIX, () -> {
            delegate.deletePrefix(prefix);
            return null;
        });
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }

    private <T> T run(Op op, Supplier<T> action) {
        Counters c = counters.get(op);
        for (int attempt = 1; ; attempt++) {
            c.requests().inc();
            if (attempt > 1) {
                c.retries().inc();
            }
            try {
                return action.get();
            } catch (SextantException e) {
                if (e.code() != ErrorCode.EXTERNAL_FAILURE) {
                    throw e;
                }
                c.failures().inc();
                if (attempt >= policy.maxAttempts()) {
                    throw attempt == 1
                            ? e
                            : new SextantException(
                                    ErrorCode.EXTERNAL_FAILURE,
                                    "gave up after " + attempt + " attempts: " + e.getMessage(),
                                    e);
                }
                Duration delay = policy.delayBeforeRetry(attempt);
                log.warn(
                        "{} (attempt {} of {}); retrying in {} ms",
                        e.getMessage(),
                        attempt,
                        policy.maxAttempts(),
                        delay.toMillis());
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException interrupt) {
                    Thread.currentThread().interrupt();
                    e.addSuppressed(interrupt);
                    throw e;
                }
            }
        }
    }
}
