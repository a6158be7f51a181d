#!/usr/bin/env bash
# HTTP capacity benchmark: leader-check latency on a node holding 64 idle keep-alive connections
# while 8 slow operations (discovers of servers that never answer) hold every mutation slot.
# Starts a sandbox backend and one node (the leader), then runs bench_http_capacity.
# Usage: tools/bench/http_capacity.sh [BUILD_DIR] [IDLE=64] [SLOW=8] [CHECKS=400]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
idle=${2:-64}
slow=${3:-8}
checks=${4:-400}
sandbox=$root/tools/sandbox/sandbox
work=$(mktemp -d /tmp/orc-bench-http-XXXXXX)
node_pid=""
cleanup() {
  if [ -n "$node_pid" ]; then
    kill "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  "$sandbox" destroy "$work/backend" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bport=$("$sandbox" free-port 1)
"$sandbox" backend "$work/backend" "$bport" >/dev/null
hport=$("$sandbox" free-port 1)
cat >"$work/orc.json" <<JSON
{ "ListenAddress": "127.0.0.1:$hport", "MySQLOrchestratorHost": "127.0.0.1",
  "MySQLOrchestratorPort": $bport, "MySQLOrchestratorDatabase": "orchestrator",
  "MySQLOrchestratorUser": "orc_backend", "MySQLOrchestratorPassword": "orc_backend_pass",
  "MySQLTopologyUser": "orc", "MySQLTopologyPassword": "orc_pass",
  "MySQLConnectTimeoutSeconds": 30, "HTTPThreads": $slow }
JSON
"$build/orchestrator" --config "$work/orc.json" http >"$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 200); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$hport/api/leader-check")" = 200 ] && break
  sleep 0.05
done
echo "node on 127.0.0.1:$hport (leader: $(curl -s "http://127.0.0.1:$hport/api/leader-check"))"
"$build/tools/bench_http_capacity" "$hport" "$idle" "$slow" "$checks"
