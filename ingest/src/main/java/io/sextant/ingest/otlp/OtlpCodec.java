package io.sextant.ingest.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The two OTLP/HTTP encodings of {@code ExportMetricsServiceRequest}, its response and the {@code
 * google.rpc.Status} error body.
 *
 * <p>OTLP/JSON is proto3 JSON except that {@code traceId} and {@code spanId} are hex, not base64. {@link
 * JsonFormat} decodes them as base64; since every hex digit is also a base64 digit, and 32 or 16 hex digits are
 * whole base64 quanta, that decoding is lossless and re-encoding the bytes gives the hex text back. A trace id
 * that is not 32 hex digits, or a span id that is not 16, is a malformed request in either encoding (400), as it
 * is for the Go pdata decoder Prometheus uses.
 */
final class OtlpCodec {
    private static final int TRACE_ID_BYTES = 16;
    private static final int SPAN_ID_BYTES = 8;
    /**
     * Deeper JSON cannot be a valid request (protobuf's recursion limit of 100 messages is about 130 JSON levels)
     * and makes JsonFormat overflow the stack.
     */
    private static final int MAX_JSON_DEPTH = 256;

    private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private OtlpCodec() {}

    /**
     * Parses binary protobuf.
     *
     * @throws SextantException {@link ErrorCode#BAD_DATA} naming what is malformed
     */
    static ExportMetricsServiceRequest parseProtobuf(byte[] body, int length) {
        ExportMetricsServiceRequest request;
        try {
            request = ExportMetricsServiceRequest.parser().parseFrom(body, 0, length);
        } catch (InvalidProtocolBufferException e) {
            throw new SextantException(ErrorCode.BAD_DATA, "invalid protobuf body: " + e.getMessage(), e);
        }
        Exemplar bad = firstExemplar(
                request, e -> !isIdLength(e.getTraceId(), TRACE_ID_BYTES) || !isIdLength(e.getSpanId(), SPAN_ID_BYTES));
        if (bad != null) {
            throw new SextantException(
                    ErrorCode.BAD_DATA,
                    "invalid protobuf body: exemplar trace_id must be " + TRACE_ID_BYTES + " bytes and span_id "
                            + SPAN_ID_BYTES + " bytes, not " + bad.getTraceId().size() + " and "
                            + bad.getSpanId().size());
        }
        return request;
    }

    /**
     * Parses OTLP/JSON (UTF-8).
     *
     * @throws SextantException {@link ErrorCode#BAD_DATA} naming what is malformed
     */
    static ExportMetricsServiceRequest parseJson(byte[] body, int length) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SextantException(ErrorCode.BAD_DATA, "invalid JSON body: not valid UTF-8", e);
        }
        List<int[]> negativeZeros = scan(text);
        ExportMetricsServiceRequest request = mergeJson(text);
        if (!negativeZeros.isEmpty()) {
            request = restoreNegativeZeros(request, text, negativeZeros);
        }
        boolean hasIds = firstExemplar(
                        request,
                        e -> !e.getTraceId().isEmpty() || !e.getSpanId().isEmpty())
                != null;
        return hasIds ? hexIds(request) : request;
    }

    private static ExportMetricsServiceRequest mergeJson(String text) {
        ExportMetricsServiceRequest.Builder builder = ExportMetricsServiceRequest.newBuilder();
        try {
            JSON_PARSER.merge(text, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new SextantException(ErrorCode.BAD_DATA, "invalid JSON body: " + e.getMessage(), e);
        }
        return builder.build();
    }

    /**
     * Checks the nesting depth (JsonFormat recurses and would overflow the stack) and returns the {@code
     * [start, end)} ranges of negative-zero number literals outside strings.
     */
    private static List<int[]> scan(String json) {
        List<int[]> negativeZeros = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_JSON_DEPTH) {
                    throw new SextantException(
                            ErrorCode.BAD_DATA, "invalid JSON body: nested deeper than " + MAX_JSON_DEPTH + " levels");
                }
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == '-') {
                int end = negativeZeroEnd(json, i);
                if (end > i) {
                    negativeZeros.add(new int[] {i, end});
                    i = end - 1;
                }
            }
        }
        return negativeZeros;
    }

    /** The end of a literal like {@code -0}, {@code -0.00} or {@code -0e5} starting at {@code i}, else {@code i}. */
    private static int negativeZeroEnd(String s, int i) {
        int j = i + 1;
        if (j >= s.length() || s.charAt(j) != '0') {
            return i;
        }
        j++;
        if (j < s.length() && s.charAt(j) == '.') {
            j++;
            while (j < s.length() && s.charAt(j) == '0') {
                j++;
            }
        }
        if (j < s.length() && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
            j++;
            if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                j++;
            }
            while (j < s.length() && Character.isDigit(s.charAt(j))) {
                j++;
            }
        }
        return j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.') ? i : j;
    }

    /**
     * JsonFormat reads numbers through BigDecimal, which has no negative zero, so {@code -0.0} arrives as
     * {@code +0}. Parsing the text twice more, with those literals replaced by 1 and by 2, marks exactly the
     * double fields they filled: the ones where the two copies differ.
     */
    private static ExportMetricsServiceRequest restoreNegativeZeros(
            ExportMetricsServiceRequest parsed, String text, List<int[]> ranges) {
        Message ones = mergeJson(replace(text, ranges, "1"));
        Message twos = mergeJson(replace(text, ranges, "2"));
        ExportMetricsServiceRequest.Builder b = parsed.toBuilder();
        markNegativeZeros(b, ones, twos);
        return b.build();
    }

    private static String replace(String text, List<int[]> ranges, String with) {
        StringBuilder sb = new StringBuilder(text.length());
        int at = 0;
        for (int[] r : ranges) {
            sb.append(text, at, r[0]).append(with);
            at = r[1];
        }
        return sb.append(text, at, text.length()).toString();
    }

    private static void markNegativeZeros(Message.Builder target, Message ones, Message twos) {
        for (FieldDescriptor f : target.getDescriptorForType().getFields()) {
            boolean isDouble = f.getJavaType() == FieldDescriptor.JavaType.DOUBLE;
            boolean isMessage = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
            if (!isDouble && !isMessage) {
                continue;
            }
            if (f.isRepeated()) {
                for (int i = 0; i < target.getRepeatedFieldCount(f); i++) {
                    if (isDouble) {
                        if (!ones.getRepeatedField(f, i).equals(twos.getRepeatedField(f, i))) {
                            target.setRepeatedField(f, i, -0.0);
                        }
                    } else {
                        markNegativeZeros(
                                target.getRepeatedFieldBuilder(f, i), (Message) ones.getRepeatedField(f, i), (Message)
                                        twos.getRepeatedField(f, i));
                    }
                }
            } else if (isDouble) {
                if (!ones.getField(f).equals(twos.getField(f))) {
                    target.setField(f, -0.0);
                }
            } else if (target.hasField(f)) {
                markNegativeZeros(target.getFieldBuilder(f), (Message) ones.getField(f), (Message) twos.getField(f));
            }
        }
    }

    private static ExportMetricsServiceRequest hexIds(ExportMetricsServiceRequest request) {
        ExportMetricsServiceRequest.Builder b = request.toBuilder();
        for (ResourceMetrics.Builder rm : b.getResourceMetricsBuilderList()) {
            for (ScopeMetrics.Builder sm : rm.getScopeMetricsBuilderList()) {
                for (Metric.Builder m : sm.getMetricsBuilderList()) {
                    switch (m.getDataCase()) {
                        case GAUGE ->
                            m.getGaugeBuilder()
                                    .getDataPointsBuilderList()
                                    .forEach(p -> hexIds(p.getExemplarsBuilderList()));
                        case SUM ->
                            m.getSumBuilder()
                                    .getDataPointsBuilderList()
                                    .forEach(p -> hexIds(p.getExemplarsBuilderList()));
                        case HISTOGRAM ->
                            m.getHistogramBuilder()
                                    .getDataPointsBuilderList()
                                    .forEach(p -> hexIds(p.getExemplarsBuilderList()));
                        case EXPONENTIAL_HISTOGRAM ->
                            m.getExponentialHistogramBuilder()
                                    .getDataPointsBuilderList()
                                    .forEach(p -> hexIds(p.getExemplarsBuilderList()));
                        case SUMMARY, DATA_NOT_SET -> {}
                    }
                }
            }
        }
        return b.build();
    }

    private static void hexIds(List<Exemplar.Builder> exemplars) {
        for (Exemplar.Builder e : exemplars) {
            e.setTraceId(hexId(e.getTraceId(), TRACE_ID_BYTES, "traceId"));
            e.setSpanId(hexId(e.getSpanId(), SPAN_ID_BYTES, "spanId"));
        }
    }

    private static ByteString hexId(ByteString base64Decoded, int idBytes, String field) {
        if (base64Decoded.isEmpty()) {
            return base64Decoded;
        }
        if (base64Decoded.size() != idBytes * 3 / 2) {
            throw new SextantException(
                    ErrorCode.BAD_DATA, "invalid JSON body: " + field + " must be " + 2 * idBytes + " hex digits");
        }
        String text = Base64.getEncoder().encodeToString(base64Decoded.toByteArray());
        byte[] id = new byte[idBytes];
        for (int i = 0; i < idBytes; i++) {
            int hi = Character.digit(text.charAt(2 * i), 16);
            int lo = Character.digit(text.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new SextantException(
                        ErrorCode.BAD_DATA, "invalid JSON body: " + field + " \"" + text + "\" is not hex");
            }
            id[i] = (byte) (hi << 4 | lo);
        }
        return UnsafeByteOperations.unsafeWrap(id);
    }

    private static boolean isIdLength(ByteString id, int idBytes) {
        return id.isEmpty() || id.size() == idBytes;
    }

    /** The first exemplar anywhere in the request that matches, or null. */
    private static Exemplar firstExemplar(ExportMetricsServiceRequest request, Predicate<Exemplar> test) {
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    Stream<List<Exemplar>> lists =
                            switch (m.getDataCase()) {
                                case GAUGE ->
                                    m.getGauge().getDataPointsList().stream().map(NumberDataPoint::getExemplarsList);
                                case SUM ->
                                    m.getSum().getDataPointsList().stream().map(NumberDataPoint::getExemplarsList);
                                case HISTOGRAM ->
                                    m.getHistogram().getDataPointsList().stream()
                                            .map(HistogramDataPoint::getExemplarsList);
                                case EXPONENTIAL_HISTOGRAM ->
                                    m.getExponentialHistogram().getDataPointsList().stream()
                                            .map(ExponentialHistogramDataPoint::getExemplarsList);
                                case SUMMARY, DATA_NOT_SET -> Stream.empty();
                            };
                    Exemplar found =
                            lists.flatMap(List::stream).filter(test).findFirst().orElse(null);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    static byte[] encodeResponse(ExportMetricsServiceResponse response, boolean json) {
        if (!json) {
            return response.toByteArray();
        }
        try {
            return JSON_PRINTER.print(response).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code google.rpc.Status{int32 code = 1; string message = 2}}, encoded by hand to spare a dependency. */
    static byte[] encodeStatus(int grpcCode, String message, boolean json) {
        if (json) {
            StringBuilder sb = new StringBuilder(message.length() + 32);
            sb.append("{\"code\":").append(grpcCode).append(",\"message\":");
            OtlpValues.appendJsonString(sb, message);
            return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
        }
        int size = CodedOutputStream.computeInt32Size(1, grpcCode) + CodedOutputStream.computeStringSize(2, message);
        byte[] out = new byte[size];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        try {
            cos.writeInt32(1, grpcCode);
            cos.writeString(2, message);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
