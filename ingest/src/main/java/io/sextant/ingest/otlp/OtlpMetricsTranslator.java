package io.sextant.ingest.otlp;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.sextant.ingest.IngestLimits;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Exemplar;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.Samples;
import io.sextant.storage.SextantException;
import io.sextant.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fills a {@link WriteBatch} from one OTLP export request the way Prometheus' OTLP receiver
 * ({@code storage/remote/otlptranslator/prometheusremotewrite}, default settings) appends it: gauges and
 * non-monotonic sums become gauges, monotonic cumulative sums counters named {@code _total}, cumulative
 * histograms classic {@code _bucket}/{@code _sum}/{@code _count} series, summaries {@code quantile} series
 * plus {@code _sum}/{@code _count}. Attributes become labels ({@link OtlpNames#labelName}, values joined with
 * {@code ;} when keys collide), {@code job} and {@code instance} come from the resource's {@code service.*}
 * attributes, a point flagged {@code NO_RECORDED_VALUE} becomes the stale marker. Exemplars are kept for sums
 * and histogram buckets only, as in Prometheus.
 *
 * <p>Unlike Prometheus, which fails the rest of a metric (and the request) on the first bad point, each data
 * point stands alone: one that cannot be stored (delta or unspecified temporality, exponential histograms, a
 * name or attribute that does not translate, a label limit) is rejected and counted, and the rest of the request
 * is stored. Histogram exemplars are sorted by value before they are matched to buckets; Prometheus assumes the
 * sender sorted them.
 *
 * <p>{@code target_info}: for a resource with at least one attribute besides {@code service.name}, {@code
 * service.namespace} and {@code service.instance.id}, and with a {@code job} or {@code instance} label, one
 * sample of value 1 at every distinct timestamp of that resource's stored data points, carrying the other
 * resource attributes plus {@code job} and {@code instance}. Prometheus instead writes samples from the earliest
 * to the latest timestamp every 2.5 minutes (half its lookback); both agree when a request holds one timestamp
 * per resource, the usual case, and this rule never writes more samples than the request has points.
 *
 * <p>Not thread-safe: one instance per request.
 */
final class OtlpMetricsTranslator {
    private static final String SERVICE_NAME = "service.name";
    private static final String SERVICE_NAMESPACE = "service.namespace";
    private static final String SERVICE_INSTANCE_ID = "service.instance.id";
    private static final String TARGET_INFO = "target_info";
    private static final int NO_RECORDED_VALUE = 1;
    private static final double STALE_NAN = Double.longBitsToDouble(Samples.STALE_NAN_BITS);
    private static final int MAX_MESSAGES = 10;
    /** Prometheus drops filtered attributes beyond this many runes of exemplar labels (OpenMetrics' limit). */
    private static final int MAX_EXEMPLAR_RUNES = 128;

    /** What could not be stored: data points rejected and the first distinct reasons. */
    record Result(long rejectedPoints, List<String> messages) {
        Result {
            messages = List.copyOf(messages);
        }
    }

    private final IngestLimits limits;
    private final WriteBatch batch;
    private final Map<Labels, Integer> entries = new HashMap<>();
    private final Map<String, String> labelNames = new HashMap<>();
    private final Map<Long, String> floatStrings = new HashMap<>();
    private final Set<String> metadataFamilies = new HashSet<>();
    private final Set<TargetInfoSample> targetInfoSamples = new HashSet<>();
    private final LinkedHashSet<String> messages = new LinkedHashSet<>();
    private boolean messagesTruncated;
    private long rejectedPoints;
    private int exemplarCount;

    private final Pairs attributes = new Pairs();
    private final Pairs base = new Pairs();
    private final Labels.Builder builder = Labels.builder();
    private final List<Labels> pendingLabels = new ArrayList<>();
    private double[] pendingValues = new double[16];
    private int[] pendingEntries = new int[16];
    private final List<PendingExemplar> pendingExemplars = new ArrayList<>();
    private final List<io.opentelemetry.proto.metrics.v1.Exemplar> sortedExemplars = new ArrayList<>();

    private String job;
    private String instance;
    private long[] resourceTimestamps = new long[16];
    private int resourceTimestampCount;

    private record TargetInfoSample(int entry, long timestampMs) {}

    private record PendingExemplar(int series, Exemplar exemplar) {}

    /** A metric whose points are being translated, with its series names computed once. */
    private record Family(String otlpName, String name, String sumName, String countName, String bucketName) {
        Family(String otlpName, String name) {
            this(otlpName, name, name + "_sum", name + "_count", name + "_bucket");
        }
    }

    OtlpMetricsTranslator(IngestLimits limits, WriteBatch batch) {
        this.limits = requireNonNull(limits, "limits is null");
        this.batch = requireNonNull(batch, "batch is null");
    }

    /**
     * Translates the request into the batch.
     *
     * @throws SextantException {@link ErrorCode#TOO_LARGE} when the request yields more samples and exemplars
     *     than {@link IngestLimits#maxSamplesPerRequest()}
     */
    Result translate(ExportMetricsServiceRequest request) {
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            List<KeyValue> resourceAttributes = rm.getResource().getAttributesList();
            setResource(resourceAttributes);
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric metric : sm.getMetricsList()) {
                    translate(metric);
                }
            }
            addTargetInfo(resourceAttributes);
        }
        List<String> out = new ArrayList<>(messages);
        if (messagesTruncated) {
            out.add("...");
        }
        return new Result(rejectedPoints, out);
    }

    private void setResource(List<KeyValue> attrs) {
        KeyValue name = find(attrs, SERVICE_NAME);
        KeyValue namespace = find(attrs, SERVICE_NAMESPACE);
        KeyValue instanceId = find(attrs, SERVICE_INSTANCE_ID);
        job = "";
        if (name != null) {
            job = OtlpValues.asString(name.getValue());
            if (namespace != null) {
                job = OtlpValues.asString(namespace.getValue()) + "/" + job;
            }
        }
        instance = instanceId == null ? "" : OtlpValues.asString(instanceId.getValue());
        resourceTimestampCount = 0;
    }

    private static KeyValue find(List<KeyValue> attrs, String key) {
        for (KeyValue kv : attrs) {
            if (kv.getKey().equals(key)) {
                return kv;
            }
        }
        return null;
    }

    private void translate(Metric metric) {
        OtlpNames.Kind kind;
        MetricMetadata.Type type;
        int points;
        String unsupported = null;
        switch (metric.getDataCase()) {
            case GAUGE -> {
                kind = OtlpNames.Kind.GAUGE;
                type = MetricMetadata.Type.GAUGE;
                points = metric.getGauge().getDataPointsCount();
            }
            case SUM -> {
                boolean monotonic = metric.getSum().getIsMonotonic();
                kind = monotonic ? OtlpNames.Kind.MONOTONIC_COUNTER : OtlpNames.Kind.NON_MONOTONIC_COUNTER;
                type = monotonic ? MetricMetadata.Type.COUNTER : MetricMetadata.Type.GAUGE;
                points = metric.getSum().getDataPointsCount();
                unsupported = temporalityProblem(metric.getSum().getAggregationTemporality());
            }
            case HISTOGRAM -> {
                kind = OtlpNames.Kind.HISTOGRAM;
                type = MetricMetadata.Type.HISTOGRAM;
                points = metric.getHistogram().getDataPointsCount();
                unsupported = temporalityProblem(metric.getHistogram().getAggregationTemporality());
            }
            case SUMMARY -> {
                kind = OtlpNames.Kind.SUMMARY;
                type = MetricMetadata.Type.SUMMARY;
                points = metric.getSummary().getDataPointsCount();
            }
            case EXPONENTIAL_HISTOGRAM -> {
                kind = OtlpNames.Kind.HISTOGRAM;
                type = MetricMetadata.Type.HISTOGRAM;
                points = metric.getExponentialHistogram().getDataPointsCount();
                unsupported = "exponential histograms are not supported yet";
            }
            default -> {
                return;
            }
        }
        if (points == 0) {
            return;
        }
        if (unsupported != null) {
            reject(metric, points, unsupported);
            return;
        }
        Family family;
        try {
            family = new Family(metric.getName(), OtlpNames.metricName(metric.getName(), metric.getUnit(), kind));
        } catch (SextantException e) {
            reject(metric, points, e.getMessage());
            return;
        }
        int samplesBefore = batch.sampleCount();
        switch (metric.getDataCase()) {
            case GAUGE -> metric.getGauge().getDataPointsList().forEach(p -> numberPoint(family, p, false));
            case SUM -> metric.getSum().getDataPointsList().forEach(p -> numberPoint(family, p, true));
            case HISTOGRAM -> metric.getHistogram().getDataPointsList().forEach(p -> histogramPoint(family, p));
            default -> metric.getSummary().getDataPointsList().forEach(p -> summaryPoint(family, p));
        }
        if (batch.sampleCount() > samplesBefore && metadataFamilies.add(family.name())) {
            batch.addMetadata(new MetricMetadata(
                    family.name(), type, metric.getDescription(), OtlpNames.unitName(metric.getUnit())));
        }
    }

    private static String temporalityProblem(AggregationTemporality temporality) {
        return switch (temporality) {
            case AGGREGATION_TEMPORALITY_CUMULATIVE -> null;
            case AGGREGATION_TEMPORALITY_DELTA -> "delta temporality is not supported";
            default -> "aggregation temporality must be cumulative, is " + temporality;
        };
    }

    private void numberPoint(Family family, NumberDataPoint p, boolean keepExemplars) {
        String problem = baseLabels(p.getAttributesList(), false);
        if (problem != null) {
            reject(family, problem);
            return;
        }
        double value =
                switch (p.getValueCase()) {
                    case AS_DOUBLE -> p.getAsDouble();
                    case AS_INT -> p.getAsInt();
                    case VALUE_NOT_SET -> 0;
                };
        if ((p.getFlags() & NO_RECORDED_VALUE) != 0) {
            value = STALE_NAN;
        }
        clearPending();
        problem = pend(family.name(), null, null, value);
        if (problem == null && keepExemplars) {
            for (int i = 0; i < p.getExemplarsCount(); i++) {
                pendExemplar(family, 0, p.getExemplars(i));
            }
        }
        finishPoint(family, problem, millis(p.getTimeUnixNano()));
    }

    private void histogramPoint(Family family, HistogramDataPoint p) {
        String problem = baseLabels(p.getAttributesList(), false);
        if (problem != null) {
            reject(family, problem);
            return;
        }
        boolean stale = (p.getFlags() & NO_RECORDED_VALUE) != 0;
        double count = stale ? STALE_NAN : unsignedToDouble(p.getCount());
        clearPending();
        if (p.hasSum()) {
            problem = pend(family.sumName(), null, null, stale ? STALE_NAN : p.getSum());
        }
        if (problem == null) {
            problem = pend(family.countName(), null, null, count);
        }
        sortedExemplars.clear();
        sortedExemplars.addAll(p.getExemplarsList());
        sortedExemplars.sort((a, b) -> Double.compare(exemplarValue(a), exemplarValue(b)));
        int nextExemplar = 0;
        long cumulative = 0;
        int buckets = Math.min(p.getExplicitBoundsCount(), p.getBucketCountsCount());
        for (int i = 0; i < buckets && problem == null; i++) {
            double bound = p.getExplicitBounds(i);
            // uint64 arithmetic, wrapping as in Go.
            cumulative += p.getBucketCounts(i);
            problem = pend(
                    family.bucketName(), "le", floatString(bound), stale ? STALE_NAN : unsignedToDouble(cumulative));
            // Not "value <= bound": a NaN exemplar stops at the first bucket, as in Prometheus.
            while (problem == null
                    && nextExemplar < sortedExemplars.size()
                    && !(exemplarValue(sortedExemplars.get(nextExemplar)) > bound)) {
                pendExemplar(family, pendingLabels.size() - 1, sortedExemplars.get(nextExemplar++));
            }
        }
        if (problem == null) {
            problem = pend(family.bucketName(), "le", "+Inf", count);
            while (problem == null && nextExemplar < sortedExemplars.size()) {
                pendExemplar(family, pendingLabels.size() - 1, sortedExemplars.get(nextExemplar++));
            }
        }
        finishPoint(family, problem, millis(p.getTimeUnixNano()));
    }

    private void summaryPoint(Family family, SummaryDataPoint p) {
        String problem = baseLabels(p.getAttributesList(), false);
        if (problem != null) {
            reject(family, problem);
            return;
        }
        boolean stale = (p.getFlags() & NO_RECORDED_VALUE) != 0;
        clearPending();
        problem = pend(family.sumName(), null, null, stale ? STALE_NAN : p.getSum());
        if (problem == null) {
            problem = pend(family.countName(), null, null, stale ? STALE_NAN : unsignedToDouble(p.getCount()));
        }
        for (int i = 0; i < p.getQuantileValuesCount() && problem == null; i++) {
            SummaryDataPoint.ValueAtQuantile q = p.getQuantileValues(i);
            problem = pend(family.name(), "quantile", floatString(q.getQuantile()), stale ? STALE_NAN : q.getValue());
        }
        finishPoint(family, problem, millis(p.getTimeUnixNano()));
    }

    /**
     * Fills {@link #base} with the label pairs of {@code attrs}: keys sorted, sanitized, colliding values joined
     * with {@code ;} in key order, {@code job} and {@code instance} overriding attributes of those names. Returns
     * null, or why the attributes cannot become labels.
     */
    private String baseLabels(List<KeyValue> attrs, boolean resource) {
        attributes.clear();
        for (int i = 0; i < attrs.size(); i++) {
            KeyValue kv = attrs.get(i);
            String key = kv.getKey();
            boolean ignored = resource
                    ? key.equals(SERVICE_NAME) || key.equals(SERVICE_NAMESPACE) || key.equals(SERVICE_INSTANCE_ID)
                    : key.equals(Labels.METRIC_NAME);
            if (!ignored) {
                attributes.add(key, OtlpValues.asString(kv.getValue()));
            }
        }
        attributes.sortByName();
        base.clear();
        for (int i = 0; i < attributes.size(); i++) {
            String name;
            try {
                name = labelName(attributes.name(i));
            } catch (SextantException e) {
                return e.getMessage();
            }
            String value = attributes.value(i);
            int existing = base.indexOf(name);
            if (existing < 0) {
                base.add(name, value);
            } else if (base.value(existing).isEmpty()) {
                base.setValue(existing, value);
            } else {
                base.setValue(existing, base.value(existing) + ";" + value);
            }
        }
        if (!job.isEmpty()) {
            base.put("job", job);
        }
        if (!instance.isEmpty()) {
            base.put("instance", instance);
        }
        return null;
    }

    /** {@link OtlpNames#labelName}, cached per request since the same keys recur on every point. */
    private String labelName(String key) {
        String name = labelNames.get(key);
        if (name == null) {
            name = OtlpNames.labelName(key);
            labelNames.put(key, name);
        }
        return name;
    }

    private void clearPending() {
        pendingLabels.clear();
        pendingExemplars.clear();
    }

    /** Adds a series of the current point (base labels, an optional extra label and the name); null or why not. */
    private String pend(String name, String extraName, String extraValue, double value) {
        checkSampleLimit(1);
        builder.reset();
        for (int i = 0; i < base.size(); i++) {
            builder.add(base.name(i), base.value(i));
        }
        if (extraName != null) {
            builder.set(extraName, extraValue);
        }
        builder.set(Labels.METRIC_NAME, name);
        Labels labels;
        try {
            labels = builder.build();
        } catch (SextantException e) {
            return e.getMessage();
        }
        String problem = checkLimits(labels);
        if (problem != null) {
            return problem;
        }
        int n = pendingLabels.size();
        if (n == pendingValues.length) {
            pendingValues = Arrays.copyOf(pendingValues, n * 2);
        }
        pendingLabels.add(labels);
        pendingValues[n] = value;
        return null;
    }

    private String checkLimits(Labels labels) {
        if (labels.size() > limits.maxLabelsPerSeries()) {
            return "series " + abbreviate(labels.toString()) + " has " + labels.size()
                    + " labels, more than the limit of " + limits.maxLabelsPerSeries();
        }
        for (int i = 0; i < labels.size(); i++) {
            // Names are ASCII after sanitization; values may hold a lone surrogate from a JSON escape.
            if (labels.name(i).length() > limits.maxLabelNameLength()) {
                return "label name \"" + abbreviate(labels.name(i)) + "\" is longer than " + limits.maxLabelNameLength()
                        + " bytes";
            }
            int valueBytes = utf8Length(labels.value(i));
            if (valueBytes < 0) {
                return "value of label \"" + abbreviate(labels.name(i)) + "\" is not valid UTF-8";
            }
            if (valueBytes > limits.maxLabelValueLength()) {
                return "value of label \"" + abbreviate(labels.name(i)) + "\" is longer than "
                        + limits.maxLabelValueLength() + " bytes";
            }
        }
        return null;
    }

    /** UTF-8 length, or -1 for a lone surrogate (which the JSON parser can produce from a {@code \\u} escape). */
    private static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    n += 1;
                } else if (!Character.isSurrogate(c)) {
                    n += 2;
                } else if (Character.isHighSurrogate(c)
                        && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    n += 2;
                    i++;
                } else {
                    return -1;
                }
            }
        }
        return n;
    }

    /**
     * Converts an exemplar for the pending series {@code series}: {@code trace_id} and {@code span_id} in hex, then
     * the filtered attributes unless they would make the labels longer than 128 runes. A malformed exemplar is
     * dropped with a message; it does not reject the data point.
     */
    private void pendExemplar(Family family, int series, io.opentelemetry.proto.metrics.v1.Exemplar e) {
        checkSampleLimit(1);
        double value;
        switch (e.getValueCase()) {
            case AS_DOUBLE -> value = e.getAsDouble();
            case AS_INT -> value = e.getAsInt();
            default -> {
                warn(family, "exemplar without a value dropped");
                return;
            }
        }
        String traceId = hexOrEmpty(e.getTraceId());
        String spanId = hexOrEmpty(e.getSpanId());
        int runes = 0;
        if (!traceId.isEmpty()) {
            runes += "trace_id".length() + traceId.length();
        }
        if (!spanId.isEmpty()) {
            runes += "span_id".length() + spanId.length();
        }
        attributes.clear();
        for (int i = 0; i < e.getFilteredAttributesCount(); i++) {
            KeyValue kv = e.getFilteredAttributes(i);
            String v = OtlpValues.asString(kv.getValue());
            attributes.add(kv.getKey(), v);
            runes += kv.getKey().codePointCount(0, kv.getKey().length()) + v.codePointCount(0, v.length());
        }
        builder.reset();
        if (runes <= MAX_EXEMPLAR_RUNES) {
            for (int i = 0; i < attributes.size(); i++) {
                builder.set(attributes.name(i), attributes.value(i));
            }
        }
        if (!traceId.isEmpty()) {
            builder.set("trace_id", traceId);
        }
        if (!spanId.isEmpty()) {
            builder.set("span_id", spanId);
        }
        Labels labels;
        try {
            labels = builder.build();
        } catch (SextantException ex) {
            warn(family, "exemplar dropped: " + ex.getMessage());
            return;
        }
        for (int i = 0; i < labels.size(); i++) {
            if (utf8Length(labels.name(i)) < 0 || utf8Length(labels.value(i)) < 0) {
                warn(family, "exemplar dropped: label " + abbreviate(labels.name(i)) + " is not valid UTF-8");
                return;
            }
        }
        // Prometheus converts exemplar times through time.Time, which floors, and sample times by integer
        // division, which truncates; they differ only for times before 1970.
        pendingExemplars.add(new PendingExemplar(
                series, new Exemplar(labels, value, Math.floorDiv(e.getTimeUnixNano(), 1_000_000))));
    }

    /** Hex of an id, or empty when absent or all zero (pdata's {@code IsEmpty}). */
    private static String hexOrEmpty(ByteString id) {
        boolean zero = true;
        for (int i = 0; i < id.size() && zero; i++) {
            zero = id.byteAt(i) == 0;
        }
        if (zero) {
            return "";
        }
        char[] out = new char[id.size() * 2];
        for (int i = 0; i < id.size(); i++) {
            out[2 * i] = Character.forDigit((id.byteAt(i) >> 4) & 0xf, 16);
            out[2 * i + 1] = Character.forDigit(id.byteAt(i) & 0xf, 16);
        }
        return new String(out);
    }

    private static double exemplarValue(io.opentelemetry.proto.metrics.v1.Exemplar e) {
        return switch (e.getValueCase()) {
            case AS_DOUBLE -> e.getAsDouble();
            case AS_INT -> e.getAsInt();
            case VALUE_NOT_SET -> 0;
        };
    }

    /** Stores the pending series of a point, or rejects the whole point. */
    private void finishPoint(Family family, String problem, long timestampMs) {
        if (problem != null) {
            reject(family, problem);
        } else {
            if (pendingEntries.length < pendingLabels.size()) {
                pendingEntries = new int[Math.max(pendingLabels.size(), 2 * pendingEntries.length)];
            }
            for (int i = 0; i < pendingLabels.size(); i++) {
                pendingEntries[i] = entry(pendingLabels.get(i));
                batch.addSample(pendingEntries[i], timestampMs, pendingValues[i]);
            }
            for (PendingExemplar pe : pendingExemplars) {
                batch.addExemplar(pendingEntries[pe.series()], pe.exemplar());
            }
            exemplarCount += pendingExemplars.size();
            addResourceTimestamp(timestampMs);
        }
        clearPending();
    }

    private int entry(Labels labels) {
        Integer e = entries.get(labels);
        if (e == null) {
            e = batch.addNewSeries(labels, null, 0, 0, 0);
            entries.put(labels, e);
        }
        return e;
    }

    /**
     * Throws {@link ErrorCode#TOO_LARGE} once the request, with what is pending and {@code adding} more, exceeds
     * the limit: checked as each series is built, so that one point with millions of buckets stops early.
     */
    private void checkSampleLimit(int adding) {
        long total =
                (long) batch.sampleCount() + exemplarCount + pendingLabels.size() + pendingExemplars.size() + adding;
        if (total > limits.maxSamplesPerRequest()) {
            throw new SextantException(
                    ErrorCode.TOO_LARGE,
                    "request has more than " + limits.maxSamplesPerRequest() + " samples and exemplars");
        }
    }

    private void addResourceTimestamp(long timestampMs) {
        int n = resourceTimestampCount;
        if (n > 0 && resourceTimestamps[n - 1] == timestampMs) {
            return;
        }
        if (n == resourceTimestamps.length) {
            resourceTimestamps = Arrays.copyOf(resourceTimestamps, n * 2);
        }
        resourceTimestamps[n] = timestampMs;
        resourceTimestampCount = n + 1;
    }

    private void addTargetInfo(List<KeyValue> resourceAttributes) {
        if (resourceTimestampCount == 0) {
            return;
        }
        int nonIdentifying = resourceAttributes.size();
        for (String key : new String[] {SERVICE_NAME, SERVICE_NAMESPACE, SERVICE_INSTANCE_ID}) {
            if (find(resourceAttributes, key) != null) {
                nonIdentifying--;
            }
        }
        if (nonIdentifying == 0) {
            return;
        }
        String problem = baseLabels(resourceAttributes, true);
        if (problem != null) {
            warn(TARGET_INFO, "resource attributes cannot become target_info labels: " + problem);
            return;
        }
        clearPending();
        problem = pend(TARGET_INFO, null, null, 1);
        if (problem != null) {
            warn(TARGET_INFO, "resource attributes cannot become target_info labels: " + problem);
            return;
        }
        Labels labels = pendingLabels.get(0);
        clearPending();
        if (!labels.has("job") && !labels.has("instance")) {
            return;
        }
        int entry = entry(labels);
        long[] timestamps = Arrays.copyOf(resourceTimestamps, resourceTimestampCount);
        Arrays.sort(timestamps);
        for (int i = 0; i < timestamps.length; i++) {
            if ((i == 0 || timestamps[i] != timestamps[i - 1])
                    && targetInfoSamples.add(new TargetInfoSample(entry, timestamps[i]))) {
                batch.addSample(entry, timestamps[i], 1);
            }
        }
        if (metadataFamilies.add(TARGET_INFO)) {
            batch.addMetadata(new MetricMetadata(TARGET_INFO, MetricMetadata.Type.GAUGE, "Target metadata", ""));
        }
        checkSampleLimit(0);
    }

    private String floatString(double d) {
        return floatStrings.computeIfAbsent(Double.doubleToRawLongBits(d), bits -> OtlpValues.formatFloat(d));
    }

    private void reject(Metric metric, int points, String reason) {
        rejectedPoints += points;
        message(reason + " (metric \"" + abbreviate(metric.getName()) + "\")");
    }

    private void reject(Family family, String reason) {
        rejectedPoints++;
        message(reason + " (metric \"" + abbreviate(family.otlpName()) + "\")");
    }

    private void warn(Family family, String message) {
        warn(family.otlpName(), message);
    }

    private void warn(String metric, String message) {
        message(message + " (metric \"" + abbreviate(metric) + "\")");
    }

    private void message(String m) {
        if (messages.size() < MAX_MESSAGES) {
            messages.add(m);
        } else if (!messages.contains(m)) {
            messagesTruncated = true;
        }
    }

    /** OTLP nanoseconds to milliseconds, truncating like Prometheus' {@code int64(ts) / 1e6}. */
    private static long millis(long unixNanos) {
        return unixNanos / 1_000_000;
    }

    /** A uint64 count as Go's {@code float64(count)} converts it. */
    private static double unsignedToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        // Halve (keeping the low bit so that rounding is unchanged), convert, double.
        return ((v >>> 1) | (v & 1)) * 2.0;
    }

    private static String abbreviate(String s) {
        return s.length() <= 128 ? s : s.substring(0, 128) + "...";
    }

    /**
     * A growable list of name/value pairs, reused across data points. Lists are short, so lookups are linear scans
     * and sorting is an insertion sort; a hostile point with thousands of attributes gets a hash index and a merge
     * sort instead.
     */
    private static final class Pairs {
        private static final int SMALL = 16;
        private String[] names = new String[SMALL];
        private String[] values = new String[SMALL];
        private int size;
        private final Map<String, Integer> index = new HashMap<>();
        private int indexed;

        void clear() {
            Arrays.fill(names, 0, size, null);
            Arrays.fill(values, 0, size, null);
            size = 0;
            clearIndex();
        }

        private void clearIndex() {
            if (indexed > 0) {
                index.clear();
                indexed = 0;
            }
        }

        int size() {
            return size;
        }

        String name(int i) {
            return names[i];
        }

        String value(int i) {
            return values[i];
        }

        void add(String name, String value) {
            if (size == names.length) {
                names = Arrays.copyOf(names, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            names[size] = name;
            values[size] = value;
            size++;
        }

        void setValue(int i, String value) {
            values[i] = value;
        }

        void put(String name, String value) {
            int i = indexOf(name);
            if (i < 0) {
                add(name, value);
            } else {
                values[i] = value;
            }
        }

        /** The first position of {@code name}, or -1. */
        int indexOf(String name) {
            if (size > SMALL) {
                while (indexed < size) {
                    index.putIfAbsent(names[indexed], indexed);
                    indexed++;
                }
                return index.getOrDefault(name, -1);
            }
            for (int i = 0; i < size; i++) {
                if (names[i].equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        /** Sorts by name in Go's string order, stably: equal keys keep their order. */
        void sortByName() {
            clearIndex();
            if (size > SMALL) {
                Integer[] order = new Integer[size];
                for (int i = 0; i < size; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, (a, b) -> OtlpValues.compareCodePoints(names[a], names[b]));
                String[] sortedNames = new String[size];
                String[] sortedValues = new String[size];
                for (int i = 0; i < size; i++) {
                    sortedNames[i] = names[order[i]];
                    sortedValues[i] = values[order[i]];
                }
                System.arraycopy(sortedNames, 0, names, 0, size);
                System.arraycopy(sortedValues, 0, values, 0, size);
                return;
            }
            for (int i = 1; i < size; i++) {
                String n = names[i];
                String v = values[i];
                int j = i - 1;
                while (j >= 0 && OtlpValues.compareCodePoints(names[j], n) > 0) {
                    names[j + 1] = names[j];
                    values[j + 1] = values[j];
                    j--;
                }
                names[j + 1] = n;
                values[j + 1] = v;
            }
        }
    }
}
