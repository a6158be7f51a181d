#pragma once
// Upstream's "emergent operations" that an analysis triggers before any recovery
// (go/logic/topology_recovery.go runEmergentOperations): here, restarting the IO thread of
// lagging replicas of an unreachable master so that they re-authenticate and find out whether
// the master is really gone (e.g. a master refusing new connections with "too many connections").

#include <vector>

#include "model/analysis.hpp"

namespace orc::model {

/// The replicas whose IO thread should be restarted for this analysis row: only for
/// UnreachableMasterWithLaggingReplicas / UnreachableIntermediateMasterWithLaggingReplicas,
/// only valid replicas, and never MariaDB-GTID replicas (as upstream: restarting the IO thread
/// there purges relay logs that may hold the only copy of the master's last events).
std::vector<InstanceKey> replicas_to_restart(const ReplicationAnalysis& row,
                                             const std::vector<Instance>& view);

}  // namespace orc::model
