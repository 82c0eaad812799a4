package io.sextant.ingest.remotewrite;

import static io.sextant.ingest.remotewrite.Requests.label;
import static io.sextant.ingest.remotewrite.Requests.sample;
import static io.sextant.ingest.remotewrite.Requests.series;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.remotewrite.proto.Sample;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import io.sextant.storage.SextantException;
import io.sextant.storage.WriteBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds valid and mutated requests to {@link RemoteWriteDecoder} and to {@link TwoPassReferenceDecoder}
 * (the decoder before the single-pass walk) and checks that both throw the same error, or return the same
 * result and fill the batch identically. Rerun a failure with {@code -Dfuzz.seed=<seed>}.
 */
class RemoteWriteDecoderDifferentialTest {
    private static final int ITERATIONS = 20_000;

    private final long seed = Long.getLong("fuzz.seed", System.nanoTime());
    private final Random random = new Random(seed);

    @Test
    void mutatedRequestsDecodeExactlyAsTheTwoPassDecoderDid() {
        System.out.println("RemoteWriteDecoderDifferentialTest seed " + seed);
        List<byte[]> corpus = new ArrayList<>(RemoteWriteFuzzTest.corpus());
        corpus.addAll(singlePassCorpus());
        for (IngestLimits limits : List.of(
                IngestLimits.DEFAULTS,
                new IngestLimits(1 << 20, 1 << 20, 3, 48, 96, 7),
                new IngestLimits(1 << 20, 1 << 20, 12, 48, 96, 2))) {
            RemoteWriteDecoder decoder = new RemoteWriteDecoder(limits);
            TwoPassReferenceDecoder reference = new TwoPassReferenceDecoder(limits);
            RecordingMetricsWriter.Tenant store = new RecordingMetricsWriter().tenant("t");
            // Half of the corpus is known to the store, so both the resolved and the new-series paths run.
            for (int i = 0; i < corpus.size(); i += 2) {
                WriteBatch batch = new WriteBatch();
                try {
                    decoder.decode(corpus.get(i), 0, corpus.get(i).length, store, batch);
                    store.commit(batch);
                } catch (SextantException tooLarge) {
                    // only with the small sample limit
                }
            }
            for (byte[] valid : corpus) {
                assertSame(decoder, reference, store, valid, "corpus entry");
            }
            for (int i = 0; i < ITERATIONS; i++) {
                assertSame(decoder, reference, store, RemoteWriteFuzzTest.mutate(corpus, random), "iteration " + i);
            }
        }
    }

    @Test
    void aSeriesWithMoreSamplesThanTheRetainedScratchDecodesTheSameTwice() {
        TimeSeries.Builder big = series("__name__", "backfill", "job", "a");
        for (int i = 0; i < 9_000; i++) {
            big.addSamples(sample(1_600_000_000_000L + i * 1_000L, i * 0.5));
        }
        byte[] bytes = WriteRequest.newBuilder()
                .addTimeseries(big)
                .addTimeseries(series("__name__", "after", "job", "a").addSamples(sample(1, 2)))
                .build()
                .toByteArray();
        RemoteWriteDecoder decoder = new RemoteWriteDecoder(IngestLimits.DEFAULTS);
        TwoPassReferenceDecoder reference = new TwoPassReferenceDecoder(IngestLimits.DEFAULTS);
        RecordingMetricsWriter.Tenant store = new RecordingMetricsWriter().tenant("t");
        assertSame(decoder, reference, store, bytes, "new series");
        WriteBatch batch = new WriteBatch();
        decoder.decode(bytes, 0, bytes.length, store, batch);
        assertThat(batch.sampleCount()).isEqualTo(9_001);
        store.commit(batch);
        assertSame(decoder, reference, store, bytes, "known series");
    }

    private void assertSame(
            RemoteWriteDecoder decoder,
            TwoPassReferenceDecoder reference,
            RecordingMetricsWriter.Tenant store,
            byte[] bytes,
            String what) {
        // Decoding at an offset also checks that offsets in messages are relative to it.
        byte[] padded = new byte[bytes.length + 3];
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        WriteBatch actualBatch = new WriteBatch();
        WriteBatch expectedBatch = new WriteBatch();
        String actual = outcome(() -> decoder.decode(padded, 3, bytes.length, store, actualBatch), actualBatch);
        String expected = outcome(() -> reference.decode(padded, 3, bytes.length, store, expectedBatch), expectedBatch);
        assertThat(actual)
                .as(
                        "%s (seed %d), request %s",
                        what, seed, java.util.HexFormat.of().formatHex(bytes))
                .isEqualTo(expected);
    }

    private static String outcome(java.util.function.Supplier<Object> decode, WriteBatch batch) {
        Object result;
        try {
            result = decode.get();
        } catch (SextantException e) {
            return "threw " + e.code() + ": " + e.getMessage();
        }
        StringBuilder sb = new StringBuilder(result.toString()).append('\n');
        for (int e = 0; e < batch.seriesCount(); e++) {
            sb.append("series ").append(batch.ref(e)).append(' ').append(batch.labels(e));
            if (batch.hasKey(e)) {
                sb.append(" key ")
                        .append(java.util.HexFormat.of()
                                .formatHex(
                                        batch.keyArena(), batch.keyOffset(e), batch.keyOffset(e) + batch.keyLength(e)))
                        .append(" hash ")
                        .append(batch.keyHash(e));
            }
            sb.append('\n');
        }
        for (int i = 0; i < batch.sampleCount(); i++) {
            sb.append("sample ")
                    .append(batch.sampleSeries(i))
                    .append(' ')
                    .append(batch.timestamp(i))
                    .append(' ')
                    .append(Long.toHexString(Double.doubleToRawLongBits(batch.value(i))))
                    .append('\n');
        }
        for (WriteBatch.EntryExemplar x : batch.exemplars()) {
            sb.append("exemplar ")
                    .append(x.entry())
                    .append(' ')
                    .append(x.exemplar().labels())
                    .append(' ')
                    .append(Long.toHexString(
                            Double.doubleToRawLongBits(x.exemplar().value())))
                    .append(' ')
                    .append(x.exemplar().timestampMs())
                    .append('\n');
        }
        batch.metadata().forEach(m -> sb.append("metadata ").append(m).append('\n'));
        return sb.toString();
    }

    /** Shapes the single-pass walk treats specially: sample encodings, long labels, many samples. */
    static List<byte[]> singlePassCorpus() {
        List<byte[]> corpus = new ArrayList<>();
        String longValue = "x".repeat(200);
        TimeSeries.Builder many = series("__name__", "many", "long", longValue);
        for (int i = 0; i < 40; i++) {
            many.addSamples(sample(1_700_000_000_000L + i * 15_000L, i));
        }
        corpus.add(WriteRequest.newBuilder()
                .addTimeseries(many)
                .addTimeseries(series("__name__", "zero", "job", "a")
                        .addSamples(sample(1_700_000_000_000L, 0))
                        .addSamples(sample(0, 1))
                        .addSamples(sample(0, 0))
                        .addSamples(sample(-1, -0.0))
                        .addSamples(sample(Long.MIN_VALUE, Double.longBitsToDouble(0x7ff0000000000002L))))
                .build()
                .toByteArray());
        corpus.add(WriteRequest.newBuilder()
                .addTimeseries(series("__name__", "up", "job", "b")
                        .addSamples(Sample.newBuilder()
                                .setValue(3)
                                .setTimestamp(9)
                                .setUnknownFields(UnknownFieldSet.newBuilder()
                                        .addField(
                                                7,
                                                UnknownFieldSet.Field.newBuilder()
                                                        .addVarint(1)
                                                        .build())
                                        .build()))
                        .addExemplars(io.sextant.ingest.remotewrite.proto.Exemplar.newBuilder()
                                .addLabels(label("trace_id", "abc"))
                                .setValue(1)
                                .setTimestamp(8)))
                .build()
                .toByteArray());
        // Timestamp before value, repeated fields (the last wins) and a 10-byte timestamp varint.
        try {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(s);
            out.writeMessage(1, label("__name__", "odd"));
            ByteArrayOutputStream reversed = new ByteArrayOutputStream();
            CodedOutputStream r = CodedOutputStream.newInstance(reversed);
            r.writeInt64(2, 1_700_000_000_000L);
            r.writeDouble(1, 2.5);
            r.flush();
            out.writeByteArray(2, reversed.toByteArray());
            ByteArrayOutputStream repeated = new ByteArrayOutputStream();
            CodedOutputStream d = CodedOutputStream.newInstance(repeated);
            d.writeDouble(1, 1.5);
            d.writeInt64(2, 5);
            d.writeInt64(2, 6);
            d.flush();
            out.writeByteArray(2, repeated.toByteArray());
            ByteArrayOutputStream negative = new ByteArrayOutputStream();
            CodedOutputStream n = CodedOutputStream.newInstance(negative);
            n.writeDouble(1, 4.5);
            n.writeInt64(2, -7);
            n.flush();
            out.writeByteArray(2, negative.toByteArray());
            out.writeBytes(9, ByteString.copyFromUtf8("unknown"));
            out.flush();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            CodedOutputStream requestOut = CodedOutputStream.newInstance(request);
            requestOut.writeByteArray(1, s.toByteArray());
            requestOut.flush();
            corpus.add(request.toByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return corpus;
    }
}
