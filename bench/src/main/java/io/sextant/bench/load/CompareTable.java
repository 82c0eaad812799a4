package io.sextant.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the RESULT lines of {@link RemoteWriteLoad} (one JSON object per line) into a markdown table: per
 * target and series count the median and min–max over repeats of samples/s, server CPU µs/sample, peak RSS
 * and p99 latency, plus Sextant/Prometheus and Sextant/VictoriaMetrics ratios of the medians.
 *
 * <p>usage: {@code CompareTable results.jsonl}
 */
public final class CompareTable {
    private CompareTable() {}

    private static final Pattern NUM = Pattern.compile("\"([a-z0-9_]+)\":(-?[0-9.eE+-]+|null|\"[^\"]*\")");

    public static void main(String[] args) throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> m = new LinkedHashMap<>();
            Matcher x = NUM.matcher(line);
            while (x.find()) {
                m.putIfAbsent(x.group(1), x.group(2).replace("\"", ""));
            }
            rows.add(m);
        }
        if (rows.isEmpty()) {
            System.out.println("no results");
            return;
        }
        Map<String, List<Map<String, String>>> groups = new LinkedHashMap<>();
        for (Map<String, String> r : rows) {
            groups.computeIfAbsent(r.get("target") + "|" + r.get("series"), k -> new ArrayList<>())
                    .add(r);
        }
        String[][] cols = {
            {"samples_per_s", "samples/s", "0"},
            {"server_cpu_us_per_sample", "server CPU µs/sample", "2"},
            {"server_cpu_settled_us_per_sample", "… incl. settle", "2"},
            {"server_peak_rss_mb", "peak RSS MB", "0"},
            {"latency_p99_ms", "p99 ms", "0"},
            {"loadgen_cpu_share", "load tool CPU share", "3"},
            {"other_cores_busy", "other load (cores)", "2"}
        };
        StringBuilder sb = new StringBuilder();
        sb.append("\n| target | series | runs | rejected req | ");
        for (String[] c : cols) {
            sb.append(c[1]).append(" | ");
        }
        sb.append("\n|---|---|---|---|");
        sb.append("---|".repeat(cols.length)).append('\n');
        Map<String, double[]> medians = new LinkedHashMap<>();
        for (var e : groups.entrySet()) {
            List<Map<String, String>> g = e.getValue();
            long rejected = 0;
            for (Map<String, String> r : g) {
                rejected += Long.parseLong(r.getOrDefault("rejected_requests", "0"))
                        + Long.parseLong(r.getOrDefault("io_errors", "0"));
            }
            String[] key = e.getKey().split("\\|");
            sb.append("| ")
                    .append(key[0])
                    .append(" | ")
                    .append(key[1])
                    .append(" | ")
                    .append(g.size())
                    .append(" | ")
                    .append(rejected)
                    .append(" | ");
            double[] med = new double[cols.length];
            for (int i = 0; i < cols.length; i++) {
                String col = cols[i][0];
                double[] v = g.stream()
                        .map(r -> r.get(col))
                        .filter(s -> s != null && !s.equals("null"))
                        .mapToDouble(Double::parseDouble)
                        .sorted()
                        .toArray();
                med[i] = v.length == 0 ? Double.NaN : median(v);
                sb.append(cell(v, Integer.parseInt(cols[i][2]))).append(" | ");
            }
            medians.put(e.getKey(), med);
            sb.append('\n');
        }
        sb.append("\ncells: median [min–max] over repeats\n");
        // ratios of medians, per series count
        boolean header = false;
        for (var e : medians.entrySet()) {
            String[] key = e.getKey().split("\\|");
            if (!key[0].startsWith("sextant")) {
                continue;
            }
            for (String base : new String[] {"prometheus", "victoriametrics"}) {
                double[] b = medians.get(base + "|" + key[1]);
                if (b == null) {
                    continue;
                }
                if (!header) {
                    sb.append(
                            "\n| ratio (medians) | series | samples/s | CPU µs/sample | peak RSS |\n|---|---|---|---|---|\n");
                    header = true;
                }
                double[] s = e.getValue();
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s / %s | %s | %.2f | %.2f | %.2f |%n",
                        key[0],
                        base,
                        key[1],
                        s[0] / b[0],
                        s[1] / b[1],
                        s[3] / b[3]));
            }
        }
        if (!header) {
            sb.append("\n(no Sextant results: no ratios)\n");
        }
        System.out.print(sb);
    }

    private static double median(double[] v) {
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String cell(double[] v, int digits) {
        if (v.length == 0) {
            return "–";
        }
        String f = "%,." + digits + "f";
        String med = String.format(Locale.ROOT, f, median(v));
        if (v.length == 1) {
            return med;
        }
        double[] s = Arrays.copyOf(v, v.length);
        Arrays.sort(s);
        return med + " [" + String.format(Locale.ROOT, f, s[0]) + "–" + String.format(Locale.ROOT, f, s[s.length - 1])
                + "]";
    }
}
