package io.sextant.promql.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where Prometheus' PromQL test corpus is: the {@code sextant.conformance.dir} system property, else the
 * {@code SEXTANT_CONFORMANCE_DIR} environment variable, else {@code shared/conformance} beside the checkout
 * (the corpus is the specification and is not copied into the repository).
 */
public final class Corpus {
    private Corpus() {}

    /** A line of a corpus file: an eval's expression or a load block's series line. */
    public record Line(String file, int number, String text) {
        @Override
        public String toString() {
            return file + ":" + number + " " + text;
        }
    }

    static Path promqlTestdata() {
        List<Path> tried = new ArrayList<>();
        String configured = System.getProperty("sextant.conformance.dir", System.getenv("SEXTANT_CONFORMANCE_DIR"));
        if (configured != null) {
            tried.add(Path.of(configured));
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; up < 5 && dir != null; up++, dir = dir.getParent()) {
            tried.add(dir.resolveSibling("shared").resolve("conformance"));
        }
        for (Path p : tried) {
            Path testdata = p.resolve("promql").resolve("testdata");
            if (Files.isDirectory(testdata)) {
                return testdata;
            }
        }
        throw new IllegalStateException("the PromQL conformance corpus was not found; looked in " + tried
                + " (set -Dsextant.conformance.dir or SEXTANT_CONFORMANCE_DIR)");
    }

    /** The expression of every eval command of the corpus. */
    public static List<Line> evalExpressions() {
        List<Line> out = new ArrayList<>();
        for (Path f : testFiles()) {
            for (TestScript.Command c : TestScript.parse(read(f))) {
                if (c instanceof TestScript.Eval e) {
                    out.add(new Line(f.getFileName().toString(), e.line(), e.expr()));
                }
            }
        }
        return out;
    }

    /** Every series line of the corpus' load blocks, numbered by its position in the file. */
    public static List<Line> loadLines() {
        List<Line> out = new ArrayList<>();
        for (Path f : testFiles()) {
            for (TestScript.Command c : TestScript.parse(read(f))) {
                if (c instanceof TestScript.Load l) {
                    for (int i = 0; i < l.series().size(); i++) {
                        out.add(new Line(
                                f.getFileName().toString(),
                                l.line() + 1 + i,
                                l.series().get(i)));
                    }
                }
            }
        }
        return out;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The corpus' {@code .test} files, sorted by name. */
    static List<Path> testFiles() {
        try (Stream<Path> files = Files.list(promqlTestdata())) {
            return files.filter(p -> p.toString().endsWith(".test")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
