package io.sextant.server.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.sextant.server.http.Exchange;
import io.sextant.storage.Labels;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Streams Prometheus API responses: the envelope {@code {"status":"success","data":...,"warnings":[...]}} or
 * {@code {"status":"error","errorType":...,"error":...}} with {@code Content-Type: application/json}, strings
 * escaped as Prometheus' json-iterator does ({@code <}, {@code >}, {@code &}, U+2028/9 and control characters as
 * lowercase six-character escapes, except newline, carriage return and tab).
 */
public final class PromJson {
    static final String CONTENT_TYPE = "application/json";
    private static final CharacterEscapes HTML_ESCAPES = new GoEscapes(true);
    private static final CharacterEscapes METRIC_ESCAPES = new GoEscapes(false);
    static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .characterEscapes(HTML_ESCAPES)
            .rootValueSeparator((SerializableString) null)
            // the exchange closes the response stream once the endpoint returns
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private PromJson() {}

    /** Writes the {@code data} member. */
    @FunctionalInterface
    public interface Data {
        void write(JsonGenerator g) throws IOException;
    }

    public static void success(Exchange exchange, Data data, List<String> warnings) throws IOException {
        success(exchange, data, warnings, List.of());
    }

    /** A success response; {@code warnings} and {@code infos} are written only when not empty. */
    public static void success(Exchange exchange, Data data, List<String> warnings, List<String> infos)
            throws IOException {
        OutputStream out = new BufferedOutputStream(exchange.stream(200, CONTENT_TYPE), 32 * 1024);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeFieldName("data");
            data.write(g);
            if (!warnings.isEmpty()) {
                g.writeArrayFieldStart("warnings");
                for (String w : warnings) {
                    g.writeString(w);
                }
                g.writeEndArray();
            }
            if (!infos.isEmpty()) {
                g.writeArrayFieldStart("infos");
                for (String i : infos) {
                    g.writeString(i);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
    }

    public static void error(Exchange exchange, ApiError error) throws IOException {
        OutputStream out = exchange.stream(error.type().status(), CONTENT_TYPE);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("status", "error");
            g.writeStringField("errorType", error.type().wireName());
            g.writeStringField("error", error.getMessage());
            g.writeEndObject();
        }
    }

    /** A label set as a JSON object, names in order. */
    static void labels(JsonGenerator g, Labels labels) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < labels.size(); i++) {
            g.writeStringField(labels.name(i), labels.value(i));
        }
        g.writeEndObject();
    }

    /**
     * A label set as query results, exemplars and {@code parse_query} write it: Prometheus streams these with
     * json-iterator's {@code WriteString}, which leaves {@code <}, {@code >} and {@code &} alone.
     */
    static void metric(JsonGenerator g, Labels labels) throws IOException {
        g.setCharacterEscapes(METRIC_ESCAPES);
        try {
            labels(g, labels);
        } finally {
            g.setCharacterEscapes(HTML_ESCAPES);
        }
    }

    private static final class GoEscapes extends CharacterEscapes {
        private static final String HEX = "0123456789abcdef";
        private final int[] ascii = standardAsciiEscapesForJSON();

        GoEscapes(boolean html) {
            for (int c = 0; c < 0x20; c++) {
                if (c != '\n' && c != '\r' && c != '\t') {
                    ascii[c] = ESCAPE_CUSTOM;
                }
            }
            if (html) {
                ascii['<'] = ESCAPE_CUSTOM;
                ascii['>'] = ESCAPE_CUSTOM;
                ascii['&'] = ESCAPE_CUSTOM;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch < 0x80 || ch == 0x2028 || ch == 0x2029) {
                return new SerializedString("\\u" + HEX.charAt((ch >> 12) & 0xf) + HEX.charAt((ch >> 8) & 0xf)
                        + HEX.charAt((ch >> 4) & 0xf) + HEX.charAt(ch & 0xf));
            }
            return null;
        }
    }
}
