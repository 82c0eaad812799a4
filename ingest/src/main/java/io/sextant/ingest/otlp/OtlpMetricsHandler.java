package io.sextant.ingest.otlp;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.IngestMetrics;
import io.sextant.ingest.IngestResponse;
import io.sextant.ingest.IngestStatus;
import io.sextant.storage.AppendResult;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.MetricsWriter;
import io.sextant.storage.SextantException;
import io.sextant.storage.WriteBatch;
import io.sextant.storage.telemetry.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/HTTP metrics receiver ({@code POST /v1/metrics}): decodes an {@code ExportMetricsServiceRequest} in
 * binary protobuf ({@code application/x-protobuf}) or OTLP/JSON ({@code application/json}), optionally gzipped,
 * maps it to Prometheus series as {@link OtlpMetricsTranslator} describes and commits it in one batch.
 *
 * <p>Answers in the request's encoding: 200 with an {@code ExportMetricsServiceResponse}, whose {@code
 * partial_success} counts what was not stored and says why (OTLP data points that are unsupported or do not
 * translate, plus samples the store rejects, which are Prometheus samples since the store reports no more) or,
 * with nothing rejected, only warns (an exemplar or {@code target_info} dropped); 400 for a malformed body; 413
 * above {@link IngestLimits#maxBodyBytes()}, {@link IngestLimits#maxDecompressedBytes()} or {@link
 * IngestLimits#maxSamplesPerRequest()}; 415 for another encoding; 503 with {@code Retry-After} when the store
 * sheds load; 500 when it fails. Error bodies are {@code google.rpc.Status} messages; of these codes only 503 is
 * retryable under the OTLP specification. Another content type gets 415 in plain text, since there is no
 * encoding to answer in.
 *
 * <p>Thread-safe; holds no per-request state.
 */
public final class OtlpMetricsHandler {
    private static final Logger log = LoggerFactory.getLogger(OtlpMetricsHandler.class);
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";
    private static final String RETRY_AFTER_SECONDS = "5";
    private static final String PROTOCOL = "otlp";

    // google.rpc.Code values used in Status bodies.
    private static final int INVALID_ARGUMENT = 3;
    private static final int RESOURCE_EXHAUSTED = 8;
    private static final int INTERNAL = 13;
    private static final int UNAVAILABLE = 14;

    private final MetricsWriter writer;
    private final IngestLimits limits;
    private final IngestMetrics metrics;

    public OtlpMetricsHandler(MetricsWriter writer, IngestLimits limits, Telemetry telemetry) {
        this.writer = requireNonNull(writer, "writer is null");
        this.limits = requireNonNull(limits, "limits is null");
        requireNonNull(telemetry, "telemetry is null");
        metrics = new IngestMetrics(telemetry, PROTOCOL);
    }

    /**
     * Handles one request.
     *
     * @param tenant the tenant, already validated
     * @param contentType the Content-Type header, or null
     * @param contentEncoding the Content-Encoding header, or null
     * @param body the request body in {@code body[0, bodyLength)}
     */
    public IngestResponse handle(
            String tenant, String contentType, String contentEncoding, byte[] body, int bodyLength) {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(body, "body is null");
        if (bodyLength < 0 || bodyLength > body.length) {
            throw new IllegalArgumentException("bodyLength " + bodyLength + " outside the body of " + body.length);
        }
        long start = System.nanoTime();
        IngestResponse response;
        String mediaType = mediaType(contentType);
        if (mediaType == null) {
            response = IngestResponse.text(
                    415,
                    "unsupported Content-Type " + (contentType == null ? "(none)" : "\"" + contentType + "\"")
                            + "; OTLP/HTTP accepts " + PROTOBUF + " and " + JSON);
        } else {
            boolean json = mediaType.equals(JSON);
            try {
                response = store(tenant, json, contentEncoding, body, bodyLength);
            } catch (SextantException e) {
                if (e.code().kind() != ErrorCode.Kind.USER_ERROR) {
                    log.warn("OTLP write for tenant {} failed: {}", tenant, e.getMessage(), e);
                }
                response = error(json, e.code(), e.getMessage());
            } catch (RuntimeException e) {
                log.error("OTLP write for tenant {} failed", tenant, e);
                response = error(json, ErrorCode.INTERNAL, "internal error: " + e);
            }
        }
        metrics.request(response.status(), bodyLength, System.nanoTime() - start);
        return response;
    }

    private IngestResponse store(String tenant, boolean json, String contentEncoding, byte[] body, int bodyLength) {
        if (bodyLength > limits.maxBodyBytes()) {
            throw new SextantException(
                    ErrorCode.TOO_LARGE,
                    "request body of " + bodyLength + " bytes is larger than the limit of " + limits.maxBodyBytes()
                            + " bytes");
        }
        byte[] data = body;
        int length = bodyLength;
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        switch (encoding) {
            case "", "identity" -> {}
            case "gzip" -> {
                data = gunzip(body, bodyLength, limits.maxDecompressedBytes());
                length = data.length;
            }
            default ->
                throw new SextantException(
                        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported Content-Encoding \"" + contentEncoding + "\"; OTLP/HTTP accepts gzip or none");
        }
        ExportMetricsServiceRequest request =
                json ? OtlpCodec.parseJson(data, length) : OtlpCodec.parseProtobuf(data, length);

        WriteBatch batch = new WriteBatch();
        OtlpMetricsTranslator.Result translated = new OtlpMetricsTranslator(limits, batch).translate(request);
        long rejected = translated.rejectedPoints();
        List<String> messages = new ArrayList<>(translated.messages());
        metrics.invalidSamples(translated.rejectedPoints());
        if (!batch.isEmpty()) {
            AppendResult result = writer.tenant(tenant).commit(batch);
            metrics.stored(result);
            rejected += result.rejectedSamples();
            messages.addAll(result.errors());
        }
        ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
        if (rejected > 0 || !messages.isEmpty()) {
            response.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(rejected)
                    .setErrorMessage(String.join("; ", messages)));
        }
        return new IngestResponse(
                200, json ? JSON : PROTOBUF, OtlpCodec.encodeResponse(response.build(), json), Map.of());
    }

    /** Inflates at most {@code max} bytes, so that a small gzip bomb costs no more than {@code max} of memory. */
    private static byte[] gunzip(byte[] body, int length, int max) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body, 0, length), 8192)) {
            byte[] out = new byte[(int) Math.min((long) max + 1, Math.max(8192L, 2L * length))];
            int n = 0;
            while (true) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, (int) Math.min((long) max + 1, 2L * out.length));
                }
                int r = in.read(out, n, out.length - n);
                if (r < 0) {
                    return Arrays.copyOf(out, n);
                }
                n += r;
                if (n > max) {
                    throw new SextantException(
                            ErrorCode.TOO_LARGE,
                            "decompressed request body is larger than the limit of " + max + " bytes");
                }
            }
        } catch (IOException e) {
            throw new SextantException(ErrorCode.BAD_DATA, "invalid gzip body: " + e.getMessage(), e);
        }
    }

    /** The media type without parameters, if it is one OTLP/HTTP defines; null otherwise. */
    private static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
        return type.equals(PROTOBUF) || type.equals(JSON) ? type : null;
    }

    private static IngestResponse error(boolean json, ErrorCode code, String message) {
        int status = IngestStatus.httpStatus(code);
        int grpcCode =
                switch (status) {
                    case 413 -> RESOURCE_EXHAUSTED;
                    case 500 -> INTERNAL;
                    case 503 -> UNAVAILABLE;
                    default -> INVALID_ARGUMENT;
                };
        return new IngestResponse(
                status,
                json ? JSON : PROTOBUF,
                OtlpCodec.encodeStatus(grpcCode, message, json),
                status == 503 ? Map.of("Retry-After", RETRY_AFTER_SECONDS) : Map.of());
    }
}
