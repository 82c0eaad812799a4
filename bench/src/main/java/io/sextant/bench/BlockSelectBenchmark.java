package io.sextant.bench;

import io.sextant.bench.load.Fleet;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.Samples;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.block.BlockMeta;
import io.sextant.storage.block.BlockStore;
import io.sextant.storage.block.BlockWriter;
import io.sextant.storage.block.SeriesOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Warm-tier read cost: {@link BlockStore#select} over 2 h of the {@code bench/} fleet (10,000 series at 15 s) in
 * eight 15-minute blocks, as a 2 h dashboard query meets them. {@code one} selects one series (the page decoding
 * and reader set-up a panel of one series pays per block), {@code metric} one metric across the fleet
 * ({@code node_load1}), {@code all} every series (the per-sample decoding cost). The setup prints each case's
 * sample count, so ns/sample is the reported time divided by it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx3g", "--add-opens=java.base/java.nio=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class BlockSelectBenchmark {
    static final int SERIES = 10_000;
    static final long INTERVAL_MS = 15_000;
    static final int SCRAPES_PER_BLOCK = 60;
    static final int BLOCKS = 8;
    static final String TENANT = "default";
    static final long START = 1_700_006_400_000L;

    @Param({"one", "metric", "all"})
    public String query;

    private Path dir;
    private BlockStore store;
    private List<Matcher> matchers;
    private final long mint = START;
    private final long maxt = START + BLOCKS * SCRAPES_PER_BLOCK * INTERVAL_MS;

    @Setup(Level.Trial)
    public void write() throws IOException {
        dir = Files.createTempDirectory("sextant-block-select");
        store = BlockStore.open(dir);
        Fleet fleet = new Fleet(42, SERIES, INTERVAL_MS);
        Labels[] labels = new Labels[SERIES];
        for (int s = 0; s < SERIES; s++) {
            labels[s] = Labels.of(fleet.labelPairs(s));
        }
        Integer[] order = new Integer[SERIES];
        for (int s = 0; s < SERIES; s++) {
            order[s] = s;
        }
        java.util.Arrays.sort(order, (a, b) -> SeriesOrder.COMPARATOR.compare(labels[a], labels[b]));
        for (int b = 0; b < BLOCKS; b++) {
            long[][] ts = new long[SERIES][SCRAPES_PER_BLOCK];
            double[][] vs = new double[SERIES][SCRAPES_PER_BLOCK];
            for (int i = 0; i < SCRAPES_PER_BLOCK; i++) {
                fleet.step();
                long scrape = START + (long) (b * SCRAPES_PER_BLOCK + i) * INTERVAL_MS;
                for (int s = 0; s < SERIES; s++) {
                    ts[s][i] = scrape + fleet.offsetMs(s);
                    vs[s][i] = fleet.value(s);
                }
            }
            List<Series> series = new ArrayList<>(SERIES);
            for (int s : order) {
                series.add(new Series(labels[s], new Samples(ts[s], vs[s], SCRAPES_PER_BLOCK)));
            }
            String id = store.newBlockId(TENANT);
            BlockMeta meta =
                    BlockWriter.write(store.tenantDir(TENANT), id, 0, BlockWriter.Options.FLUSH, series.iterator());
            store.publish(TENANT, List.of(meta), Set.of());
        }
        matchers = switch (query) {
            case "one" -> {
                Labels l = labels[order[SERIES / 2]];
                List<Matcher> all = new ArrayList<>();
                l.forEach((name, value) -> all.add(Matcher.equal(name, value)));
                yield all;
            }
            case "metric" -> List.of(Matcher.equal("__name__", "node_load1"));
            case "all" -> List.of(Matcher.of(Matcher.Type.REGEX, "__name__", ".+"));
            default -> throw new IllegalArgumentException(query);
        };
        long samples = 0;
        List<Series> result = select();
        for (Series s : result) {
            samples += s.samples().count();
        }
        System.out.printf(Locale.ROOT, "%n[%s] %d series, %d samples per select%n", query, result.size(), samples);
    }

    @TearDown(Level.Trial)
    public void delete() throws Exception {
        store.close();
        HeadMemoryBenchmark.deleteTree(dir);
    }

    @Benchmark
    public List<Series> select() {
        return store.select(TENANT, matchers, mint, maxt, SelectHints.SAMPLES);
    }
}
