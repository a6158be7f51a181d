#!/usr/bin/env bash
# Discovery benchmark: crawl time, CPU per probe, backend statements per probe and idle RSS of
# a node watching a 1 master + 3 replica MariaDB topology on loopback.
# Usage: tools/bench/discovery.sh [BUILD_DIR] [POLL_SECONDS] [MEASURE_SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
poll=${2:-1}
measure=${3:-20}
sandbox=$root/tools/sandbox/sandbox
bin=$build/orchestrator
work=$(mktemp -d /tmp/orc-bench-XXXXXX)
node_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  "$sandbox" destroy "$work/topo" >/dev/null 2>&1 || true
  "$sandbox" destroy "$work/backend" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
backend_questions() {
  mariadb -h127.0.0.1 -P"$bport" -uorc_backend -porc_backend_pass -N -e \
    "SHOW GLOBAL STATUS LIKE 'Questions'" | awk '{print $2}'
}
metric() { curl -s "http://127.0.0.1:$hport/metrics" | awk -v m="$1" '$1==m {print $2}'; }
proc_cpu_ticks() { awk '{print $14+$15}' "/proc/$node_pid/stat"; }

bport=$("$sandbox" free-port 1)
"$sandbox" backend "$work/backend" "$bport" >/dev/null
tport=$("$sandbox" free-port 4)
"$sandbox" topology "$work/topo" "$tport" replicas 3 >/dev/null
hport=$("$sandbox" free-port 1)
cat >"$work/orc.json" <<JSON
{
  "ListenAddress": "127.0.0.1:$hport",
  "MySQLOrchestratorHost": "127.0.0.1", "MySQLOrchestratorPort": $bport,
  "MySQLOrchestratorDatabase": "orchestrator",
  "MySQLOrchestratorUser": "orc_backend", "MySQLOrchestratorPassword": "orc_backend_pass",
  "MySQLTopologyUser": "orc", "MySQLTopologyPassword": "orc_pass",
  "InstancePollSeconds": $poll, "DiscoverByShowSlaveHosts": true
}
JSON
"$bin" --config "$work/orc.json" http >"$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$hport/api/leader-check" >/dev/null && break; sleep 0.05; done

t0=$(now_ms)
curl -sf "http://127.0.0.1:$hport/api/discover/127.0.0.1/$((tport + 1))" >/dev/null
while :; do
  n=$(curl -s "http://127.0.0.1:$hport/api/cluster/127.0.0.1:$tport" | jq 'if type=="array" then length else 0 end')
  [ "$n" = 4 ] && break
  [ $(($(now_ms) - t0)) -gt 10000 ] && { echo "crawl did not finish in 10 s" >&2; exit 1; }
done
crawl_ms=$(($(now_ms) - t0))

sleep $((poll * 3))  # settle: first writes done, steady state
p1=$(metric orchestrator_probes_total); c1=$(metric orchestrator_probe_cpu_seconds_total)
w1=$(metric orchestrator_backend_write_statements_total); q1=$(backend_questions); k1=$(proc_cpu_ticks)
sleep "$measure"
p2=$(metric orchestrator_probes_total); c2=$(metric orchestrator_probe_cpu_seconds_total)
w2=$(metric orchestrator_backend_write_statements_total); q2=$(backend_questions); k2=$(proc_cpu_ticks)
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$node_pid/status")
threads=$(awk '/Threads/ {print $2}' "/proc/$node_pid/status")
hz=$(getconf CLK_TCK)

t1=$(now_ms)
"$sandbox" kill "$work/topo" 3 >/dev/null
while :; do
  v=$(curl -s "http://127.0.0.1:$hport/api/instance/127.0.0.1/$((tport + 3))" | jq -r '.IsLastCheckValid')
  [ "$v" = false ] && break
  [ $(($(now_ms) - t1)) -gt $((poll * 4000)) ] && break
done
invalid_ms=$(($(now_ms) - t1))

awk -v p="$((p2 - p1))" -v c1="$c1" -v c2="$c2" -v w="$((w2 - w1))" -v q="$((q2 - q1 - 1))" \
    -v k="$((k2 - k1))" -v hz="$hz" -v rss="$rss_kb" -v thr="$threads" -v crawl="$crawl_ms" \
    -v inv="$invalid_ms" -v poll="$poll" -v secs="$measure" 'BEGIN {
  printf "discovery benchmark: 1 master + 3 replicas, InstancePollSeconds=%d, %d s measured\n", poll, secs
  printf "  crawl: all 4 instances in /api/cluster %d ms after discover of one replica\n", crawl
  printf "  probes measured:                          %d\n", p
  printf "  prober CPU per probe:                     %.3f ms\n", (c2 - c1) * 1000 / p
  printf "  whole-process CPU per probe:              %.3f ms\n", k * 1000 / hz / p
  printf "  backend statements per probe (writes):    %.3f\n", w / p
  printf "  all backend statements per second:        %.2f (election + node health + probe writes)\n", q / secs
  printf "  whole-process CPU while idle:             %.2f %% of one core\n", k * 100 / hz / secs
  printf "  idle RSS watching 4 instances:            %.1f MB (%d threads)\n", rss / 1024, thr
  printf "  killed replica shown invalid after:       %d ms\n", inv
}'
