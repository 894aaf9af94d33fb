#!/usr/bin/env bash
# Cuts each pair of lab locations alone for 15 s, heals, and prints the alerts every orchestrator
# replica raised meanwhile (from .lab/orchestrator-*.log: events are kept per replica) and the
# writer region. Needs a running lab: ./summit-dr lab up
set -euo pipefail
cd "$(dirname "$0")/.."
HOLD=${HOLD:-15}
for pair in "us-west-2 us-east-1" "us-west-2 witness" "us-west-2 edge" \
            "us-east-1 witness" "us-east-1 edge" "witness edge"; do
  read -r a b <<<"$pair"
  since=$(date -u +%Y-%m-%dT%H:%M:%S)
  ./summit-dr lab fault partition "$a" "$b" >/dev/null
  sleep "$HOLD"
  ./summit-dr lab fault heal >/dev/null
  sleep 12
  alerts=$(python3 - "$since" .lab/orchestrator-*.log <<'PY'
import re, sys
since, logs = sys.argv[1], sys.argv[2:]
wanted = re.compile(r"^(\S+) event ((alert-[a-z-]+)|observer-reachable|partition-healed|location-reachable|plan-[a-z]+) \{(.*)\}$")
seen = []
for log in logs:
    replica = log.rsplit("/", 1)[-1][:-4]
    for line in open(log, errors="replace"):
        m = wanted.match(line.strip())
        if m and m.group(1)[:19] >= since:
            about = re.search(r"\b(observer|region|location)=([\w-]+)", m.group(4))
            seen.append((m.group(1), f"{m.group(2)}({about.group(2) if about else ''}) by {replica}"))
print(", ".join(text for _, text in sorted(seen)) or "none")
PY
)
  writer=$(./summit-dr status --json 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("writer_region"))' || echo '?')
  echo "$a/$b: $alerts; writer $writer"
done
