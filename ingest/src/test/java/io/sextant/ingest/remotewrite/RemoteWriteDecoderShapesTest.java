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
import io.sextant.storage.WriteBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Request shapes the decoder's single walk per series treats specially (Go's fixed sample encoding and the
 * fallbacks: fields out of order, repeated fields, unknown sample fields, long labels, many samples). The
 * fuzz test adds them to its corpus, where every accepted request is compared with protobuf-java's parse.
 */
class RemoteWriteDecoderShapesTest {
    @Test
    void aSeriesWithMoreSamplesThanTheRetainedScratchDecodesExactlyAsNewAndAsKnown() {
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
        RecordingMetricsWriter.Tenant store = new RecordingMetricsWriter().tenant("t");
        for (String pass : List.of("new series", "known series")) {
            WriteBatch batch = new WriteBatch();
            decoder.decode(bytes, 0, bytes.length, store, batch);
            assertThat(batch.sampleCount()).as(pass).isEqualTo(9_001);
            for (int i = 0; i < 9_000; i++) {
                assertThat(batch.sampleSeries(i)).as(pass).isZero();
                assertThat(batch.timestamp(i)).as(pass).isEqualTo(1_600_000_000_000L + i * 1_000L);
                assertThat(batch.value(i)).as(pass).isEqualTo(i * 0.5);
            }
            assertThat(batch.sampleSeries(9_000)).as(pass).isEqualTo(1);
            assertThat(batch.timestamp(9_000)).as(pass).isEqualTo(1);
            if (pass.equals("known series")) {
                assertThat(batch.labels(0)).as("resolved by its wire key").isNull();
            }
            store.commit(batch);
        }
    }

    /** Shapes the single-pass walk treats specially: sample encodings, long labels, many samples. */
    static List<byte[]> singlePassCorpus() {
        List<byte[]> corpus = new ArrayList<>();
        // a label message over 127 bytes, so its length takes two varint bytes (within the fuzz test's limits
        // of 48 bytes per name and 96 per value)
        String longName = "l".repeat(40);
        String longValue = "x".repeat(60) + "é".repeat(15);
        TimeSeries.Builder many = series("__name__", "many", longName, longValue);
        for (int i = 0; i < 40; i++) {
            many.addSamples(sample(1_700_000_000_000L + i * 15_000L, i));
        }
        corpus.add(WriteRequest.newBuilder()
                .addTimeseries(many)
                // zero and negative timestamps (10-byte varints) and zero values, in time order
                .addTimeseries(series("__name__", "zero", "job", "a")
                        .addSamples(sample(Long.MIN_VALUE, Double.longBitsToDouble(0x7ff0000000000002L)))
                        .addSamples(sample(-1, -0.0))
                        .addSamples(sample(0, 0))
                        .addSamples(sample(1, 1))
                        .addSamples(sample(1_700_000_000_000L, 0)))
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
        // In time order: a negative (10-byte varint) timestamp, repeated fields (the last wins), timestamp before
        // value.
        try {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(s);
            out.writeMessage(1, label("__name__", "odd"));
            ByteArrayOutputStream negative = new ByteArrayOutputStream();
            CodedOutputStream n = CodedOutputStream.newInstance(negative);
            n.writeDouble(1, 4.5);
            n.writeInt64(2, -7);
            n.flush();
            out.writeByteArray(2, negative.toByteArray());
            ByteArrayOutputStream repeated = new ByteArrayOutputStream();
            CodedOutputStream d = CodedOutputStream.newInstance(repeated);
            d.writeDouble(1, 1.5);
            d.writeInt64(2, 5);
            d.writeInt64(2, 6);
            d.flush();
            out.writeByteArray(2, repeated.toByteArray());
            ByteArrayOutputStream reversed = new ByteArrayOutputStream();
            CodedOutputStream r = CodedOutputStream.newInstance(reversed);
            r.writeInt64(2, 1_700_000_000_000L);
            r.writeDouble(1, 2.5);
            r.flush();
            out.writeByteArray(2, reversed.toByteArray());
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
