package io.sextant.storage.object;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A test store that fails its next {@code failures} calls with an external failure, then passes calls on. */
public final class FlakyObjectStore extends ForwardingObjectStore {
    private final AtomicInteger failuresLeft;
    final AtomicInteger calls = new AtomicInteger();

    public FlakyObjectStore(ObjectStore delegate, int failures) {
        super(delegate);
        this.failuresLeft = new AtomicInteger(failures);
    }

    public void failNext(int failures) {
        failuresLeft.set(failures);
    }

    private void maybeFail(String op, String key) {
        calls.incrementAndGet();
        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE, "object store flaky: " + op + " " + key + " failed: connection reset");
        }
    }

    @Override
    public void put(String key, Path file) {
        maybeFail("put", key);
        super.put(key, file);
    }

    @Override
    public void put(String key, byte[] bytes) {
        maybeFail("put", key);
        super.put(key, bytes);
    }

    @Override
    public Optional<byte[]> get(String key) {
        maybeFail("get", key);
        return super.get(key);
    }

    @Override
    public boolean download(String key, Path target) {
        maybeFail("download", key);
        return super.download(key, target);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        maybeFail("list", prefix);
        return super.list(prefix);
    }

    @Override
    public void delete(String key) {
        maybeFail("delete", key);
        super.delete(key);
    }

    @Override
    public void deletePrefix(String prefix) {
        maybeFail("delete_prefix", prefix);
        super.deletePrefix(prefix);
    }
}
