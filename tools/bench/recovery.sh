#!/usr/bin/env bash
# Recovery benchmark: kill -9 of the master of a 1+3 topology watched by one node (leader) with
# automated master recovery, until the servers themselves show the new topology: one replica
# writable with no replication configured, the two others replicating from it (Master_Port =
# its port, both threads running). Fresh backend schema, node and topology for every run.
#   detection = SIGKILL -> first "detected DeadMaster" / "automated recovery of DeadMaster" line
#               of the node's log (spdlog's millisecond timestamps)
#   recovery  = that line -> the servers observed recovered (each poll of the servers runs one
#               mariadb client per replica in parallel, ~10-20 ms per round)
# Usage: tools/bench/recovery.sh [BUILD_DIR] [POLL_SECONDS] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
poll=${2:-1}
runs=${3:-5}
sandbox=$root/tools/sandbox/sandbox
work=$(mktemp -d /tmp/orc-bench-recovery-XXXXXX)
node_pid=""
stop_node() {
  if [ -n "$node_pid" ]; then
    kill "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
    node_pid=""
  fi
}
cleanup() {
  stop_node
  "$sandbox" destroy "$work/topo" >/dev/null 2>&1 || true
  "$sandbox" destroy "$work/backend" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# "RO PORT IO SQL" of topology instance $1 ("RO - - -" without replication, "down" if dead).
state() {
  mariadb --no-defaults --socket="$work/topo/$1/mariadbd.sock" --user=root --connect-timeout=1 \
    -N -B -e 'SELECT @@global.read_only; SHOW SLAVE STATUS' 2>/dev/null |
    awk -F'\t' 'NR == 1 { ro = $1 } NR == 2 { port = $4; io = $11; sql = $12 }
      END { if (ro == "") print "down"; else if (port == "") print ro, "-", "-", "-";
            else print ro, port, io, sql }' || true
}

# Prints the index of the new master once the topology is recovered; fails otherwise.
recovered() {
  state 1 >"$work/s1" &
  state 2 >"$work/s2" &
  state 3 >"$work/s3" &
  wait
  local master="" i j
  for i in 1 2 3; do
    [ "$(cat "$work/s$i")" = "0 - - -" ] && { [ -z "$master" ] || return 1; master=$i; }
  done
  [ -n "$master" ] || return 1
  for j in 1 2 3; do
    [ "$j" = "$master" ] && continue
    [ "$(cat "$work/s$j")" = "1 $((tport + master)) Yes Yes" ] || return 1
  done
  echo "$master"
}

# Epoch milliseconds of the first log line matching $1 (spdlog "YYYY-MM-DD HH:MM:SS.mmm ...").
log_ms() {
  local line
  line=$(grep -m1 -E "$1" "$work/node.log" || true)
  [ -n "$line" ] || return 1
  date -d "${line:0:23}" +%s%3N
}

bport=$("$sandbox" free-port 1)
"$sandbox" backend "$work/backend" "$bport" >/dev/null
detect=() recover=() total=() engine=()
for run in $(seq "$runs"); do
  "$sandbox" sql "$work/backend" 0 "DROP DATABASE orchestrator; CREATE DATABASE orchestrator"
  tport=$("$sandbox" free-port 4)
  "$sandbox" topology "$work/topo" "$tport" replicas 3 >/dev/null
  hport=$("$sandbox" free-port 1)
  cat >"$work/orc.json" <<JSON
{ "ListenAddress": "127.0.0.1:$hport", "MySQLOrchestratorHost": "127.0.0.1",
  "MySQLOrchestratorPort": $bport, "MySQLOrchestratorDatabase": "orchestrator",
  "MySQLOrchestratorUser": "orc_backend", "MySQLOrchestratorPassword": "orc_backend_pass",
  "MySQLTopologyUser": "orc", "MySQLTopologyPassword": "orc_pass",
  "InstancePollSeconds": $poll, "DiscoverByShowSlaveHosts": true,
  "RecoverMasterClusterFilters": ["*"] }
JSON
  "$build/orchestrator" --config "$work/orc.json" http >"$work/node.log" 2>&1 &
  node_pid=$!
  api=http://127.0.0.1:$hport/api
  until curl -sf --max-time 0.3 "$api/leader-check" >/dev/null; do sleep 0.05; done
  curl -sf "$api/discover/127.0.0.1/$tport" >/dev/null
  until [ "$(curl -s "$api/cluster/127.0.0.1:$tport" |
    jq '[.[]? | select(.IsLastCheckValid)] | length')" = 4 ]; do sleep 0.1; done
  sleep 1.5 # the node's watchers hold their connections; a few polls have run
  # SIGKILL sent here, to the PID sandbox status reports: `sandbox kill` returns only after
  # the node has often detected the crash already, too late a start for the clock.
  master_pid=$("$sandbox" status "$work/topo" | awk '$1 == 0 { print $3 }')
  t0=$(now_ms)
  kill -9 "$master_pid"
  until master=$(recovered); do
    [ $(($(now_ms) - t0)) -gt 30000 ] && { echo "not recovered after 30 s" >&2; tail -20 "$work/node.log" >&2; exit 1; }
  done
  t_done=$(now_ms)
  key="127\\.0\\.0\\.1:$tport"
  t_detect=$(log_ms "(detected|automated recovery of) DeadMaster on $key") || {
    echo "no detection line in the node log" >&2
    exit 1
  }
  ms=$(grep -m1 -oE "recovered $key: successor [0-9.:]+ \([0-9]+ ms" "$work/node.log" |
    grep -oE '[0-9]+ ms' | grep -oE '[0-9]+' || echo "?")
  detect+=($((t_detect - t0)))
  recover+=($((t_done - t_detect)))
  total+=($((t_done - t0)))
  engine+=("$ms")
  echo "run $run: new master 127.0.0.1:$((tport + master)); detection ${detect[-1]} ms, recovery ${recover[-1]} ms, total ${total[-1]} ms (engine's own recovery time: $ms ms)" >&2
  stop_node
  "$sandbox" destroy "$work/topo" >/dev/null
done
echo "recovery benchmark: InstancePollSeconds=$poll, $runs runs, kill -9 of the master of 1+3 -> servers recovered:" \
  "detection median $(printf '%s\n' "${detect[@]}" | median) ms (${detect[*]})," \
  "recovery median $(printf '%s\n' "${recover[@]}" | median) ms (${recover[*]})," \
  "total median $(printf '%s\n' "${total[@]}" | median) ms (${total[*]})"
