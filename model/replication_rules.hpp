#pragma once
// Whether one server can replicate from another: upstream's CanReplicateFrom rules
// (go/inst/instance.go), used by can-replicate-from, relocations and candidate choice.

#include <string>

#include "model/instance.hpp"

namespace orc::model {

struct ReplicationVerdict {
  bool ok = false;
  std::string reason;  ///< why not, in upstream's words; empty when ok
};

/// Can `replica` replicate from `source`? `reasonable_maintenance_lag_seconds` is
/// ReasonableMaintenanceReplicationLagSeconds (the SQL_Delay rule).
ReplicationVerdict can_replicate_from(const Instance& replica, const Instance& source,
                                      int reasonable_maintenance_lag_seconds);

/// STATEMENT < MIXED < ROW; unknown formats rank as ROW.
int binlog_format_rank(const std::string& format);

/// Compares "major.minor" versions numerically: -1, 0, 1.
int compare_major_versions(const std::string& a, const std::string& b);

}  // namespace orc::model
