package io.sextant.bench;

import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.eval.StepGrid;
import io.sextant.promql.parser.ParsedQuery;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.promql.parser.PromQLParser;
import io.sextant.promql.plan.PromPlanner;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What planning adds to a PromQL query: parse, translation to a Calcite plan and the rule phases, for a new
 * query text ({@code cold}, a fresh plan cache) and for a text already planned ({@code cached}, a dashboard's
 * refresh). Execution is not included.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
@State(Scope.Thread)
public class PromqlPlanningBenchmark {
    @Param({
        "up",
        "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))",
        "histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket[5m])))",
        "node_memory_MemAvailable_bytes / on(instance) group_left(nodename) node_uname_info",
        "max_over_time(rate(http_requests_total[1m])[30m:1m]) > 2 * avg_over_time(rate(http_requests_total[1m])[30m:1m])"
    })
    public String query;

    private final StepGrid grid = new StepGrid(0, 3_600_000, 15_000);
    private PromPlanner cached;
    private ParsedQuery parsed;

    @Setup
    public void setup() {
        parsed = PromQLParser.parse(query, ParserOptions.DEFAULT);
        cached = new PromPlanner(EngineOptions.DEFAULTS, 16);
        cached.plan(parsed, grid);
    }

    @Benchmark
    public PromPlanner.Plan cold() {
        return new PromPlanner(EngineOptions.DEFAULTS, 1).plan(PromQLParser.parse(query, ParserOptions.DEFAULT), grid);
    }

    @Benchmark
    public PromPlanner.Plan cached() {
        return cached.plan(PromQLParser.parse(query, ParserOptions.DEFAULT), grid);
    }

    @Benchmark
    public ParsedQuery parseOnly() {
        return PromQLParser.parse(query, ParserOptions.DEFAULT);
    }
}
