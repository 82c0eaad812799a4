package io.sextant.storage.block;

import io.sextant.storage.Samples;
import io.sextant.storage.Series;
import io.sextant.storage.SeriesMerger;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/** A k-way merge of block cursors in {@link SeriesOrder}; cursors listed earlier win on equal timestamps. */
final class CursorMerge implements Iterator<Series> {
    private record Head(int order, Block.Cursor cursor) {}

    private final PriorityQueue<Head> queue =
            new PriorityQueue<>(Comparator.comparing((Head h) -> h.cursor.peekLabels(), SeriesOrder.COMPARATOR)
                    .thenComparingInt(Head::order));

    CursorMerge(List<Block.Cursor> cursors) {
        for (int i = 0; i < cursors.size(); i++) {
            if (cursors.get(i).hasNext()) {
                queue.add(new Head(i, cursors.get(i)));
            }
        }
    }

    @Override
    public boolean hasNext() {
        return !queue.isEmpty();
    }

    @Override
    public Series next() {
        Head first = queue.poll();
        if (first == null) {
            throw new NoSuchElementException();
        }
        Series s = first.cursor.next();
        requeue(first);
        Samples merged = s.samples();
        while (!queue.isEmpty() && queue.peek().cursor.peekLabels().equals(s.labels())) {
            Head same = queue.poll();
            merged = SeriesMerger.merge(merged, same.cursor.next().samples());
            requeue(same);
        }
        return merged == s.samples() ? s : new Series(s.labels(), merged);
    }

    private void requeue(Head h) {
        if (h.cursor.hasNext()) {
            queue.add(h);
        }
    }
}
