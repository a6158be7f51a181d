#pragma once
// The operator's recovery commands (contract §C.3/§C.4, §F.7): recover, recover-lite,
// force-master-failover, force-master-takeover, graceful-master-takeover[-auto],
// get-candidate-replica and internal-suggest-promoted-replacement. Shared by the API and the
// CLI; each checks its preconditions before anything is registered or changed, so a refusal
// leaves the topology exactly as it was.

#include <optional>
#include <string>
#include <vector>

#include "actors/recovery.hpp"
#include "model/analysis.hpp"
#include "model/candidate.hpp"
#include "model/promotion.hpp"

namespace orc::actors {

/// recover / recover-lite: recovers `key` if the current analysis (`analysis`) shows an
/// actionable failure on it, bypassing filters, downtime and anti-flapping. `candidate`
/// designates the replica to promote (recover/I/C).
RecoveryOutcome recover_instance(const RecoveryEnv& env,
                                 const std::vector<model::ReplicationAnalysis>& analysis,
                                 const model::InstanceKey& key,
                                 const std::optional<model::InstanceKey>& candidate,
                                 bool run_hooks);

/// force-master-failover (no `designated`) and force-master-takeover (`designated`, a direct
/// replica of the master): a DeadMaster recovery of the cluster's master whether it is dead
/// or not. The old master is set read-only first when it can be reached.
RecoveryOutcome force_master_failover(const RecoveryEnv& env, const std::string& cluster_name,
                                      const std::optional<model::InstanceKey>& designated);

/// graceful-master-takeover (`auto_variant` false: the old master is left configured but not
/// replicating, as upstream) and graceful-master-takeover-auto (its replication is started,
/// and a designated replica is chosen when there are several). Every precondition is checked
/// first: one master, the designated replica valid, replicating, with binary logs and
/// log_slave_updates, GTID everywhere, lag within ReasonableMaintenanceReplicationLagSeconds,
/// every replica able to replicate from it, and replication credentials for the old master
/// (MySQLReplicationUser/Password, else what the designated replica exposes — MySQL only).
RecoveryOutcome graceful_master_takeover(const RecoveryEnv& env, const std::string& cluster_name,
                                         const std::optional<model::InstanceKey>& designated,
                                         bool auto_variant);

/// get-candidate-replica: the replica that a failover of `master` would promote now, from
/// fresh probes of its replicas; nothing is changed. `error` set when none qualifies.
model::CandidateChoice candidate_replica(const RecoveryEnv& env, const model::InstanceKey& master);

/// internal-suggest-promoted-replacement: the better master a failover of `dead_master` that
/// promoted `promoted` would hand over to (second phase), from fresh probes.
model::ReplacementSuggestion suggest_promoted_replacement(const RecoveryEnv& env,
                                                          const model::InstanceKey& dead_master,
                                                          const model::InstanceKey& promoted);

/// Thrown for a refused command: the message says why, in the operator's terms.
struct RecoveryRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace orc::actors
