package io.sextant.ingest.remotewrite;

import io.sextant.ingest.remotewrite.proto.Label;
import io.sextant.ingest.remotewrite.proto.Sample;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.xerial.snappy.Snappy;

/** Builds remote-write requests with the generated protobuf classes. */
final class Requests {
    private Requests() {}

    /** A series with the given labels (in the given order) and samples as (timestamp, value) pairs. */
    static TimeSeries.Builder series(String... namesAndValues) {
        TimeSeries.Builder ts = TimeSeries.newBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            ts.addLabels(label(namesAndValues[i], namesAndValues[i + 1]));
        }
        return ts;
    }

    static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    static Sample sample(long timestamp, double value) {
        return Sample.newBuilder().setTimestamp(timestamp).setValue(value).build();
    }

    static byte[] request(TimeSeries.Builder... series) {
        WriteRequest.Builder b = WriteRequest.newBuilder();
        for (TimeSeries.Builder s : series) {
            b.addTimeseries(s);
        }
        return b.build().toByteArray();
    }

    static byte[] snappy(byte[] raw) {
        try {
            return Snappy.compress(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the only occurrence of {@code find} in {@code bytes} with {@code replacement} (same length). */
    static byte[] patch(byte[] bytes, byte[] find, byte[] replacement) {
        if (find.length != replacement.length) {
            throw new IllegalArgumentException("lengths differ");
        }
        int at = -1;
        for (int i = 0; i + find.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + find.length, find, 0, find.length)) {
                if (at >= 0) {
                    throw new IllegalArgumentException("pattern occurs more than once");
                }
                at = i;
            }
        }
        if (at < 0) {
            throw new IllegalArgumentException("pattern not found");
        }
        byte[] out = bytes.clone();
        System.arraycopy(replacement, 0, out, at, replacement.length);
        return out;
    }
}
