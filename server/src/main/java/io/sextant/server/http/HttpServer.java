package io.sextant.server.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty server: one HTTP/1.1 connector, gzip for responses when the client accepts it, and graceful stop
 * (stop accepting, let requests in flight finish within the shutdown timeout).
 */
public final class HttpServer {
    /** Grafana sends long match[] lists in GET query strings; Go's server allows 1MB of headers. */
    private static final int MAX_REQUEST_HEADER_BYTES = 1 << 20;

    private final Server server;
    private final ServerConnector connector;

    public HttpServer(String host, int port, Duration shutdownTimeout, Handler handler) {
        requireNonNull(host, "host is null");
        requireNonNull(shutdownTimeout, "shutdownTimeout is null");
        requireNonNull(handler, "handler is null");
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("http");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        GzipHandler gzip = new GzipHandler(handler);
        gzip.addIncludedMethods("POST");
        // Request bodies stay compressed: the ingest protocols decompress them under their own size limits.
        gzip.setInflateBufferSize(-1);
        server.setHandler(new GracefulHandler(gzip));
        server.setStopTimeout(shutdownTimeout.toMillis());
        server.setStopAtShutdown(false);
    }

    public void start() throws Exception {
        server.start();
    }

    /** The bound port (the configured one, or the one picked for port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Stops accepting connections, waits for requests in flight up to the shutdown timeout, then stops. */
    public void stop() throws Exception {
        server.stop();
    }
}
