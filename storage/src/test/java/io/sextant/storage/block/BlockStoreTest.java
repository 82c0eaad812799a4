package io.sextant.storage.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.Samples;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockStoreTest {
    @TempDir
    Path dir;

    /** Values every encoding path must round-trip bit for bit. */
    private static final double[] SPECIAL = {
        Double.NaN,
        Double.longBitsToDouble(Samples.STALE_NAN_BITS),
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        -0.0,
        0.0,
        Double.MIN_VALUE,
        Double.MAX_VALUE,
        1e300,
        0.1 + 0.2,
        9_007_199_254_740_993.0,
        123456.789,
        -42,
    };

    private static List<Series> fleet(long seed, int seriesCount, int samples, long start) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Series> out = new ArrayList<>();
        for (int s = 0; s < seriesCount; s++) {
            long[] t = new long[samples];
            double[] v = new double[samples];
            long time = start + r.nextInt(15_000);
            double value = r.nextInt(1000);
            int kind = s % 4;
            for (int i = 0; i < samples; i++) {
                t[i] = time;
                time += 15_000 + r.nextInt(-2, 3);
                switch (kind) {
                    case 0 -> value += r.nextInt(5000); // counter
                    case 1 -> value = Math.round((value + r.nextGaussian()) * 100) / 100.0; // gauge, 2 decimals
                    case 2 -> value += r.nextDouble(); // float sums
                    default -> value = r.nextInt(50) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : value + 4096;
                }
                v[i] = value;
            }
            Labels labels =
                    Labels.of("__name__", "metric_" + (s % 7), "instance", "host-" + s, "kind", Integer.toString(kind));
            out.add(new Series(labels, new Samples(t, v, samples)));
        }
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return out;
    }

    private static BlockMeta write(BlockStore store, String tenant, List<Series> series) {
        BlockMeta meta = BlockWriter.write(
                store.tenantDir(tenant), store.newBlockId(tenant), 0, BlockWriter.Options.FLUSH, inBlockOrder(series));
        store.publish(tenant, List.of(meta), Set.of());
        return meta;
    }

    private static java.util.Iterator<Series> inBlockOrder(List<Series> series) {
        List<Series> sorted = new ArrayList<>(series);
        sorted.sort((a, b) -> SeriesOrder.COMPARATOR.compare(a.labels(), b.labels()));
        return sorted.iterator();
    }

    private static void assertSameSamples(List<Series> actual, List<Series> expected, long mint, long maxt) {
        List<Series> clipped = new ArrayList<>();
        for (Series s : expected) {
            Samples c = clip(s.samples(), mint, maxt);
            if (c.count() > 0) {
                clipped.add(new Series(s.labels(), c));
            }
        }
        assertThat(actual).hasSameSizeAs(clipped);
        for (int i = 0; i < clipped.size(); i++) {
            Series a = actual.get(i);
            Series e = clipped.get(i);
            assertThat(a.labels()).isEqualTo(e.labels());
            assertThat(a.samples().count())
                    .as("%s", e.labels())
                    .isEqualTo(e.samples().count());
            for (int k = 0; k < e.samples().count(); k++) {
                assertThat(a.samples().timestamps()[k]).isEqualTo(e.samples().timestamps()[k]);
                assertThat(Double.doubleToRawLongBits(a.samples().values()[k]))
                        .as("%s sample %d", e.labels(), k)
                        .isEqualTo(Double.doubleToRawLongBits(e.samples().values()[k]));
            }
        }
    }

    private static Samples clip(Samples s, long mint, long maxt) {
        long[] t = new long[s.count()];
        double[] v = new double[s.count()];
        int n = 0;
        for (int i = 0; i < s.count(); i++) {
            if (s.timestamps()[i] >= mint && s.timestamps()[i] <= maxt) {
                t[n] = s.timestamps()[i];
                v[n++] = s.values()[i];
            }
        }
        return new Samples(t, v, n);
    }

    @Test
    void samplesRoundTripBitForBitAcrossRowGroups() {
        List<Series> data = fleet(1, 400, 1000, 1_000_000);
        try (BlockStore store = BlockStore.open(dir)) {
            BlockMeta meta = write(store, "acme", data);
            assertThat(meta.samples()).isEqualTo(400_000);
            assertThat(meta.series()).isEqualTo(400);
            Path samplesFile = store.tenantDir("acme").resolve(meta.id()).resolve(BlockFormat.SAMPLES_FILE);
            try (var r = org.apache.parquet.hadoop.ParquetFileReader.open(
                    new org.apache.parquet.io.LocalInputFile(samplesFile))) {
                assertThat(r.getRowGroups()).as("row groups").hasSizeGreaterThan(1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertThat(store.select("acme", List.of(), Long.MIN_VALUE, Long.MAX_VALUE, SelectHints.SAMPLES))
                    .satisfies(all -> assertSameSamples(List.copyOf(all), data, Long.MIN_VALUE, Long.MAX_VALUE));
            long mint = 1_000_000 + 300 * 15_000L;
            long maxt = 1_000_000 + 700 * 15_000L;
            List<Matcher> m = List.of(Matcher.equal("__name__", "metric_3"));
            List<Series> expected = data.stream()
                    .filter(s -> s.labels().get("__name__").equals("metric_3"))
                    .toList();
            assertSameSamples(store.select("acme", m, mint, maxt, SelectHints.SAMPLES), expected, mint, maxt);
        }
        try (BlockStore reopened = BlockStore.open(dir)) {
            assertSameSamples(
                    reopened.select("acme", List.of(), Long.MIN_VALUE, Long.MAX_VALUE, SelectHints.SAMPLES),
                    data,
                    Long.MIN_VALUE,
                    Long.MAX_VALUE);
        }
    }

    @Test
    void decimalValuesTakeFarFewerBytesThanDoubles() {
        List<Series> data = fleet(2, 200, 480, 0).stream()
                .filter(s -> !s.labels().get("kind").equals("2"))
                .toList();
        long samples = data.stream().mapToLong(s -> s.samples().count()).sum();
        try (BlockStore store = BlockStore.open(dir)) {
            BlockMeta meta = write(store, "t", data);
            // IEEE doubles alone would be 8 bytes per sample before compression
            assertThat((double) meta.bytes() / samples).isLessThan(3.0);
        }
    }

    @Test
    void overlappingBlocksMergeInLabelOrderAndTimeOrder() {
        List<Series> a = fleet(3, 50, 100, 0);
        List<Series> b = fleet(4, 80, 100, 100 * 15_000L + 20_000);
        try (BlockStore store = BlockStore.open(dir)) {
            write(store, "t", b);
            write(store, "t", a);
            List<Series> all = store.select("t", List.of(), Long.MIN_VALUE, Long.MAX_VALUE, SelectHints.SAMPLES);
            assertThat(all).hasSize(80);
            for (int i = 1; i < all.size(); i++) {
                assertThat(all.get(i - 1).labels()).isLessThan(all.get(i).labels());
            }
            Series host0 = all.stream()
                    .filter(s -> s.labels().get("instance").equals("host-0"))
                    .findFirst()
                    .orElseThrow();
            assertThat(host0.samples().count()).isEqualTo(200);
            long[] t = host0.samples().timestamps();
            for (int i = 1; i < 200; i++) {
                assertThat(t[i]).isGreaterThan(t[i - 1]);
            }
        }
    }

    @Test
    void openDeletesUnpublishedAndTemporaryFiles() throws IOException {
        List<Series> data = fleet(5, 10, 10, 0);
        String published;
        try (BlockStore store = BlockStore.open(dir)) {
            published = write(store, "t", data).id();
            BlockWriter.write(
                    store.tenantDir("t"), store.newBlockId("t"), 0, BlockWriter.Options.FLUSH, inBlockOrder(data));
            Files.createDirectories(store.tenantDir("t").resolve("b00000099.tmp"));
        }
        try (BlockStore store = BlockStore.open(dir)) {
            assertThat(store.blocks("t")).extracting(BlockMeta::id).containsExactly(published);
            try (Stream<Path> files = Files.list(store.tenantDir("t"))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder(published, BlockCatalog.FILE);
            }
        }
    }

    @Test
    void replacedBlocksAreDeletedAndTenantsStayApart() {
        List<Series> data = fleet(6, 10, 10, 0);
        try (BlockStore store = BlockStore.open(dir)) {
            BlockMeta first = write(store, "a/../b", data);
            BlockMeta second = BlockWriter.write(
                    store.tenantDir("a/../b"),
                    store.newBlockId("a/../b"),
                    1,
                    BlockWriter.Options.COMPACTION,
                    inBlockOrder(data));
            store.publish("a/../b", List.of(second), Set.of(first.id()));
            assertThat(Files.exists(store.tenantDir("a/../b").resolve(first.id())))
                    .isFalse();
            assertThat(store.tenantDir("a/../b").getFileName().toString()).isEqualTo("a%2F%2E%2E%2Fb");
            assertThat(store.select("other", List.of(), 0, Long.MAX_VALUE, SelectHints.SAMPLES))
                    .isEmpty();
        }
        try (BlockStore store = BlockStore.open(dir)) {
            assertThat(store.tenants()).containsExactly("a/../b");
            assertThat(store.blocks("a/../b")).extracting(BlockMeta::level).containsExactly(1);
        }
    }
}
