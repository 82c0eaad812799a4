#!/usr/bin/env bash
# Remote-write ingest comparison: Sextant vs Prometheus vs VictoriaMetrics on this machine, same run.
#
# For each repeat and each target (interleaved, so background noise hits all targets alike): start the server
# on a free 127.0.0.1 port with a fresh temp data dir, wait until ready, run the load tool
# (io.sextant.bench.load.RemoteWriteLoad, same seed => same data for every target), keep its RESULT line,
# stop the server (SIGTERM, SIGKILL after a timeout), delete the data dir. Then print a markdown table.
#
# usage: bench/ingest-compare.sh [--series N] [--connections N] [--repeats N] [--duration 2h]
#                                [--targets sextant,prometheus,victoriametrics] [--out DIR] [--no-build]
#                                [--fsync-check]
#   targets: sextant (defaults: fsync per acknowledged request), sextant-batch (--wal-sync batch-interval),
#            prometheus, victoriametrics. SEXTANT_JAVA_OPTS adds JVM options for Sextant (default: none).
#   --fsync-check  additionally run each target once under `strace -f -c` to count fsync-family syscalls
#                  (not used for the figures: ptrace slows the server down).
set -euo pipefail
# The whole script is one brace group: bash parses it completely before running, so editing this file
# while a comparison runs cannot change what the running instance executes.
{

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
SERIES=10000
CONNECTIONS=4
REPEATS=3
DURATION=2h
SEED=42
TARGETS="sextant,prometheus,victoriametrics"
OUT=""
BUILD=1
FSYNC_CHECK=0
STOP_TIMEOUT=30

while [[ $# -gt 0 ]]; do
  case "$1" in
    --series) SERIES="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --fsync-check) FSYNC_CHECK=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d /tmp/sextant-ingest-compare.XXXXXX)"
[[ -n "$OUT" ]] || OUT="$WORK/out"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
SERVER_PID=""

cleanup() {
  stop_server "$SERVER_PID"
  SERVER_PID=""
  # keep logs and results if --out was given outside the temp dir
  find "$WORK" -mindepth 1 -maxdepth 1 -name 'data-*' -exec rm -rf {} + 2>/dev/null || true
  if [[ "$OUT" == "$WORK/out" ]]; then
    echo "results and logs were in $OUT (deleted; pass --out DIR to keep them)"
    rm -rf "$WORK"
  else
    rm -rf "$WORK"
  fi
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
start_target() {  # name datadir port -> sets SERVER_PID, READY_URL, EXTRA_ARGS
  local name="$1" dir="$2" port="$3" log="$4"
  case "$name" in
    prometheus)
      printf 'global:\n  scrape_interval: 15s\nscrape_configs: []\n' > "$dir.yml"
      # --query.max-samples raised only so the post-run verification query can count every sample
      prometheus --web.enable-remote-write-receiver --storage.tsdb.path="$dir" \
        --web.listen-address="127.0.0.1:$port" --config.file="$dir.yml" \
        --query.max-samples=500000000 --log.level=warn > "$log" 2>&1 &
      SERVER_PID=$!
      READY_URL="http://127.0.0.1:$port/-/ready"
      EXTRA_ARGS=(--verify promql)
      ;;
    victoriametrics)
      # -search.latencyOffset=0s only so the verification query sees the newest samples
      victoria-metrics -storageDataPath="$dir" -httpListenAddr="127.0.0.1:$port" -retentionPeriod=1 \
        -search.latencyOffset=0s -search.maxUniqueTimeseries=2000000 -loggerLevel=WARN > "$log" 2>&1 &
      SERVER_PID=$!
      READY_URL="http://127.0.0.1:$port/health"
      EXTRA_ARGS=(--verify promql --flush-path /internal/force_flush)
      ;;
    sextant|sextant-batch)
      # sextant: its defaults (fsync before every acknowledgement, group commit).
      # sextant-batch: --wal-sync batch-interval (fsync within 100 ms after the ack), for a durability level
      # closer to the baselines'; not part of the default target list.
      local sync=()
      [[ "$name" == sextant-batch ]] && sync=(--wal-sync batch-interval)
      java ${SEXTANT_JAVA_OPTS:-} -jar "$SEXTANT_JAR" --data-dir "$dir" --http-address 127.0.0.1 \
        --http-port "$port" "${sync[@]}" > "$log" 2>&1 &
      SERVER_PID=$!
      READY_URL="http://127.0.0.1:$port/-/ready"
      EXTRA_ARGS=(--verify "${SEXTANT_VERIFY:-export}")
      ;;
    *) echo "unknown target $name" >&2; return 1 ;;
  esac
}

run_one() {  # name rep [strace]
  local name="$1" rep="$2" trace="${3:-}"
  local port dir log
  port=$(free_port)
  dir="$WORK/data-$name-$rep"
  log="$OUT/$name-$rep.server.log"
  mkdir -p "$dir"
  start_target "$name" "$dir" "$port" "$log"
  if ! wait_ready "$READY_URL" "$SERVER_PID" "$name"; then
    tail -20 "$log" >&2
    stop_server "$SERVER_PID"; SERVER_PID=""
    return 1
  fi
  local strace_pid=""
  if [[ -n "$trace" ]]; then
    strace -f -c -e trace=fsync,fdatasync,sync_file_range,msync,sync,syncfs -o "$OUT/$name.strace" \
      -p "$SERVER_PID" 2>/dev/null &
    strace_pid=$!
    sleep 1
  fi
  echo "== $name (repeat $rep, port $port, pid $SERVER_PID)"
  # RSS over time: one "seconds MB" line every 2 s while the server runs
  local rss_file="$OUT/$name-$rep.rss"
  ( local t=0
    while kill -0 "$SERVER_PID" 2>/dev/null; do
      awk -v t="$t" '/^VmRSS:/ {printf "%d %d\n", t, $2 / 1024}' "/proc/$SERVER_PID/status" 2>/dev/null || true
      sleep 2; t=$((t + 2))
    done ) > "$rss_file" &
  local rss_pid=$!
  local status=0
  java -Xms${HEAP_MB}m -Xmx${HEAP_MB}m -XX:+UseSerialGC -cp "$BENCH_JAR" io.sextant.bench.load.RemoteWriteLoad \
    --url "http://127.0.0.1:$port/api/v1/write" --target-name "$name" --series "$SERIES" \
    --duration "$DURATION" --seed "$SEED" --connections "$CONNECTIONS" --pid "$SERVER_PID" \
    "${EXTRA_ARGS[@]}" > "$OUT/$name-$rep.load.log" 2>&1 || status=$?
  grep -v -e '^RESULT ' -e '^progress: ' "$OUT/$name-$rep.load.log" | sed 's/^/  /'
  if [[ -z "$trace" ]]; then
    grep '^RESULT ' "$OUT/$name-$rep.load.log" | sed 's/^RESULT //' >> "$RESULTS" || true
  fi
  if [[ -n "$strace_pid" ]]; then
    kill -INT "$strace_pid" 2>/dev/null || true
    wait "$strace_pid" 2>/dev/null || true
    echo "  fsync-family syscalls of $name during the run (strace -f -c):"
    if grep -q total "$OUT/$name.strace" 2>/dev/null; then
      sed 's/^/    /' "$OUT/$name.strace"
    else
      echo "    none (fsync, fdatasync, sync_file_range, msync, sync, syncfs: 0 calls)"
    fi
  fi
  echo "  RSS over time (s MB, every 10 s): $(awk 'NR % 5 == 1 {printf "%s:%s ", $1, $2}' "$rss_file")"
  kill "$rss_pid" 2>/dev/null || true
  wait "$rss_pid" 2>/dev/null || true
  stop_server "$SERVER_PID"; SERVER_PID=""
  rm -rf "$dir" "$dir.yml"
  if [[ $status -ne 0 ]]; then
    echo "  load tool exited with $status (see above: rejected requests or errors)" >&2
  fi
}

LIST=()
IFS=',' read -r -a WANT <<< "$TARGETS"
for t in "${WANT[@]}"; do
  if [[ "$t" == sextant* && $HAVE_SEXTANT -eq 0 ]]; then
    continue
  fi
  LIST+=("$t")
done
if [[ ${#LIST[@]} -eq 0 ]]; then
  echo "no target to run" >&2
  exit 1
fi

echo "series=$SERIES duration=$DURATION connections=$CONNECTIONS repeats=$REPEATS targets=${LIST[*]} heap=${HEAP_MB}m"
machine_line
for rep in $(seq 1 "$REPEATS"); do
  for t in "${LIST[@]}"; do
    run_one "$t" "$rep"
  done
done
if [[ $FSYNC_CHECK -eq 1 ]]; then
  for t in "${LIST[@]}"; do
    run_one "$t" fsync trace
  done
fi

# ----------------------------------------------------------------------------- table
java -cp "$BENCH_JAR" io.sextant.bench.load.CompareTable "$RESULTS" | tee "$OUT/table.md"
cat <<'EOF'

Durability is not the same across targets:
- Sextant (defaults): every remote-write request is acknowledged only after its WAL record is fsync'ed
  (group commit: concurrent requests share one fsync). sextant-batch: fsync within 100 ms after the ack.
- Prometheus 2.42: each append is write()n to the WAL segment file (page cache) before the request returns;
  fsync happens only when a 128 MiB WAL segment is completed (asynchronously), at checkpoints and at
  shutdown. Acknowledged samples survive a process crash, not a power loss / kernel crash.
- VictoriaMetrics 1.79: no WAL; rows are buffered in memory and reach disk as parts (fsync'ed when written)
  seconds later. Acknowledged samples of the last seconds are lost on a process crash or power loss.
Run with --fsync-check to count each server's fsync-family syscalls during a run.
EOF
exit 0
}
