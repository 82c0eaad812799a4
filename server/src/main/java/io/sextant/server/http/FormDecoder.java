package io.sextant.server.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes {@code application/x-www-form-urlencoded} text (query strings and form bodies) as strictly as Go's
 * {@code url.ParseQuery}, which Prometheus uses: a bad percent escape or a semicolon separator is an error, not
 * silently kept.
 */
final class FormDecoder {
    private FormDecoder() {}

    /** Appends the pairs of {@code text} to {@code into}, keeping order and repeated keys. */
    static void decode(String text, Map<String, List<String>> into) {
        if (text == null || text.isEmpty()) {
            return;
        }
        int start = 0;
        while (start <= text.length()) {
            int amp = text.indexOf('&', start);
            int end = amp < 0 ? text.length() : amp;
            String pair = text.substring(start, end);
            if (pair.indexOf(';') >= 0) {
                throw new IllegalArgumentException("invalid semicolon separator in query");
            }
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                String key = unescape(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : unescape(pair.substring(eq + 1));
                into.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value);
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
    }

    static Map<String, List<String>> decode(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        decode(text, out);
        return out;
    }

    private static String unescape(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    String bad = s.substring(i, Math.min(i + 3, s.length()));
                    throw new IllegalArgumentException("invalid URL escape \"" + bad + "\"");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
