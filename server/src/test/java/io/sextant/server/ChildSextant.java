package io.sextant.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Sextant's {@link Main} in a separate JVM, so that a test can kill it with SIGKILL and start it again on the
 * same data directory: the only way to test what survives a real crash, since nothing of the process (no
 * shutdown hook, no finally, no buffered write) gets to run.
 *
 * <p>The child runs on the test JVM's own classpath (the module and test classes, every dependency), so it
 * is exactly the code under test, without a packaged jar. Its stdout and stderr are appended to one log file,
 * which every start of the same test shares so that a failure shows the history of the data directory.
 */
final class ChildSextant implements AutoCloseable {
    /** Every child not yet known to be dead; the shutdown hook kills them if the test JVM exits early. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> LIVE.forEach(p -> p.toHandle().destroyForcibly()), "child-sextant-reaper"));
    }

    private final Process process;
    private final int port;
    private final Path log;
    private final long startNanos;
    private final long logOffset;
    private final HttpClient probe = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private ChildSextant(Process process, int port, Path log, long logOffset, long startNanos) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.logOffset = logOffset;
        this.startNanos = startNanos;
    }

    /**
     * Starts {@code io.sextant.server.Main} on a free loopback port over {@code dataDir}, with the self-scrape
     * off (so the data directory holds only what the test writes) and {@code extraFlags} added.
     */
    static ChildSextant start(Path dataDir, Path log, String... extraFlags) throws IOException {
        return start(dataDir, log, List.of(), extraFlags);
    }

    /** As {@link #start(Path, Path, String...)} with JVM options (system properties such as crash points). */
    static ChildSextant start(Path dataDir, Path log, List<String> jvmOptions, String... extraFlags)
            throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                // The child is one of several JVMs on a small machine: keep it lean and quick to start.
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp",
                classPath(),
                Main.class.getName(),
                "--data-dir",
                dataDir.toString(),
                "--http-address",
                "127.0.0.1",
                "--http-port",
                Integer.toString(port),
                "--self-scrape-interval",
                "0"));
        command.addAll(List.of(extraFlags));
        Files.createDirectories(log.getParent());
        Files.writeString(
                log,
                "==== " + java.time.Instant.now() + " starting child on port " + port + "\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        long logOffset = Files.size(log);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        LIVE.add(p);
        return new ChildSextant(p, port, log, logOffset, start);
    }

    /**
     * The classpath of the test JVM. Surefire may start the test JVM from a manifest-only jar, in which case
     * {@code java.class.path} names just that jar; its manifest {@code Class-Path} lists the real entries as
     * URLs, which are resolved here so the child does not depend on how surefire was configured.
     */
    static String classPath() {
        // Surefire normally puts the real classpath here (and the booter jar in surefire.real.class.path).
        String cp = System.getProperty("java.class.path");
        String[] entries = cp.split(File.pathSeparator);
        if (entries.length == 1 && entries[0].contains("surefirebooter") && entries[0].endsWith(".jar")) {
            try (JarFile jar = new JarFile(entries[0])) {
                Manifest m = jar.getManifest();
                String manifestCp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                if (manifestCp != null) {
                    // Class-Path entries are URLs, absolute or relative to the jar's directory.
                    URI base = Path.of(entries[0]).toAbsolutePath().getParent().toUri();
                    List<String> paths = new ArrayList<>();
                    for (String url : manifestCp.trim().split("\\s+")) {
                        paths.add(Path.of(base.resolve(url)).toString());
                    }
                    return String.join(File.pathSeparator, paths);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cp;
    }

    private static int freePort() throws IOException {
        // The port is free when probed; another process could take it before the child binds, which shows as
        // a child that exits with status 1 ("the port is taken") and a clear log.
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /**
     * Waits until {@code path} answers 200 (the child exiting or the timeout failing the wait); returns the
     * time since the child was started. {@code /-/healthy} means listening, {@code /-/ready} means replayed.
     */
    Duration awaitStatus200(String path, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("child Sextant exited with status " + process.exitValue() + " before "
                        + path + " answered 200; log tail:\n" + logTail(60));
            }
            try {
                if (probe.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - startNanos);
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // e.g. a connection reset while Jetty starts; the next probe tells
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("child Sextant (pid " + process.pid() + ") did not answer 200 on "
                        + path + " within " + timeout + "; log tail:\n" + logTail(60));
            }
            // A short pause between probes; the wait is bounded by the deadline above.
            process.waitFor(10, TimeUnit.MILLISECONDS);
        }
    }

    /** Waits until this child has logged a line containing {@code text}. */
    void awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!logSinceStart().contains(text)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("child Sextant exited with status " + process.exitValue()
                        + " before logging \"" + text + "\"; log tail:\n" + logTail(60));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("child Sextant (pid " + process.pid() + ") did not log \"" + text
                        + "\" within " + timeout + "; log tail:\n" + logTail(60));
            }
            // A short pause between looks at the log; the wait is bounded by the deadline above.
            process.waitFor(5, TimeUnit.MILLISECONDS);
        }
    }

    Duration awaitReady(Duration timeout) throws IOException, InterruptedException {
        return awaitStatus200("/-/ready", timeout);
    }

    /**
     * SIGKILL: {@link ProcessHandle#destroyForcibly()} sends SIGKILL on Unix (SIGTERM would run Sextant's
     * graceful shutdown, which is not a crash). Returns once the process is gone.
     */
    int kill9(Duration timeout) throws InterruptedException {
        process.toHandle().destroyForcibly();
        return awaitExit(timeout);
    }

    /** Waits for the process to end; its exit status (137 = 128 + SIGKILL for a killed child). */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("child Sextant (pid " + process.pid() + ") still alive after " + timeout);
        }
        LIVE.remove(process);
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** What this child has logged (the shared log file from where this start began). */
    String logSinceStart() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logOffset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Kills the child if it still runs: no test may leave a process behind. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9(Duration.ofSeconds(30));
        }
        LIVE.remove(process);
    }
}
