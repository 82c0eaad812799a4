#!/usr/bin/env bash
# PromQL dashboard benchmark: Sextant vs Prometheus vs VictoriaMetrics on this machine, same data, same run.
#
# Starts every target on a free 127.0.0.1 port with a fresh temp data dir, loads the same fleet into each one
# after the other with the load tool (io.sextant.bench.load.RemoteWriteLoad, same seed and the same fixed end
# timestamp => identical series and samples everywhere) and checks through PromQL that every sample is
# visible. Then the query runner (io.sextant.bench.query.QuerySuite) runs the dashboard suite: the servers
# take turns, one request at a time, so each is measured alone while the others idle. Prints a markdown table.
#
# usage: bench/query-compare.sh [--series N] [--duration 2h] [--connections N] [--repeats N] [--warmup N]
#                               [--warm-passes N] [--budget 20s] [--only REGEX]
#                               [--targets sextant,prometheus,victoriametrics] [--out DIR] [--no-build]
#   --repeats  measured runs per query and server (default 10; after 5 runs a query stops once it has used
#              --budget on that server)
#   --warm-passes  unmeasured passes over the whole suite per server before measuring (default 1); the runner
#              then sends 20,000 cheap warm-up requests per server (a fresh JVM is still JIT-compiling)
#   --only     run only the queries whose name matches the regex (names: see DashboardQueries.java)
#   SEXTANT_JAVA_OPTS adds JVM options for Sextant (default: none), e.g. a JFR recording.
set -euo pipefail
# The whole script is one brace group: bash parses it completely before running, so editing this file
# while a comparison runs cannot change what the running instance executes.
{

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
SERIES=10000
CONNECTIONS=4
REPEATS=10
WARMUP=3
WARM_PASSES=1
BUDGET=20s
ONLY=.
DURATION=2h
SEED=42
TARGETS="sextant,prometheus,victoriametrics"
OUT=""
BUILD=1
STOP_TIMEOUT=30

while [[ $# -gt 0 ]]; do
  case "$1" in
    --series) SERIES="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --warm-passes) WARM_PASSES="$2"; shift 2 ;;
    --budget) BUDGET="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d /tmp/sextant-query-compare.XXXXXX)"
[[ -n "$OUT" ]] || OUT="$WORK/out"
mkdir -p "$OUT"
declare -A PIDS=() PORTS=()

cleanup() {
  local t
  for t in "${!PIDS[@]}"; do
    stop_server "${PIDS[$t]}"
  done
  PIDS=()
  find "$WORK" -mindepth 1 -maxdepth 1 -name 'data-*' -exec rm -rf {} + 2>/dev/null || true
  if [[ "$OUT" == "$WORK/out" ]]; then
    echo "results and logs were in $OUT (deleted; pass --out DIR to keep them)"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ----------------------------------------------------------------------------- build
cd "$ROOT"
SEXTANT_JAR="$ROOT/server/target/sextant.jar"
build_jars
BENCH_JAR="$ROOT/bench/target/sextant-bench.jar"
load_heap

# ----------------------------------------------------------------------------- targets
# Limits are each server's defaults (Prometheus and Sextant: 2 m timeout, 50 M samples) except where a
# default would make the servers differ: VictoriaMetrics' 30 s query timeout is raised to Prometheus' 2 m,
# and its result cache is off, so every run evaluates the query.
start_target() {  # name datadir port log -> sets PIDS[name], READY_URL, EXTRA_ARGS
  local name="$1" dir="$2" port="$3" log="$4"
  case "$name" in
    prometheus)
      printf 'global:\n  scrape_interval: 15s\nscrape_configs: []\n' > "$dir.yml"
      prometheus --web.enable-remote-write-receiver --storage.tsdb.path="$dir" \
        --web.listen-address="127.0.0.1:$port" --config.file="$dir.yml" --log.level=warn > "$log" 2>&1 &
      PIDS[$name]=$!
      READY_URL="http://127.0.0.1:$port/-/ready"
      EXTRA_ARGS=()
      ;;
    victoriametrics)
      # -search.latencyOffset=0s: the newest samples are visible at once, as in the other two
      victoria-metrics -storageDataPath="$dir" -httpListenAddr="127.0.0.1:$port" -retentionPeriod=1 \
        -search.disableCache -search.latencyOffset=0s -search.maxQueryDuration=2m \
        -loggerLevel=WARN > "$log" 2>&1 &
      PIDS[$name]=$!
      READY_URL="http://127.0.0.1:$port/health"
      EXTRA_ARGS=(--flush-path /internal/force_flush)
      ;;
    sextant)
      java ${SEXTANT_JAVA_OPTS:-} -jar "$SEXTANT_JAR" --data-dir "$dir" --http-address 127.0.0.1 \
        --http-port "$port" > "$log" 2>&1 &
      PIDS[$name]=$!
      READY_URL="http://127.0.0.1:$port/-/ready"
      EXTRA_ARGS=()
      ;;
    *) echo "unknown target $name" >&2; return 1 ;;
  esac
}

load_one() {  # name
  local name="$1" port dir log
  port=$(free_port)
  dir="$WORK/data-$name"
  log="$OUT/$name.server.log"
  mkdir -p "$dir"
  start_target "$name" "$dir" "$port" "$log"
  if ! wait_ready "$READY_URL" "${PIDS[$name]}" "$name"; then
    tail -20 "$log" >&2
    return 1
  fi
  PORTS[$name]=$port
  echo "== load $name (port $port, pid ${PIDS[$name]})"
  local status=0
  java -Xms${HEAP_MB}m -Xmx${HEAP_MB}m -XX:+UseSerialGC -cp "$BENCH_JAR" io.sextant.bench.load.RemoteWriteLoad \
    --url "http://127.0.0.1:$port/api/v1/write" --target-name "$name" --series "$SERIES" \
    --duration "$DURATION" --end-ms "$END_MS" --seed "$SEED" --connections "$CONNECTIONS" \
    --pid "${PIDS[$name]}" --verify promql "${EXTRA_ARGS[@]}" > "$OUT/$name.load.log" 2>&1 || status=$?
  grep -v -e '^RESULT ' -e '^progress: ' "$OUT/$name.load.log" | sed 's/^/  /'
  if [[ $status -ne 0 ]] || ! grep -q '"verify_ok":true' "$OUT/$name.load.log"; then
    echo "  $name: load tool exited with $status or did not see every series and sample; see above" >&2
    return 1
  fi
}

LIST=()
IFS=',' read -r -a WANT <<< "$TARGETS"
for t in "${WANT[@]}"; do
  if [[ "$t" == sextant && $HAVE_SEXTANT -eq 0 ]]; then
    continue
  fi
  LIST+=("$t")
done
if [[ ${#LIST[@]} -eq 0 ]]; then
  echo "no target to run" >&2
  exit 1
fi

# one end timestamp for every server, on a minute so that the range queries' steps fall on the same instants
END_MS=$(( $(date +%s) / 60 * 60000 ))
echo "series=$SERIES duration=$DURATION end=$END_MS ($(date -u -d @$((END_MS / 1000)) +%FT%TZ)) targets=${LIST[*]}"
machine_line
for t in "${LIST[@]}"; do
  load_one "$t"
done

# let background work after the load (VictoriaMetrics' merges, the JVM's compilation) finish
sleep 10
echo "== query suite (load average $(cut -d' ' -f1-3 /proc/loadavg))"
SPEC="" PIDSPEC=""
for t in "${LIST[@]}"; do
  SPEC+="${SPEC:+,}$t=http://127.0.0.1:${PORTS[$t]}"
  PIDSPEC+="${PIDSPEC:+,}$t=${PIDS[$t]}"
done
java -Xmx1g -XX:+UseSerialGC -cp "$BENCH_JAR" io.sextant.bench.query.QuerySuite --targets "$SPEC" --pids "$PIDSPEC" \
  --stats sextant --end-ms "$END_MS" --series "$SERIES" --seed "$SEED" --warmup "$WARMUP" \
  --warm-passes "$WARM_PASSES" --runs "$REPEATS" --budget "$BUDGET" --only "$ONLY" --out "$OUT"
echo "load average after the suite: $(cut -d' ' -f1-3 /proc/loadavg)"
exit 0
}
