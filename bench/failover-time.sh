#!/usr/bin/env bash
# Time from `lab fault kill-region us-west-2` until the orchestrator's writer region is us-east-1
# (detected by quorum, plan run, endpoints published), over N fresh labs. Prints one line per run
# and the median. Usage: bench/failover-time.sh [RUNS] (default 5). Uses its own lab directory.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
dir=target/bench-failover
times=()
for i in $(seq 1 "$runs"); do
  ./summit-dr lab down --purge --dir "$dir" >/dev/null 2>&1 || true
  ./summit-dr lab up --dir "$dir" >/dev/null
  # let detection and the lag monitor see a healthy lab first
  until ./summit-dr status --dir "$dir" --json | grep -q '"observer-us-east-1" : "up"'; do sleep 0.2; done
  sleep 1
  start=$(date +%s.%N)
  ./summit-dr lab fault kill-region us-west-2 --dir "$dir" >/dev/null
  until ./summit-dr status --dir "$dir" --json | grep -q '"writer_region" : "us-east-1"'; do :; done
  end=$(date +%s.%N)
  t=$(echo "$end - $start" | bc)
  times+=("$t")
  printf 'run %d: kill-region to writer switched: %.2f s\n' "$i" "$t"
done
./summit-dr lab down --purge --dir "$dir" >/dev/null 2>&1 || true
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
printf 'median over %d runs: %.2f s (polling status through the CLI adds up to ~0.5 s per sample)\n' "$runs" "$median"
