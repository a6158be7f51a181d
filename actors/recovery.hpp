#pragma once
// Recovery of a failed master, co-master or intermediate master (contract §F), as one blocking
// function run by a per-incident recovery actor on the leader, by an API handler on any node
// (manual commands) or by the CLI. Everything it needs from its host comes in RecoveryEnv, so
// the three callers share one implementation and the backend is reached the way each host
// reaches it (the storage actor in the service, the CLI's own session).

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/leadership.hpp"
#include "model/analysis.hpp"
#include "model/config.hpp"
#include "model/instance.hpp"
#include "model/node_identity.hpp"
#include "storage/backend.hpp"
#include "storage/instance_probe.hpp"

namespace soci {
class session;
}

namespace orc::actors {

/// Runs backend work synchronously and throws (std::runtime_error) with the error text when
/// it fails.
using BackendRunner = std::function<void(const std::function<void(soci::session&)>&)>;

/// What the host of a recovery provides.
struct RecoveryEnv {
  std::shared_ptr<const model::Config> config;
  model::NodeIdentity node;
  /// Credentials and timeouts for managed servers (operation read timeouts, not probe ones).
  storage::MysqlEndpoint topology;
  storage::ProbeOptions probe_options;
  BackendRunner backend;
  /// Set for automated recoveries on the leader: every audited step is written only while this
  /// node still holds the lease of the epoch the recovery started in (fencing), and the local
  /// deadline is checked before every action on a server. Null for manual recoveries, which
  /// any node may run; they are serialised by the recovery row alone.
  std::shared_ptr<const Leadership> leadership;
  /// The instances as currently known (the leader's live view, or the backend's rows).
  std::function<std::vector<model::Instance>()> instances;
  /// Told which instances changed, so that their new state is probed at once. May be empty.
  std::function<void(const std::vector<model::InstanceKey>&)> reprobe;
};

/// One recovery to attempt.
struct RecoveryRequest {
  model::ReplicationAnalysis analysis;  ///< the failure, as analysed
  /// false for recover, recover-lite, force-master-*, graceful takeover: those skip the
  /// global disable switch, cluster filters, downtime and anti-flapping, as upstream.
  bool automated = true;
  /// Upstream's CommandHint: "", "recover", "force-master-failover", "force-master-takeover",
  /// "graceful-master-takeover"; passed to hooks as {command}.
  std::string command;
  /// An explicit replica to promote (recover/I/C, force-master-takeover, graceful takeover).
  std::optional<model::InstanceKey> designated;
  bool run_hooks = true;  ///< false for recover-lite
  /// A graceful takeover (contract §F.7): the old master is alive. It is set read-only, the
  /// designated replica catches up with it, the designated replica is promoted, and the old
  /// master then replicates from it with these credentials.
  struct Graceful {
    std::string replication_user;
    std::string replication_password;  ///< never logged nor audited
    bool start_replication = false;    ///< graceful-master-takeover-auto
  };
  std::optional<Graceful> graceful;
};

/// Milliseconds from the start of execute_recovery to each milestone; -1 when not reached.
/// Logged with the outcome, so an operator sees where a slow recovery spent its time.
struct RecoveryTimings {
  int64_t registered_ms = -1;
  int64_t promoted_ms = -1;   ///< new master writable
  int64_t repointed_ms = -1;  ///< every follower replicating from it
  int64_t resolved_ms = -1;
};

/// How a recovery ended.
struct RecoveryOutcome {
  /// A recovery was registered (and so audited); false when it was skipped or refused, with
  /// the reason in `message`.
  bool attempted = false;
  bool successful = false;
  std::string message;
  std::string uid;
  int64_t recovery_id = 0;
  model::ReplicationAnalysis analysis;  ///< the failure recovered (synthesized for forced ones)
  std::optional<model::InstanceKey> successor;
  /// The new master's binary log position right after its promotion ("file:pos"; "" unknown).
  std::string successor_binlog_coordinates;
  std::vector<model::InstanceKey> lost;
  std::vector<std::string> errors;
  /// Stopped because this node lost the leadership it started under; the recovery row is then
  /// acknowledged so that the new leader may recover the failure.
  bool fenced_out = false;
  RecoveryTimings timings;
};

/// The analysis codes recovery acts on (contract §E.2 "act."), and for each whether it is a
/// master-type (dead master, co-master) or intermediate-master failure.
/// NonWriteableMaster is upstream's RecoverNonWriteableMaster: a master left read-only while
/// its replicas replicate gets read_only=0 (a master-type recovery, no failover hooks).
enum class RecoveryKind {
  None,
  DeadMaster,
  DeadCoMaster,
  DeadIntermediateMaster,
  NonWriteableMaster
};
RecoveryKind recovery_kind(model::AnalysisCode code);

/// Why an analysed failure must not be recovered automatically, from the analysis alone (no
/// I/O): no recovery for its code, the instance downtimed, or its cluster not matched by
/// RecoverMasterClusterFilters / RecoverIntermediateMasterClusterFilters (as computed into
/// cluster_details by the analysis). "" when an automated recovery may be attempted; the
/// global switch and anti-flapping are checked against the backend by execute_recovery.
std::string automated_skip_reason(const model::ReplicationAnalysis& analysis);

/// Runs the pipeline of contract §F.1 for one failure: checks (global switch, filters,
/// downtime, anti-flapping), registration (the cross-node lock), the recovery itself with every
/// step audited, resolution in topology_recovery, and the hooks. Blocking; never throws.
RecoveryOutcome execute_recovery(const RecoveryEnv& env, const RecoveryRequest& request);

/// Thrown inside a recovery when this node lost the leadership it started it under.
struct FencedOut : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace orc::actors
