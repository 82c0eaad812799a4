# Shell functions shared by bench/ingest-compare.sh and bench/query-compare.sh; sourced, not run.
# The caller sets STOP_TIMEOUT (seconds before SIGKILL) and runs with `set -euo pipefail`.

stop_server() {  # pid
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((STOP_TIMEOUT * 10))); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "  pid $pid did not stop in ${STOP_TIMEOUT}s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

free_port() {
  local p
  while true; do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! ss -Hltn "sport = :$p" | grep -q .; then
      echo "$p"
      return
    fi
  done
}

wait_ready() {  # url pid name
  local url="$1" pid="$2" name="$3"
  for _ in $(seq 1 600); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "  $name exited before it was ready" >&2
      return 1
    fi
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "  $name not ready after 120 s" >&2
  return 1
}

# Builds the bench jar and, if a sextant target is wanted and the server exists on this branch, the server.
# Sets HAVE_SEXTANT (1 when $SEXTANT_JAR can be run). Uses ROOT, BUILD, TARGETS, SEXTANT_JAR.
build_jars() {
  HAVE_SEXTANT=0
  if [[ $BUILD -eq 1 ]]; then
    echo "building bench (storage, ingest, bench)..."
    mvn -B -q -o -pl storage,ingest,bench -am -DskipTests package
    if [[ ",$TARGETS," == *",sextant"* ]]; then
      if [[ -f server/src/main/java/io/sextant/server/Main.java ]]; then
        echo "building server..."
        if mvn -B -q -o -pl server -am -DskipTests package; then
          HAVE_SEXTANT=1
        else
          echo "SKIP sextant: the server module does not build" >&2
        fi
      else
        echo "SKIP sextant: server/src/main/java/io/sextant/server/Main.java does not exist on this branch yet" >&2
      fi
    fi
  elif [[ -f "$SEXTANT_JAR" ]]; then
    HAVE_SEXTANT=1
  elif [[ ",$TARGETS," == *",sextant"* ]]; then
    echo "SKIP sextant: $SEXTANT_JAR does not exist (run without --no-build to build it)" >&2
  fi
  if [[ $HAVE_SEXTANT -eq 1 && ! -f "$SEXTANT_JAR" ]]; then
    echo "SKIP sextant: $SEXTANT_JAR was not produced" >&2
    HAVE_SEXTANT=0
  fi
}

# Heap for the load tool's pre-encoded requests: ~37 bytes/sample measured, x1.6 headroom, + 512 MB.
# Sets STEPS (scrapes at 15 s) and HEAP_MB from SERIES and DURATION.
load_heap() {
  case "$DURATION" in
    *h) STEPS=$(( ${DURATION%h} * 3600 / 15 )) ;;
    *m) STEPS=$(( ${DURATION%m} * 60 / 15 )) ;;
    *s) STEPS=$(( ${DURATION%s} / 15 )) ;;
    *) echo "bad --duration $DURATION" >&2; exit 2 ;;
  esac
  HEAP_MB=$(( SERIES * STEPS * 60 / 1048576 + 512 ))
}

machine_line() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
