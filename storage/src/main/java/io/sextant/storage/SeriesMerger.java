package io.sextant.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * Merges series lists from several sources (tiers, blocks) into one list in label order. Series with the same
 * labels are merged into one run of samples; when two sources hold a sample at the same timestamp, the one from
 * the earlier source in the argument list is kept, so callers list the sources oldest write first.
 */
public final class SeriesMerger {
    private SeriesMerger() {}

    /** Merges lists that are each sorted by labels with distinct labels. */
    public static List<Series> merge(List<List<Series>> sources) {
        List<List<Series>> nonEmpty = new ArrayList<>();
        for (List<Series> s : sources) {
            if (!s.isEmpty()) {
                nonEmpty.add(s);
            }
        }
        if (nonEmpty.isEmpty()) {
            return List.of();
        }
        if (nonEmpty.size() == 1) {
            return nonEmpty.get(0);
        }
        List<Series> out = nonEmpty.get(0);
        for (int i = 1; i < nonEmpty.size(); i++) {
            out = mergeTwo(out, nonEmpty.get(i));
        }
        return out;
    }

    private static List<Series> mergeTwo(List<Series> a, List<Series> b) {
        List<Series> out = new ArrayList<>(Math.max(a.size(), b.size()));
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            int c = a.get(i).labels().compareTo(b.get(j).labels());
            if (c < 0) {
                out.add(a.get(i++));
            } else if (c > 0) {
                out.add(b.get(j++));
            } else {
                out.add(new Series(
                        a.get(i).labels(),
                        merge(a.get(i++).samples(), b.get(j++).samples())));
            }
        }
        while (i < a.size()) {
            out.add(a.get(i++));
        }
        while (j < b.size()) {
            out.add(b.get(j++));
        }
        return out;
    }

    /** Merges two sorted runs; at equal timestamps {@code a}'s sample is kept. */
    public static Samples merge(Samples a, Samples b) {
        if (b.count() == 0) {
            return a;
        }
        if (a.count() == 0) {
            return b;
        }
        long[] at = a.timestamps();
        long[] bt = b.timestamps();
        int n = a.count();
        int m = b.count();
        long[] t = new long[n + m];
        double[] v = new double[n + m];
        if (at[n - 1] < bt[0] || bt[m - 1] < at[0]) {
            Samples first = at[n - 1] < bt[0] ? a : b;
            Samples second = first == a ? b : a;
            System.arraycopy(first.timestamps(), 0, t, 0, first.count());
            System.arraycopy(first.values(), 0, v, 0, first.count());
            System.arraycopy(second.timestamps(), 0, t, first.count(), second.count());
            System.arraycopy(second.values(), 0, v, first.count(), second.count());
            return new Samples(t, v, n + m);
        }
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < n || j < m) {
            if (j >= m || (i < n && at[i] <= bt[j])) {
                if (j < m && at[i] == bt[j]) {
                    j++;
                }
                t[k] = at[i];
                v[k++] = a.values()[i++];
            } else {
                t[k] = bt[j];
                v[k++] = b.values()[j++];
            }
        }
        return new Samples(t, v, k);
    }
}
