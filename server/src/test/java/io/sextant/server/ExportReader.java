package io.sextant.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Reads {@code /api/v1/export} (one JSON object per series and line) the way a client would, series by series. */
final class ExportReader {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /** One exported series. */
    record Exported(Map<String, String> labels, long[] timestamps, double[] values) {}

    private ExportReader() {}

    /** The export URI of a selector, on the server at {@code base} (e.g. {@code child::uri}). */
    static String path(String selector) {
        return "/api/v1/export?match[]=" + URLEncoder.encode(selector, StandardCharsets.UTF_8);
    }

    /** Streams the export at {@code uri} into {@code sink}; fails on a non-200 answer. */
    static void read(HttpClient client, URI uri, Consumer<Exported> sink) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .GET()
                .build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new AssertionError("export " + uri + " answered " + response.statusCode() + ": "
                        + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            try (JsonParser p = JSON.createParser(in)) {
                JsonToken token;
                while ((token = p.nextToken()) != null) {
                    if (token != JsonToken.START_OBJECT) {
                        throw new AssertionError("an export line starts with " + token);
                    }
                    Map<String, String> labels = new HashMap<>();
                    double[] values = new double[0];
                    long[] timestamps = new long[0];
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        switch (field) {
                            case "metric" -> {
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String name = p.currentName();
                                    p.nextToken();
                                    labels.put(name, p.getText());
                                }
                            }
                            case "values" -> {
                                double[] buf = new double[1024];
                                int n = 0;
                                while (p.nextToken() != JsonToken.END_ARRAY) {
                                    if (n == buf.length) {
                                        buf = Arrays.copyOf(buf, n * 2);
                                    }
                                    buf[n++] = p.getDoubleValue();
                                }
                                values = Arrays.copyOf(buf, n);
                            }
                            case "timestamps" -> {
                                long[] buf = new long[1024];
                                int n = 0;
                                while (p.nextToken() != JsonToken.END_ARRAY) {
                                    if (n == buf.length) {
                                        buf = Arrays.copyOf(buf, n * 2);
                                    }
                                    buf[n++] = p.getLongValue();
                                }
                                timestamps = Arrays.copyOf(buf, n);
                            }
                            default -> p.skipChildren();
                        }
                    }
                    sink.accept(new Exported(labels, timestamps, values));
                }
            }
        }
    }
}
