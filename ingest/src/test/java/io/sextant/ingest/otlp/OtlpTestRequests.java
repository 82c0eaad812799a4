package io.sextant.ingest.otlp;

import com.google.protobuf.CodedInputStream;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** Small OTLP requests and helpers shared by the handler tests. */
final class OtlpTestRequests {
    static final long T0_NANOS = 1_700_000_000_000_000_000L;
    static final long T0_MS = 1_700_000_000_000L;

    private OtlpTestRequests() {}

    /** A request with one resource ({@code service.name=svc}) and one gauge point per value, attribute {@code i}. */
    static ExportMetricsServiceRequest gauges(String name, double... values) {
        Gauge.Builder gauge = Gauge.newBuilder();
        for (int i = 0; i < values.length; i++) {
            gauge.addDataPoints(NumberDataPoint.newBuilder()
                    .addAttributes(attr("i", Integer.toString(i)))
                    .setTimeUnixNano(T0_NANOS)
                    .setAsDouble(values[i]));
        }
        return request(Metric.newBuilder().setName(name).setGauge(gauge).build());
    }

    static ExportMetricsServiceRequest request(Metric... metrics) {
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
        for (Metric m : metrics) {
            scope.addMetrics(m);
        }
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(attr("service.name", "svc")))
                        .addScopeMetrics(scope))
                .build();
    }

    static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A {@code google.rpc.Status} body decoded by hand: code and message. */
    record Status(int code, String message) {
        static Status parse(byte[] body) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(body);
            int code = 0;
            String message = "";
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case 8 -> code = in.readInt32();
                    case 18 -> message = in.readStringRequireUtf8();
                    default -> in.skipField(tag);
                }
            }
            return new Status(code, message);
        }
    }
}
