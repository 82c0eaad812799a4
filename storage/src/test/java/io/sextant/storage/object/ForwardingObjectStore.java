package io.sextant.storage.object;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A test store that passes every call on; subclasses override the calls they want to watch or disturb. */
public class ForwardingObjectStore implements ObjectStore {
    private final ObjectStore delegate;

    public ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void put(String key, Path file) {
        delegate.put(key, file);
    }

    @Override
    public void put(String key, byte[] bytes) {
        delegate.put(key, bytes);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return delegate.get(key);
    }

    @Override
    public boolean download(String key, Path target) {
        return delegate.download(key, target);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public void deletePrefix(String prefix) {
        delegate.deletePrefix(prefix);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
