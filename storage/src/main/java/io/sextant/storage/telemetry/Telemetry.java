package io.sextant.storage.telemetry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Sextant's own metrics: counters, gauges and histograms registered by name and labels, rendered in the
 * Prometheus text exposition format by {@link #writeText}. Recording is lock-free ({@link LongAdder}).
 */
public final class Telemetry {
    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final List<String> order = new CopyOnWriteArrayList<>();

    private enum Type {
        COUNTER,
        GAUGE,
        HISTOGRAM
    }

    private final class Family {
        final String name;
        final String help;
        final Type type;
        final double[] buckets;
        final Map<String, Object> children = new ConcurrentHashMap<>();

        Family(String name, String help, Type type, double[] buckets) {
            this.name = name;
            this.help = help;
            this.type = type;
            this.buckets = buckets;
        }
    }

    private Family family(String name, String help, Type type, double[] buckets) {
        Family f = families.computeIfAbsent(name, n -> {
            order.add(n);
            return new Family(n, help, type, buckets);
        });
        if (f.type != type) {
            throw new IllegalArgumentException("metric " + name + " registered as " + f.type);
        }
        return f;
    }

    /** A monotonically increasing count. */
    public static final class Counter {
        private final LongAdder adder = new LongAdder();

        public void inc() {
            adder.increment();
        }

        public void add(long n) {
            adder.add(n);
        }

        public long get() {
            return adder.sum();
        }
    }

    /** A distribution over fixed bucket bounds. */
    public static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final DoubleAdder sum = new DoubleAdder();
        private final LongAdder count = new LongAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        public void observe(double v) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    counts[i].increment();
                    break;
                }
            }
            sum.add(v);
            count.increment();
        }

        /** Records a duration given in nanoseconds, in seconds. */
        public void observeNanos(long nanos) {
            observe(nanos / 1e9);
        }

        public long count() {
            return count.sum();
        }
    }

    /** Latency buckets in seconds, from 50µs to 10s. */
    public static final double[] LATENCY_BUCKETS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };

    /** A counter; {@code labels} are alternating names and values. Same name and labels give the same counter. */
    public Counter counter(String name, String help, String... labels) {
        return (Counter)
                family(name, help, Type.COUNTER, null).children.computeIfAbsent(key(labels), k -> new Counter());
    }

    public Histogram histogram(String name, String help, double[] buckets, String... labels) {
        return (Histogram) family(name, help, Type.HISTOGRAM, buckets)
                .children
                .computeIfAbsent(key(labels), k -> new Histogram(buckets));
    }

    /** A gauge read from {@code supplier} at exposition time. Re-registering replaces the supplier. */
    public void gauge(String name, String help, DoubleSupplier supplier, String... labels) {
        family(name, help, Type.GAUGE, null).children.put(key(labels), supplier);
    }

    private static String key(String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels must be name/value pairs");
        }
        if (labels.length == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < labels.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(labels[i]).append("=\"");
            escape(sb, labels[i + 1]);
            sb.append('"');
        }
        return sb.toString();
    }

    private static void escape(StringBuilder sb, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }

    /** Writes every metric in the Prometheus text format 0.0.4. */
    public void writeText(Appendable out) throws IOException {
        for (String name : order) {
            Family f = families.get(name);
            out.append("# HELP ").append(name).append(' ').append(f.help).append('\n');
            out.append("# TYPE ")
                    .append(name)
                    .append(' ')
                    .append(f.type.name().toLowerCase(java.util.Locale.ROOT))
                    .append('\n');
            List<String> keys = new ArrayList<>(f.children.keySet());
            keys.sort(null);
            for (String k : keys) {
                Object child = f.children.get(k);
                switch (f.type) {
                    case COUNTER -> line(out, name, k, null, ((Counter) child).get());
                    case GAUGE -> line(out, name, k, null, ((DoubleSupplier) child).getAsDouble());
                    case HISTOGRAM -> {
                        Histogram h = (Histogram) child;
                        long cumulative = 0;
                        for (int i = 0; i < h.bounds.length; i++) {
                            cumulative += h.counts[i].sum();
                            line(out, name + "_bucket", k, "le=\"" + formatValue(h.bounds[i]) + "\"", cumulative);
                        }
                        long total = h.count.sum();
                        line(out, name + "_bucket", k, "le=\"+Inf\"", total);
                        line(out, name + "_sum", k, null, h.sum.sum());
                        line(out, name + "_count", k, null, total);
                    }
                }
            }
        }
    }

    private static void line(Appendable out, String name, String key, String extra, double v) throws IOException {
        out.append(name);
        if (!key.isEmpty() || extra != null) {
            out.append('{').append(key);
            if (extra != null) {
                if (!key.isEmpty()) {
                    out.append(',');
                }
                out.append(extra);
            }
            out.append('}');
        }
        out.append(' ').append(formatValue(v)).append('\n');
    }

    static String formatValue(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
