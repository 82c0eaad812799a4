package io.sextant.server.http;

import static java.util.Objects.requireNonNull;

import io.sextant.ingest.IngestResponse;
import io.sextant.storage.SextantException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Serves one ingest protocol: refuses writes with 503 and {@code Retry-After} until the store has replayed its
 * WAL, resolves the tenant, reads the body under the size limit and writes the protocol's {@link
 * IngestResponse} as it is. The protocol decides statuses and bodies; errors it throws instead of answering are
 * mapped by their {@link io.sextant.storage.ErrorCode}.
 */
public final class IngestEndpoint implements Endpoint {
    /**
     * The signature of the ingest protocol handlers ({@code RemoteWriteHandler}, {@code OtlpMetricsHandler}).
     * The body array is reused for the thread's next request: a handler must not keep it past its return.
     */
    @FunctionalInterface
    public interface Protocol {
        IngestResponse handle(String tenant, String contentType, String contentEncoding, byte[] body, int bodyLength);
    }

    static final String RETRY_AFTER_SECONDS = "5";

    /**
     * Bodies are read into a buffer each request thread keeps: at a million samples per second the bodies
     * alone are tens of MB/s of garbage, which makes the collector grow (and fault in) the heap. A buffer
     * larger than this is not kept.
     */
    private static final int MAX_KEPT_BUFFER = 8 << 20;

    private final ThreadLocal<byte[]> bodyBuffer = new ThreadLocal<>();

    private final Protocol protocol;
    private final BooleanSupplier ready;

    public IngestEndpoint(Protocol protocol, BooleanSupplier ready) {
        this.protocol = requireNonNull(protocol, "protocol is null");
        this.ready = requireNonNull(ready, "ready is null");
    }

    @Override
    public void handle(Exchange exchange) throws Exception {
        if (!ready.getAsBoolean()) {
            exchange.setHeader("Retry-After", RETRY_AFTER_SECONDS);
            exchange.text(503, "Service Unavailable\n");
            return;
        }
        String tenant;
        try {
            tenant = exchange.tenant();
        } catch (SextantException e) {
            exchange.text(400, e.getMessage() + "\n");
            return;
        }
        Exchange.Body body = exchange.body(bodyBuffer.get());
        if (body.bytes().length <= MAX_KEPT_BUFFER) {
            bodyBuffer.set(body.bytes());
        }
        IngestResponse response;
        try {
            response = protocol.handle(
                    tenant,
                    exchange.header("Content-Type"),
                    exchange.header("Content-Encoding"),
                    body.bytes(),
                    body.length());
        } catch (SextantException e) {
            response = fromError(e);
        }
        response.headers().forEach(exchange::setHeader);
        exchange.respond(response.status(), response.contentType(), response.body(), response.body().length);
    }

    private static IngestResponse fromError(SextantException e) {
        int status =
                switch (e.code()) {
                    case UNAVAILABLE -> 503;
                    case OVERLOADED -> 429;
                    case TOO_LARGE -> 413;
                    case UNSUPPORTED_MEDIA_TYPE -> 415;
                    case BAD_DATA, BAD_TENANT, OUT_OF_BOUNDS, DUPLICATE_SAMPLE -> 400;
                    case EXTERNAL_FAILURE, INTERNAL, QUERY_EXECUTION -> 500;
                };
        IngestResponse text = IngestResponse.text(status, e.getMessage());
        if (status == 503 || status == 429) {
            return new IngestResponse(
                    status, text.contentType(), text.body(), Map.of("Retry-After", RETRY_AFTER_SECONDS));
        }
        return text;
    }
}
