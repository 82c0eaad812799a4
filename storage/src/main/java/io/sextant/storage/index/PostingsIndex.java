package io.sextant.storage.index;

import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.roaringbitmap.RoaringBitmap;

/**
 * Inverted index of one tenant: label name → value → bitmap of series refs. New series are rare compared
 * with reads, so a read-write lock is enough; readers get private bitmaps they may modify.
 */
public final class PostingsIndex {
    private final Map<String, TreeMap<String, RoaringBitmap>> postings = new TreeMap<>();
    private final RoaringBitmap all = new RoaringBitmap();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    public void add(int ref, Labels labels) {
        lock.writeLock().lock();
        try {
            all.add(ref);
            for (int i = 0; i < labels.size(); i++) {
                postings.computeIfAbsent(labels.name(i), k -> new TreeMap<>())
                        .computeIfAbsent(labels.value(i), k -> new RoaringBitmap())
                        .add(ref);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Refs of series satisfying every matcher. */
    public RoaringBitmap select(List<Matcher> matchers) {
        lock.readLock().lock();
        try {
            RoaringBitmap result = null;
            // Positive matchers narrow fastest; apply them before complements.
            List<Matcher> ordered = new ArrayList<>(matchers);
            ordered.sort((a, b) -> Boolean.compare(a.matchesEmpty(), b.matchesEmpty()));
            for (Matcher m : ordered) {
                RoaringBitmap r = matching(m);
                result = result == null ? r : RoaringBitmap.and(result, r);
                if (result.isEmpty()) {
                    return result;
                }
            }
            return result == null ? all.clone() : result;
        } finally {
            lock.readLock().unlock();
        }
    }

    private RoaringBitmap matching(Matcher m) {
        TreeMap<String, RoaringBitmap> values = postings.get(m.name());
        if (values == null) {
            return m.matchesEmpty() ? all.clone() : new RoaringBitmap();
        }
        if (m.type() == Matcher.Type.EQUAL && !m.value().isEmpty()) {
            RoaringBitmap r = values.get(m.value());
            return r == null ? new RoaringBitmap() : r.clone();
        }
        // The set of series having the label with a value that matches, then the empty-string rule decides
        // what happens to series without the label.
        RoaringBitmap withMatchingValue = new RoaringBitmap();
        for (Map.Entry<String, RoaringBitmap> e : values.entrySet()) {
            if (m.matches(e.getKey())) {
                withMatchingValue.or(e.getValue());
            }
        }
        if (!m.matchesEmpty()) {
            return withMatchingValue;
        }
        RoaringBitmap withLabel = new RoaringBitmap();
        for (RoaringBitmap r : values.values()) {
            withLabel.or(r);
        }
        RoaringBitmap result = RoaringBitmap.andNot(all, withLabel);
        result.or(withMatchingValue);
        return result;
    }

    public List<String> names() {
        lock.readLock().lock();
        try {
            return new ArrayList<>(postings.keySet());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Values of {@code name} with their postings (cloned), sorted by value. */
    public List<Map.Entry<String, RoaringBitmap>> values(String name) {
        lock.readLock().lock();
        try {
            TreeMap<String, RoaringBitmap> values = postings.get(name);
            List<Map.Entry<String, RoaringBitmap>> out = new ArrayList<>();
            if (values != null) {
                for (Map.Entry<String, RoaringBitmap> e : values.entrySet()) {
                    out.add(Map.entry(e.getKey(), e.getValue().clone()));
                }
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    public long sizeInBytes() {
        lock.readLock().lock();
        try {
            long bytes = all.getLongSizeInBytes();
            for (TreeMap<String, RoaringBitmap> values : postings.values()) {
                for (RoaringBitmap r : values.values()) {
                    bytes += r.getLongSizeInBytes() + 64;
                }
            }
            return bytes;
        } finally {
            lock.readLock().unlock();
        }
    }
}
