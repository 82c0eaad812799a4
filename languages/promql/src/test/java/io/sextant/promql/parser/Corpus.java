package io.sextant.promql.parser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A test helper: the expressions and series lines of the shared conformance corpus, read in place. */
final class Corpus {
    static final Path DIR = Path.of("/work/shared/conformance/promql/testdata");

    private static final Pattern EVAL =
            Pattern.compile("^eval(?:_fail)? (?:instant at \\S+|range from \\S+ to \\S+ step \\S+) (.*)$");

    record Line(String file, int number, String text) {
        @Override
        public String toString() {
            return file + ":" + number + " " + text;
        }
    }

    private Corpus() {}

    static List<Path> files() throws IOException {
        if (!Files.isDirectory(DIR)) {
            throw new IllegalStateException("conformance corpus not found at " + DIR
                    + " (the PromQL parser tests read it in place; see /work/shared/conformance/promql)");
        }
        try (Stream<Path> s = Files.list(DIR)) {
            List<Path> files = new ArrayList<>(
                    s.filter(p -> p.toString().endsWith(".test")).sorted().toList());
            if (files.isEmpty()) {
                throw new IllegalStateException("no .test files in " + DIR);
            }
            return files;
        }
    }

    /** The expression of every eval command. */
    static List<Line> evalExpressions() throws IOException {
        List<Line> out = new ArrayList<>();
        for (Path f : files()) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = EVAL.matcher(lines.get(i));
                if (m.matches()) {
                    out.add(new Line(f.getFileName().toString(), i + 1, m.group(1)));
                }
            }
        }
        return out;
    }

    /** Every series line of the load blocks (a load command up to the next blank or comment line). */
    static List<Line> loadLines() throws IOException {
        List<Line> out = new ArrayList<>();
        for (Path f : files()) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            boolean inLoad = false;
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    inLoad = false;
                } else if (l.startsWith("load ") || l.startsWith("load_with_nhcb ")) {
                    inLoad = true;
                } else if (inLoad) {
                    out.add(new Line(f.getFileName().toString(), i + 1, l));
                }
            }
        }
        return out;
    }
}
