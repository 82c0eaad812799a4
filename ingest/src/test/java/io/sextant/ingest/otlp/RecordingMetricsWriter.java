package io.sextant.ingest.otlp;

import io.sextant.storage.AppendResult;
import io.sextant.storage.Exemplar;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.MetricsWriter;
import io.sextant.storage.Samples;
import io.sextant.storage.SextantException;
import io.sextant.storage.WriteBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link MetricsWriter} that only records what is committed, per tenant, for unit tests of decoders. It models
 * one store rule, enough to exercise partial success: a sample older than the newest of its series is rejected
 * as out of order. Integration tests use the real store.
 */
final class RecordingMetricsWriter implements MetricsWriter {
    /** One committed sample. */
    record Sample(Labels labels, long timestampMs, double value) {}

    /** One committed exemplar with the labels of its series. */
    record RecordedExemplar(Labels series, Exemplar exemplar) {}

    private final Map<String, List<Sample>> samples = new HashMap<>();
    private final Map<String, List<RecordedExemplar>> exemplars = new HashMap<>();
    private final Map<String, List<MetricMetadata>> metadata = new HashMap<>();
    private final Map<Labels, Long> newest = new HashMap<>();
    private SextantException failure;
    private int commits;

    /** Makes every following commit throw {@code e}. */
    synchronized void failWith(SextantException e) {
        failure = e;
    }

    synchronized int commits() {
        return commits;
    }

    synchronized List<Sample> samples(String tenant) {
        return List.copyOf(samples.getOrDefault(tenant, List.of()));
    }

    synchronized List<RecordedExemplar> exemplars(String tenant) {
        return List.copyOf(exemplars.getOrDefault(tenant, List.of()));
    }

    synchronized List<MetricMetadata> metadata(String tenant) {
        return List.copyOf(metadata.getOrDefault(tenant, List.of()));
    }

    synchronized void clear() {
        samples.clear();
        exemplars.clear();
        metadata.clear();
        newest.clear();
    }

    @Override
    public TenantWriter tenant(String tenant) {
        return new TenantWriter() {
            @Override
            public int seriesRef(byte[] key, int off, int len, long hash) {
                return -1;
            }

            @Override
            public AppendResult commit(WriteBatch batch) {
                return record(tenant, batch);
            }
        };
    }

    private synchronized AppendResult record(String tenant, WriteBatch batch) {
        commits++;
        if (failure != null) {
            throw failure;
        }
        List<Sample> out = samples.computeIfAbsent(tenant, t -> new ArrayList<>());
        int accepted = 0;
        int outOfOrder = 0;
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < batch.sampleCount(); i++) {
            Labels labels = batch.labels(batch.sampleSeries(i));
            long ts = batch.timestamp(i);
            Long last = newest.get(labels);
            if (last != null && ts < last) {
                outOfOrder++;
                if (errors.size() < 3) {
                    errors.add("out of order sample for series " + labels + " at " + ts);
                }
                continue;
            }
            newest.put(labels, ts);
            out.add(new Sample(labels, ts, batch.value(i)));
            accepted++;
        }
        for (WriteBatch.EntryExemplar e : batch.exemplars()) {
            exemplars
                    .computeIfAbsent(tenant, t -> new ArrayList<>())
                    .add(new RecordedExemplar(batch.labels(e.entry()), e.exemplar()));
        }
        metadata.computeIfAbsent(tenant, t -> new ArrayList<>()).addAll(batch.metadata());
        return new AppendResult(
                accepted, 0, outOfOrder, 0, 0, 0, batch.exemplars().size(), 0, batch.seriesCount(), errors);
    }

    /**
     * Everything recorded for {@code tenant} as sorted text lines: {@code series <labels> <value>@<ts>}, {@code
     * exemplar <series> <labels> <value>@<ts>} and {@code metadata <family> <type> unit="" help=""}.
     */
    synchronized List<String> lines(String tenant) {
        List<String> lines = new ArrayList<>();
        for (Sample s : samples.getOrDefault(tenant, List.of())) {
            lines.add("series " + s.labels() + " " + format(s.value()) + "@" + s.timestampMs());
        }
        for (RecordedExemplar e : exemplars.getOrDefault(tenant, List.of())) {
            lines.add("exemplar " + e.series() + " " + e.exemplar().labels() + " "
                    + format(e.exemplar().value()) + "@" + e.exemplar().timestampMs());
        }
        for (MetricMetadata m : metadata.getOrDefault(tenant, List.of())) {
            lines.add("metadata " + m.metricFamilyName() + " " + m.type().apiName() + " unit=\"" + m.unit()
                    + "\" help=\"" + m.help() + "\"");
        }
        lines.sort(null);
        return lines;
    }

    /** Integers without a fraction, the stale marker as {@code StaleNaN}, other values as {@link Double#toString}. */
    static String format(double v) {
        if (Samples.isStaleNaN(v)) {
            return "StaleNaN";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
