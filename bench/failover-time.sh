#!/usr/bin/env bash
# Time from a us-west-2 region kill until the orchestrator's writer region is us-east-1
# (quorum detection, the plan's steps, endpoints published), over N fresh labs of
# examples/lab.yaml (base port 26000). The kill is done here, in the shell, so that the clock
# starts at the kill: the WAN links are cut through the WAN admin API and every us-west-2 PID
# recorded in the lab state gets SIGKILL (what `lab fault kill-region` does, minus a JVM start).
# Usage: bench/failover-time.sh [RUNS] (default 5). Uses its own lab directory.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
dir=target/bench-failover
api=http://127.0.0.1:26910
times=()
for i in $(seq 1 "$runs"); do
  ./summit-dr lab down --purge --dir "$dir" >/dev/null 2>&1 || true
  ./summit-dr lab up --dir "$dir" >/dev/null
  until curl -sf "$api/v1/status" | grep -q '"observer-us-east-1" : "up"'; do sleep 0.2; done
  sleep 2
  pids=$(python3 -c "import json; print(' '.join(str(c['pid']) for c in json.load(open('$dir/state.json'))['components'] if c['region'] == 'us-west-2'))")
  start=$(date +%s.%N)
  curl -sf -X POST http://127.0.0.1:26950/v1/links/us-west-2/us-east-1/cut >/dev/null
  kill -9 $pids
  until curl -sf "$api/v1/status" | grep -q '"writer_region" : "us-east-1"'; do sleep 0.01; done
  end=$(date +%s.%N)
  t=$(echo "$end - $start" | bc)
  times+=("$t")
  printf 'run %d: region kill to writer switched: %.2f s\n' "$i" "$t"
done
./summit-dr lab down --purge --dir "$dir" >/dev/null 2>&1 || true
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
printf 'median over %d runs: %.2f s\n' "$runs" "$median"
