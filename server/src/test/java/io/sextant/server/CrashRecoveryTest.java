package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.sextant.ingest.remotewrite.proto.Label;
import io.sextant.ingest.remotewrite.proto.Sample;
import io.sextant.ingest.remotewrite.proto.TimeSeries;
import io.sextant.ingest.remotewrite.proto.WriteRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Sextant's durability contract under real crashes: a child Sextant process takes remote writes from
 * concurrent senders and is killed with SIGKILL at random moments, 20 times over one data directory. After
 * every restart the stored data is compared with what the senders know:
 *
 * <ul>
 *   <li>every acknowledged (2xx) request is wholly present, with its exact timestamps and values;
 *   <li>every request is atomic: all of its samples or none, whatever its sender saw;
 *   <li>nothing is stored that was never sent, and nothing twice;
 *   <li>a request's fate, once a restart has shown it, never changes on later restarts;
 *   <li>the WAL never reports damage other than a torn tail of its newest segment, the only damage a killed
 *       process (as opposed to a failing disk or a crashed machine) can leave.
 * </ul>
 *
 * <p>Some kills come right after readiness, most under load, a few during the WAL replay of a restart, one just
 * after and one while the checkpoint job (first run one check interval after readiness; a small {@code --checkpoint-wal-size} makes it
 * write a checkpoint) writes a checkpoint under concurrent commits, so that each phase of the store's life is
 * interrupted. Small WAL segments make segment rotation frequent too. The kill schedule comes from a seeded random
 * generator whose seed is printed, and {@code -Dsextant.crash.seed=N} replays a schedule (the timing of the
 * machine still varies).
 *
 * <p>A second test aims one kill at a known weak moment: right after the acknowledgement of a request whose
 * other copy (a resend) is still being committed.
 */
class CrashRecoveryTest {
    private static final int CYCLES = 20;
    private static final int RESENT_ROUNDS = 8;
    private static final int WRITERS = 4;
    private static final int SERIES_PER_WRITER = 8;
    private static final int SAMPLES_PER_SERIES = 15;
    /** Samples in one request: {@link #SAMPLES_PER_SERIES} consecutive milliseconds of each writer's series. */
    private static final int BATCH = SERIES_PER_WRITER * SAMPLES_PER_SERIES;

    // A sample's value names it: (writer + 1) * 10^12 + request id * 10^4 + index in the request. The values
    // stay below 2^53, so they are exact doubles, and the export writes them as plain integers.
    private static final long VALUE_WRITER = 1_000_000_000_000L;
    private static final long VALUE_REQUEST = 10_000L;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Sextant refuses samples more than 10 minutes ahead; writers stay well inside that. */
    private static final long MAX_AHEAD_MS = Duration.ofMinutes(8).toMillis();
    /** Sextant's checkpoint job first runs this long after the server became ready. */
    private static final long CHECKPOINT_JOB_DELAY_MS = Sextant.MAINTENANCE_CHECK_INTERVAL.toMillis();

    private static final byte SENT = 0; // in flight when the child died: either outcome is allowed
    private static final byte ACKED = 1;
    private static final byte REFUSED = 2; // no connection: it never reached the child, so it must be absent
    private static final byte REJECTED = 3; // a non-2xx answer

    // A request's outcome: 0 until a restart has shown it, then one of these for good.
    private static final byte PRESENT = 1;
    private static final byte ABSENT = 2;

    /** WAL damage a SIGKILL cannot explain: only the newest segment can end in a torn write. */
    private static final Pattern IMPOSSIBLE_DAMAGE = Pattern.compile(
            "WAL corruption|missing \\d+ segment|skipping WAL record|conflicting labels|startup failed");

    private static final Pattern REPLAY_FINISHED = Pattern.compile("WAL replay finished in ([0-9.]+) s");
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private enum Kill {
        /** Right after the server became ready, before or while the first writes arrive. */
        EARLY,
        /** Under load, after 0.2 to 2.5 s of writes. */
        LOADED,
        /** Before readiness, while the WAL replays (and a torn tail may be being truncated). */
        REPLAY,
        /** While the checkpoint job (its first run) writes a checkpoint, with commits going on. */
        IN_CHECKPOINT,
        /** Just after the checkpoint job has written a checkpoint, with commits going on. */
        AFTER_CHECKPOINT
    }

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final HttpClient reader = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void acknowledgedWritesSurviveKill9AndEveryRequestIsAtomic() throws Exception {
        long seed = Long.getLong("sextant.crash.seed", System.nanoTime());
        System.out.println("CrashRecoveryTest: seed " + seed + " (-Dsextant.crash.seed=" + seed + " replays it)");
        Random random = new Random(seed);
        Path dataDir = dir.resolve("data");
        Path log = Path.of(System.getProperty("basedir", "."), "target", "crash-test", "sextant-" + seed + ".log");
        System.out.println("CrashRecoveryTest: data dir " + dataDir + ", child log " + log.toAbsolutePath());

        // Five minutes back leaves the writers 15 minutes before they reach Sextant's 10-minute future limit.
        long t0 = System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
        List<Writer> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            writers.add(new Writer(i, t0));
        }
        List<Kill> plan = plan(random);
        Report report = new Report();
        long started = System.nanoTime();

        for (int cycle = 0; cycle <= CYCLES; cycle++) {
            Kill kill = cycle == CYCLES ? null : plan.get(cycle);
            try (ChildSextant child =
                    ChildSextant.start(dataDir, log, "--wal-segment-size", "1MiB", "--checkpoint-wal-size", "4MiB")) {
                Row row = new Row(cycle, kill == null ? "(final)" : kill.name());
                report.rows.add(row);
                if (kill == Kill.REPLAY) {
                    // Aim inside the replay: from its first log line, within half as long as the last one took.
                    child.awaitLog("replaying WAL", READY_TIMEOUT);
                    row.killMs = random.nextInt((int) Math.max(10, report.lastReplayMs / 2));
                    Thread.sleep(row.killMs); // the deliberate, random moment of the crash
                    killAndCheck(child, cycle);
                    String childLog = child.logSinceStart();
                    row.note = childLog.contains("ready: accepting") ? "killed after replay" : "killed in replay";
                    report.afterStart(row, childLog);
                    continue;
                }
                row.readyMs = child.awaitReady(READY_TIMEOUT).toMillis();
                long readyAt = System.nanoTime();
                String replayLog = child.logSinceStart();
                report.afterStart(row, replayLog);
                long verifyStart = System.nanoTime();
                row.stored = verify(child, writers, cycle);
                row.verifyMs = (System.nanoTime() - verifyStart) / 1_000_000;
                if (kill == null) {
                    break;
                }
                AtomicBoolean killing = new AtomicBoolean();
                List<Thread> threads = new ArrayList<>();
                int[] firstId = new int[WRITERS];
                for (Writer w : writers) {
                    firstId[w.index] = w.nextId;
                    w.cycle = (byte) cycle;
                    threads.add(new Thread(() -> w.run(child.uri("/api/v1/write"), killing), "writer-" + w.index));
                }
                long writersStart = 0;
                try {
                    switch (kill) {
                        case EARLY -> {
                            writersStart = System.nanoTime();
                            threads.forEach(Thread::start);
                            Thread.sleep(random.nextInt(50)); // the deliberate, random moment of the crash
                        }
                        case LOADED -> {
                            writersStart = System.nanoTime();
                            threads.forEach(Thread::start);
                            Thread.sleep(200 + random.nextInt(2300)); // the deliberate, random moment of the crash
                        }
                        case IN_CHECKPOINT, AFTER_CHECKPOINT -> {
                            // The job first runs one check interval after readiness. Writers join for the last 2 s
                            // before it
                            // (keeping the data set small), so the checkpoint runs under concurrent commits.
                            long idle = CHECKPOINT_JOB_DELAY_MS - 2000 - (System.nanoTime() - readyAt) / 1_000_000;
                            if (idle > 0) {
                                Thread.sleep(idle); // part of the deliberate delay before the crash
                            }
                            writersStart = System.nanoTime();
                            threads.forEach(Thread::start);
                            row.note = Report.join(row.note, awaitCheckpointStart(dataDir.resolve("wal"), readyAt));
                            if (kill == Kill.AFTER_CHECKPOINT) {
                                child.awaitLog("head checkpoint written", READY_TIMEOUT);
                            }
                            // the deliberate, random moment of the crash: within the checkpoint, which takes about
                            // half a second here, or within the commits that follow it
                            Thread.sleep(random.nextInt(kill == Kill.IN_CHECKPOINT ? 300 : 200));
                        }
                        default -> throw new AssertionError(kill);
                    }
                } finally {
                    killing.set(true);
                    row.killMs = writersStart == 0 ? -1 : (System.nanoTime() - writersStart) / 1_000_000;
                    killAndCheck(child, cycle);
                    for (Thread t : threads) {
                        t.join(REQUEST_TIMEOUT.toMillis() + 5000);
                        assertThat(t.isAlive())
                                .as("%s still running after the kill", t.getName())
                                .isFalse();
                    }
                }
                String childLog = child.logSinceStart();
                if (kill == Kill.IN_CHECKPOINT || kill == Kill.AFTER_CHECKPOINT) {
                    // The next start tells how far it got: a .tmp to delete (before the rename), covered segments
                    // to delete (between the rename and the clean-up), or nothing.
                    row.note += childLog.contains("head checkpoint written")
                            ? ", finished before the kill"
                            : ", killed before it finished";
                }
                report.checkpointsWritten += count(childLog, "head checkpoint written");
                assertThat(impossibleDamage(childLog))
                        .as("cycle %d: WAL damage a SIGKILL cannot cause", cycle)
                        .isEmpty();
                List<String> unexpected = new ArrayList<>();
                for (Writer w : writers) {
                    for (int id = firstId[w.index]; id < w.nextId; id++) {
                        switch (w.status[id]) {
                            case ACKED -> row.acked++;
                            case SENT -> row.unknown++;
                            default -> row.failed++;
                        }
                    }
                    unexpected.addAll(w.unexpected);
                    w.unexpected.clear();
                }
                assertThat(unexpected)
                        .as(
                                "cycle %d: requests that failed while the child was alive (child log tail:%n%s%n)",
                                cycle, child.logTail(40))
                        .isEmpty();
            } catch (Throwable t) {
                System.out.println(report.format(started));
                throw t;
            }
        }
        System.out.println(report.format(started));
    }

    /**
     * A sender that gets no answer resends (Prometheus does, on timeouts and 5xx), so a request can arrive
     * while its first copy is still being committed. The resent copy finds every sample already in the head;
     * its 2xx must still mean what every 2xx means: the samples survive a SIGKILL right after it. Each round
     * sends requests twice at once, on two connections, under background load (which keeps fsyncs in flight),
     * and kills the child as soon as one copy is acknowledged while the other is still pending, then checks
     * after the restart that the request is there.
     */
    @Test
    void aResentRequestIsDurableOnceEitherCopyIsAcknowledged() throws Exception {
        Path dataDir = dir.resolve("data");
        Path log = Path.of(
                System.getProperty("basedir", "."),
                "target",
                "crash-test",
                "sextant-resent-" + System.nanoTime() + ".log");
        System.out.println(
                "CrashRecoveryTest (resent requests): data dir " + dataDir + ", child log " + log.toAbsolutePath());
        long t0 = System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
        List<Writer> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            writers.add(new Writer(i, t0));
        }
        // The last writer sends the doubled requests; the others are the background load.
        Writer probe = writers.get(WRITERS - 1);
        List<Writer> load = writers.subList(0, WRITERS - 1);
        HttpClient second = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        List<String> rounds = new ArrayList<>();
        for (int round = 0; round <= RESENT_ROUNDS; round++) {
            try (ChildSextant child = ChildSextant.start(dataDir, log)) {
                child.awaitReady(READY_TIMEOUT);
                verify(child, writers, round);
                if (round == RESENT_ROUNDS) {
                    break;
                }
                AtomicBoolean killing = new AtomicBoolean();
                List<Thread> threads = new ArrayList<>();
                for (Writer w : writers) {
                    w.cycle = (byte) round;
                }
                for (Writer w : load) {
                    threads.add(new Thread(() -> w.run(child.uri("/api/v1/write"), killing), "load-" + w.index));
                }
                threads.forEach(Thread::start);
                String outcome = "no copy acknowledged alone within 3 s";
                try {
                    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    URI uri = child.uri("/api/v1/write");
                    while (System.nanoTime() < deadline) {
                        int id = probe.nextId++;
                        probe.ensureCapacity(id);
                        probe.status[id] = SENT;
                        probe.cycleOf[id] = (byte) round;
                        HttpRequest request = probe.request(uri, id);
                        CompletableFuture<HttpResponse<String>> a =
                                probe.client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
                        CompletableFuture<HttpResponse<String>> b =
                                second.sendAsync(request, HttpResponse.BodyHandlers.ofString());
                        CompletableFuture.anyOf(a, b).get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        HttpResponse<String> done = a.isDone() ? a.join() : b.join();
                        assertThat(done.statusCode())
                                .as("answer to request %d", id)
                                .isEqualTo(204);
                        probe.status[id] = ACKED;
                        if (!a.isDone() || !b.isDone()) {
                            // the moment that matters: a 2xx out while the other copy is still being committed
                            killing.set(true);
                            killAndCheck(child, round);
                            outcome = "request " + id + ": the " + (a.isDone() ? "first" : "second")
                                    + " copy was acknowledged while the other was pending; killed";
                            break;
                        }
                        assertThat(a.join().statusCode()).isEqualTo(204);
                        assertThat(b.join().statusCode()).isEqualTo(204);
                    }
                } finally {
                    killing.set(true);
                    if (child.isAlive()) {
                        killAndCheck(child, round);
                    }
                    for (Thread t : threads) {
                        t.join(REQUEST_TIMEOUT.toMillis() + 5000);
                        assertThat(t.isAlive())
                                .as("%s still running after the kill", t.getName())
                                .isFalse();
                    }
                }
                for (Writer w : load) {
                    assertThat(w.unexpected)
                            .as("round %d: load requests that failed while the child was alive", round)
                            .isEmpty();
                }
                rounds.add("round " + round + ": " + outcome);
            } catch (Throwable t) {
                System.out.println(String.join("\n", rounds));
                throw t;
            }
        }
        System.out.println(String.join("\n", rounds));
    }

    /**
     * 20 kills: the first under load (so there is data from the start), two around a checkpoint late in the
     * run (once the WAL has grown past {@code --checkpoint-wal-size}; the first leaves a checkpoint, which the
     * second's interrupted one must not spoil), the others a shuffled mix.
     */
    private static List<Kill> plan(Random random) {
        List<Kill> rest = new ArrayList<>();
        for (int i = 0; i < CYCLES - 3; i++) {
            rest.add(i < 3 ? Kill.EARLY : i < 6 ? Kill.REPLAY : Kill.LOADED);
        }
        Collections.shuffle(rest, random);
        List<Kill> plan = new ArrayList<>();
        plan.add(Kill.LOADED);
        plan.addAll(rest);
        plan.add(CYCLES - 8, Kill.AFTER_CHECKPOINT);
        plan.add(CYCLES - 3, Kill.IN_CHECKPOINT);
        return plan;
    }

    /**
     * Waits for the checkpoint job to start, which shows as a new {@code checkpoint.N.tmp} directory in the
     * WAL (or, had the checkpoint been too quick to catch, a new complete checkpoint); describes what it saw.
     */
    private static String awaitCheckpointStart(Path wal, long readyAt) throws IOException {
        Set<String> before = checkpoints(wal);
        long deadline =
                readyAt + Duration.ofMillis(CHECKPOINT_JOB_DELAY_MS + 15_000).toNanos();
        while (System.nanoTime() < deadline) {
            for (String name : checkpoints(wal)) {
                if (!before.contains(name)) {
                    return (name.endsWith(".tmp") ? "checkpoint in progress" : "checkpoint done") + " at "
                            + (System.nanoTime() - readyAt) / 1_000_000 + " ms after readiness";
                }
            }
            LockSupport.parkNanos(1_000_000); // a short poll; the loop is bounded by the deadline
        }
        throw new AssertionError("the checkpoint job did not start within " + (CHECKPOINT_JOB_DELAY_MS + 15_000)
                + " ms of readiness; WAL holds " + checkpoints(wal));
    }

    private static Set<String> checkpoints(Path wal) throws IOException {
        Set<String> names = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(wal, "checkpoint.*")) {
            entries.forEach(e -> names.add(e.getFileName().toString()));
        }
        return names;
    }

    private static void killAndCheck(ChildSextant child, int cycle) throws InterruptedException {
        int exit = child.kill9(EXIT_TIMEOUT);
        assertThat(exit)
                .as("cycle %d: exit status of the child killed with SIGKILL (128 + 9)", cycle)
                .isEqualTo(137);
    }

    /**
     * Exports every writer's series and checks them against the writers' records; returns the samples found.
     * Also records each request's fate, which later restarts must not change.
     */
    private long verify(ChildSextant child, List<Writer> writers, int cycle) throws Exception {
        Violations violations = new Violations();
        long samples = 0;
        for (Writer w : writers) {
            int[] found = new int[w.nextId];
            samples += export(child, w, found, violations);
            for (int id = 0; id < w.nextId; id++) {
                int n = found[id];
                String what = "writer " + w.index + " request " + id + " (sent in cycle " + w.cycleOf[id] + ", "
                        + statusName(w.status[id]) + ")";
                if (n != 0 && n != BATCH) {
                    violations.add(what + " is partially present: " + n + " of " + BATCH + " samples");
                }
                if (w.status[id] == ACKED && n != BATCH) {
                    violations.add(what + " was acknowledged but " + (BATCH - n) + " of its " + BATCH
                            + " samples are missing");
                }
                if (w.status[id] == REFUSED && n != 0) {
                    violations.add(what + " never reached the server but " + n + " of its samples are stored");
                }
                if (w.outcome[id] == PRESENT && n != BATCH) {
                    violations.add(what + " was present after an earlier restart, now " + n + " samples");
                }
                if (w.outcome[id] == ABSENT && n != 0) {
                    violations.add(what + " was absent after an earlier restart, now " + n + " samples");
                }
                if (n == BATCH) {
                    w.outcome[id] = PRESENT;
                } else if (n == 0) {
                    w.outcome[id] = ABSENT;
                }
            }
        }
        if (violations.count > 0) {
            throw new AssertionError("after restart " + cycle + ": " + violations.count
                    + " violations of the durability contract, the first " + violations.first.size() + ":\n  "
                    + String.join("\n  ", violations.first) + "\nchild log tail:\n" + child.logTail(40));
        }
        return samples;
    }

    /** Reads {@code /api/v1/export} for the writer's metric, counting samples per request in {@code found}. */
    private long export(ChildSextant child, Writer w, int[] found, Violations violations) throws Exception {
        long[] samples = {0};
        ExportReader.read(reader, child.uri(ExportReader.path("{__name__=\"" + w.metric + "\"}")), e -> {
            samples[0] += e.values().length;
            checkSeries(w, e.labels(), e.values(), e.timestamps(), found, violations);
        });
        return samples[0];
    }

    private static void checkSeries(
            Writer w,
            Map<String, String> labels,
            double[] values,
            long[] timestamps,
            int[] found,
            Violations violations) {
        String s = labels.get("s");
        int series = s != null && s.matches("[0-9]") ? Integer.parseInt(s) : -1;
        if (labels.size() != 2
                || !w.metric.equals(labels.get("__name__"))
                || series < 0
                || series >= SERIES_PER_WRITER) {
            violations.add("series never written: " + labels);
            return;
        }
        if (values.length != timestamps.length) {
            violations.add(labels + ": " + values.length + " values but " + timestamps.length + " timestamps");
            return;
        }
        for (int i = 0; i < values.length; i++) {
            long t = timestamps[i];
            double v = values[i];
            if (i > 0 && t <= timestamps[i - 1]) {
                violations.add(
                        labels + ": timestamp " + t + " follows " + timestamps[i - 1] + " (duplicate or out of order)");
            }
            long bits = (long) v;
            long writer = bits / VALUE_WRITER - 1;
            long id = bits % VALUE_WRITER / VALUE_REQUEST;
            long index = bits % VALUE_REQUEST;
            boolean sent = v == Math.rint(v)
                    && v > 0
                    && v < 0x1p53
                    && writer == w.index
                    && id < w.nextId
                    && index < BATCH
                    && index / SAMPLES_PER_SERIES == series
                    && t == w.timestamp((int) id, (int) index);
            if (!sent) {
                violations.add(labels + ": sample (" + t + ", " + v + ") was never sent");
            } else {
                found[(int) id]++;
            }
        }
    }

    private static List<String> impossibleDamage(String childLog) {
        return childLog.lines().filter(l -> IMPOSSIBLE_DAMAGE.matcher(l).find()).toList();
    }

    private static String replaySeconds(String childLog) {
        Matcher m = REPLAY_FINISHED.matcher(childLog);
        return m.find() ? m.group(1) : "-";
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String statusName(byte status) {
        return switch (status) {
            case ACKED -> "acknowledged";
            case REFUSED -> "refused connection";
            case REJECTED -> "rejected";
            default -> "in flight at the kill";
        };
    }

    /** The first violations found, and how many there are: a broken store could produce millions. */
    private static final class Violations {
        final List<String> first = new ArrayList<>();
        int count;

        void add(String violation) {
            if (count++ < 30) {
                first.add(violation);
            }
        }
    }

    /** One line of the summary printed at the end (and on failure). */
    private static final class Row {
        final int cycle;
        final String kill;
        long readyMs = -1;
        String replaySeconds = "-";
        long stored = -1;
        long verifyMs = -1;
        int acked;
        int failed;
        int unknown;
        long killMs = -1;
        int tornTails;
        String note = "";

        Row(int cycle, String kill) {
            this.cycle = cycle;
            this.kill = kill;
        }
    }

    private static final class Report {
        final List<Row> rows = new ArrayList<>();
        int tornTails;
        int interruptedCheckpoints;
        int interruptedCleanUps;
        int checkpointsWritten;
        long lastReplayMs = 100;

        /** Takes what a start logged: replay time, WAL damage (which must be a torn tail at most). */
        void afterStart(Row row, String childLog) {
            row.replaySeconds = replaySeconds(childLog);
            if (!row.replaySeconds.equals("-")) {
                lastReplayMs = (long) (Double.parseDouble(row.replaySeconds) * 1000);
            }
            row.tornTails = count(childLog, "WAL torn tail");
            tornTails += row.tornTails;
            int interrupted = count(childLog, "deleting incomplete WAL checkpoint");
            interruptedCheckpoints += interrupted;
            int leftovers = count(childLog, "covered by checkpoint.") + count(childLog, "superseded by");
            interruptedCleanUps += leftovers > 0 ? 1 : 0;
            if (row.tornTails > 0) {
                row.note = join(row.note, "replay cut a torn tail");
            }
            if (interrupted > 0) {
                row.note = join(row.note, "open deleted an interrupted checkpoint");
            }
            if (leftovers > 0) {
                row.note = join(row.note, "open finished a checkpoint's clean-up (" + leftovers + " files)");
            }
            assertThat(impossibleDamage(childLog))
                    .as("cycle %d: WAL damage a SIGKILL cannot cause", row.cycle)
                    .isEmpty();
        }

        private static String join(String a, String b) {
            return a.isEmpty() ? b : a + "; " + b;
        }

        String format(long startedNanos) {
            StringBuilder sb = new StringBuilder(String.format(
                    "%5s %-16s %8s %8s %9s %9s %6s %6s %7s %7s  %s%n",
                    "cycle",
                    "kill",
                    "ready ms",
                    "replay s",
                    "verified",
                    "verify ms",
                    "acked",
                    "failed",
                    "unknown",
                    "kill ms",
                    "notes"));
            for (Row r : rows) {
                sb.append(String.format(
                        "%5d %-16s %8s %8s %9s %9s %6s %6s %7s %7s  %s%n",
                        r.cycle,
                        r.kill,
                        r.readyMs < 0 ? "-" : r.readyMs,
                        r.replaySeconds,
                        r.stored < 0 ? "-" : r.stored,
                        r.verifyMs < 0 ? "-" : r.verifyMs,
                        r.acked,
                        r.failed,
                        r.unknown,
                        r.killMs < 0 ? "-" : r.killMs,
                        r.note));
            }
            sb.append(String.format(
                    "%.1f s; torn WAL tails cut %d, checkpoints written %d, interrupted: checkpoints %d, clean-ups %d",
                    (System.nanoTime() - startedNanos) / 1e9,
                    tornTails,
                    checkpointsWritten,
                    interruptedCheckpoints,
                    interruptedCleanUps));
            return sb.toString();
        }
    }

    /**
     * One sender with its own connection and series {@code crash_w<index>{s="0".."7"}}. Request ids grow by one
     * per request over the whole test, and so do the timestamps, so each (series, timestamp) is sent once.
     */
    private static final class Writer {
        final int index;
        final String metric;
        final long t0;
        final HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        // Written by the writer's thread during a cycle, read by the test thread after joining it.
        int nextId;
        byte cycle;
        byte[] status = new byte[4096];
        byte[] outcome = new byte[4096];
        byte[] cycleOf = new byte[4096];
        final List<String> unexpected = new ArrayList<>();

        Writer(int index, long t0) {
            this.index = index;
            this.metric = "crash_w" + index;
            this.t0 = t0;
        }

        long timestamp(int id, int index) {
            return t0 + (long) id * SAMPLES_PER_SERIES + index % SAMPLES_PER_SERIES;
        }

        void run(URI uri, AtomicBoolean killing) {
            while (!killing.get()) {
                int id = nextId;
                if (timestamp(id, SAMPLES_PER_SERIES - 1) > System.currentTimeMillis() + MAX_AHEAD_MS) {
                    unexpected.add(metric + ": the writer has run 8 minutes ahead of the clock; lower its rate");
                    return;
                }
                ensureCapacity(id);
                nextId++;
                status[id] = SENT;
                cycleOf[id] = cycle;
                HttpRequest request = request(uri, id);
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() / 100 == 2) {
                        status[id] = ACKED;
                    } else {
                        status[id] = REJECTED;
                        unexpected.add(
                                metric + " request " + id + ": " + response.statusCode() + " " + response.body());
                    }
                } catch (ConnectException e) {
                    status[id] = REFUSED;
                    if (!killing.get()) {
                        unexpected.add(metric + " request " + id + ": " + e);
                    }
                } catch (IOException e) {
                    // status stays SENT: the child may have died before or after committing it
                    if (!killing.get()) {
                        unexpected.add(metric + " request " + id + ": " + e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        HttpRequest request(URI uri, int id) {
            return HttpRequest.newBuilder(uri)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/x-protobuf")
                    .header("Content-Encoding", "snappy")
                    .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body(id)))
                    .build();
        }

        void ensureCapacity(int id) {
            if (id >= status.length) {
                status = Arrays.copyOf(status, id * 2);
                outcome = Arrays.copyOf(outcome, id * 2);
                cycleOf = Arrays.copyOf(cycleOf, id * 2);
            }
        }

        byte[] body(int id) {
            WriteRequest.Builder request = WriteRequest.newBuilder();
            for (int s = 0; s < SERIES_PER_WRITER; s++) {
                TimeSeries.Builder ts = TimeSeries.newBuilder()
                        .addLabels(Label.newBuilder().setName("__name__").setValue(metric))
                        .addLabels(Label.newBuilder().setName("s").setValue(Integer.toString(s)));
                for (int k = 0; k < SAMPLES_PER_SERIES; k++) {
                    int index = s * SAMPLES_PER_SERIES + k;
                    long value = (this.index + 1) * VALUE_WRITER + id * VALUE_REQUEST + index;
                    ts.addSamples(Sample.newBuilder()
                            .setTimestamp(timestamp(id, index))
                            .setValue(value));
                }
                request.addTimeseries(ts);
            }
            try {
                return Snappy.compress(request.build().toByteArray());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
