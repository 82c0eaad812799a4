package io.sextant.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a handler that its client closed the connection while the answer is still being computed, as Go's
 * server cancels a request's context.
 *
 * <p>Jetty notices that an HTTP/1.1 client went away only when it next reads or writes the connection, and it
 * reads nothing while a handler runs once the request is parsed: the request's failure listeners fire on an
 * idle timeout, not on a close, and the endpoint stays open. So the watch asks the endpoint to report the
 * connection readable and then reads one byte, as Go does: end of stream or an error means the client closed
 * (at least its sending half, which Go treats the same way); a byte is the start of a pipelined request, which
 * is handed back to the connection when the watch closes, and ends the watch.
 */
public final class ClientWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientWatch.class);
    /** Watches nothing. */
    static final ClientWatch NONE = new ClientWatch(null, null, null, null);
    /** Withdraws the read interest; only this watch's callback receives it, and ignores it. */
    private static final Throwable HANDLED = new CancellationException("the handler finished");

    private final Request request;
    private final AbstractEndPoint endPoint;
    private final Connection.UpgradeTo connection;
    private final Runnable onGone;
    private final Callback readable = Callback.from(this::readable, this::failed);
    private boolean interested;
    private boolean closed;
    private ByteBuffer pipelined;

    private ClientWatch(Request request, AbstractEndPoint endPoint, Connection.UpgradeTo connection, Runnable onGone) {
        this.request = request;
        this.endPoint = endPoint;
        this.connection = connection;
        this.onGone = onGone;
    }

    /**
     * Watches {@code request}'s connection until {@link #close()}, calling {@code onGone} at most once, on a Jetty
     * thread, if the client closes it. The request body must have been read to its end, and nothing may read the
     * request while the watch is open.
     */
    static ClientWatch start(Request request, Runnable onGone) {
        ConnectionMetaData meta = request.getConnectionMetaData();
        Connection c = meta.getConnection();
        // An HTTP/2 connection carries other requests' streams too: reading it here would steal their frames.
        if (meta.getHttpVersion().getVersion() >= HttpVersion.HTTP_2.getVersion()
                || !(c.getEndPoint() instanceof AbstractEndPoint endPoint)
                || !(c instanceof Connection.UpgradeTo to)) {
            return NONE;
        }
        ClientWatch watch = new ClientWatch(request, endPoint, to, onGone);
        synchronized (watch) {
            watch.interested = endPoint.tryFillInterested(watch.readable);
        }
        return watch;
    }

    private synchronized void readable() {
        interested = false;
        if (closed) {
            return;
        }
        ByteBuffer next = BufferUtil.allocate(1);
        int filled;
        try {
            filled = endPoint.fill(next);
        } catch (IOException e) {
            gone(e.toString());
            return;
        }
        if (filled < 0) {
            gone("end of stream");
        } else if (filled > 0) {
            pipelined = next;
        } else {
            interested = endPoint.tryFillInterested(readable);
        }
    }

    private synchronized void failed(Throwable cause) {
        interested = false;
        // an idle timeout may fail the interest too, and Jetty may still answer on the open connection
        if (!closed && !endPoint.isOpen()) {
            gone(cause.toString());
        }
    }

    private void gone(String why) {
        log.debug(
                "{} {} from {}: the client closed the connection ({})",
                request.getMethod(),
                request.getHttpURI().getPathQuery(),
                request.getConnectionMetaData().getRemoteSocketAddress(),
                why);
        onGone.run();
    }

    /** Stops watching; the connection reads the next request once the handler returns. */
    @Override
    public synchronized void close() {
        if (this == NONE) {
            return;
        }
        closed = true;
        if (interested) {
            endPoint.getFillInterest().onFail(HANDLED);
        }
        if (pipelined != null) {
            connection.onUpgradeTo(pipelined);
        }
    }
}
