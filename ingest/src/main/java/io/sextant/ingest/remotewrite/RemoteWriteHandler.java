package io.sextant.ingest.remotewrite;

import static java.util.Objects.requireNonNull;

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
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote-write 1.0 receiver: checks media type, encoding and size limits, snappy-decompresses
 * and decodes the body with {@link RemoteWriteDecoder}, commits it and answers as the remote-write
 * specification demands (204 on success; 400 for invalid data so the sender does not retry; 413/415 for
 * limits and unsupported formats; 5xx with {@code Retry-After} when the store is overloaded).
 *
 * <p>A request with some invalid series or rejected samples commits its valid part and answers 400 listing
 * what was dropped, as Prometheus' own receiver does. Thread-safe; decompression buffers, decoders and
 * batches are kept per thread.
 */
public final class RemoteWriteHandler {
    private static final Logger log = LoggerFactory.getLogger(RemoteWriteHandler.class);

    private static final String PROTOCOL = "remote_write";
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String WRITE_REQUEST_V1 = "prometheus.WriteRequest";
    private static final String WRITE_REQUEST_V2 = "io.prometheus.write.v2.Request";
    private static final int INITIAL_BUFFER_BYTES = 64 << 10;
    // A thread keeps at most this much decompression buffer and batch between requests, so one huge
    // request does not pin its memory for the life of the thread.
    private static final int RETAINED_BUFFER_BYTES = 8 << 20;
    private static final int RETAINED_BATCH_ENTRIES = 256 << 10;
    private static final AppendResult NOTHING_COMMITTED = new AppendResult(0, 0, 0, 0, 0, 0, 0, 0, 0, List.of());
    private static final IngestResponse NO_CONTENT =
            new IngestResponse(204, "text/plain; charset=utf-8", new byte[0], Map.of());

    private final MetricsWriter writer;
    private final IngestLimits limits;
    private final ThreadLocal<PerThread> perThread;

    private final IngestMetrics metrics;

    private static final class PerThread {
        final RemoteWriteDecoder decoder;
        final int maxBuffer;
        byte[] buffer = new byte[INITIAL_BUFFER_BYTES];
        WriteBatch batch = new WriteBatch();

        PerThread(IngestLimits limits) {
            decoder = new RemoteWriteDecoder(limits);
            maxBuffer = limits.maxDecompressedBytes();
        }

        byte[] buffer(int size) {
            if (buffer.length < size) {
                buffer = new byte[(int) Math.min(Math.max(size, buffer.length * 2L), maxBuffer)];
            }
            return buffer;
        }

        void release() {
            if (buffer.length > RETAINED_BUFFER_BYTES) {
                buffer = new byte[INITIAL_BUFFER_BYTES];
            }
            if (batch.seriesCount() > RETAINED_BATCH_ENTRIES || batch.sampleCount() > RETAINED_BATCH_ENTRIES) {
                batch = new WriteBatch();
            } else {
                batch.clear();
            }
        }
    }

    public RemoteWriteHandler(MetricsWriter writer, IngestLimits limits, Telemetry telemetry) {
        this.writer = requireNonNull(writer, "writer is null");
        this.limits = requireNonNull(limits, "limits is null");
        requireNonNull(telemetry, "telemetry is null");
        this.perThread = ThreadLocal.withInitial(() -> new PerThread(limits));

        metrics = new IngestMetrics(telemetry, PROTOCOL);
    }

    /**
     * Handles one remote-write request.
     *
     * @param tenant the tenant, already validated by the HTTP layer
     * @param contentType the Content-Type header, or null
     * @param contentEncoding the Content-Encoding header, or null
     * @param body the request body in {@code body[0, bodyLength)}
     */
    public IngestResponse handle(
            String tenant, String contentType, String contentEncoding, byte[] body, int bodyLength) {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(body, "body is null");
        Objects.checkFromIndexSize(0, bodyLength, body.length);
        long start = System.nanoTime();
        IngestResponse response;
        try {
            response = process(tenant, contentType, contentEncoding, body, bodyLength);
        } catch (SextantException e) {
            response = failure(e);
        } catch (RuntimeException e) {
            log.error("remote write for tenant {} failed", tenant, e);
            response = IngestResponse.text(
                    500, "internal error while storing the remote-write request; see the server log");
        }
        metrics.request(response.status(), bodyLength, System.nanoTime() - start);
        return response;
    }

    private IngestResponse process(
            String tenant, String contentType, String contentEncoding, byte[] body, int bodyLength) {
        String unsupported = unsupportedContentType(contentType);
        if (unsupported == null) {
            unsupported = unsupportedEncoding(contentEncoding);
        }
        if (unsupported != null) {
            return IngestResponse.text(415, unsupported);
        }
        if (bodyLength > limits.maxBodyBytes()) {
            return IngestResponse.text(
                    413, "request body of " + bodyLength + " bytes exceeds the limit of " + limits.maxBodyBytes());
        }
        long declared = snappyUncompressedLength(body, bodyLength);
        if (declared > limits.maxDecompressedBytes()) {
            return IngestResponse.text(
                    413,
                    "decompressed body of " + declared + " bytes (per the snappy header) exceeds the limit of "
                            + limits.maxDecompressedBytes());
        }

        PerThread state = perThread.get();
        try {
            byte[] buffer = state.buffer((int) declared);
            int length;
            try {
                length = Snappy.uncompress(body, 0, bodyLength, buffer, 0);
            } catch (IOException e) {
                return IngestResponse.text(400, "invalid snappy-compressed body: " + e.getMessage());
            }
            WriteBatch batch = state.batch;
            batch.clear();
            MetricsWriter.TenantWriter tenantWriter = writer.tenant(tenant);
            RemoteWriteDecoder.Result decoded = state.decoder.decode(buffer, 0, length, tenantWriter, batch);
            int metadata = batch.metadata().size();
            AppendResult result = batch.isEmpty() ? NOTHING_COMMITTED : tenantWriter.commit(batch);
            count(decoded, result, metadata);
            if (!decoded.hasErrors() && result.rejectedSamples() == 0) {
                return NO_CONTENT;
            }
            return IngestResponse.text(400, partialFailure(decoded, result));
        } finally {
            state.release();
        }
    }

    private void count(RemoteWriteDecoder.Result decoded, AppendResult result, int metadata) {
        metrics.stored(result);
        metrics.invalidSamples(decoded.samplesRejected());
        metrics.invalidExemplars(decoded.exemplarsRejected());
        metrics.metadata(metadata);
    }

    private static String partialFailure(RemoteWriteDecoder.Result decoded, AppendResult result) {
        List<String> parts = new ArrayList<>();
        if (decoded.seriesRejected() > 0) {
            parts.add(decoded.seriesRejected() + " series rejected (" + decoded.samplesRejected() + " samples"
                    + (decoded.histogramsRejected() > 0 ? ", " + decoded.histogramsRejected() + " histograms" : "")
                    + " dropped)");
        }
        if (result.rejectedSamples() > 0) {
            List<String> reasons = new ArrayList<>();
            reason(reasons, "out of order", result.outOfOrder());
            reason(reasons, "duplicate timestamp", result.duplicateTimestamp());
            reason(reasons, "too old", result.tooOld());
            reason(reasons, "too far in the future", result.tooFarInFuture());
            parts.add(result.rejectedSamples() + " samples rejected (" + String.join(", ", reasons) + ")");
        }
        if (decoded.exemplarsRejected() > 0) {
            parts.add(decoded.exemplarsRejected() + " exemplars rejected");
        }
        if (decoded.metadataRejected() > 0) {
            parts.add(decoded.metadataRejected() + " metadata entries rejected");
        }
        StringBuilder sb = new StringBuilder(String.join(", ", parts));
        sb.append("; the rest of the request was stored; first errors:");
        int listed = 0;
        for (String e : decoded.firstErrors()) {
            sb.append("\n  ").append(e);
            listed++;
        }
        for (String e : result.errors()) {
            if (listed == RemoteWriteDecoder.MAX_LISTED_ERRORS) {
                break;
            }
            sb.append("\n  ").append(e);
            listed++;
        }
        int total = decoded.errorCount() + Math.max(result.errors().size(), result.rejectedSamples());
        if (total > listed) {
            sb.append("\n  ... and ").append(total - listed).append(" more");
        }
        return sb.toString();
    }

    private static void reason(List<String> reasons, String reason, int count) {
        if (count > 0) {
            reasons.add(reason + ": " + count);
        }
    }

    private IngestResponse failure(SextantException e) {
        int status = IngestStatus.httpStatus(e.code());
        if (status >= 500) {
            if (e.code().kind() == ErrorCode.Kind.INSUFFICIENT_RESOURCES) {
                log.warn("remote write refused: {}", e.getMessage());
            } else {
                log.error("remote write failed", e);
            }
        }
        IngestResponse response = IngestResponse.text(status, e.getMessage());
        if (e.code() == ErrorCode.OVERLOADED || e.code() == ErrorCode.UNAVAILABLE) {
            return new IngestResponse(
                    response.status(), response.contentType(), response.body(), Map.of("Retry-After", "1"));
        }
        return response;
    }

    /** Null when the Content-Type selects remote write 1.0, else why it does not. */
    private static String unsupportedContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            // Remote-write 1.0 senders predating the 2.0 spec may omit it; 1.0 is the default message.
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        if (!mediaType.equalsIgnoreCase(PROTOBUF)) {
            return "unsupported Content-Type \"" + contentType + "\"; remote write expects " + PROTOBUF;
        }
        while (semicolon >= 0) {
            int next = contentType.indexOf(';', semicolon + 1);
            String parameter = (next < 0
                            ? contentType.substring(semicolon + 1)
                            : contentType.substring(semicolon + 1, next))
                    .trim();
            semicolon = next;
            int eq = parameter.indexOf('=');
            if (eq < 0 || !parameter.substring(0, eq).trim().equalsIgnoreCase("proto")) {
                continue;
            }
            String proto = parameter.substring(eq + 1).trim();
            if (proto.length() >= 2 && proto.startsWith("\"") && proto.endsWith("\"")) {
                proto = proto.substring(1, proto.length() - 1);
            }
            if (proto.equals(WRITE_REQUEST_V2)) {
                return "remote write 2.0 (proto=" + WRITE_REQUEST_V2 + ") is not supported yet; configure the sender"
                        + " to send remote write 1.0 (protobuf_message: " + WRITE_REQUEST_V1 + ")";
            }
            if (!proto.equals(WRITE_REQUEST_V1)) {
                return "unsupported Content-Type \"" + contentType + "\": proto=" + proto + " is not "
                        + WRITE_REQUEST_V1;
            }
        }
        return null;
    }

    /** Null for snappy (also assumed when the header is missing), else why the encoding is refused. */
    private static String unsupportedEncoding(String contentEncoding) {
        if (contentEncoding == null
                || contentEncoding.isBlank()
                || contentEncoding.trim().toLowerCase(Locale.ROOT).equals("snappy")) {
            return null;
        }
        return "unsupported Content-Encoding \"" + contentEncoding + "\"; remote write bodies must be snappy"
                + " block-compressed";
    }

    /**
     * The uncompressed length a snappy block declares in its varint header, read without decompressing so
     * that a decompression bomb is refused before anything is allocated.
     */
    private static long snappyUncompressedLength(byte[] body, int length) {
        long value = 0;
        for (int i = 0; i < Math.min(length, 5); i++) {
            int b = body[i];
            value |= (long) (b & 0x7F) << (7 * i);
            if (b >= 0) {
                if (value > 0xFFFFFFFFL) {
                    break;
                }
                return value;
            }
        }
        throw new SextantException(
                ErrorCode.BAD_DATA,
                length == 0
                        ? "invalid snappy-compressed body: the body is empty"
                        : "invalid snappy-compressed body: malformed uncompressed-length header");
    }
}
