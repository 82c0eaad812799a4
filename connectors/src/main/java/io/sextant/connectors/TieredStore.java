package io.sextant.connectors;

import static java.util.Objects.requireNonNull;

import io.sextant.planner.TierWatermarks;
import io.sextant.planner.TimeRange;
import io.sextant.storage.Matcher;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.block.BlockMeta;
import io.sextant.storage.cold.ColdBlockMeta;
import io.sextant.storage.cold.LabeledRollup;
import io.sextant.storage.cold.RollupReader;
import io.sextant.storage.head.MetricsStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tiers of a running server: the metrics store's head and blocks, and the cold tier's rollups. */
public final class TieredStore implements TierStore {
    private final MetricsStore metrics;
    private final RollupReader cold;

    public TieredStore(MetricsStore metrics, RollupReader cold) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.cold = requireNonNull(cold, "cold is null");
    }

    @Override
    public List<Series> selectHot(String tenant, List<Matcher> matchers, long from, long to) {
        return metrics.selectHead(tenant, matchers, from, to, SelectHints.SAMPLES);
    }

    @Override
    public List<Series> selectWarm(String tenant, List<Matcher> matchers, long from, long to) {
        return metrics.blocks().select(tenant, matchers, from, to, SelectHints.SAMPLES);
    }

    @Override
    public List<LabeledRollup> selectCold(
            String tenant, List<Matcher> matchers, long from, long to, long resolutionMs) {
        return cold.select(tenant, matchers, from, to, resolutionMs);
    }

    @Override
    public TierWatermarks watermarks(String tenant) {
        // the generation first: a flush after it shows up as a changed generation, never as a lost range
        long generation = metrics.flushGeneration();
        Optional<long[]> head = metrics.headRange(tenant);
        TimeRange hot = head.map(h -> new TimeRange(h[0], h[1])).orElse(TimeRange.EMPTY);
        List<BlockMeta> blocks = metrics.blocks().blocks(tenant);
        TimeRange warm = blocks.isEmpty()
                ? TimeRange.EMPTY
                : new TimeRange(
                        blocks.stream().mapToLong(BlockMeta::minTime).min().getAsLong(),
                        blocks.stream().mapToLong(BlockMeta::maxTime).max().getAsLong());
        Map<Long, TimeRange> coverage = new HashMap<>();
        for (long r : cold.resolutions()) {
            TimeRange c = newestRun(cold.blocks(tenant, r));
            if (!c.isEmpty()) {
                coverage.put(r, c);
            }
        }
        return new TierWatermarks(hot, warm, coverage, generation);
    }

    /** The raw-time range of the newest run of adjacent cold blocks: older blocks behind a gap are not used. */
    static TimeRange newestRun(List<ColdBlockMeta> blocks) {
        if (blocks.isEmpty()) {
            return TimeRange.EMPTY;
        }
        List<ColdBlockMeta> sorted = blocks.stream()
                .sorted(java.util.Comparator.comparingLong(ColdBlockMeta::windowStart))
                .toList();
        int i = sorted.size() - 1;
        long start = sorted.get(i).windowStart();
        while (i > 0 && sorted.get(i - 1).windowEnd() == start) {
            start = sorted.get(--i).windowStart();
        }
        return new TimeRange(start, sorted.get(sorted.size() - 1).windowEnd() - 1);
    }

    @Override
    public long flushGeneration() {
        return metrics.flushGeneration();
    }

    @Override
    public List<Long> resolutions() {
        return cold.resolutions();
    }

    @Override
    public List<Series> select(String tenant, List<Matcher> matchers, long mint, long maxt, SelectHints hints) {
        return metrics.select(tenant, matchers, mint, maxt, hints);
    }

    @Override
    public List<String> labelNames(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt) {
        return metrics.labelNames(tenant, matcherSets, mint, maxt);
    }

    @Override
    public List<String> labelValues(String tenant, String name, List<List<Matcher>> matcherSets, long mint, long maxt) {
        return metrics.labelValues(tenant, name, matcherSets, mint, maxt);
    }

    @Override
    public Map<String, List<MetricMetadata>> metadata(String tenant) {
        return metrics.metadata(tenant);
    }

    @Override
    public List<SeriesExemplars> exemplars(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt) {
        return metrics.exemplars(tenant, matcherSets, mint, maxt);
    }
}
