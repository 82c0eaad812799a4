package io.sextant.ingest.remotewrite;

import static io.sextant.ingest.remotewrite.Requests.label;
import static io.sextant.ingest.remotewrite.Requests.request;
import static io.sextant.ingest.remotewrite.Requests.sample;
import static io.sextant.ingest.remotewrite.Requests.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.remotewrite.proto.Label;
import io.sextant.ingest.remotewrite.proto.MetricMetadata;
import io.sextant.ingest.remotewrite.proto.Sample;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import io.sextant.storage.AppendResult;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.MetricsWriter.TenantWriter;
import io.sextant.storage.SextantException;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.hash.XxHash64;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteWriteDecoderTest {
    private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(IngestLimits.DEFAULTS);
    private final RecordingMetricsWriter.Tenant store = new RecordingMetricsWriter().tenant("t");
    private final WriteBatch batch = new WriteBatch();

    private RemoteWriteDecoder.Result decode(byte[] bytes) {
        batch.clear();
        return decoder.decode(bytes, 0, bytes.length, store, batch);
    }

    private void decodeAndCommit(byte[] bytes) {
        assertThat(decode(bytes).hasErrors()).isFalse();
        store.commit(batch);
    }

    @Test
    void theWireKeyIsTheEncodedLabelFields() {
        List<byte[]> keys = new ArrayList<>();
        RecordingMetricsWriter.Tenant capturing = new RecordingMetricsWriter.Tenant() {
            @Override
            public synchronized int seriesRef(byte[] key, int off, int len, long hash) {
                keys.add(Arrays.copyOfRange(key, off, off + len));
                assertThat(hash).isEqualTo(XxHash64.hash(key, off, len));
                return super.seriesRef(key, off, len, hash);
            }
        };
        TimeSeries.Builder ts = series("__name__", "up", "job", "node");
        byte[] bytes = request(ts.clone().addSamples(sample(1, 1)));

        decoder.decode(bytes, 0, bytes.length, capturing, batch);

        assertThat(keys).containsExactly(ts.build().toByteArray());
        assertThat((Object) batch.labels(0)).isEqualTo(Labels.of("__name__", "up", "job", "node"));
        assertThat(batch.hasKey(0)).isTrue();
    }

    @Test
    void labelsInterleavedWithOtherFieldsFormTheSameKey() throws IOException {
        Label name = label("__name__", "up");
        Label job = label("job", "node");
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(series);
        out.writeMessage(1, name);
        out.writeMessage(2, sample(2000, 5));
        out.writeMessage(1, job);
        out.flush();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        CodedOutputStream requestOut = CodedOutputStream.newInstance(request);
        requestOut.writeByteArray(1, series.toByteArray());
        requestOut.flush();
        byte[] interleaved = request.toByteArray();
        decodeAndCommit(request(series("__name__", "up", "job", "node").addSamples(sample(1000, 4))));

        assertThat(decode(interleaved).hasErrors()).isFalse();

        assertThat(batch.seriesCount()).isEqualTo(1);
        assertThat((Object) batch.labels(0)).as("resolved by key").isNull();
        assertThat(batch.timestamp(0)).isEqualTo(2000);
        assertThat(batch.value(0)).isEqualTo(5);
    }

    @Test
    void skipsUnknownFieldsOfEveryWireTypeAtEveryLevel() {
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(
                        20,
                        UnknownFieldSet.Field.newBuilder()
                                .addVarint(-1)
                                .addFixed32(7)
                                .addFixed64(8)
                                .addLengthDelimited(ByteString.copyFromUtf8("x"))
                                .build())
                .build();
        byte[] bytes = WriteRequest.newBuilder()
                .addTimeseries(TimeSeries.newBuilder()
                        .addLabels(Label.newBuilder()
                                .setName("__name__")
                                .setValue("up")
                                .setUnknownFields(UnknownFieldSet.newBuilder()
                                        .addField(
                                                3,
                                                UnknownFieldSet.Field.newBuilder()
                                                        .addFixed32(1)
                                                        .build())
                                        .build()))
                        .addSamples(Sample.newBuilder()
                                .setValue(2.5)
                                .setTimestamp(77)
                                .setUnknownFields(UnknownFieldSet.newBuilder()
                                        .addField(
                                                9,
                                                UnknownFieldSet.Field.newBuilder()
                                                        .addLengthDelimited(ByteString.copyFromUtf8("y"))
                                                        .build())
                                        .build()))
                        .addExemplars(io.sextant.ingest.remotewrite.proto.Exemplar.newBuilder()
                                .setValue(1)
                                .setUnknownFields(unknown))
                        .setUnknownFields(UnknownFieldSet.newBuilder()
                                .addField(
                                        5,
                                        UnknownFieldSet.Field.newBuilder()
                                                .addFixed64(1)
                                                .build())
                                .build()))
                .addMetadata(MetricMetadata.newBuilder()
                        .setMetricFamilyName("up")
                        .setUnknownFields(UnknownFieldSet.newBuilder()
                                .addField(
                                        3,
                                        UnknownFieldSet.Field.newBuilder()
                                                .addVarint(1)
                                                .build())
                                .build()))
                .setUnknownFields(unknown.toBuilder()
                        .addField(
                                2,
                                UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build())
                .build()
                .toByteArray();

        RemoteWriteDecoder.Result result = decode(bytes);

        assertThat(result.hasErrors()).isFalse();
        assertThat((Object) batch.labels(0)).isEqualTo(Labels.of("__name__", "up"));
        assertThat(batch.sampleCount()).isEqualTo(1);
        assertThat(batch.timestamp(0)).isEqualTo(77);
        assertThat(batch.value(0)).isEqualTo(2.5);
        assertThat(batch.exemplars()).hasSize(1);
        assertThat(batch.metadata()).hasSize(1);
    }

    @Test
    void rejectsGroupsAndInvalidWireTypesNamingTheOffset() {
        byte[] valid = request(series("__name__", "up").addSamples(sample(1, 1)));
        for (int wireType : new int[] {3, 4, 6, 7}) {
            byte[] bytes = Arrays.copyOf(valid, valid.length + 2);
            bytes[valid.length] = (byte) (7 << 3 | wireType);
            bytes[valid.length + 1] = 0;

            assertThatThrownBy(() -> decode(bytes))
                    .isInstanceOfSatisfying(
                            SextantException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
                    .hasMessageStartingWith(
                            "malformed WriteRequest protobuf at byte offset " + valid.length + ": field 7")
                    .hasMessageContaining("wire type " + wireType);
        }
    }

    @Test
    void rejectsAKnownFieldWithAnotherWireType() {
        // Sample.value (field 1) as a varint
        byte[] bytes = {0x0A, 0x04, 0x12, 0x02, 0x08, 0x01};

        assertThatThrownBy(() -> decode(bytes))
                .hasMessage("malformed WriteRequest protobuf at byte offset 4: field 1 of Sample has unexpected wire"
                        + " type 0");
    }

    @Test
    void rejectsMalformedVarintsAndTags() {
        assertThatThrownBy(() -> decode(new byte[] {0x00}))
                .hasMessage("malformed WriteRequest protobuf at byte offset 0: invalid field tag 0");
        byte[] eleven = new byte[11];
        Arrays.fill(eleven, (byte) 0x80);
        assertThatThrownBy(() -> decode(eleven)).hasMessageContaining("varint longer than 10 bytes");
        byte[] overflow = {
            (byte) 0x8A,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            0x02
        };
        assertThatThrownBy(() -> decode(overflow)).hasMessageContaining("varint overflows 64 bits");
        assertThatThrownBy(() -> decode(new byte[] {0x0A, 0x05, 0x0A}))
                .hasMessage("malformed WriteRequest protobuf at byte offset 1: truncated: length 5 exceeds the 1"
                        + " bytes left in WriteRequest");
        assertThatThrownBy(() -> decode(new byte[] {0x0A, 0x03, 0x12, 0x01, 0x09}))
                .hasMessageContaining("byte offset 4: truncated: fixed64 field needs 8 bytes, 0 left in Sample");
    }

    @Test
    void decodesNegativeAndExtremeTimestamps() {
        decodeAndCommit(request(series("__name__", "t")
                .addSamples(sample(-1, 1))
                .addSamples(sample(Long.MIN_VALUE, 2))
                .addSamples(sample(Long.MAX_VALUE, 3))));

        assertThat(batch.timestamp(0)).isEqualTo(-1);
        assertThat(batch.timestamp(1)).isEqualTo(Long.MIN_VALUE);
        assertThat(batch.timestamp(2)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void mapsUnknownMetricTypesToUnknown() {
        byte[] bytes = WriteRequest.newBuilder()
                .addMetadata(MetricMetadata.newBuilder()
                        .setTypeValue(42)
                        .setMetricFamilyName("x")
                        .setHelp("h"))
                .addMetadata(MetricMetadata.newBuilder()
                        .setType(MetricMetadata.MetricType.STATESET)
                        .setMetricFamilyName("y"))
                .build()
                .toByteArray();

        decode(bytes);

        assertThat(batch.metadata())
                .extracting(io.sextant.storage.MetricMetadata::type)
                .containsExactly(
                        io.sextant.storage.MetricMetadata.Type.UNKNOWN,
                        io.sextant.storage.MetricMetadata.Type.STATESET);
    }

    @Test
    void validatesLabelsOfSeriesWithoutSamples() {
        RemoteWriteDecoder.Result result = decode(request(series("job", "x")));

        assertThat(result.seriesRejected()).isEqualTo(1);
        assertThat(result.firstErrors())
                .containsExactly("series {job=\"x\"} (timeseries[0]) has no metric name (__name__)");
        assertThat(batch.isEmpty()).isTrue();
        assertThat(decode(request(series("__name__", "x"))).hasErrors()).isFalse();
        assertThat(batch.isEmpty()).isTrue();
    }

    @Test
    void decodesAKnownSeriesWithoutAllocating() {
        TimeSeries.Builder[] series = new TimeSeries.Builder[500];
        for (int i = 0; i < series.length; i++) {
            series[i] = series(
                            "__name__",
                            "node_network_receive_bytes_total",
                            "device",
                            "eth" + i,
                            "instance",
                            "10.0.0." + (i % 250) + ":9100",
                            "job",
                            "node")
                    .addSamples(sample(1_700_000_000_000L + i, i * 1.5));
        }
        byte[] bytes = request(series);
        decode(bytes);
        HashTableTenant known = new HashTableTenant(batch);
        for (int i = 0; i < 2_000; i++) {
            batch.clear();
            decoder.decode(bytes, 0, bytes.length, known, batch);
        }
        assertThat((Object) batch.labels(0)).isNull();
        assertThat(batch.sampleCount()).isEqualTo(500);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100; i++) {
            batch.clear();
            decoder.decode(bytes, 0, bytes.length, known, batch);
        }
        long perDecode = (threads.getCurrentThreadAllocatedBytes() - before) / 100;

        assertThat(perDecode).as("bytes allocated per decode of 500 samples").isLessThan(200);
    }

    /** Resolves the keys of the new series in a batch, without allocating. */
    private static final class HashTableTenant implements TenantWriter {
        private final long[] hashes = new long[4096];
        private final byte[][] keys = new byte[4096][];
        private final int[] refs = new int[4096];

        HashTableTenant(WriteBatch batch) {
            for (int e = 0; e < batch.seriesCount(); e++) {
                int slot = (int) batch.keyHash(e) & (keys.length - 1);
                while (keys[slot] != null) {
                    slot = (slot + 1) & (keys.length - 1);
                }
                int off = batch.keyOffset(e);
                keys[slot] = Arrays.copyOfRange(batch.keyArena(), off, off + batch.keyLength(e));
                hashes[slot] = batch.keyHash(e);
                refs[slot] = e;
            }
        }

        @Override
        public int seriesRef(byte[] key, int off, int len, long hash) {
            for (int slot = (int) hash & (keys.length - 1); keys[slot] != null; slot = (slot + 1) & (keys.length - 1)) {
                if (hashes[slot] == hash && Arrays.equals(keys[slot], 0, keys[slot].length, key, off, off + len)) {
                    return refs[slot];
                }
            }
            return -1;
        }

        @Override
        public AppendResult commit(WriteBatch batch) {
            throw new UnsupportedOperationException();
        }
    }
}
