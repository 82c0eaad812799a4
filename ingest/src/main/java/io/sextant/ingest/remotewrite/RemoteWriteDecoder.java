package io.sextant.ingest.remotewrite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.sextant.ingest.IngestLimits;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Exemplar;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricMetadata;
import io.sextant.storage.MetricsWriter.TenantWriter;
import io.sextant.storage.SextantException;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.hash.XxHash64;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Decodes a decompressed Prometheus remote-write 1.0 {@code WriteRequest} straight into a {@link WriteBatch},
 * without building protobuf objects.
 *
 * <p>A series is identified by its <em>wire key</em>: the bytes of its label fields exactly as the sender
 * encoded them. Senders re-send the same label bytes for every scrape, so after the first request the
 * store resolves the key with {@link TenantWriter#seriesRef} and labels are neither decoded nor validated
 * again; that path allocates nothing per series or sample. Only unknown keys have their labels decoded,
 * validated (strict UTF-8, limits, {@code __name__}) and handed over as {@link Labels}.
 *
 * <p>Malformed protobuf (truncation, bad wire types, groups) fails the whole request. A series whose labels
 * are invalid, or that carries native histograms, is skipped and reported in the {@link Result}; the rest
 * of the request is still decoded.
 *
 * <p>Not thread-safe: one instance per thread, reused across requests.
 */
public final class RemoteWriteDecoder {
    /** How many error messages a {@link Result} lists; the rest are only counted. */
    public static final int MAX_LISTED_ERRORS = 10;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final MetricMetadata.Type[] METRIC_TYPES = MetricMetadata.Type.values();
    private static final int DESCRIPTION_LIMIT = 256;
    // One series with more samples than this (a backfill) gets its scratch columns reallocated per request.
    private static final int RETAINED_SCRATCH_SAMPLES = 8192;

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LEN = 2;
    private static final int WIRE_FIXED32 = 5;
    private static final int VALID_WIRE_TYPES =
            1 << WIRE_VARINT | 1 << WIRE_FIXED64 | 1 << WIRE_LEN | 1 << WIRE_FIXED32;

    // WriteRequest
    private static final int TIMESERIES = tag(1, WIRE_LEN);
    private static final int METADATA = tag(3, WIRE_LEN);
    private static final long WRITE_REQUEST_FIELDS = fields(1, 3);
    // TimeSeries
    private static final int LABELS = tag(1, WIRE_LEN);
    private static final int SAMPLES = tag(2, WIRE_LEN);
    private static final int EXEMPLARS = tag(3, WIRE_LEN);
    private static final int HISTOGRAMS = tag(4, WIRE_LEN);
    private static final long TIME_SERIES_FIELDS = fields(1, 2, 3, 4);
    // Label
    private static final int LABEL_NAME = tag(1, WIRE_LEN);
    private static final int LABEL_VALUE = tag(2, WIRE_LEN);
    private static final long LABEL_FIELDS = fields(1, 2);
    // Sample
    private static final int SAMPLE_VALUE = tag(1, WIRE_FIXED64);
    private static final int SAMPLE_TIMESTAMP = tag(2, WIRE_VARINT);
    private static final long SAMPLE_FIELDS = fields(1, 2);
    // Exemplar (labels is field 1 as in TimeSeries)
    private static final int EXEMPLAR_VALUE = tag(2, WIRE_FIXED64);
    private static final int EXEMPLAR_TIMESTAMP = tag(3, WIRE_VARINT);
    private static final long EXEMPLAR_FIELDS = fields(1, 2, 3);
    // MetricMetadata
    private static final int METADATA_TYPE = tag(1, WIRE_VARINT);
    private static final int METADATA_NAME = tag(2, WIRE_LEN);
    private static final int METADATA_HELP = tag(4, WIRE_LEN);
    private static final int METADATA_UNIT = tag(5, WIRE_LEN);
    private static final long METADATA_FIELDS = fields(1, 2, 4, 5);

    /**
     * What the decoder dropped. Samples and exemplars of rejected series are counted in {@code
     * samplesRejected} and {@code exemplarsRejected}; {@code firstErrors} holds at most {@link
     * #MAX_LISTED_ERRORS} of the {@code errorCount} messages, each naming the series or metadata entry and
     * the field.
     */
    public record Result(
            int seriesRejected,
            int samplesRejected,
            int exemplarsRejected,
            int histogramsRejected,
            int metadataRejected,
            int errorCount,
            List<String> firstErrors) {
        public Result {
            requireNonNull(firstErrors, "firstErrors is null");
            firstErrors = List.copyOf(firstErrors);
        }

        public boolean hasErrors() {
            return errorCount > 0;
        }
    }

    private final IngestLimits limits;
    private final Labels.Builder labelsBuilder = Labels.builder();
    private final List<String> errors = new ArrayList<>(MAX_LISTED_ERRORS);
    private byte[] scratch = new byte[1024];
    private long[] sampleTimestamps = new long[16];
    private long[] sampleBits = new long[16];

    private byte[] buf;
    private int base;
    private int pos;
    private long sampleValueBits;
    private long sampleTimestamp;
    private long samplesAndExemplars;
    private int errorCount;
    private int seriesRejected;
    private int samplesRejected;
    private int exemplarsRejected;
    private int histogramsRejected;
    private int metadataRejected;

    public RemoteWriteDecoder(IngestLimits limits) {
        this.limits = requireNonNull(limits, "limits is null");
    }

    /**
     * Decodes {@code buf[off, off+len)} into {@code batch} (which the caller has cleared), resolving series
     * with {@code writer}. Byte offsets in error messages are relative to {@code off}.
     *
     * @throws SextantException {@link ErrorCode#BAD_DATA} for malformed protobuf, {@link ErrorCode#TOO_LARGE}
     *     when the request holds more than {@link IngestLimits#maxSamplesPerRequest()} samples and exemplars;
     *     the batch is then partially filled and must not be committed
     */
    public Result decode(byte[] buf, int off, int len, TenantWriter writer, WriteBatch batch) {
        requireNonNull(buf, "buf is null");
        requireNonNull(writer, "writer is null");
        requireNonNull(batch, "batch is null");
        Objects.checkFromIndexSize(off, len, buf.length);
        this.buf = buf;
        base = off;
        pos = off;
        samplesAndExemplars = 0;
        errorCount = 0;
        seriesRejected = 0;
        samplesRejected = 0;
        exemplarsRejected = 0;
        histogramsRejected = 0;
        metadataRejected = 0;
        errors.clear();
        try {
            int end = off + len;
            int seriesIndex = 0;
            int metadataIndex = 0;
            while (pos < end) {
                int at = pos;
                int tag = readTag(end);
                if (tag == TIMESERIES) {
                    int e = readLength(end, "WriteRequest");
                    series(seriesIndex++, pos, e, writer, batch);
                    pos = e;
                } else if (tag == METADATA) {
                    int e = readLength(end, "WriteRequest");
                    metadata(metadataIndex++, pos, e, batch);
                    pos = e;
                } else {
                    skipUnknown(tag, at, end, "WriteRequest", WRITE_REQUEST_FIELDS);
                }
            }
            return new Result(
                    seriesRejected,
                    samplesRejected,
                    exemplarsRejected,
                    histogramsRejected,
                    metadataRejected,
                    errorCount,
                    errors.isEmpty() ? List.of() : errors);
        } finally {
            this.buf = null;
            if (sampleTimestamps.length > RETAINED_SCRATCH_SAMPLES) {
                sampleTimestamps = new long[16];
                sampleBits = new long[16];
            }
        }
    }

    private void series(int index, int start, int end, TenantWriter writer, WriteBatch batch) {
        // Pass 1: structure, counts and where the label fields are. Samples are decoded on the way into
        // the scratch columns; when one of them is malformed (or the series has exemplars) pass 2 decodes
        // them again and reports the error exactly where the original two-pass walk would.
        byte[] b = buf;
        int labelCount = 0;
        int keyStart = start;
        int keyEnd = start;
        boolean contiguous = true;
        int samples = 0;
        int exemplars = 0;
        int histograms = 0;
        boolean buffered = true;
        int p = start;
        while (p < end) {
            int at = p;
            int tag = b[p];
            int e;
            // Fast path: one-byte tag and one-byte length, as any sender writes labels and samples.
            if ((tag == LABELS || tag == SAMPLES) && end - p >= 2 && b[p + 1] >= 0 && b[p + 1] <= end - p - 2) {
                p += 2;
                e = p + b[p - 1];
            } else {
                pos = p;
                tag = readTag(end);
                if (tag != LABELS && tag != SAMPLES && tag != EXEMPLARS && tag != HISTOGRAMS) {
                    skipUnknown(tag, at, end, "TimeSeries", TIME_SERIES_FIELDS);
                    p = pos;
                    continue;
                }
                e = readLength(end, "TimeSeries");
                p = pos;
            }
            if (tag == LABELS) {
                if (labelCount == 0) {
                    keyStart = at;
                } else if (at != keyEnd) {
                    contiguous = false;
                }
                keyEnd = e;
                labelCount++;
            } else if (tag == SAMPLES) {
                if (buffered) {
                    buffered = bufferSample(samples, p, e);
                }
                samples++;
            } else if (tag == EXEMPLARS) {
                exemplars++;
            } else {
                histograms++;
            }
            p = e;
        }
        pos = p;
        samplesAndExemplars += samples + exemplars;
        if (samplesAndExemplars > limits.maxSamplesPerRequest()) {
            throw new SextantException(
                    ErrorCode.TOO_LARGE,
                    "request holds more than " + limits.maxSamplesPerRequest()
                            + " samples and exemplars (the per-request limit); split it into smaller requests");
        }
        if (histograms > 0) {
            histogramsRejected += histograms;
            reject(
                    index,
                    start,
                    end,
                    samples,
                    exemplars,
                    "native histograms are not supported yet (" + histograms + " histogram samples dropped)");
            return;
        }

        byte[] key = buf;
        int keyOff = keyStart;
        int keyLen = keyEnd - keyStart;
        if (!contiguous) {
            keyLen = copyLabelFields(start, end);
            key = scratch;
            keyOff = 0;
        }
        long hash = XxHash64.hash(key, keyOff, keyLen);
        int ref = writer.seriesRef(key, keyOff, keyLen, hash);
        // A series without data adds nothing, but its labels are still checked: whatever a 204 accepts is valid.
        boolean hasData = samples > 0 || exemplars > 0;
        int entry;
        if (ref >= 0) {
            if (!hasData) {
                return;
            }
            entry = batch.addResolvedSeries(ref);
        } else {
            String problem = labelCount > limits.maxLabelsPerSeries()
                    ? "has " + labelCount + " labels, more than the limit of " + limits.maxLabelsPerSeries()
                    : seriesLabels(start, end);
            Labels labels = null;
            if (problem == null) {
                try {
                    labels = labelsBuilder.build();
                    if (labels.metricName().isEmpty()) {
                        problem = "has no metric name (" + Labels.METRIC_NAME + ")";
                    }
                } catch (SextantException e) {
                    problem = "has " + e.getMessage();
                }
            }
            if (problem != null) {
                reject(index, start, end, samples, exemplars, problem);
                return;
            }
            if (!hasData) {
                return;
            }
            entry = batch.addNewSeries(labels, key, keyOff, keyLen, hash);
        }
        if (buffered && exemplars == 0) {
            long[] ts = sampleTimestamps;
            long[] bits = sampleBits;
            for (int i = 0; i < samples; i++) {
                // the raw bits: stale markers are a specific NaN payload
                batch.addSample(entry, ts[i], Double.longBitsToDouble(bits[i]));
            }
        } else {
            samplesAndExemplars(index, start, end, entry, batch);
        }
    }

    /**
     * Decodes the Sample message in {@code buf[p, e)} into scratch slot {@code i}; returns false, without
     * throwing, when it is malformed (pass 2 then reports it).
     */
    private boolean bufferSample(int i, int p, int e) {
        if (i == sampleTimestamps.length) {
            sampleTimestamps = Arrays.copyOf(sampleTimestamps, i * 2);
            sampleBits = Arrays.copyOf(sampleBits, i * 2);
        }
        byte[] b = buf;
        // Go's marshaller: 0x09 <8-byte double> 0x10 <varint timestamp>, the timestamp ending the message.
        if (e - p >= 11 && b[p] == SAMPLE_VALUE && b[p + 9] == SAMPLE_TIMESTAMP) {
            long ts = 0;
            int q = p + 10;
            for (int shift = 0; q < e && shift < 63; shift += 7) {
                byte v = b[q++];
                ts |= (long) (v & 0x7F) << shift;
                if (v >= 0) {
                    if (q != e) {
                        break;
                    }
                    sampleBits[i] = (long) LONG.get(b, p + 1);
                    sampleTimestamps[i] = ts;
                    return true;
                }
            }
        }
        int saved = pos;
        pos = p;
        try {
            readSample(e);
            sampleBits[i] = sampleValueBits;
            sampleTimestamps[i] = sampleTimestamp;
            return true;
        } catch (SextantException malformed) {
            return false;
        } finally {
            pos = saved;
        }
    }

    private void reject(int index, int start, int end, int samples, int exemplars, String problem) {
        seriesRejected++;
        samplesRejected += samples;
        exemplarsRejected += exemplars;
        if (errors.size() < MAX_LISTED_ERRORS) {
            errors.add("series " + describe(start, end) + " (timeseries[" + index + "]) " + problem);
        }
        errorCount++;
        // Rejected series are still walked so that malformed protobuf fails the request wherever it is.
        samplesAndExemplars(index, start, end, -1, null);
    }

    /** Copies the label fields of a series whose labels are interleaved with other fields into scratch. */
    private int copyLabelFields(int start, int end) {
        int n = 0;
        pos = start;
        while (pos < end) {
            int at = pos;
            int tag = readTag(end);
            skip(tag, end, "TimeSeries");
            if (tag == LABELS) {
                int len = pos - at;
                if (n + len > scratch.length) {
                    scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, n + len));
                }
                System.arraycopy(buf, at, scratch, n, len);
                n += len;
            }
        }
        return n;
    }

    /** Fills {@link #labelsBuilder} with the series' labels; returns a problem description or null. */
    private String seriesLabels(int start, int end) {
        labelsBuilder.reset();
        int i = 0;
        pos = start;
        while (pos < end) {
            int tag = readTag(end);
            if (tag == LABELS) {
                int e = readLength(end, "TimeSeries");
                String problem = label(e, -1, i++);
                if (problem != null) {
                    return problem;
                }
            } else {
                skip(tag, end, "TimeSeries");
            }
        }
        return null;
    }

    /**
     * Decodes the Label message at {@link #pos} ending at {@code end}, validates it and adds it to {@link
     * #labelsBuilder}; returns a problem description naming the field ({@code labels[i]} of the series, or
     * of exemplar {@code exemplar} when that is not negative), or null.
     */
    private String label(int end, int exemplar, int i) {
        int nameOff = pos;
        int nameLen = 0;
        int valueOff = pos;
        int valueLen = 0;
        while (pos < end) {
            int at = pos;
            int tag = readTag(end);
            if (tag == LABEL_NAME) {
                int e = readLength(end, "Label");
                // a repeated field's earlier occurrence is overwritten, but protobuf still rejects it if invalid
                int bad = Utf8.firstInvalid(buf, nameOff, nameLen);
                if (bad >= 0) {
                    return "has invalid UTF-8 in " + labelPath(exemplar, i) + ".name at byte offset " + (bad - base);
                }
                nameOff = pos;
                nameLen = e - pos;
                pos = e;
            } else if (tag == LABEL_VALUE) {
                int e = readLength(end, "Label");
                int bad = Utf8.firstInvalid(buf, valueOff, valueLen);
                if (bad >= 0) {
                    return "has invalid UTF-8 in " + labelPath(exemplar, i) + ".value at byte offset " + (bad - base);
                }
                valueOff = pos;
                valueLen = e - pos;
                pos = e;
            } else {
                skipUnknown(tag, at, end, "Label", LABEL_FIELDS);
            }
        }
        int bad = Utf8.firstInvalid(buf, nameOff, nameLen);
        if (bad >= 0) {
            return "has invalid UTF-8 in " + labelPath(exemplar, i) + ".name at byte offset " + (bad - base);
        }
        if (nameLen > limits.maxLabelNameLength()) {
            return "has " + labelPath(exemplar, i) + ".name of " + nameLen + " bytes, more than the limit of "
                    + limits.maxLabelNameLength();
        }
        String name = new String(buf, nameOff, nameLen, UTF_8);
        bad = Utf8.firstInvalid(buf, valueOff, valueLen);
        if (bad >= 0) {
            return "has invalid UTF-8 in " + labelPath(exemplar, i) + ".value (name \"" + abbreviate(name)
                    + "\") at byte offset " + (bad - base);
        }
        if (valueLen > limits.maxLabelValueLength()) {
            return "has " + labelPath(exemplar, i) + ".value (name \"" + abbreviate(name) + "\") of " + valueLen
                    + " bytes, more than the limit of " + limits.maxLabelValueLength();
        }
        labelsBuilder.add(name, new String(buf, valueOff, valueLen, UTF_8));
        return null;
    }

    private static String labelPath(int exemplar, int i) {
        return (exemplar < 0 ? "" : "exemplars[" + exemplar + "].") + "labels[" + i + "]";
    }

    /**
     * Reads the Sample message that ends at {@code e} (fields in any order, repeated ones last-wins, unknown
     * ones skipped) into {@link #sampleValueBits} and {@link #sampleTimestamp}: two fields rather than a
     * returned object, so decoding allocates nothing per sample.
     */
    private void readSample(int e) {
        long bits = 0;
        long timestamp = 0;
        while (pos < e) {
            int at = pos;
            int t = readTag(e);
            if (t == SAMPLE_VALUE) {
                bits = readFixed64(at, e, "Sample");
            } else if (t == SAMPLE_TIMESTAMP) {
                timestamp = readVarint(e);
            } else {
                skipUnknown(t, at, e, "Sample", SAMPLE_FIELDS);
            }
        }
        sampleValueBits = bits;
        sampleTimestamp = timestamp;
    }

    /** Pass 2: samples and exemplars, added to {@code entry}, or only checked when {@code entry < 0}. */
    private void samplesAndExemplars(int index, int start, int end, int entry, WriteBatch batch) {
        int exemplarIndex = 0;
        pos = start;
        while (pos < end) {
            int tag = readTag(end);
            if (tag == SAMPLES) {
                readSample(readLength(end, "TimeSeries"));
                if (entry >= 0) {
                    // the raw bits: stale markers are a specific NaN payload
                    batch.addSample(entry, sampleTimestamp, Double.longBitsToDouble(sampleValueBits));
                }
            } else if (tag == EXEMPLARS) {
                int e = readLength(end, "TimeSeries");
                exemplar(index, start, end, exemplarIndex++, e, entry, batch);
                pos = e;
            } else {
                skip(tag, end, "TimeSeries");
            }
        }
    }

    private void exemplar(
            int seriesIndex, int seriesStart, int seriesEnd, int k, int end, int entry, WriteBatch batch) {
        boolean check = entry >= 0;
        String problem = null;
        int labelCount = 0;
        long bits = 0;
        long timestamp = 0;
        if (check) {
            labelsBuilder.reset();
        }
        while (pos < end) {
            int at = pos;
            int tag = readTag(end);
            if (tag == LABELS) {
                int e = readLength(end, "Exemplar");
                if (check && problem == null) {
                    problem = ++labelCount > limits.maxLabelsPerSeries()
                            ? "has more than " + limits.maxLabelsPerSeries() + " labels in exemplars[" + k + "]"
                            : label(e, k, labelCount - 1);
                }
                pos = e;
            } else if (tag == EXEMPLAR_VALUE) {
                bits = readFixed64(at, end, "Exemplar");
            } else if (tag == EXEMPLAR_TIMESTAMP) {
                timestamp = readVarint(end);
            } else {
                skipUnknown(tag, at, end, "Exemplar", EXEMPLAR_FIELDS);
            }
        }
        if (!check) {
            return;
        }
        if (problem == null) {
            try {
                batch.addExemplar(entry, new Exemplar(labelsBuilder.build(), Double.longBitsToDouble(bits), timestamp));
                return;
            } catch (SextantException e) {
                problem = "has " + e.getMessage() + " in exemplars[" + k + "]";
            }
        }
        exemplarsRejected++;
        if (errors.size() < MAX_LISTED_ERRORS) {
            errors.add("series " + describe(seriesStart, seriesEnd) + " (timeseries[" + seriesIndex + "]) " + problem
                    + "; exemplar dropped");
        }
        errorCount++;
    }

    private void metadata(int index, int start, int end, WriteBatch batch) {
        long type = 0;
        int nameOff = start;
        int nameLen = 0;
        int helpOff = start;
        int helpLen = 0;
        int unitOff = start;
        int unitLen = 0;
        String overwritten = null;
        while (pos < end) {
            int at = pos;
            int tag = readTag(end);
            if (tag == METADATA_TYPE) {
                type = readVarint(end);
            } else if (tag == METADATA_NAME || tag == METADATA_HELP || tag == METADATA_UNIT) {
                int e = readLength(end, "MetricMetadata");
                // a repeated field's earlier occurrence is overwritten, but protobuf still rejects it if invalid
                if (overwritten == null) {
                    overwritten = tag == METADATA_NAME
                            ? invalidUtf8(nameOff, nameLen, "metric_family_name")
                            : tag == METADATA_HELP
                                    ? invalidUtf8(helpOff, helpLen, "help")
                                    : invalidUtf8(unitOff, unitLen, "unit");
                }
                if (tag == METADATA_NAME) {
                    nameOff = pos;
                    nameLen = e - pos;
                } else if (tag == METADATA_HELP) {
                    helpOff = pos;
                    helpLen = e - pos;
                } else {
                    unitOff = pos;
                    unitLen = e - pos;
                }
                pos = e;
            } else {
                skipUnknown(tag, at, end, "MetricMetadata", METADATA_FIELDS);
            }
        }
        String problem = overwritten;
        if (problem == null && nameLen == 0) {
            problem = "has an empty metric_family_name";
        }
        if (problem == null) {
            problem = invalidUtf8(nameOff, nameLen, "metric_family_name");
        }
        if (problem == null) {
            problem = invalidUtf8(helpOff, helpLen, "help");
        }
        if (problem == null) {
            problem = invalidUtf8(unitOff, unitLen, "unit");
        }
        if (problem != null) {
            metadataRejected++;
            if (errors.size() < MAX_LISTED_ERRORS) {
                errors.add("metadata \"" + lenient(nameOff, nameLen) + "\" (metadata[" + index + "]) " + problem);
            }
            errorCount++;
            return;
        }
        // Unknown enum values are legal in proto3; a newer sender's type degrades to UNKNOWN.
        MetricMetadata.Type t = type >= 0 && type < METRIC_TYPES.length ? METRIC_TYPES[(int) type] : null;
        batch.addMetadata(new MetricMetadata(
                new String(buf, nameOff, nameLen, UTF_8),
                t == null ? MetricMetadata.Type.UNKNOWN : t,
                new String(buf, helpOff, helpLen, UTF_8),
                new String(buf, unitOff, unitLen, UTF_8)));
    }

    private String invalidUtf8(int off, int len, String field) {
        int bad = Utf8.firstInvalid(buf, off, len);
        return bad < 0 ? null : "has invalid UTF-8 in " + field + " at byte offset " + (bad - base);
    }

    /**
     * The series' labels in Prometheus text form for error messages, decoded leniently (invalid UTF-8 shows
     * as U+FFFD) and shortened. Leaves {@link #pos} unchanged.
     */
    private String describe(int start, int end) {
        int saved = pos;
        try {
            StringBuilder sb = new StringBuilder();
            String metricName = null;
            pos = start;
            while (pos < end && sb.length() < DESCRIPTION_LIMIT) {
                int tag = readTag(end);
                if (tag != LABELS) {
                    skip(tag, end, "TimeSeries");
                    continue;
                }
                int e = readLength(end, "TimeSeries");
                int nameOff = pos;
                int nameLen = 0;
                int valueOff = pos;
                int valueLen = 0;
                while (pos < e) {
                    int t = readTag(e);
                    if (t == LABEL_NAME || t == LABEL_VALUE) {
                        int le = readLength(e, "Label");
                        if (t == LABEL_NAME) {
                            nameOff = pos;
                            nameLen = le - pos;
                        } else {
                            valueOff = pos;
                            valueLen = le - pos;
                        }
                        pos = le;
                    } else {
                        skip(t, e, "Label");
                    }
                }
                String name = lenient(nameOff, nameLen);
                String value = lenient(valueOff, valueLen);
                if (metricName == null && name.equals(Labels.METRIC_NAME) && Labels.isLegacyName(value)) {
                    metricName = value;
                    continue;
                }
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                if (Labels.isLegacyName(name)) {
                    sb.append(name);
                } else {
                    sb.append('"').append(name).append('"');
                }
                sb.append("=\"").append(value).append('"');
            }
            if (sb.length() > DESCRIPTION_LIMIT) {
                sb.setLength(DESCRIPTION_LIMIT);
                sb.append("...");
            }
            return (metricName == null ? "" : metricName) + "{" + sb + "}";
        } catch (SextantException e) {
            return "{<malformed labels>}";
        } finally {
            pos = saved;
        }
    }

    private String lenient(int off, int len) {
        return abbreviate(new String(buf, off, Math.min(len, 4 * 64), UTF_8));
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    // Protobuf wire primitives. Each advances pos; offsets in messages are relative to base.

    private int readTag(int end) {
        int p = pos;
        if (p < end) {
            // one-byte tag of a field number from 1 to 15 with a valid wire type
            int t = buf[p];
            if (t >= 8 && (VALID_WIRE_TYPES >>> (t & 7) & 1) != 0) {
                pos = p + 1;
                return t;
            }
        }
        return readTagSlow(end);
    }

    private int readTagSlow(int end) {
        int at = pos;
        long tag = readVarint(end);
        long field = tag >>> 3;
        if (field == 0 || tag > 0xFFFFFFFFL || tag < 0) {
            throw malformed(at, "invalid field tag " + Long.toUnsignedString(tag));
        }
        int wireType = (int) tag & 7;
        if (wireType == 3 || wireType == 4) {
            throw malformed(at, "field " + field + " uses the deprecated group encoding (wire type " + wireType + ")");
        }
        if (wireType > 5) {
            throw malformed(at, "field " + field + " has invalid wire type " + wireType);
        }
        return (int) tag;
    }

    private long readVarint(int end) {
        int p = pos;
        if (end - p >= 2) {
            int b0 = buf[p];
            if (b0 >= 0) {
                pos = p + 1;
                return b0;
            }
            int b1 = buf[p + 1];
            if (b1 >= 0) {
                pos = p + 2;
                return (b0 & 0x7F) | b1 << 7;
            }
        } else if (p < end && buf[p] >= 0) {
            pos = p + 1;
            return buf[p];
        }
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            if (p >= end) {
                throw malformed(pos, "truncated varint");
            }
            byte b = buf[p++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                if (shift == 63 && b > 1) {
                    throw malformed(pos, "varint overflows 64 bits");
                }
                pos = p;
                return result;
            }
            if (shift == 63) {
                throw malformed(pos, "varint longer than 10 bytes");
            }
        }
    }

    /** Reads a length prefix and returns the end of the field's payload, which must lie within end. */
    private int readLength(int end, String message) {
        int at = pos;
        long len = readVarint(end);
        if (len < 0 || len > end - pos) {
            throw malformed(
                    at,
                    "truncated: length " + Long.toUnsignedString(len) + " exceeds the " + (end - pos)
                            + " bytes left in " + message);
        }
        return pos + (int) len;
    }

    private long readFixed64(int at, int end, String message) {
        if (end - pos < 8) {
            throw malformed(at, "truncated: fixed64 field needs 8 bytes, " + (end - pos) + " left in " + message);
        }
        long v = (long) LONG.get(buf, pos);
        pos += 8;
        return v;
    }

    private void skip(int tag, int end, String message) {
        switch (tag & 7) {
            case WIRE_VARINT -> readVarint(end);
            case WIRE_FIXED64 -> readFixed64(pos, end, message);
            case WIRE_LEN -> pos = readLength(end, message);
            case WIRE_FIXED32 -> {
                if (end - pos < 4) {
                    throw malformed(
                            pos, "truncated: fixed32 field needs 4 bytes, " + (end - pos) + " left in " + message);
                }
                pos += 4;
            }
            default -> throw new IllegalStateException("wire type " + (tag & 7) + " passed readTag");
        }
    }

    /** Skips a field that is not one of {@code known}; a known field with another wire type is an error. */
    private void skipUnknown(int tag, int at, int end, String message, long known) {
        int field = tag >>> 3;
        if (field < 64 && (known & (1L << field)) != 0) {
            throw malformed(at, "field " + field + " of " + message + " has unexpected wire type " + (tag & 7));
        }
        skip(tag, end, message);
    }

    private SextantException malformed(int at, String what) {
        return new SextantException(
                ErrorCode.BAD_DATA, "malformed WriteRequest protobuf at byte offset " + (at - base) + ": " + what);
    }

    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    private static long fields(int... numbers) {
        long mask = 0;
        for (int n : numbers) {
            mask |= 1L << n;
        }
        return mask;
    }
}
