package io.sextant.storage.head;

import io.sextant.storage.Labels;
import io.sextant.storage.Samples;
import io.sextant.storage.Series;
import io.sextant.storage.block.BlockMeta;
import io.sextant.storage.block.BlockStore;
import io.sextant.storage.block.BlockWriter;
import io.sextant.storage.block.CrashPoints;
import io.sextant.storage.block.SeriesOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

/**
 * Moves one tenant's samples older than a cutoff from the head into warm blocks, without losing or doubling a
 * sample across a crash (RECORDS.md, "Record type 2: FLUSH"):
 *
 * <ol>
 *   <li>Under the commit lock: copy every series' samples older than the cutoff, allocate the block ids and
 *       append a FLUSH record naming them. Replay meets the record at the same point of the log, where the head
 *       holds exactly the copied samples below the cutoff.
 *   <li>Once the record is durable: write the blocks (one per {@link #WINDOW_MS} window the samples fall in)
 *       and publish them in one catalog update. This is the commit point.
 *   <li>Under the commit lock: drop the copied samples from the head. A late sample that arrived in between
 *       (within the out-of-order window, below the cutoff) stays. Replay does the same: at a FLUSH record
 *       whose blocks the catalog lists it truncates the tenant's series at the cutoff, and later records add
 *       the late samples again.
 * </ol>
 */
final class HeadFlush {
    /** Blocks of one flush never span an aligned window of this size: compaction's first level (2h). */
    static final long WINDOW_MS = 2 * 3600_000L;

    private final TenantHead head;
    private final long cutoff;
    private final List<MemSeries> series = new ArrayList<>();
    private final List<Samples> copies = new ArrayList<>();
    private final TreeMap<Long, String> blockIds = new TreeMap<>();
    private long samples;

    private HeadFlush(TenantHead head, long cutoff) {
        this.head = head;
        this.cutoff = cutoff;
    }

    /**
     * Step 1; the caller holds the commit lock and appends the returned flush's {@link #record} to the WAL. Null
     * when the tenant has no samples below the cutoff.
     */
    static HeadFlush snapshot(TenantHead head, long cutoff, BlockStore blocks) {
        HeadFlush f = new HeadFlush(head, cutoff);
        for (MemSeries s : head.allSeries()) {
            Samples c = s.copy(Long.MIN_VALUE, cutoff - 1);
            if (c.count() == 0) {
                continue;
            }
            f.series.add(s);
            f.copies.add(c);
            f.samples += c.count();
            long[] t = c.timestamps();
            long w = Math.floorDiv(t[0], WINDOW_MS);
            long last = Math.floorDiv(t[c.count() - 1], WINDOW_MS);
            for (; w <= last; w++) {
                if (!f.blockIds.containsKey(w) && hasSampleIn(t, c.count(), w)) {
                    f.blockIds.put(w, "");
                }
            }
        }
        if (f.series.isEmpty()) {
            return null;
        }
        for (Long w : List.copyOf(f.blockIds.keySet())) {
            f.blockIds.put(w, blocks.newBlockId(head.tenant));
        }
        return f;
    }

    private static boolean hasSampleIn(long[] t, int n, long window) {
        int i = lowerBound(t, n, window * WINDOW_MS);
        return i < n && t[i] < (window + 1) * WINDOW_MS;
    }

    private static int lowerBound(long[] t, int n, long v) {
        int i = Arrays.binarySearch(t, 0, n, v);
        return i >= 0 ? i : -i - 1;
    }

    /** The FLUSH record of this flush. */
    void record(RecordCodec.Writer w) {
        w.reset();
        w.u8(RecordCodec.VERSION);
        w.string(head.tenant);
        w.zigzag(cutoff);
        w.varint(blockIds.size());
        for (String id : blockIds.values()) {
            w.string(id);
        }
    }

    /** Step 2: writes and publishes the blocks; returns their catalog entries. */
    List<BlockMeta> writeBlocks(BlockStore blocks) {
        Integer[] order = new Integer[series.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> SeriesOrder.COMPARATOR.compare(series.get(a).labels, series.get(b).labels));
        List<BlockMeta> written = new ArrayList<>();
        for (var e : blockIds.entrySet()) {
            long from = e.getKey() * WINDOW_MS;
            long to = from + WINDOW_MS;
            written.add(BlockWriter.write(
                    blocks.tenantDir(head.tenant),
                    e.getValue(),
                    0,
                    BlockWriter.Options.FLUSH,
                    window(order, from, to)));
        }
        CrashPoints.reach("flush.before-publish");
        blocks.publish(head.tenant, written, Set.of());
        CrashPoints.reach("flush.after-publish");
        return written;
    }

    /** The series in block order with their copied samples in {@code [from, to)}, skipping series with none. */
    private Iterator<Series> window(Integer[] order, long from, long to) {
        return new Iterator<>() {
            int next = 0;
            Series pending = advance();

            private Series advance() {
                while (next < order.length) {
                    int i = order[next++];
                    Samples c = copies.get(i);
                    int a = lowerBound(c.timestamps(), c.count(), from);
                    int b = lowerBound(c.timestamps(), c.count(), to);
                    if (b > a) {
                        Labels labels = series.get(i).labels;
                        // usually the whole copy falls into one window: hand it on as it is
                        return new Series(
                                labels,
                                a == 0
                                        ? new Samples(c.timestamps(), c.values(), b)
                                        : new Samples(
                                                Arrays.copyOfRange(c.timestamps(), a, b),
                                                Arrays.copyOfRange(c.values(), a, b),
                                                b - a));
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public Series next() {
                if (pending == null) {
                    throw new NoSuchElementException();
                }
                Series s = pending;
                pending = advance();
                return s;
            }
        };
    }

    /**
     * Step 3; the caller holds the commit lock. Drops exactly the copied samples: when a series gained late
     * samples below the cutoff since the copy, those are put back after the truncation.
     */
    void dropFlushed() {
        for (int i = 0; i < series.size(); i++) {
            MemSeries s = series.get(i);
            Samples copied = copies.get(i);
            Samples now = s.copy(Long.MIN_VALUE, cutoff - 1);
            s.truncateBefore(cutoff);
            if (now.count() != copied.count()) {
                for (int k = 0; k < now.count(); k++) {
                    long t = now.timestamps()[k];
                    if (Arrays.binarySearch(copied.timestamps(), 0, copied.count(), t) < 0) {
                        s.append(t, now.values()[k], Long.MAX_VALUE);
                    }
                }
            }
        }
        head.arena.freeBefore(cutoff);
    }

    String tenant() {
        return head.tenant;
    }

    long cutoff() {
        return cutoff;
    }

    long samples() {
        return samples;
    }
}
