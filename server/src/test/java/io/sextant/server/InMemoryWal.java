package io.sextant.server;

import io.sextant.storage.wal.WriteAheadLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A write-ahead log in memory: enough for a MetricsStore whose durability a test does not exercise. */
final class InMemoryWal implements WriteAheadLog {
    private record Entry(byte type, byte[] bytes) {}

    private final List<Entry> records = new ArrayList<>();
    private boolean closed;

    @Override
    public synchronized ReplayStats replay(RecordHandler handler) {
        for (Entry e : records) {
            handler.onRecord(e.type, e.bytes, 0, e.bytes.length, false);
        }
        return new ReplayStats(records.size(), diskBytes(), 0, 0, 0);
    }

    @Override
    public synchronized long append(byte type, byte[] buf, int off, int len) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        records.add(new Entry(type, Arrays.copyOfRange(buf, off, off + len)));
        return records.size();
    }

    @Override
    public void awaitDurable(long seq) {}

    @Override
    public synchronized void checkpoint(CheckpointSource source) {
        List<Entry> snapshot = new ArrayList<>();
        source.writeTo((type, buf, off, len) -> snapshot.add(new Entry(type, Arrays.copyOfRange(buf, off, off + len))));
        records.clear();
        records.addAll(snapshot);
    }

    @Override
    public synchronized long diskBytes() {
        return records.stream().mapToLong(e -> e.bytes.length).sum();
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
