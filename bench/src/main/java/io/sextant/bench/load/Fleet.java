package io.sextant.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic fleet of scrape targets (node_exporter hosts and instrumented Kubernetes services) and the
 * values their series take at every scrape. Everything derives from one seed, so two runs with the same seed,
 * series count and step count produce identical label sets and identical values; only the absolute base
 * timestamp differs.
 *
 * <p>Targets come in the pattern node, app, app. A node target exposes 58 series (CPU seconds per cpu and
 * mode, memory, load, temperatures, network, filesystem, disk counters); an app target exposes 81 (request
 * counters by handler/method/code, one 12-bucket classic histogram per handler with {@code _sum} and
 * {@code _count}, process and Go runtime series). The last target is cut short so the fleet has exactly the
 * requested number of series. Every series has 8 to 11 labels including {@code __name__}.
 *
 * <p>Values: counters grow by rate × interval with noise and reset to zero when their target restarts (a
 * rare event drawn per target and step); gauges follow mean-reverting random walks with realistic
 * resolution; histogram buckets are cumulative and monotonic, {@code le="+Inf"} equals {@code _count}, and
 * {@code _sum} grows with the observations.
 */
public final class Fleet {
    /** Probability that a target restarts (its counters reset) at a given scrape. */
    static final double RESTART_PROBABILITY = 1.0 / 4000;

    static final String[] CPU_MODES = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
    static final double[] CPU_MODE_SHARE = {0.80, 0.01, 0.002, 0.001, 0.008, 0.001, 0.05, 0.12};
    static final String[] LE = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"};
    static final double[] LE_VALUES = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Double.POSITIVE_INFINITY
    };
    static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-southeast-2"};
    static final String[] SERVICES = {
        "checkout-api",
        "cart-service",
        "payments-gateway",
        "inventory-sync",
        "user-profile",
        "search-frontend",
        "recommendation-engine",
        "notification-dispatcher",
        "order-history",
        "pricing-service"
    };
    static final String[] INSTANCE_TYPES = {"m5.2xlarge", "c5.4xlarge", "r5.xlarge", "m6i.4xlarge"};

    private final int seriesCount;
    private final long intervalMs;
    private final List<Target> targets = new ArrayList<>();
    /** Encoded protobuf Label entries (field 1 of TimeSeries) of each series, labels sorted by name. */
    private final byte[][] labelBytes;
    /** Sorted label pairs of each series (name, value, name, value, ...). */
    private final String[][] labelPairs;

    private final int[] seriesTarget;
    private final SplittableRandom rnd;

    public Fleet(long seed, int seriesCount, long intervalMs) {
        if (seriesCount <= 0) {
            throw new IllegalArgumentException("series must be > 0");
        }
        this.seriesCount = seriesCount;
        this.intervalMs = intervalMs;
        SplittableRandom layout = new SplittableRandom(seed);
        this.rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
        labelBytes = new byte[seriesCount][];
        labelPairs = new String[seriesCount][];
        seriesTarget = new int[seriesCount];
        int next = 0;
        int t = 0;
        while (next < seriesCount) {
            Target target = (t % 3 == 0) ? nodeTarget(t, layout) : appTarget(t, layout);
            int take = Math.min(target.series.size(), seriesCount - next);
            target.truncate(take);
            target.firstSeries = next;
            for (int i = 0; i < take; i++) {
                SeriesDef d = target.series.get(i);
                labelPairs[next + i] = d.sortedPairs();
                labelBytes[next + i] = encodeLabels(labelPairs[next + i]);
                seriesTarget[next + i] = targets.size();
            }
            next += take;
            targets.add(target);
            t++;
        }
    }

    public int seriesCount() {
        return seriesCount;
    }

    public int targetCount() {
        return targets.size();
    }

    public byte[] labelBytes(int series) {
        return labelBytes[series];
    }

    public String[] labelPairs(int series) {
        return labelPairs[series];
    }

    /** Scrape offset of the series' target within the interval, ms (targets are not scraped in lockstep). */
    public long offsetMs(int series) {
        return targets.get(seriesTarget[series]).offsetMs;
    }

    /** Targets in the order a scraper would see them within one interval (by scrape offset). */
    public int[] targetsByOffset() {
        Integer[] idx = new Integer[targets.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(targets.get(a).offsetMs, targets.get(b).offsetMs));
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    public long targetOffsetMs(int target) {
        return targets.get(target).offsetMs;
    }

    public int targetFirstSeries(int target) {
        return targets.get(target).firstSeries;
    }

    public int targetSeriesCount(int target) {
        return targets.get(target).series.size();
    }

    /** Small per-scrape timestamp jitter of a target in ms (0..2), as real scrapes show. */
    public long jitterMs(int target) {
        return targets.get(target).jitter;
    }

    /**
     * Advances every target by one scrape: draws restarts, updates counters, gauges and histograms. After
     * this, {@link #value} returns the values of the new scrape.
     */
    public void step() {
        for (Target t : targets) {
            t.step(rnd, intervalMs / 1000.0);
        }
    }

    public double value(int series) {
        Target t = targets.get(seriesTarget[series]);
        return t.value[series - t.firstSeries];
    }

    // ------------------------------------------------------------------ protobuf

    static byte[] encodeLabels(String[] pairs) {
        ProtoOut out = new ProtoOut(512);
        for (int i = 0; i < pairs.length; i += 2) {
            byte[] n = pairs[i].getBytes(StandardCharsets.UTF_8);
            byte[] v = pairs[i + 1].getBytes(StandardCharsets.UTF_8);
            int inner = 1 + ProtoOut.varintSize(n.length) + n.length + 1 + ProtoOut.varintSize(v.length) + v.length;
            out.tag(1, 2);
            out.varint(inner);
            out.tag(1, 2);
            out.varint(n.length);
            out.bytes(n, 0, n.length);
            out.tag(2, 2);
            out.varint(v.length);
            out.bytes(v, 0, v.length);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ fleet layout

    private enum Kind {
        COUNTER,
        GAUGE,
        HIST_BUCKET,
        HIST_SUM,
        HIST_COUNT
    }

    private static final class SeriesDef {
        final TreeMap<String, String> labels = new TreeMap<>();
        Kind kind;
        /** Counter: increase per second. Gauge: mean. */
        double rate;
        /** Gauge: relative step noise; counter: relative noise of the increase. */
        double noise;
        /** Gauge value resolution (values are rounded to multiples); 0 for none. */
        double resolution;
        /** Histogram group index within the target and bucket index. */
        int group;

        int bucket;
        boolean integral;

        String[] sortedPairs() {
            String[] p = new String[labels.size() * 2];
            int i = 0;
            for (var e : labels.entrySet()) {
                p[i++] = e.getKey();
                p[i++] = e.getValue();
            }
            return p;
        }
    }

    /** One classic histogram family instance: its observation rate and bucket probabilities. */
    private static final class HistGroup {
        double rate;
        double meanSeconds;
        double[] cdf;
        long[] cumulative = new long[LE.length];
        double sum;
        long count;
    }

    private static final class Target {
        final List<SeriesDef> series = new ArrayList<>();
        final List<HistGroup> groups = new ArrayList<>();
        long offsetMs;
        long jitter;
        int firstSeries;
        double[] value;
        boolean started;

        void truncate(int n) {
            while (series.size() > n) {
                series.remove(series.size() - 1);
            }
            value = new double[series.size()];
        }

        void step(SplittableRandom r, double seconds) {
            jitter = r.nextInt(3);
            boolean restart = started && r.nextDouble() < RESTART_PROBABILITY;
            for (HistGroup g : groups) {
                if (restart || !started) {
                    Arrays.fill(g.cumulative, 0);
                    g.sum = 0;
                    g.count = 0;
                }
                long n = Math.max(0, Math.round(g.rate * seconds * (1 + 0.2 * r.nextGaussian())));
                long prev = 0;
                for (int b = 0; b < LE.length; b++) {
                    // randomized rounding of the expected cumulative count keeps buckets monotonic
                    long c = (long) Math.floor(n * g.cdf[b] + r.nextDouble());
                    c = Math.max(prev, Math.min(n, c));
                    if (b == LE.length - 1) {
                        c = n;
                    }
                    g.cumulative[b] += c;
                    prev = c;
                }
                g.count += n;
                g.sum += n * g.meanSeconds * (1 + 0.05 * r.nextGaussian());
            }
            for (int i = 0; i < series.size(); i++) {
                SeriesDef d = series.get(i);
                switch (d.kind) {
                    case COUNTER -> {
                        double inc = Math.max(0, d.rate * seconds * (1 + d.noise * r.nextGaussian()));
                        if (d.integral) {
                            inc = Math.round(inc);
                        }
                        if (!started) {
                            // a counter starts somewhere in its life, not at zero
                            value[i] = d.integral
                                    ? Math.round(d.rate * 3600 * r.nextDouble() * 48)
                                    : d.rate * 3600 * r.nextDouble() * 48;
                        } else if (restart) {
                            value[i] = inc;
                        } else {
                            value[i] += inc;
                        }
                        if (!d.integral) {
                            value[i] = Math.round(value[i] * 100) / 100.0;
                        }
                    }
                    case GAUGE -> {
                        double v = started ? value[i] : d.rate * (1 + 0.1 * r.nextGaussian());
                        v += 0.1 * (d.rate - v) + d.rate * d.noise * r.nextGaussian();
                        if (d.resolution > 0) {
                            v = Math.round(v / d.resolution) * d.resolution;
                        }
                        value[i] = Math.max(0, v);
                    }
                    case HIST_BUCKET -> value[i] = groups.get(d.group).cumulative[d.bucket];
                    case HIST_SUM -> value[i] = groups.get(d.group).sum;
                    case HIST_COUNT -> value[i] = groups.get(d.group).count;
                }
            }
            started = true;
        }
    }

    private static SeriesDef def(TreeMap<String, String> base, String name, Kind kind, String... extra) {
        SeriesDef d = new SeriesDef();
        d.labels.putAll(base);
        d.labels.put("__name__", name);
        for (int i = 0; i < extra.length; i += 2) {
            d.labels.put(extra[i], extra[i + 1]);
        }
        d.kind = kind;
        return d;
    }

    private static SeriesDef counter(
            TreeMap<String, String> base, String name, double rate, boolean integral, String... extra) {
        SeriesDef d = def(base, name, Kind.COUNTER, extra);
        d.rate = rate;
        d.noise = 0.2;
        d.integral = integral;
        return d;
    }

    private static SeriesDef gauge(
            TreeMap<String, String> base, String name, double mean, double noise, double resolution, String... extra) {
        SeriesDef d = def(base, name, Kind.GAUGE, extra);
        d.rate = mean;
        d.noise = noise;
        d.resolution = resolution;
        return d;
    }

    private static String ip(SplittableRandom r) {
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private static String suffix(SplittableRandom r, int len) {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private Target nodeTarget(int t, SplittableRandom r) {
        Target target = new Target();
        target.offsetMs = r.nextLong(intervalMs);
        String region = REGIONS[t % REGIONS.length];
        String ip = ip(r);
        TreeMap<String, String> base = new TreeMap<>();
        base.put("cluster", "prod-" + region);
        base.put("env", "production");
        base.put("instance", "ip-" + ip.replace('.', '-') + "." + region + ".compute.internal:9100");
        base.put("instance_type", INSTANCE_TYPES[r.nextInt(INSTANCE_TYPES.length)]);
        base.put("job", "node-exporter");
        base.put("region", region);
        base.put("zone", region + (char) ('a' + r.nextInt(3)));
        double busy = 0.5 + r.nextDouble();
        for (int cpu = 0; cpu < 4; cpu++) {
            for (int m = 0; m < CPU_MODES.length; m++) {
                double share = CPU_MODE_SHARE[m] * (m == 0 ? 1 : busy);
                target.series.add(counter(
                        base,
                        "node_cpu_seconds_total",
                        share,
                        false,
                        "cpu",
                        Integer.toString(cpu),
                        "mode",
                        CPU_MODES[m]));
            }
        }
        double memTotal = 32.0 * (1L << 30);
        SeriesDef total = gauge(base, "node_memory_MemTotal_bytes", memTotal, 0, 4096);
        total.noise = 0;
        target.series.add(total);
        target.series.add(
                gauge(base, "node_memory_MemAvailable_bytes", memTotal * (0.3 + 0.4 * r.nextDouble()), 0.01, 4096));
        target.series.add(
                gauge(base, "node_memory_MemFree_bytes", memTotal * (0.05 + 0.1 * r.nextDouble()), 0.02, 4096));
        target.series.add(
                gauge(base, "node_memory_Cached_bytes", memTotal * (0.2 + 0.2 * r.nextDouble()), 0.005, 4096));
        target.series.add(gauge(base, "node_memory_Buffers_bytes", 300e6 * (0.5 + r.nextDouble()), 0.005, 4096));
        target.series.add(gauge(base, "node_memory_SwapFree_bytes", 0, 0, 0));
        double load = 4 * busy * 0.2;
        target.series.add(gauge(base, "node_load1", load, 0.15, 0.01));
        target.series.add(gauge(base, "node_load5", load, 0.05, 0.01));
        target.series.add(gauge(base, "node_load15", load, 0.02, 0.01));
        for (int s = 1; s <= 4; s++) {
            target.series.add(gauge(
                    base,
                    "node_hwmon_temp_celsius",
                    45 + 15 * r.nextDouble(),
                    0.01,
                    1,
                    "chip",
                    "platform_coretemp_0",
                    "sensor",
                    "temp" + s));
        }
        for (String dev : new String[] {"eth0", "lo"}) {
            double bps = dev.equals("lo") ? 2e5 : 5e6 * (0.2 + r.nextDouble());
            target.series.add(counter(base, "node_network_receive_bytes_total", bps, true, "device", dev));
            target.series.add(counter(base, "node_network_transmit_bytes_total", bps * 0.7, true, "device", dev));
        }
        String[][] fs = {
            {"/dev/nvme0n1p1", "ext4", "/"},
            {"/dev/nvme1n1", "xfs", "/var/lib/containerd"},
            {"/dev/nvme0n1p15", "vfat", "/boot/efi"}
        };
        for (String[] f : fs) {
            target.series.add(gauge(
                    base,
                    "node_filesystem_avail_bytes",
                    50e9 * (0.2 + r.nextDouble()),
                    0.001,
                    4096,
                    "device",
                    f[0],
                    "fstype",
                    f[1],
                    "mountpoint",
                    f[2]));
        }
        for (String dev : new String[] {"nvme0n1", "nvme1n1"}) {
            target.series.add(counter(base, "node_disk_read_bytes_total", 2e6 * r.nextDouble(), true, "device", dev));
            target.series.add(
                    counter(base, "node_disk_written_bytes_total", 8e6 * r.nextDouble(), true, "device", dev));
        }
        target.series.add(counter(base, "node_context_switches_total", 20000 * busy, true));
        target.series.add(counter(base, "node_intr_total", 15000 * busy, true));
        return target;
    }

    private Target appTarget(int t, SplittableRandom r) {
        Target target = new Target();
        target.offsetMs = r.nextLong(intervalMs);
        String region = REGIONS[t % REGIONS.length];
        String service = SERVICES[r.nextInt(SERVICES.length)];
        TreeMap<String, String> base = new TreeMap<>();
        base.put("cluster", "prod-" + region);
        base.put("container", service);
        base.put("instance", ip(r) + ":8080");
        base.put("job", service);
        base.put("namespace", service.substring(0, service.indexOf('-')));
        base.put("pod", service + "-" + suffix(r, 10) + "-" + suffix(r, 5));
        base.put("region", region);
        String[] handlers = {
            "/api/v1/" + service.substring(0, service.indexOf('-')),
            "/api/v1/" + service.substring(0, service.indexOf('-')) + "/{id}",
            "/api/v2/batch",
            "/healthz"
        };
        String[][] codes = {{"GET", "200"}, {"GET", "404"}, {"GET", "500"}, {"POST", "201"}, {"POST", "400"}};
        double[] codeShare = {0.85, 0.04, 0.005, 0.1, 0.005};
        double traffic = 5 + 60 * r.nextDouble();
        for (String h : handlers) {
            double hRate = h.equals("/healthz") ? 0.2 : traffic * (0.2 + r.nextDouble());
            for (int c = 0; c < codes.length; c++) {
                target.series.add(counter(
                        base,
                        "http_requests_total",
                        hRate * codeShare[c],
                        true,
                        "code",
                        codes[c][1],
                        "handler",
                        h,
                        "method",
                        codes[c][0]));
            }
        }
        for (int hi = 0; hi < handlers.length; hi++) {
            String h = handlers[hi];
            String method = hi == 2 ? "POST" : "GET";
            HistGroup g = new HistGroup();
            g.rate = h.equals("/healthz") ? 0.2 : traffic * (0.2 + r.nextDouble());
            double median = h.equals("/healthz") ? 0.002 : 0.02 + 0.2 * r.nextDouble();
            double sigma = 0.8 + 0.4 * r.nextDouble();
            g.meanSeconds = median * Math.exp(sigma * sigma / 2);
            g.cdf = new double[LE.length];
            for (int b = 0; b < LE.length; b++) {
                g.cdf[b] = Double.isInfinite(LE_VALUES[b]) ? 1.0 : lognormalCdf(LE_VALUES[b], median, sigma);
            }
            int gi = target.groups.size();
            target.groups.add(g);
            for (int b = 0; b < LE.length; b++) {
                SeriesDef d = def(
                        base,
                        "http_request_duration_seconds_bucket",
                        Kind.HIST_BUCKET,
                        "handler",
                        h,
                        "le",
                        LE[b],
                        "method",
                        method);
                d.group = gi;
                d.bucket = b;
                target.series.add(d);
            }
            SeriesDef sum =
                    def(base, "http_request_duration_seconds_sum", Kind.HIST_SUM, "handler", h, "method", method);
            sum.group = gi;
            target.series.add(sum);
            SeriesDef count =
                    def(base, "http_request_duration_seconds_count", Kind.HIST_COUNT, "handler", h, "method", method);
            count.group = gi;
            target.series.add(count);
        }
        target.series.add(counter(base, "process_cpu_seconds_total", 0.3 + r.nextDouble(), false));
        target.series.add(gauge(base, "process_resident_memory_bytes", 400e6 * (0.5 + r.nextDouble()), 0.01, 4096));
        target.series.add(gauge(base, "process_open_fds", 80 + 100 * r.nextDouble(), 0.03, 1));
        target.series.add(gauge(base, "go_goroutines", 50 + 200 * r.nextDouble(), 0.05, 1));
        target.series.add(gauge(base, "go_memstats_heap_inuse_bytes", 150e6 * (0.5 + r.nextDouble()), 0.03, 8192));
        return target;
    }

    /** P(X ≤ x) for a log-normal with the given median and sigma. */
    static double lognormalCdf(double x, double median, double sigma) {
        double z = (Math.log(x) - Math.log(median)) / (sigma * Math.sqrt(2));
        return 0.5 * (1 + erf(z));
    }

    /** Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7. */
    static double erf(double x) {
        double sign = Math.signum(x);
        x = Math.abs(x);
        double t = 1 / (1 + 0.3275911 * x);
        double y = 1
                - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                        * t
                        * Math.exp(-x * x);
        return sign * y;
    }
}
