#!/usr/bin/env bash
# Throughput and latency of the Summit DR router against nginx as a reverse proxy, and against
# the upstream directly. One trivial upstream (nginx, one worker, a static answer); alternating
# rounds of wrk against: direct, nginx proxy, our router. Everything on 127.0.0.1.
#
# Usage: bench/router-vs-nginx.sh            (from the repository root or anywhere)
# Env:   ROUNDS=3 DURATION=10s THREADS=2 CONNECTIONS=64 WORKERS=2 (proxy workers / router I/O
#        threads), JFR=1 (records bench/target/router.jfr), JAVA=/path/to/java (JDK >= 21),
#        ASPROF=/path/to/libasyncProfiler.so (CPU profile of the router during the measured rounds,
#        kernel frames included: bench/target/router-cpu.html and .collapsed; the library is in
#        Maven Central's tools.profiler:async-profiler jar, under linux-x64/)
# Last line: ratio_vs_nginx=X.XX  (median router req/s / median nginx req/s); the line before it
# gives the per-round router/nginx ratios and their median.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
WORKERS=${WORKERS:-2}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
JAR="$ROOT/cli/target/summit-dr.jar"

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get install -y nginx wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y nginx wrk >/dev/null; }
fi
if [ ! -f "$JAR" ]; then
  (cd "$ROOT" && flock /tmp/summit-build.lock mvn -q -B -DskipTests -Dspotless.check.skip package -pl cli -am)
fi

# Hold the shared build lock while measuring, so that no build (which takes the same lock) runs
# on these cores meanwhile.
exec 9>/tmp/summit-build.lock
flock 9

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
UPSTREAM_PORT=$(free_port)
PROXY_PORT=$(free_port)
ROUTER_PORT=$(free_port)
ADMIN_PORT=$(free_port)
PREFIX=$(mktemp -d /tmp/router-bench.XXXXXX)
mkdir -p "$HERE/target"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$PREFIX"
}
trap cleanup EXIT

render() {
  sed -e "s|__PREFIX__|$PREFIX|g" -e "s|__UPSTREAM_PORT__|$UPSTREAM_PORT|g" \
      -e "s|__PROXY_PORT__|$PROXY_PORT|g" -e "s|__WORKERS__|$WORKERS|g" "$1" > "$2"
}
render "$HERE/nginx-upstream.conf" "$PREFIX/upstream.conf"
render "$HERE/nginx-proxy.conf" "$PREFIX/proxy.conf"
# Servers are started without fd 9, so that only this script holds the lock.
nginx -p "$PREFIX" -c "$PREFIX/upstream.conf" -g 'daemon off;' 9>&- & PIDS+=($!)
nginx -p "$PREFIX" -c "$PREFIX/proxy.conf" -g 'daemon off;' 9>&- & PIDS+=($!)

JFR_OPTS=()
if [ "${JFR:-0}" = 1 ]; then
  JFR_OPTS=(-XX:StartFlightRecording=filename=$HERE/target/router.jfr,settings=profile)
fi
# --sun-misc-unsafe-memory-access=allow: on JDK 24+ Netty uses Unsafe only when allowed
# (io.netty.noUnsafe=true by default on 25); without it buffers go through slower checked paths.
"$JAVA" --sun-misc-unsafe-memory-access=allow -Xms512m -Xmx512m -Xmn256m -XX:+UseParallelGC "${JFR_OPTS[@]}" -jar "$JAR" router \
  --config "$ROOT/examples/lab.yaml" --listen 127.0.0.1:$ROUTER_PORT --admin 127.0.0.1:$ADMIN_PORT \
  --backend us-west-2=127.0.0.1:$UPSTREAM_PORT --io-threads "$WORKERS" \
  2> "$PREFIX/router.log" 9>&- & PIDS+=($!)
ROUTER_PID=$!

wait_for() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing answers on port $1" >&2; cat "$PREFIX"/*.log >&2; exit 1
}
wait_for "$UPSTREAM_PORT"; wait_for "$PROXY_PORT"; wait_for "$ROUTER_PORT"

declare -A PORT=([direct]=$UPSTREAM_PORT [nginx]=$PROXY_PORT [router]=$ROUTER_PORT)
TARGETS=(direct nginx router)

# Warm-up, not measured: connection pools of both proxies, and the router's JIT (C2 needs a
# while on two busy cores).
for t in "${TARGETS[@]}"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "http://127.0.0.1:${PORT[$t]}/" >/dev/null
done
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP:-20s}" "http://127.0.0.1:$ROUTER_PORT/" >/dev/null

to_ms() { # wrk latency like 812.00us, 1.20ms, 1.01s -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else { printf "%s", v } }'
}

asprof() { # asprof OPTIONS: async-profiler command through the attach API
  "$(dirname "$JAVA")/jcmd" "$ROUTER_PID" JVMTI.agent_load "$ASPROF" "\"$1\"" >/dev/null
}
if [ -n "${ASPROF:-}" ]; then
  asprof start,event=cpu,interval=1000000
fi

RESULTS="$PREFIX/results"
: > "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:${PORT[$t]}/")
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<< "$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<< "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<< "$out")")
    errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' <<< "$out")
    echo "$t $round $rps $p50 $p99" >> "$RESULTS"
    printf 'round %d %-7s %10s req/s  p50 %8s ms  p99 %8s ms %s\n' "$round" "$t" "$rps" "$p50" "$p99" "$errors"
  done
done

if [ -n "${ASPROF:-}" ]; then
  asprof "dump,collapsed,file=$HERE/target/router-cpu.collapsed"
  asprof "stop,file=$HERE/target/router-cpu.html"
fi

median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds, proxy workers/io threads: $WORKERS, $(nproc) cores"
printf '%-8s %12s %10s %10s\n' target "req/s" "p50 ms" "p99 ms"
declare -A MED
for t in "${TARGETS[@]}"; do
  rps=$(awk -v t="$t" '$1 == t {print $3}' "$RESULTS" | median)
  p50=$(awk -v t="$t" '$1 == t {print $4}' "$RESULTS" | median)
  p99=$(awk -v t="$t" '$1 == t {print $5}' "$RESULTS" | median)
  MED[$t]=$rps
  printf '%-8s %12.0f %10.3f %10.3f\n' "$t" "$rps" "$p50" "$p99"
done
echo "(medians over the rounds)"
# Each round's router/nginx ratio (measured a few seconds apart, so under about the same outside
# load), and their median: steadier than the ratio of medians on a shared machine.
paired=$(awk '$1 == "nginx" {n[$2] = $3} $1 == "router" {r[$2] = $3}
  END {for (k in r) if (n[k] > 0) printf "%.2f\n", r[k] / n[k]}' "$RESULTS" | sort -g)
echo "router/nginx per round: $(echo $paired)  (median $(median <<< "$paired"))"
awk -v r="${MED[router]}" -v n="${MED[nginx]}" 'BEGIN { printf "ratio_vs_nginx=%.2f\n", r / n }'
