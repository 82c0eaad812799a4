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
final class Corpus {
    private Corpus() {}

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

    /** The corpus' {@code .test} files, sorted by name. */
    static List<Path> testFiles() {
        try (Stream<Path> files = Files.list(promqlTestdata())) {
            return files.filter(p -> p.toString().endsWith(".test")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
