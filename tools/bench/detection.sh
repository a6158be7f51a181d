#!/usr/bin/env bash
# Detection benchmark: time from kill -9 of a master to DeadMaster in /api/replication-analysis
# on the leader, median of RUNS runs, 1 master + 3 replicas on loopback.
# Usage: tools/bench/detection.sh [BUILD_DIR] [POLL_SECONDS] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
poll=${2:-1}
runs=${3:-5}
sandbox=$root/tools/sandbox/sandbox
work=$(mktemp -d /tmp/orc-bench-detect-XXXXXX)
node_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  "$sandbox" destroy "$work/topo" >/dev/null 2>&1 || true
  "$sandbox" destroy "$work/backend" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }
bport=$("$sandbox" free-port 1)
"$sandbox" backend "$work/backend" "$bport" >/dev/null
tport=$("$sandbox" free-port 4)
"$sandbox" topology "$work/topo" "$tport" replicas 3 >/dev/null
hport=$("$sandbox" free-port 1)
cat >"$work/orc.json" <<JSON
{ "ListenAddress": "127.0.0.1:$hport", "MySQLOrchestratorHost": "127.0.0.1",
  "MySQLOrchestratorPort": $bport, "MySQLOrchestratorDatabase": "orchestrator",
  "MySQLOrchestratorUser": "orc_backend", "MySQLOrchestratorPassword": "orc_backend_pass",
  "MySQLTopologyUser": "orc", "MySQLTopologyPassword": "orc_pass",
  "InstancePollSeconds": $poll, "DiscoverByShowSlaveHosts": true }
JSON
"$build/orchestrator" --config "$work/orc.json" http >"$work/node.log" 2>&1 &
node_pid=$!
api=http://127.0.0.1:$hport/api
until curl -sf "$api/leader-check" >/dev/null; do sleep 0.05; done
curl -sf "$api/discover/127.0.0.1/$tport" >/dev/null
master_analysis() {
  curl -s "$api/replication-analysis" |
    jq -r --argjson p "$tport" '[.Details[]? | select(.AnalyzedInstanceKey.Port == $p) | .Analysis] | first // ""'
}
times=()
for run in $(seq "$runs"); do
  # Healthy: the master has no analysis row (NoProblem rows are not listed) or NoProblem.
  until a=$(master_analysis); [ -z "$a" ] || [ "$a" = NoProblem ]; do sleep 0.1; done
  sleep 1
  "$sandbox" kill "$work/topo" 0 >/dev/null
  t0=$(now_ms)   # the kill returns once the process is gone
  until [ "$(master_analysis)" = DeadMaster ]; do
    [ $(($(now_ms) - t0)) -gt 30000 ] && { echo "no DeadMaster after 30 s" >&2; exit 1; }
  done
  times+=($(($(now_ms) - t0)))
  echo "run $run: DeadMaster after ${times[-1]} ms" >&2
  "$sandbox" start "$work/topo" 0 >/dev/null
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "detection benchmark: InstancePollSeconds=$poll, $runs runs: kill -9 of the master -> DeadMaster in /api/replication-analysis, median $median ms (runs: ${times[*]} ms)"
