package io.sextant.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end Prometheus remote-write load tool. Generates a deterministic fleet (see {@link Fleet}),
 * pre-encodes every request (see {@link RequestPlan}), then sends them over persistent HTTP/1.1 connections,
 * one sender thread per connection, and measures throughput, latency and — with {@code --pid} — the CPU and
 * memory of the server under test. Prints a human summary and one line {@code RESULT {json}}.
 *
 * <p>Run {@code java -cp sextant-bench.jar io.sextant.bench.load.RemoteWriteLoad --help} for the options.
 */
public final class RemoteWriteLoad {
    private static final String USAGE = """
            usage: RemoteWriteLoad [options]
              --url URL                 remote-write endpoint (default http://127.0.0.1:9090/api/v1/write)
              --target-name NAME        label for the result line (default: host:port)
              --series N                active series (default 10000)
              --interval D              scrape interval (default 15s)
              --duration D              data time span ending now (default 2h)
              --end-ms T                end the data at T (epoch ms) instead of now, so that several servers
                                        loaded one after another hold identical timestamps
              --seed N                  fleet seed (default 42)
              --samples-per-request N   max samples per request (default 2000, Prometheus' max_samples_per_send)
              --connections N           persistent connections = shards, one sender thread each (default 4)
              --pid P                   pid of the server under test: CPU and memory are measured from /proc/P
              --settle D                after sending, wait this long and sample the server's CPU again (default 5s)
              --max-skew D              no shard sends data more than this ahead of the slowest (default 5m)
              --timeout D               socket timeout (default 120s)
              --compress-threads N      threads for pre-encoding compression (default 2)
              --verify MODE             none | promql: after the run, count series and samples through
                                        /api/v1/query on the same host | series: count series through
                                        /api/v1/series | export: count series and samples through
                                        /api/v1/export (default none)
              --flush-path PATH         GET this path before verifying (VictoriaMetrics: /internal/force_flush)
              --encode-only             build and check the requests, print their size, send nothing
            durations: 500ms, 15s, 5m, 2h
            """;

    public static void main(String[] args) throws Exception {
        Map<String, String> o = CommandLine.parse(args, Set.of("help", "encode-only"), USAGE);
        if (o.containsKey("help")) {
            System.out.print(USAGE);
            return;
        }
        URI url = URI.create(o.getOrDefault("url", "http://127.0.0.1:9090/api/v1/write"));
        String host = url.getHost();
        int port = url.getPort() > 0 ? url.getPort() : 80;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String name = o.getOrDefault("target-name", host + ":" + port);
        int series = Integer.parseInt(o.getOrDefault("series", "10000"));
        long intervalMs = durationMs(o.getOrDefault("interval", "15s"));
        long durationMs = durationMs(o.getOrDefault("duration", "2h"));
        long seed = Long.parseLong(o.getOrDefault("seed", "42"));
        int perRequest = Integer.parseInt(o.getOrDefault("samples-per-request", "2000"));
        int connections = Integer.parseInt(o.getOrDefault("connections", "4"));
        String pid = o.get("pid");
        long settleMs = durationMs(o.getOrDefault("settle", "5s"));
        long maxSkewMs = durationMs(o.getOrDefault("max-skew", "5m"));
        int timeoutMs = (int) durationMs(o.getOrDefault("timeout", "120s"));
        int compressThreads = Integer.parseInt(o.getOrDefault("compress-threads", "2"));
        String verify = o.getOrDefault("verify", "none");
        int steps = (int) (durationMs / intervalMs);

        // ---------------------------------------------------------------- pre-encode
        long t0 = System.nanoTime();
        Fleet fleet = new Fleet(seed, series, intervalMs);
        long endMs = o.containsKey("end-ms") ? Long.parseLong(o.get("end-ms")) : System.currentTimeMillis();
        RequestPlan plan = RequestPlan.build(
                fleet, steps, intervalMs, endMs, connections, perRequest, host + ":" + port, path, compressThreads);
        double encodeSeconds = (System.nanoTime() - t0) / 1e9;
        int checked = plan.verify(3);
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heapUsed = rt.totalMemory() - rt.freeMemory();
        System.out.printf(
                Locale.ROOT,
                "pre-encoded %,d samples of %,d series (%d targets) x %d scrapes in %,d requests over %d connections in %.1f s:%n"
                        + "  protobuf %,d MB, snappy bodies %,d MB (%.1f bytes/sample), full HTTP requests %,d MB; heap in use %,d MB"
                        + " of max %,d MB; %d requests decoded and checked with the generated protobuf classes%n",
                plan.totalSamples,
                series,
                fleet.targetCount(),
                steps,
                plan.totalRequests,
                connections,
                encodeSeconds,
                plan.uncompressedBytes >> 20,
                plan.bodyBytes >> 20,
                (double) plan.bodyBytes / plan.totalSamples,
                plan.requestBytes >> 20,
                heapUsed >> 20,
                rt.maxMemory() >> 20,
                checked);
        if (o.containsKey("encode-only")) {
            return;
        }

        // ---------------------------------------------------------------- send
        if (pid != null && !ProcStats.alive(pid)) {
            throw new IllegalStateException("no process " + pid);
        }
        String self = ProcStats.selfPid();
        AtomicLongArray progress = new AtomicLongArray(connections);
        for (int c = 0; c < connections; c++) {
            progress.set(c, Long.MIN_VALUE);
        }
        LongAdder acceptedSamples = new LongAdder();
        LongAdder rejectedSamples = new LongAdder();
        LongAdder ioErrors = new LongAdder();
        Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        AtomicInteger printedErrors = new AtomicInteger();
        long[][] latencies = new long[connections][];
        CountDownLatch ready = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            final int conn = c;
            List<byte[]> reqs = plan.requests.get(c);
            int[] counts = plan.samplesPerReq.get(c);
            long[] minTs = plan.minTsPerReq.get(c);
            latencies[c] = new long[reqs.size()];
            Thread t = new Thread(
                    () -> {
                        HttpConn http = new HttpConn(host, port, timeoutMs);
                        ready.countDown();
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (int i = 0; i < reqs.size(); i++) {
                            progress.set(conn, minTs[i]);
                            waitForSlowest(progress, conn, minTs[i] - maxSkewMs);
                            long start = System.nanoTime();
                            int status;
                            try {
                                status = http.send(reqs.get(i));
                            } catch (IOException e) {
                                status = -1;
                                ioErrors.increment();
                                if (printedErrors.incrementAndGet() <= 5) {
                                    System.out.println("  connection " + conn + " request " + i + ": I/O error " + e);
                                }
                            }
                            latencies[conn][i] = System.nanoTime() - start;
                            byStatus.computeIfAbsent(status, k -> new LongAdder())
                                    .increment();
                            if (status >= 200 && status < 300) {
                                acceptedSamples.add(counts[i]);
                            } else {
                                rejectedSamples.add(counts[i]);
                                if (status > 0 && printedErrors.incrementAndGet() <= 5) {
                                    System.out.println("  connection " + conn + " request " + i + ": HTTP " + status
                                            + ": " + http.body);
                                }
                            }
                        }
                        progress.set(conn, Long.MAX_VALUE);
                        http.close();
                    },
                    "sender-" + c);
            threads.add(t);
            t.start();
        }
        ready.await();
        long serverCpu0 = pid != null ? ProcStats.cpuMicros(pid) : 0;
        long selfCpu0 = ProcStats.cpuMicros(self);
        long machine0 = ProcStats.machineBusyMicros();
        long wall0 = System.nanoTime();
        go.countDown();
        Thread progressThread = new Thread(
                () -> {
                    long last = 0;
                    while (true) {
                        try {
                            Thread.sleep(10_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                        long now = acceptedSamples.sum() + rejectedSamples.sum();
                        System.out.printf(
                                Locale.ROOT,
                                "progress: %,d / %,d samples sent (%.0f%%), %,d samples/s%n",
                                now,
                                plan.totalSamples,
                                100.0 * now / plan.totalSamples,
                                (now - last) / 10);
                        last = now;
                    }
                },
                "progress");
        progressThread.setDaemon(true);
        progressThread.start();
        for (Thread t : threads) {
            t.join();
        }
        progressThread.interrupt();
        long wallNs = System.nanoTime() - wall0;
        long selfCpu = ProcStats.cpuMicros(self) - selfCpu0;
        long machineBusy = ProcStats.machineBusyMicros() - machine0;
        long serverCpu = pid != null ? ProcStats.cpuMicros(pid) - serverCpu0 : -1;
        long rssKb = pid != null ? ProcStats.statusKb(pid, "VmRSS") : -1;
        long serverCpuSettled = -1;
        if (pid != null && settleMs > 0) {
            Thread.sleep(settleMs);
            serverCpuSettled = ProcStats.cpuMicros(pid) - serverCpu0;
        }
        long hwmKb = pid != null ? ProcStats.statusKb(pid, "VmHWM") : -1;
        long rssSettledKb = pid != null ? ProcStats.statusKb(pid, "VmRSS") : -1;

        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        double wallS = wallNs / 1e9;
        long accepted = acceptedSamples.sum();
        long rejected = rejectedSamples.sum();
        long rejectedRequests = 0;
        Map<String, Long> statuses = new TreeMap<>();
        for (var e : byStatus.entrySet()) {
            statuses.put(Integer.toString(e.getKey()), e.getValue().sum());
            if (e.getKey() < 200 || e.getKey() >= 300) {
                rejectedRequests += e.getValue().sum();
            }
        }

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("target", name);
        r.put("series", series);
        r.put("scrapes", steps);
        r.put("interval_s", intervalMs / 1000.0);
        r.put("connections", connections);
        r.put("samples_per_request", perRequest);
        r.put("requests", plan.totalRequests);
        r.put("samples", plan.totalSamples);
        r.put("accepted_samples", accepted);
        r.put("rejected_samples", rejected);
        r.put("rejected_requests", rejectedRequests);
        r.put("io_errors", ioErrors.sum());
        r.put("status_counts", statuses);
        r.put("wall_s", round(wallS, 3));
        r.put("samples_per_s", Math.round(accepted / wallS));
        r.put("latency_p50_ms", round(pct(all, 0.50) / 1e6, 2));
        r.put("latency_p90_ms", round(pct(all, 0.90) / 1e6, 2));
        r.put("latency_p99_ms", round(pct(all, 0.99) / 1e6, 2));
        r.put("latency_max_ms", round(all.length == 0 ? 0 : all[all.length - 1] / 1e6, 2));
        r.put("server_cpu_s", pid == null ? null : round(serverCpu / 1e6, 2));
        r.put("server_cpu_us_per_sample", pid == null ? null : round((double) serverCpu / plan.totalSamples, 3));
        r.put("server_cpu_settled_s", serverCpuSettled < 0 ? null : round(serverCpuSettled / 1e6, 2));
        r.put(
                "server_cpu_settled_us_per_sample",
                serverCpuSettled < 0 ? null : round((double) serverCpuSettled / plan.totalSamples, 3));
        r.put("settle_s", settleMs / 1000.0);
        r.put("server_cores_used", pid == null ? null : round(serverCpu / 1e6 / wallS, 2));
        r.put("server_rss_mb", rssKb < 0 ? null : round(rssKb / 1024.0, 1));
        r.put("server_rss_settled_mb", rssSettledKb < 0 ? null : round(rssSettledKb / 1024.0, 1));
        r.put("server_peak_rss_mb", hwmKb < 0 ? null : round(hwmKb / 1024.0, 1));
        r.put("loadgen_cpu_s", round(selfCpu / 1e6, 2));
        r.put("loadgen_cpu_us_per_sample", round((double) selfCpu / plan.totalSamples, 3));
        r.put("loadgen_cpu_share", pid == null ? null : round((double) selfCpu / (selfCpu + serverCpu), 3));
        // CPU the rest of the machine (other engineers' builds and tests) used during the send phase
        r.put("other_cores_busy", pid == null ? null : round((machineBusy - selfCpu - serverCpu) / 1e6 / wallS, 2));
        r.put("preencode_s", round(encodeSeconds, 1));
        r.put("request_body_bytes", plan.bodyBytes);
        r.put("request_bytes", plan.requestBytes);
        r.put("body_bytes_per_sample", round((double) plan.bodyBytes / plan.totalSamples, 2));

        if (verify.equals("promql")) {
            r.putAll(verifyPromql(url, o.get("flush-path"), plan, durationMs, intervalMs));
        } else if (verify.equals("series")) {
            r.putAll(verifySeries(url, plan));
        } else if (verify.equals("export")) {
            r.putAll(verifyExport(url, plan));
        }

        if (r.containsKey("verified_series")) {
            boolean ok = ((Long) r.get("verified_series")) == series
                    && (!r.containsKey("verified_samples") || ((Long) r.get("verified_samples")) == plan.totalSamples);
            r.put("verify_ok", ok);
        }
        System.out.printf(
                Locale.ROOT,
                "%s: %,d/%,d samples accepted in %.2f s = %,d samples/s; rejected requests %d, I/O errors %d; statuses %s%n",
                name,
                accepted,
                plan.totalSamples,
                wallS,
                Math.round(accepted / wallS),
                rejectedRequests,
                ioErrors.sum(),
                statuses);
        System.out.printf(
                Locale.ROOT,
                "  request latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                pct(all, 0.5) / 1e6,
                pct(all, 0.9) / 1e6,
                pct(all, 0.99) / 1e6,
                all.length == 0 ? 0.0 : all[all.length - 1] / 1e6);
        if (pid != null) {
            System.out.printf(
                    Locale.ROOT,
                    "  server pid %s: CPU %.2f s during send (%.3f µs/sample, %.2f cores), %.2f s incl. %.0f s settle"
                            + " (%.3f µs/sample); RSS %.0f MB at end, peak %.0f MB%n",
                    pid,
                    serverCpu / 1e6,
                    (double) serverCpu / plan.totalSamples,
                    serverCpu / 1e6 / wallS,
                    serverCpuSettled / 1e6,
                    settleMs / 1000.0,
                    (double) serverCpuSettled / plan.totalSamples,
                    rssKb / 1024.0,
                    hwmKb / 1024.0);
        }
        System.out.printf(
                Locale.ROOT,
                "  load tool CPU %.2f s during send (%.3f µs/sample)%s%n",
                selfCpu / 1e6,
                (double) selfCpu / plan.totalSamples,
                pid == null
                        ? ""
                        : String.format(
                                Locale.ROOT, ", %.1f%% of server+tool CPU", 100.0 * selfCpu / (selfCpu + serverCpu)));
        if (pid != null) {
            System.out.printf(
                    Locale.ROOT,
                    "  rest of the machine busy %.2f cores on average during send (noise)%n",
                    (machineBusy - selfCpu - serverCpu) / 1e6 / wallS);
        }
        if (r.containsKey("verified_samples")) {
            System.out.println("  verify: server reports " + r.get("verified_series") + " series and "
                    + r.get("verified_samples") + " samples (sent " + series + " / " + plan.totalSamples + ")");
        } else if (r.containsKey("verified_series")) {
            System.out.println(
                    "  verify: server reports " + r.get("verified_series") + " series (sent " + series + ")");
        }
        if (Boolean.FALSE.equals(r.get("verify_ok"))) {
            System.out.println("WARNING: the server's counts differ from what was sent");
        }
        if (r.containsKey("verify_error")) {
            System.out.println("  verify failed: " + r.get("verify_error"));
        }
        System.out.println("RESULT " + json(r));
        if (rejectedRequests > 0 || ioErrors.sum() > 0) {
            System.out.println("WARNING: " + name + " did not accept all requests");
            System.exit(3);
        }
    }

    private static void waitForSlowest(AtomicLongArray progress, int self, long needed) {
        while (true) {
            long min = Long.MAX_VALUE;
            for (int c = 0; c < progress.length(); c++) {
                if (c != self) {
                    min = Math.min(min, progress.get(c));
                }
            }
            if (min >= needed) {
                return;
            }
            LockSupport.parkNanos(200_000);
        }
    }

    private static final HttpClient VERIFY_CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** GET on the server under test (same host and port as the write URL); anything but 200 is an error. */
    private static <T> HttpResponse<T> get(
            URI writeUrl, String pathAndQuery, Duration timeout, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        URI uri = URI.create("http://" + writeUrl.getHost() + ":" + writeUrl.getPort() + pathAndQuery);
        HttpResponse<T> resp = VERIFY_CLIENT.send(
                HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), body);
        if (resp.statusCode() != 200) {
            throw new IOException("GET " + pathAndQuery + " -> HTTP " + resp.statusCode());
        }
        return resp;
    }

    /** Every series, over the sent data's time range with a minute of margin. */
    private static String allSeries(RequestPlan plan) {
        return "match[]=" + URLEncoder.encode("{__name__=~\".+\"}", StandardCharsets.UTF_8) + "&start="
                + (plan.firstTs / 1000 - 60) + "&end=" + (plan.lastTs / 1000 + 60);
    }

    private static Map<String, Object> verifyPromql(
            URI writeUrl, String flushPath, RequestPlan plan, long durationMs, long intervalMs) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            if (flushPath != null) {
                get(writeUrl, flushPath, Duration.ofMinutes(1), HttpResponse.BodyHandlers.discarding());
                Thread.sleep(2000);
            }
            double evalS = (plan.lastTs + 1000) / 1000.0;
            long windowS = (durationMs + 10 * 60_000L) / 1000;
            out.put("verified_series", (long) query(writeUrl, "count({__name__=~\".+\"})", evalS));
            // count_over_time drops __name__, so series that differ only by name would collide: count per name
            String body = get(
                            writeUrl,
                            "/api/v1/label/__name__/values",
                            Duration.ofMinutes(5),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            int start = body.indexOf("\"data\":[");
            if (start < 0) {
                throw new IOException("label values: no data in " + body);
            }
            String list = body.substring(start + 8, body.indexOf(']', start));
            long samples = 0;
            for (String n : list.split(",")) {
                n = n.trim();
                if (n.length() > 2) {
                    n = n.substring(1, n.length() - 1);
                    samples += (long) query(writeUrl, "sum(count_over_time(" + n + "[" + windowS + "s]))", evalS);
                }
            }
            out.put("verified_samples", samples);
        } catch (Exception e) {
            out.put("verify_error", e.toString());
        }
        return out;
    }

    /** Counts series through /api/v1/series (for servers without PromQL yet). */
    private static Map<String, Object> verifySeries(URI writeUrl, RequestPlan plan) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            HttpResponse<String> resp = get(
                    writeUrl,
                    "/api/v1/series?" + allSeries(plan),
                    Duration.ofMinutes(5),
                    HttpResponse.BodyHandlers.ofString());
            String body = resp.body();
            long n = 0;
            for (int i = body.indexOf("\"__name__\""); i >= 0; i = body.indexOf("\"__name__\"", i + 1)) {
                n++;
            }
            out.put("verified_series", n);
        } catch (Exception e) {
            out.put("verify_error", e.toString());
        }
        return out;
    }

    /** Counts series and samples through /api/v1/export (VictoriaMetrics' JSON lines, also Sextant's). */
    private static Map<String, Object> verifyExport(URI writeUrl, RequestPlan plan) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            HttpResponse<java.util.stream.Stream<String>> resp = get(
                    writeUrl,
                    "/api/v1/export?" + allSeries(plan),
                    Duration.ofMinutes(10),
                    HttpResponse.BodyHandlers.ofLines());
            long[] counts = new long[2];
            try (java.util.stream.Stream<String> lines = resp.body()) {
                lines.forEach(line -> {
                    int i = line.indexOf("\"timestamps\":[");
                    if (i < 0) {
                        return;
                    }
                    counts[0]++;
                    int end = line.indexOf(']', i);
                    if (end > i + 14) {
                        long n = 1;
                        for (int k = i + 14; k < end; k++) {
                            if (line.charAt(k) == ',') {
                                n++;
                            }
                        }
                        counts[1] += n;
                    }
                });
            }
            out.put("verified_series", counts[0]);
            out.put("verified_samples", counts[1]);
        } catch (Exception e) {
            out.put("verify_error", e.toString());
        }
        return out;
    }

    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.eE+-]+,\"([^\"]+)\"\\]");

    private static double query(URI writeUrl, String q, double time) throws Exception {
        HttpResponse<String> resp = get(
                writeUrl,
                "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&time="
                        + String.format(Locale.ROOT, "%.3f", time),
                Duration.ofMinutes(5),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = VALUE.matcher(resp.body());
        if (!m.find()) {
            throw new IOException("query " + q + ": no value in "
                    + resp.body().substring(0, Math.min(300, resp.body().length())));
        }
        return Double.parseDouble(m.group(1));
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static String json(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            for (var e : m.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(json(e.getKey().toString())).append(':').append(json(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%s", d);
        }
        return v.toString();
    }

    /** Parses 500ms, 15s, 5m, 2h. */
    public static long durationMsOf(String s) {
        return durationMs(s);
    }

    static long durationMs(String s) {
        s = s.trim();
        if (s.endsWith("ms")) {
            return Long.parseLong(s.substring(0, s.length() - 2));
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> n * 1000;
            case 'm' -> n * 60_000;
            case 'h' -> n * 3_600_000;
            default -> throw new IllegalArgumentException("bad duration " + s);
        };
    }

    private RemoteWriteLoad() {}
}
