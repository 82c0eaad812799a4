package io.sextant.promql.parser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads golden case files. Each case is an input line and an expectation line:
 *
 * <pre>
 * in: sum by (a) (x)         the query, verbatim to the end of the line
 * inq: "a\nb"                the query as a Go-quoted string (newlines, raw bytes)
 * out: sum by (a) (x)        expected String() of the parsed expression
 * tree: (sum by[a] x)        expected structure ({@link TreeDump}), for precedence
 * err: 1:5: parse error: ... expected exception message
 * </pre>
 *
 * <p>{@code opts: all} or {@code opts: default} switches the parser options for the cases after it; lines
 * starting with {@code #} and blank lines are ignored.
 */
final class GoldenCases {
    record Case(String file, int line, String input, ParserOptions options, String kind, String expected) {
        @Override
        public String toString() {
            return file + ":" + line + " " + input.replace("\n", "\\n");
        }
    }

    private GoldenCases() {}

    static List<Case> load(String resource) throws IOException {
        List<Case> cases = new ArrayList<>();
        ParserOptions options = ParserOptions.ALL;
        String input = null;
        int inputLine = 0;
        String[] lines;
        try (InputStream in = GoldenCases.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
        }
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("opts: ")) {
                options = switch (l.substring(6).trim()) {
                    case "all" -> ParserOptions.ALL;
                    case "default" -> ParserOptions.DEFAULT;
                    case "none" -> new ParserOptions(false, false, false, false, false);
                    default -> throw new IOException(resource + ":" + (i + 1) + ": unknown options " + l);
                };
            } else if (l.startsWith("in: ")) {
                input = l.substring(4);
                inputLine = i + 1;
            } else if (l.startsWith("inq: ")) {
                input = GoUnquote.unquote(l.substring(5).trim());
                inputLine = i + 1;
            } else if (l.startsWith("out: ") || l.startsWith("err: ") || l.startsWith("tree: ")) {
                if (input == null) {
                    throw new IOException(resource + ":" + (i + 1) + ": expectation without input");
                }
                int colon = l.indexOf(':');
                cases.add(new Case(resource, inputLine, input, options, l.substring(0, colon), l.substring(colon + 2)));
                input = null;
            } else {
                throw new IOException(resource + ":" + (i + 1) + ": cannot read line " + l);
            }
        }
        return cases;
    }
}
