package io.sextant.server.http;

import io.sextant.ingest.TenantIds;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * One request and its response as endpoints see them: parameters, headers, a size-capped body, and blocking
 * writes. Not thread-safe; it lives on the thread that handles the request.
 */
public final class Exchange {
    private static final String FORM = "application/x-www-form-urlencoded";

    private final Request request;
    private final Response response;
    private final Map<String, String> pathParams;
    private final int maxBodyBytes;
    private Params params;
    private OutputStream stream;
    private boolean responded;
    private boolean bodyRead;
    private int status = 200;

    Exchange(Request request, Response response, Map<String, String> pathParams, int maxBodyBytes) {
        this.request = request;
        this.response = response;
        this.pathParams = pathParams;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A request body: the first {@code length} bytes of {@code bytes}. */
    public record Body(byte[] bytes, int length) {}

    /** Query-string and form parameters, body first as in Go's {@code Request.Form}. */
    public static final class Params {
        private final Map<String, List<String>> values;

        Params(Map<String, List<String>> values) {
            this.values = values;
        }

        /** The first value, or {@code ""} when absent (Go's {@code FormValue}). */
        public String first(String name) {
            List<String> v = values.get(name);
            return v == null || v.isEmpty() ? "" : v.get(0);
        }

        public List<String> all(String name) {
            return values.getOrDefault(name, List.of());
        }
    }

    public String method() {
        return request.getMethod();
    }

    public String pathParam(String name) {
        return pathParams.getOrDefault(name, "");
    }

    /** A request header, or null. */
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    /**
     * The tenant named by {@code X-Scope-OrgID} / {@code X-Tenant-ID}, {@code default} without either.
     *
     * @throws io.sextant.storage.SextantException {@code BAD_TENANT} naming the header
     */
    public String tenant() {
        return TenantIds.resolve(header("X-Scope-OrgID"), header("X-Tenant-ID"));
    }

    /**
     * Reads the whole body, refusing one larger than the configured limit: by its {@code Content-Length}
     * before reading anything, or once a body of unknown length passes the limit.
     *
     * @throws HttpError 413 when the body is too large
     */
    public Body body() throws IOException {
        return body(null);
    }

    /**
     * As {@link #body()}, reading into {@code reuse} when it is large enough (the returned body's array is
     * then {@code reuse}, or a larger one the caller may keep for the next request).
     */
    public Body body(byte[] reuse) throws IOException {
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            throw tooLarge(declared);
        }
        int wanted = declared >= 0 ? (int) declared : Math.min(maxBodyBytes, 64 * 1024);
        byte[] buf = reuse != null && reuse.length >= wanted ? reuse : new byte[wanted];
        int n = 0;
        try (InputStream in = Content.Source.asInputStream(request)) {
            while (true) {
                if (n == buf.length) {
                    int extra = in.read();
                    if (extra < 0) {
                        break;
                    }
                    if (n >= maxBodyBytes) {
                        throw tooLarge(-1);
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min((long) maxBodyBytes, Math.max(1024, 2L * n)));
                    buf[n++] = (byte) extra;
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        }
        bodyRead = true;
        return new Body(buf, n);
    }

    private HttpError tooLarge(long declared) {
        String size = declared >= 0 ? "of " + declared + " bytes " : "";
        return new HttpError(413, "request body " + size + "exceeds the limit of " + maxBodyBytes + " bytes");
    }

    /**
     * The query string merged with a form-encoded body (POST with {@code application/x-www-form-urlencoded}).
     *
     * @throws HttpError 400 when the encoding is malformed, 413 when the body is too large
     */
    public Params params() throws IOException {
        if (params == null) {
            Map<String, List<String>> values = new LinkedHashMap<>();
            try {
                String contentType = header("Content-Type");
                if (request.getMethod().equals("POST")
                        && contentType != null
                        && contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
                    Body b = body();
                    FormDecoder.decode(new String(b.bytes(), 0, b.length(), StandardCharsets.UTF_8), values);
                }
                FormDecoder.decode(request.getHttpURI().getQuery(), values);
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "error parsing form values: " + e.getMessage());
            }
            params = new Params(values);
        }
        return params;
    }

    /**
     * Calls {@code onGone} if the client closes the connection before the returned watch is closed, so that an
     * answer nobody will read can be abandoned; see {@link ClientWatch}. Call it once the parameters are read;
     * the endpoint must not read the body while the watch is open. A body left unread would look like the
     * client's next request, so then nothing is watched.
     */
    public ClientWatch watchClient(Runnable onGone) {
        return bodyRead || !hasBody() ? ClientWatch.start(request, onGone) : ClientWatch.NONE;
    }

    public void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /** Sends a complete response. */
    public void respond(int status, String contentType, byte[] body, int length) throws IOException {
        begin(status, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        Content.Sink.write(response, true, ByteBuffer.wrap(body, 0, length));
    }

    public void text(int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        respond(status, "text/plain; charset=utf-8", b, b.length);
    }

    /** Starts a streamed response; the stream is closed when the endpoint returns. */
    public OutputStream stream(int status, String contentType) {
        begin(status, contentType);
        stream = Content.Sink.asOutputStream(response);
        return stream;
    }

    private void begin(int status, String contentType) {
        if (responded) {
            throw new IllegalStateException("response already started");
        }
        responded = true;
        this.status = status;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        if (!bodyRead && hasBody()) {
            // Answering before the body is read (a refused tenant, a 413 by Content-Length, 503 during
            // replay) leaves unread bytes on the connection; Jetty then closes it, and a keep-alive client
            // must be told so rather than find out from a broken pipe on its next request.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    private boolean hasBody() {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /** The status sent, for metrics. */
    int status() {
        return status;
    }

    boolean committed() {
        return response.isCommitted();
    }

    /** Forgets a response that has not reached the client yet, so an error can replace it. */
    void reset() {
        response.reset();
        stream = null;
        responded = false;
    }

    /** Completes the response: closes a stream, or sends an empty 200 if the endpoint sent nothing. */
    void finish() throws IOException {
        if (stream != null) {
            stream.close();
        } else if (!responded) {
            respond(200, "text/plain; charset=utf-8", new byte[0], 0);
        }
    }
}
