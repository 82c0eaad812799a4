package io.sextant.bench.query;

import io.sextant.bench.load.Fleet;
import java.time.Duration;
import java.util.List;

/**
 * The dashboard suite: instant and range queries over the {@link Fleet}'s metrics as Grafana panels issue
 * them. Range panels look at the last hour at 15 s or the last two hours at 30 s (241 points per series) or
 * at 15 s (481); instant panels (stat, gauge, table) evaluate at the end of the data.
 */
public final class DashboardQueries {
    private DashboardQueries() {}

    /** One panel query; {@code range} and {@code step} are null for an instant query. */
    public record Query(String name, String expr, Duration range, Duration step) {
        public boolean isRange() {
            return range != null;
        }

        public String type() {
            return isRange() ? "range " + range.toHours() + "h/" + step.toSeconds() + "s" : "instant";
        }
    }

    private static Query instant(String name, String expr) {
        return new Query(name, expr, null, null);
    }

    private static Query lastHour(String name, String expr) {
        return new Query(name, expr, Duration.ofHours(1), Duration.ofSeconds(15));
    }

    private static Query lastTwoHours(String name, String expr, int stepSeconds) {
        return new Query(name, expr, Duration.ofHours(2), Duration.ofSeconds(stepSeconds));
    }

    /**
     * The suite for a fleet: single-host and single-service panels select the fleet's first node and first
     * service, as a dashboard with a host or job variable does.
     */
    public static List<Query> suite(Fleet fleet) {
        String node = label(fleet, fleet.targetFirstSeries(0), "instance");
        String job = label(fleet, fleet.targetFirstSeries(Math.min(1, fleet.targetCount() - 1)), "job");
        String errorRatio = "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))"
                + " / sum by (job) (rate(http_requests_total[5m]))";
        String p99 = "histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket[5m])))";
        return List.of(
                instant("selector_one_host", "node_load1{instance=\"" + node + "\"}"),
                instant("selector_one_job", "go_goroutines{job=\"" + job + "\"}"),
                instant("count_all_series", "count({__name__=~\".+\"})"),
                instant("count_by_name", "count by (__name__) ({__name__=~\".+\"})"),
                instant("absent_missing", "absent(http_requests_total{job=\"no-such-job\"})"),
                instant("absent_present", "absent(node_load1)"),
                instant(
                        "cpu_busy_by_instance",
                        "100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])))"),
                instant(
                        "topk_cpu_instances",
                        "topk(10, sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\"}[5m])))"),
                instant("mem_used_pct", "100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)"),
                instant("rps_by_job", "sum by (job) (rate(http_requests_total[5m]))"),
                instant("error_ratio_by_job", errorRatio),
                instant("p99_by_handler", p99),
                instant("increase_1h_topk", "topk(5, sum by (handler) (increase(http_requests_total[1h])))"),
                instant("load_max_1h", "max by (region) (max_over_time(node_load1[1h]))"),
                instant("goroutines_p95_30m", "quantile_over_time(0.95, go_goroutines[30m])"),
                instant(
                        "rps_vs_1h_ago",
                        "sum by (job) (rate(http_requests_total[5m]))"
                                + " / sum by (job) (rate(http_requests_total[5m] offset 1h))"),
                instant("rps_max_1h_subquery", "max_over_time(sum by (job) (rate(http_requests_total[5m]))[1h:1m])"),
                instant(
                        "handler_share_group_left",
                        "sum by (instance, handler) (rate(http_requests_total[5m]))"
                                + " / on (instance) group_left sum by (instance) (rate(http_requests_total[5m]))"),
                instant("fs_avail_min", "min by (mountpoint) (node_filesystem_avail_bytes{fstype!=\"vfat\"})"),
                instant(
                        "latency_avg_by_job",
                        "sum by (job) (rate(http_request_duration_seconds_sum[5m]))"
                                + " / sum by (job) (rate(http_request_duration_seconds_count[5m]))"),
                lastTwoHours("r_cpu_by_mode", "sum by (mode) (rate(node_cpu_seconds_total[5m]))", 30),
                lastHour(
                        "r_cpu_busy_by_instance",
                        "100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[1m])))"),
                lastHour(
                        "r_cpu_one_host_irate",
                        "sum by (mode) (irate(node_cpu_seconds_total{instance=\"" + node + "\"}[1m]))"),
                lastHour(
                        "r_net_rx_irate",
                        "sum by (instance) (irate(node_network_receive_bytes_total{device!=\"lo\"}[1m]))"),
                lastTwoHours(
                        "r_mem_avail_ratio",
                        "avg by (region) (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)",
                        30),
                lastTwoHours("r_load5_max", "max by (region) (node_load5)", 15),
                lastTwoHours("r_rps_by_code", "sum by (code) (rate(http_requests_total[5m]))", 30),
                lastHour("r_rps_by_handler", "sum by (job, handler) (rate(http_requests_total{method=\"GET\"}[2m]))"),
                lastTwoHours("r_p99_by_handler", p99, 30),
                lastHour(
                        "r_p50_by_job",
                        "histogram_quantile(0.5, sum by (le, job)"
                                + " (rate(http_request_duration_seconds_bucket{handler!=\"/healthz\"}[5m])))"),
                lastTwoHours("r_error_ratio_by_job", errorRatio, 30),
                lastTwoHours("r_increase_1h", "sum by (job) (increase(http_requests_total[1h]))", 30),
                lastTwoHours(
                        "r_topk_process_cpu", "topk(5, sum by (instance) (rate(process_cpu_seconds_total[5m])))", 30),
                lastHour(
                        "r_rps_offset_30m",
                        "sum(rate(http_requests_total[5m])) - sum(rate(http_requests_total[5m] offset 30m))"),
                lastTwoHours("r_goroutines_avg", "avg by (job) (avg_over_time(go_goroutines[5m]))", 30),
                lastHour("r_temp_max", "max by (instance) (max_over_time(node_hwmon_temp_celsius[5m]))"),
                lastHour("r_rps_subquery", "max_over_time(sum(rate(http_requests_total[1m]))[10m:1m])"),
                lastHour(
                        "r_net_group_left",
                        "sum by (instance) (rate(node_network_receive_bytes_total{device=\"eth0\"}[5m]))"
                                + " * on (instance) group_left (instance_type, zone)"
                                + " (0 * node_memory_MemTotal_bytes + 1)"),
                lastHour("r_absent", "absent(http_requests_total{job=\"no-such-job\"})"),
                lastHour("r_count_all_series", "count({__name__=~\".+\"})"));
    }

    private static String label(Fleet fleet, int series, String name) {
        String[] pairs = fleet.labelPairs(series);
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(name)) {
                return pairs[i + 1];
            }
        }
        throw new IllegalStateException("series " + series + " has no label " + name);
    }
}
