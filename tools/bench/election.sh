#!/usr/bin/env bash
# Election benchmark at the default settings: time from the first node's start to a leader on an
# empty backend, and takeover time after kill -9 of the leader of 3 nodes. Median of RUNS runs.
# Usage: tools/bench/election.sh [BUILD_DIR] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
runs=${2:-5}
sandbox=$root/tools/sandbox/sandbox
bin=$build/orchestrator
work=$(mktemp -d /tmp/orc-bench-election-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$sandbox" destroy "$work/backend" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }
is_leader() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 0.3 "http://127.0.0.1:$1/api/leader-check")" = 200 ]; }

bport=$("$sandbox" free-port 1)
"$sandbox" backend "$work/backend" "$bport" >/dev/null
start_node() {  # $1 = http port
  cat >"$work/n$1.json" <<JSON
{ "ListenAddress": "127.0.0.1:$1", "MySQLOrchestratorHost": "127.0.0.1",
  "MySQLOrchestratorPort": $bport, "MySQLOrchestratorDatabase": "orchestrator",
  "MySQLOrchestratorUser": "orc_backend", "MySQLOrchestratorPassword": "orc_backend_pass",
  "MySQLTopologyUser": "orc", "MySQLTopologyPassword": "orc_pass" }
JSON
  "$bin" --config "$work/n$1.json" http >>"$work/nodes.log" 2>&1 &
  pids+=($!)
  echo $! >"$work/pid$1"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

first=() takeover=()
for run in $(seq "$runs"); do
  "$sandbox" sql "$work/backend" 0 "DROP DATABASE orchestrator; CREATE DATABASE orchestrator"
  ports=($("$sandbox" free-port 1) $("$sandbox" free-port 1) $("$sandbox" free-port 1))
  t0=$(now_ms)
  start_node "${ports[0]}"
  until is_leader "${ports[0]}"; do sleep 0.01; done
  first+=($(($(now_ms) - t0)))
  start_node "${ports[1]}"
  start_node "${ports[2]}"
  sleep 1.5
  kill -9 "$(cat "$work/pid${ports[0]}")"
  t1=$(now_ms)
  until is_leader "${ports[1]}" || is_leader "${ports[2]}"; do sleep 0.01; done
  takeover+=($(($(now_ms) - t1)))
  for p in "${ports[@]}"; do kill "$(cat "$work/pid$p")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
  echo "run $run: first leader ${first[-1]} ms (incl. schema creation), takeover ${takeover[-1]} ms" >&2
done
echo "election benchmark (defaults: renew 250 ms, lease 1200 ms), $runs runs:"
echo "  first leader after the first node's start on an empty backend: median $(printf '%s\n' "${first[@]}" | median) ms"
echo "  takeover after kill -9 of the leader (3 nodes):                 median $(printf '%s\n' "${takeover[@]}" | median) ms"
