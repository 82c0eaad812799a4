package io.sextant.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal persistent HTTP/1.1 client connection: writes pre-built request bytes and parses the status line,
 * headers and body (Content-Length, chunked, or until close). It allocates nothing per request unless the
 * response has a body worth keeping (non-2xx), so the load generator stays cheap.
 */
final class HttpConn implements Closeable {
    private final String host;
    private final int port;
    private final int timeoutMs;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lim;
    private final StringBuilder line = new StringBuilder(128);

    /** Status of the last response and, for non-2xx, up to 2 KiB of its body. */
    int status;

    String body;

    HttpConn(String host, int port, int timeoutMs) {
        this.host = host;
        this.port = port;
        this.timeoutMs = timeoutMs;
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        s.setSoTimeout(timeoutMs);
        s.connect(new InetSocketAddress(host, port), timeoutMs);
        socket = s;
        out = s.getOutputStream();
        in = s.getInputStream();
        pos = 0;
        lim = 0;
    }

    /** Sends one request and reads the whole response; returns the status code. */
    int send(byte[] request) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(request);
            out.flush();
            return readResponse();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private int readResponse() throws IOException {
        body = null;
        String statusLine = readLine();
        // HTTP/1.1 204 No Content
        int sp = statusLine.indexOf(' ');
        if (!statusLine.startsWith("HTTP/1.") || sp < 0 || statusLine.length() < sp + 4) {
            throw new IOException("bad status line: " + statusLine);
        }
        status = Integer.parseInt(statusLine.substring(sp + 1, sp + 4));
        long contentLength = -1;
        boolean chunked = false;
        boolean closeAfter = statusLine.startsWith("HTTP/1.0");
        while (true) {
            String h = readLine();
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")
                    && value.toLowerCase().contains("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection")) {
                if (value.equalsIgnoreCase("close")) {
                    closeAfter = true;
                } else if (value.equalsIgnoreCase("keep-alive")) {
                    closeAfter = false;
                }
            }
        }
        boolean keep = status < 200 || status >= 300;
        ByteArrayOutputStream kept = keep ? new ByteArrayOutputStream() : null;
        if ((status >= 100 && status < 200) || status == 204 || status == 304) {
            // no body
        } else if (chunked) {
            while (true) {
                String sizeLine = readLine();
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                if (size == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                readBody(size, kept);
                readLine();
            }
        } else if (contentLength >= 0) {
            readBody(contentLength, kept);
        } else {
            readBody(Long.MAX_VALUE, kept);
            closeAfter = true;
        }
        if (kept != null) {
            byte[] b = kept.toByteArray();
            body = new String(b, 0, Math.min(b.length, 2048), StandardCharsets.UTF_8).trim();
        }
        if (closeAfter) {
            close();
        }
        return status;
    }

    private boolean fill() throws IOException {
        if (pos < lim) {
            return true;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    private void readBody(long n, ByteArrayOutputStream kept) throws IOException {
        while (n > 0) {
            if (!fill()) {
                if (n == Long.MAX_VALUE) {
                    return; // read-until-close body
                }
                throw new EOFException("connection closed in response body");
            }
            int take = (int) Math.min(n, lim - pos);
            if (kept != null && kept.size() < 4096) {
                kept.write(buf, pos, take);
            }
            pos += take;
            if (n != Long.MAX_VALUE) {
                n -= take;
            }
        }
    }

    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            if (!fill()) {
                throw new EOFException("connection closed while reading response head");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                return line.toString();
            }
            if (line.length() > 16 * 1024) {
                throw new IOException("response line too long");
            }
            line.append((char) (b & 0xFF));
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
