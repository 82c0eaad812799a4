package io.sextant.bench.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sextant.bench.load.CommandLine;
import io.sextant.bench.load.Fleet;
import io.sextant.bench.load.ProcStats;
import io.sextant.bench.load.RemoteWriteLoad;
import io.sextant.bench.query.DashboardQueries.Query;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs the {@link DashboardQueries} suite against several Prometheus-compatible servers holding the same data
 * and compares client-side latency per query: median and p95 per server, the ratio of the first server's median
 * to each other's, and the number of result series each server returned.
 *
 * <p>Servers take turns, one request at a time, so no server's query overlaps another's work; per query every
 * server gets its warm-up runs, then the measured runs go round-robin over the servers so that background load
 * hits all of them alike. A server that answered with an error is skipped for the rest of that query.
 *
 * <p>Run {@code java -cp sextant-bench.jar io.sextant.bench.query.QuerySuite --help} for the options.
 */
public final class QuerySuite {
    private static final String USAGE = """
            usage: QuerySuite --targets NAME=URL[,NAME=URL...] --end-ms T [options]
              --targets LIST      servers, the first is compared with the others (e.g.
                                  sextant=http://127.0.0.1:9091,prometheus=http://127.0.0.1:9092)
              --pids NAME=PID,... server processes: CPU they use while answering, and the machine's other load
              --stats NAMES       servers that get stats=all and report planning/evaluation time (default: the first)
              --end-ms T          end of the data (epoch ms): instant queries evaluate here, range queries end here
              --series N          series of the loaded fleet, to name its first host and job (default 10000)
              --seed N            fleet seed (default 42)
              --warmup N          unmeasured runs per query and server (default 3)
              --warm-passes N     unmeasured passes over the whole suite per server before measuring (default 1)
              --warm-requests N   then this many requests per server cycling over vector(1) and the queries that
                                  took under 5 ms on any server in the first pass (default 20000)
              --runs N            measured runs per query and server (default 10)
              --min-runs N        measured runs always made, even past --budget (default 5)
              --budget D          stop measuring a query on a server after this much time (default 20s)
              --only REGEX        run only the queries whose name matches
              --timeout D         HTTP timeout of one query (default 150s)
              --out DIR           write queries.tsv, runs.tsv and table.md here
            durations: 500ms, 15s, 5m
            """;

    private static final JsonFactory JSON = new JsonFactory();

    private QuerySuite() {}

    /** {@code pid} is null when the server's CPU is not measured. */
    record Target(String name, URI base, boolean stats, String pid, HttpClient client) {}

    /** What one answer said: result size, the server's own timings (NaN when not reported), or an error. */
    record Answer(long nanos, int series, long points, double prepSeconds, double evalSeconds, String error) {}

    /** All runs of one query on one server. */
    static final class Runs {
        final List<Answer> measured = new ArrayList<>();
        Answer first;
        String error;
        long spentNanos;
        /** Server CPU during the measured runs; -1 when not measured. */
        long cpuMicros = -1;

        double[] millis() {
            return measured.stream().mapToDouble(a -> a.nanos() / 1e6).sorted().toArray();
        }

        double[] sortedMillis(boolean prep) {
            return measured.stream()
                    .mapToDouble(a -> (prep ? a.prepSeconds() : a.evalSeconds()) * 1000)
                    .filter(d -> !Double.isNaN(d))
                    .sorted()
                    .toArray();
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = CommandLine.parse(args, Set.of("help"), USAGE);
        if (o.containsKey("help") || !o.containsKey("targets") || !o.containsKey("end-ms")) {
            System.out.print(USAGE);
            return;
        }
        long endMs = Long.parseLong(o.get("end-ms"));
        int series = Integer.parseInt(o.getOrDefault("series", "10000"));
        long seed = Long.parseLong(o.getOrDefault("seed", "42"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "3"));
        int warmRequests = Integer.parseInt(o.getOrDefault("warm-requests", "20000"));
        int warmPasses = Integer.parseInt(o.getOrDefault("warm-passes", "1"));
        int runs = Integer.parseInt(o.getOrDefault("runs", "10"));
        int minRuns = Math.min(runs, Integer.parseInt(o.getOrDefault("min-runs", "5")));
        long budgetNanos = durationMs(o.getOrDefault("budget", "20s")) * 1_000_000;
        Duration timeout = Duration.ofMillis(durationMs(o.getOrDefault("timeout", "150s")));
        Pattern only = Pattern.compile(o.getOrDefault("only", ".*"));

        List<Target> targets = new ArrayList<>();
        String[] parts = o.get("targets").split(",");
        List<String> withStats = Arrays.asList(o.getOrDefault("stats", parts[0].substring(0, parts[0].indexOf('=')))
                .split(","));
        Map<String, String> pids = new LinkedHashMap<>();
        for (String p : o.getOrDefault("pids", "").split(",")) {
            if (!p.isBlank()) {
                pids.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
            }
        }
        for (String t : parts) {
            int eq = t.indexOf('=');
            String name = t.substring(0, eq);
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            targets.add(new Target(
                    name, URI.create(t.substring(eq + 1)), withStats.contains(name), pids.get(name), client));
        }

        List<Query> suite = DashboardQueries.suite(new Fleet(seed, series, 15_000)).stream()
                .filter(q -> only.matcher(q.name()).find())
                .toList();
        System.out.printf(
                Locale.ROOT,
                "%d queries, %d warm-up + %d measured runs (at least %d, then until %d s per query and server),"
                        + " data end %d%n",
                suite.size(),
                warmup,
                runs,
                minRuns,
                budgetNanos / 1_000_000_000,
                endMs);

        // A fresh JVM server keeps C2 busy compiling its request path (HTTP, parser, engine, JSON) for its first
        // ~10^4 requests (seen in JFR on this machine). Every server gets the same warm-up, so the measured
        // runs see servers that have been up for a while, as a dashboard does: passes over the suite, then
        // requests cycling over vector(1) and the suite's cheap queries.
        Query trivial = new Query("warm-up", "vector(1)", null, null);
        // cheap on any server in the first pass: the same set for every server
        Set<Query> cheap = new LinkedHashSet<>(List.of(trivial));
        for (Target t : targets) {
            for (int pass = 0; pass < warmPasses; pass++) {
                for (Query q : suite) {
                    Answer a = run(t, q, endMs, timeout);
                    if (pass == 0 && a.error() == null && a.nanos() < 5_000_000) {
                        cheap.add(q);
                    }
                }
            }
        }
        List<Query> cycle = new ArrayList<>(cheap);
        for (Target t : targets) {
            long t0 = System.nanoTime();
            for (int i = 0; i < warmRequests; i++) {
                Answer a = run(t, cycle.get(i % cycle.size()), endMs, timeout);
                if (a.error() != null && i < cycle.size()) {
                    throw new IllegalStateException(t.name() + " fails on warm-up: " + a.error());
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "  warm-up: %s answered %d pass(es) over the suite, then %d requests over %d cheap queries (%.1f s)%n",
                    t.name(),
                    warmPasses,
                    warmRequests,
                    cycle.size(),
                    (System.nanoTime() - t0) / 1e9);
        }

        String self = ProcStats.selfPid();
        long wall0 = System.nanoTime();
        long machine0 = ProcStats.machineBusyMicros();
        long self0 = ProcStats.cpuMicros(self);
        Map<String, Long> servers0 = new LinkedHashMap<>();
        for (Target t : targets) {
            if (t.pid() != null) {
                servers0.put(t.name(), ProcStats.cpuMicros(t.pid()));
            }
        }
        Map<Query, Map<String, Runs>> results = new LinkedHashMap<>();
        for (Query q : suite) {
            Map<String, Runs> byTarget = new LinkedHashMap<>();
            for (Target t : targets) {
                Runs r = new Runs();
                byTarget.put(t.name(), r);
                for (int i = 0; i < warmup && r.error == null; i++) {
                    Answer a = run(t, q, endMs, timeout);
                    if (r.first == null) {
                        r.first = a;
                    }
                    r.error = a.error();
                }
            }
            for (int i = 0; i < runs; i++) {
                for (Target t : targets) {
                    Runs r = byTarget.get(t.name());
                    if (r.error != null || (i >= minRuns && r.spentNanos > budgetNanos)) {
                        continue;
                    }
                    long cpu0 = t.pid() == null ? 0 : ProcStats.cpuMicros(t.pid());
                    Answer a = run(t, q, endMs, timeout);
                    if (t.pid() != null) {
                        r.cpuMicros = Math.max(0, r.cpuMicros) + ProcStats.cpuMicros(t.pid()) - cpu0;
                    }
                    r.spentNanos += a.nanos();
                    if (a.error() != null) {
                        r.error = a.error();
                    } else {
                        r.measured.add(a);
                    }
                }
            }
            results.put(q, byTarget);
            System.out.println(progressLine(q, byTarget));
        }

        double wallS = (System.nanoTime() - wall0) / 1e9;
        StringBuilder cpu = new StringBuilder(String.format(Locale.ROOT, "%nsuite wall time %.0f s; CPU used:", wallS));
        long serversTotal = 0;
        for (var e : servers0.entrySet()) {
            long used = ProcStats.cpuMicros(pids.get(e.getKey())) - e.getValue();
            serversTotal += used;
            cpu.append(String.format(Locale.ROOT, " %s %.1f s,", e.getKey(), used / 1e6));
        }
        long selfUsed = ProcStats.cpuMicros(self) - self0;
        cpu.append(String.format(Locale.ROOT, " this runner %.1f s", selfUsed / 1e6));
        if (!servers0.isEmpty() && servers0.size() == targets.size()) {
            // every server is measured, so what remains is the other engineers' work on the machine
            double other = (ProcStats.machineBusyMicros() - machine0 - serversTotal - selfUsed) / 1e6 / wallS;
            cpu.append(String.format(Locale.ROOT, "; other load on the machine %.2f cores", other));
        }
        String table = table(results, targets) + cpu + "\n";
        System.out.print(table);
        if (o.containsKey("out")) {
            Path out = Path.of(o.get("out"));
            Files.createDirectories(out);
            Files.writeString(out.resolve("table.md"), table);
            writeTsv(out, results);
        }
    }

    // ---------------------------------------------------------------- one request

    static Answer run(Target t, Query q, long endMs, Duration timeout) {
        StringBuilder path = new StringBuilder(t.base().toString());
        path.append(q.isRange() ? "/api/v1/query_range?query=" : "/api/v1/query?query=")
                .append(URLEncoder.encode(q.expr(), StandardCharsets.UTF_8));
        if (q.isRange()) {
            path.append("&start=")
                    .append(seconds(endMs - q.range().toMillis()))
                    .append("&end=")
                    .append(seconds(endMs))
                    .append("&step=")
                    .append(q.step().toSeconds());
        } else {
            path.append("&time=").append(seconds(endMs));
        }
        if (t.stats()) {
            path.append("&stats=all");
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(path.toString()))
                .timeout(timeout)
                .GET()
                .build();
        long t0 = System.nanoTime();
        HttpResponse<byte[]> resp;
        try {
            resp = t.client().send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new Answer(System.nanoTime() - t0, 0, 0, Double.NaN, Double.NaN, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        long nanos = System.nanoTime() - t0;
        return parse(nanos, resp.statusCode(), resp.body());
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%d.%03d", ms / 1000, ms % 1000);
    }

    /** Reads status, result size and {@code data.stats.timings} of a Prometheus API response. */
    static Answer parse(long nanos, int status, byte[] body) {
        String state = null;
        String error = null;
        int series = 0;
        long points = 0;
        double prep = Double.NaN;
        double eval = Double.NaN;
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "status" -> state = p.getText();
                    case "error" -> error = p.getText();
                    case "data" -> {
                        expect(p.currentToken(), JsonToken.START_OBJECT);
                        String resultType = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            p.nextToken();
                            if (f.equals("resultType")) {
                                resultType = p.getText();
                            } else if (f.equals("result") && p.currentToken() == JsonToken.START_ARRAY) {
                                if ("scalar".equals(resultType) || "string".equals(resultType)) {
                                    series = 1;
                                    points = 1;
                                    p.skipChildren();
                                } else {
                                    while (p.nextToken() == JsonToken.START_OBJECT) {
                                        series++;
                                        points += samplePoints(p);
                                    }
                                }
                            } else if (f.equals("stats")) {
                                double[] timings = timings(p);
                                prep = timings[0];
                                eval = timings[1];
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            String head = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
            return new Answer(nanos, 0, 0, prep, eval, "HTTP " + status + ", unreadable body: " + head);
        }
        if (status != 200 || !"success".equals(state)) {
            return new Answer(nanos, 0, 0, prep, eval, "HTTP " + status + " " + state + ": " + error);
        }
        return new Answer(nanos, series, points, prep, eval, null);
    }

    /** Points of one vector or matrix element (the parser is on its START_OBJECT; leaves it on END_OBJECT). */
    private static long samplePoints(JsonParser p) throws IOException {
        long n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            if ((f.equals("values") || f.equals("histograms")) && p.currentToken() == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    n++;
                    p.skipChildren();
                }
            } else {
                if (f.equals("value") || f.equals("histogram")) {
                    n++;
                }
                p.skipChildren();
            }
        }
        return n;
    }

    /** {@code queryPreparationTime} and {@code innerEvalTime} in seconds from {@code data.stats}, else NaN. */
    private static double[] timings(JsonParser p) throws IOException {
        double[] out = {Double.NaN, Double.NaN};
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return out;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            if (f.equals("timings") && p.currentToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (name.equals("queryPreparationTime")) {
                        out[0] = p.getValueAsDouble();
                    } else if (name.equals("innerEvalTime")) {
                        out[1] = p.getValueAsDouble();
                    }
                    p.skipChildren();
                }
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
        if (actual != wanted) {
            throw new IOException("expected " + wanted + ", got " + actual);
        }
    }

    // ---------------------------------------------------------------- output

    private static String progressLine(Query q, Map<String, Runs> byTarget) {
        StringBuilder sb = new StringBuilder("  ").append(q.name());
        for (var e : byTarget.entrySet()) {
            Runs r = e.getValue();
            sb.append("  ").append(e.getKey()).append(' ');
            if (r.error != null) {
                sb.append("ERROR ").append(r.error);
            } else {
                sb.append(ms(median(r.millis()))).append(" ms");
            }
        }
        return sb.toString();
    }

    static String table(Map<Query, Map<String, Runs>> results, List<Target> targets) {
        String subject = targets.get(0).name();
        List<String> others = targets.stream().skip(1).map(Target::name).toList();
        StringBuilder sb = new StringBuilder("\n| # | query | type | series | points |");
        for (Target t : targets) {
            sb.append(' ').append(t.name()).append(" ms median / p95 |");
            if (t.stats()) {
                sb.append(' ').append(t.name()).append(" plan / eval ms |");
            }
        }
        for (String b : others) {
            sb.append(' ').append(subject).append(" / ").append(b).append(" |");
        }
        sb.append(" series by server |\n|---|---|---|---|---|");
        sb.append("---|"
                .repeat(targets.size()
                        + (int) targets.stream().filter(Target::stats).count()
                        + others.size()
                        + 1));
        sb.append('\n');

        Map<String, Double> sums = new LinkedHashMap<>();
        Map<String, Integer> answered = new LinkedHashMap<>();
        List<String> losses = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        int index = 0;
        for (var e : results.entrySet()) {
            Query q = e.getKey();
            Map<String, Runs> byTarget = e.getValue();
            Runs s = byTarget.get(subject);
            Answer ref = s.measured.isEmpty() ? s.first : s.measured.get(0);
            sb.append("| ")
                    .append(++index)
                    .append(" | ")
                    .append(q.name())
                    .append(" | ")
                    .append(q.type());
            sb.append(" | ").append(ref == null || ref.error() != null ? "–" : ref.series());
            sb.append(" | ")
                    .append(ref == null || ref.error() != null ? "–" : ref.points())
                    .append(" |");
            for (Target t : targets) {
                Runs r = byTarget.get(t.name());
                double[] v = r.millis();
                if (r.error != null) {
                    sb.append(" error |");
                } else {
                    sb.append(' ')
                            .append(ms(median(v)))
                            .append(" / ")
                            .append(ms(p95(v)))
                            .append(" |");
                    sums.merge(t.name(), median(v), Double::sum);
                    answered.merge(t.name(), 1, Integer::sum);
                }
                if (t.stats()) {
                    double[] prep = r.sortedMillis(true);
                    double[] eval = r.sortedMillis(false);
                    sb.append(' ')
                            .append(prep.length == 0 ? "-" : ms(median(prep)))
                            .append(" / ")
                            .append(eval.length == 0 ? "-" : ms(median(eval)))
                            .append(" |");
                }
            }
            double sm = s.error == null ? median(s.millis()) : Double.NaN;
            for (String b : others) {
                Runs r = byTarget.get(b);
                double bm = r.error == null ? median(r.millis()) : Double.NaN;
                double ratio = sm / bm;
                sb.append(Double.isNaN(ratio) ? " – |" : String.format(Locale.ROOT, " %.2f |", ratio));
                if (b.equals("prometheus") && ratio > 1) {
                    losses.add(String.format(Locale.ROOT, "%s (%.2f×)", q.name(), ratio));
                }
            }
            StringBuilder counts = new StringBuilder();
            Integer agreed = null;
            boolean mismatch = false;
            for (Target t : targets) {
                Runs r = byTarget.get(t.name());
                Answer a = r.measured.isEmpty() ? r.first : r.measured.get(0);
                if (counts.length() > 0) {
                    counts.append('/');
                }
                if (a == null || a.error() != null) {
                    counts.append("err");
                    mismatch = true;
                    continue;
                }
                counts.append(a.series());
                if (agreed == null) {
                    agreed = a.series();
                } else if (agreed != a.series()) {
                    mismatch = true;
                }
            }
            if (mismatch) {
                mismatches.add(q.name());
            }
            sb.append(' ')
                    .append(counts)
                    .append(mismatch ? " **MISMATCH**" : "")
                    .append(" |\n");
        }

        sb.append("\nsum of medians:");
        for (var e : sums.entrySet()) {
            sb.append(String.format(
                    Locale.ROOT,
                    " %s %.3f s (%d queries);",
                    e.getKey(),
                    e.getValue() / 1000,
                    answered.get(e.getKey())));
        }
        sb.setLength(sb.length() - 1);
        sb.append('\n');
        if (sums.containsKey("prometheus")) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%s median > prometheus median: %d of %d queries%s%n",
                    subject,
                    losses.size(),
                    results.size(),
                    losses.isEmpty() ? "" : ": " + String.join(", ", losses)));
        }
        for (Target t : targets) {
            long cpu = 0;
            long wall = 0;
            for (Map<String, Runs> byTarget : results.values()) {
                Runs r = byTarget.get(t.name());
                if (r.cpuMicros > 0) {
                    cpu += r.cpuMicros;
                    wall += r.measured.stream().mapToLong(Answer::nanos).sum();
                }
            }
            if (wall > 0) {
                sb.append(String.format(
                        Locale.ROOT,
                        "%s used %.2f cores on average while answering (server CPU / wall time of its measured runs)%n",
                        t.name(),
                        cpu * 1e3 / wall));
            }
        }
        sb.append("series count differs between servers: ")
                .append(mismatches.isEmpty() ? "none" : String.join(", ", mismatches))
                .append('\n');
        sb.append(
                "p95: nearest rank over the measured runs (of 20 runs the second slowest, of 10 or fewer the slowest)\n");
        return sb.toString();
    }

    private static void writeTsv(Path out, Map<Query, Map<String, Runs>> results) throws IOException {
        StringBuilder q = new StringBuilder(
                "query\ttype\ttarget\truns\tmedian_ms\tp95_ms\tmin_ms\tmax_ms\tseries\tpoints\tplan_median_ms"
                        + "\teval_median_ms\tserver_cpu_ms_per_run\terror\texpr\n");
        StringBuilder raw = new StringBuilder("query\ttarget\trun\tms\n");
        for (var e : results.entrySet()) {
            Query query = e.getKey();
            for (var te : e.getValue().entrySet()) {
                Runs r = te.getValue();
                double[] v = r.millis();
                Answer a = r.measured.isEmpty() ? r.first : r.measured.get(0);
                double[] prep = r.sortedMillis(true);
                double[] eval = r.sortedMillis(false);
                q.append(String.join(
                        "\t",
                        query.name(),
                        query.type(),
                        te.getKey(),
                        Integer.toString(v.length),
                        tsv(median(v)),
                        tsv(p95(v)),
                        tsv(v.length == 0 ? Double.NaN : v[0]),
                        tsv(v.length == 0 ? Double.NaN : v[v.length - 1]),
                        a == null || a.error() != null ? "" : Integer.toString(a.series()),
                        a == null || a.error() != null ? "" : Long.toString(a.points()),
                        tsv(median(prep)),
                        tsv(median(eval)),
                        tsv(r.cpuMicros < 0 || v.length == 0 ? Double.NaN : r.cpuMicros / 1e3 / v.length),
                        r.error == null ? "" : r.error.replace('\t', ' ').replace('\n', ' '),
                        query.expr()));
                q.append('\n');
                for (int i = 0; i < r.measured.size(); i++) {
                    raw.append(query.name())
                            .append('\t')
                            .append(te.getKey())
                            .append('\t')
                            .append(i + 1)
                            .append('\t')
                            .append(tsv(r.measured.get(i).nanos() / 1e6))
                            .append('\n');
                }
            }
        }
        Files.writeString(out.resolve("queries.tsv"), q);
        Files.writeString(out.resolve("runs.tsv"), raw);
    }

    private static String tsv(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String ms(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%,.0f", v);
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double p95(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(0.95 * sorted.length) - 1;
        return sorted[Math.max(0, i)];
    }

    // ---------------------------------------------------------------- options

    private static long durationMs(String s) {
        return RemoteWriteLoad.durationMsOf(s);
    }
}
