#pragma once
// ASCII rendering of a cluster for the `topology`, `topology-tabulated`, `topology-tags` and
// `instance-status` commands (and their API twins, whose Details is this text). Follows
// upstream's ASCIITopology / HumanReadableDescription (go/inst/instance_topology.go,
// go/inst/instance.go) so scripts that scrape upstream's output keep working.
//
// Rules (upstream's, unless marked "ours"):
// - One line per instance: `prefix key[ (alias)] [lag,status,version,rw|ro,binlog,tokens]`.
// - Roots are instances whose master is not in the set; they come first, at depth 0, with no
//   prefix. Children are listed under their master, sorted by key. A line at depth d >= 1 is
//   indented 2*(d-1) spaces and prefixed "+ " when the instance is a running replica whose
//   last check is valid and recent, else "- ".
// - Co-masters (a master cycle, so no root): each co-master is shown at depth 1 with its own
//   replicas, in key order; a co-master is never shown as a child at depth > 1.
// - Ours: upstream shows only the last root when several exist and loses instances caught in a
//   non-co-master cycle; we show every root (key order) and then every instance not yet shown,
//   starting from its top-most unshown ancestor at depth 1, each instance exactly once.
// - lag: "detached" (exec coordinates detached), "unknown" (last check invalid or not recent),
//   "null" (replica not running, or Seconds_Behind_Master NULL), else "<replication lag>s"
//   (0s for a master).
// - status: "invalid", "unchecked" (not recently checked), "nonreplicating", "lag"
//   (Seconds_Behind_Master beyond ReasonableMaintenanceReplicationLagSeconds; with SQL_Delay,
//   the distance from the configured delay), else "ok".
// - binlog: binlog_format when log_bin is on, else "nobinlog".
// - tokens, comma-joined in this order: ">>" (log_bin and log_slave_updates), "GTID" or
//   "GTID:errant" (replica using Oracle or MariaDB GTID), "P-GTID", "semi:master" (semi-sync
//   master status on), "semi:replica", "downtimed".
// - Plain output: empty tokens are dropped, and padding is added before the first "[" so the
//   bracketed parts line up in one column.
// - Tabulated: fields joined with "|" (empty ones kept), then every column padded to its widest
//   cell, the lag column right-aligned, the others left-aligned (the last one too, as upstream).
// - Tags: ` [tag1,name=value]` appended to each line (`[]` when none), tabulated or not.
// - Lines are joined with "\n"; there is no trailing newline.

#include <map>
#include <string>
#include <vector>

#include "model/instance.hpp"

namespace orc::model {

struct RenderOptions {
  /// Upstream's ReasonableMaintenanceReplicationLagSeconds (default 20): beyond it a replica's
  /// status is "lag". Upstream's StatusString uses this key, not ReasonableReplicationLagSeconds.
  int reasonable_maintenance_replication_lag_seconds = 20;
  bool tabulated = false;
  bool with_tags = false;
  /// Key string ("host:port", InstanceKey::str()) -> tags already formatted as "name" or
  /// "name=value", in display order (upstream sorts by tag name).
  std::map<std::string, std::vector<std::string>> tags;
};

/// The whole cluster, one line per instance in `cluster_instances` (any order).
std::string render_topology(const std::vector<Instance>& cluster_instances,
                            const RenderOptions& options);

/// The bracketed description of one instance, e.g. "[0s,ok,10.11.19-MariaDB-log,rw,ROW,>>,GTID]"
/// (`instance-status`). Ignores `tabulated` and tags.
std::string instance_status_line(const Instance& instance, const RenderOptions& options);

}  // namespace orc::model
