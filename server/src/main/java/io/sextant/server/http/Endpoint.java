package io.sextant.server.http;

/** Handles one route. Runs on a Jetty worker thread and may block; the response is complete when it returns. */
@FunctionalInterface
public interface Endpoint {
    void handle(Exchange exchange) throws Exception;
}
