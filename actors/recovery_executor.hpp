#pragma once
// Carries out a model::RecoveryPlan one step at a time, and the master recovery flow built on
// it (drain, plan, execute, one simpler retry). The servers are reached through an interface,
// so every failure half-way (a promotion that fails, a node fenced out after the drain, a
// frozen replica, a graceful takeover stopped at any step) is a unit test against a simulated
// topology, and the same code runs against real servers (actors/recovery_servers.hpp).

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/recovery_plan.hpp"

namespace orc::actors {

/// The servers a recovery acts on. Implementations must be safe to call from several threads
/// at once for different instances (drains and follower repoints run in parallel).
class RecoveryServers {
 public:
  virtual ~RecoveryServers() = default;

  struct Drained {
    std::optional<model::Instance> fresh;  ///< probed after the drain; nullopt: not drained
    bool applied = false;                  ///< its relay log was applied within the wait
    bool io_stopped = false;               ///< its IO thread was stopped: the way back restarts it
    std::string problem;                   ///< why not drained or not applied
  };
  /// Stops the IO thread (nothing more may arrive from the failed master), waits at most
  /// `wait` for the SQL thread to apply what was received, then probes the replica.
  virtual Drained drain(const model::InstanceKey& key, std::chrono::milliseconds wait) = 0;
  /// Waits at most `wait` more for a drained replica's relay log; false when still not applied.
  virtual bool wait_relay_log(const model::InstanceKey& key, std::chrono::milliseconds wait) = 0;
  /// Carries out one action; "" on success, else why it failed. Never throws.
  virtual std::string run(const model::ServerAction& action) = 0;
};

/// What the executor needs from the recovery that drives it.
struct ExecutionContext {
  /// False once this node may no longer act (fenced out); checked before every forward step.
  /// Ways back are taken regardless: they restore what this recovery changed.
  std::function<bool()> may_act = [] { return true; };
  /// An audit line; must not throw.
  std::function<void(const std::string&)> audit = [](const std::string&) {};
  /// Told of every action that succeeded (milestones, the new master's coordinates).
  std::function<void(const model::ServerAction&)> done = [](const model::ServerAction&) {};
  int parallelism = 1;  ///< MaxConcurrentReplicaOperations, for a parallel group
};

/// Runs `plan` to its end: forward steps (a parallel group at once), then, when it aborted or
/// this node was fenced out, the ways back in reverse. Returns true when it was fenced out.
bool execute_plan(model::PlanRun& plan, RecoveryServers& servers, const ExecutionContext& ctx);

/// The drain of a failed server's replicas (see RecoveryServers::drain), in parallel.
struct DrainOutcome {
  std::vector<model::Instance> drained;        ///< fresh state of those drained
  std::vector<model::InstanceKey> undrained;   ///< unreachable or unprobeable: lost
  std::vector<model::ServerAction> undos;      ///< START SLAVE IO_THREAD of every stopped one
  std::map<model::InstanceKey, bool> applied;  ///< relay log applied within the wait
};
DrainOutcome drain_replicas(RecoveryServers& servers, const std::vector<model::InstanceKey>& keys,
                            std::chrono::milliseconds wait, const ExecutionContext& ctx);

/// A master recovery to carry out (dead master, co-master, forced or graceful takeover).
struct MasterRecoveryRequest {
  /// The failed master, settings and options; `drained`/`undrained` are filled in here.
  model::MasterRecoveryInput input;
  std::vector<model::InstanceKey> replicas;     ///< the failed master's replicas, to drain
  std::chrono::milliseconds drain_wait{10000};  ///< InstanceBulkOperationsWaitTimeoutSeconds
  /// FailMasterPromotionIfSQLThreadNotUpToDate / DelayMasterPromotionIfSQLThreadNotUpToDate
  /// (waiting at most `delay_wait`).
  bool fail_if_relay_log_pending = false;
  bool delay_if_relay_log_pending = false;
  std::chrono::milliseconds delay_wait{0};
  /// Ways back of what was done before (a graceful takeover's read_only on the old master).
  std::vector<model::ServerAction> prior_undos;
};

struct MasterRecoveryResult {
  std::optional<model::InstanceKey> successor;
  std::vector<model::InstanceKey> lost;
  std::vector<std::string> errors;
  bool fenced_out = false;
  model::RecoveryPlan plan;  ///< the plan that was carried out last
};

/// Drains every replica, plans (model::plan_master_recovery), executes. When a catch-up or a
/// second-phase hand-over cannot complete, everything is put back and the recovery is tried
/// once more without them (drained again: the ways back restarted replication). Nobody is
/// promoted and every replica is as before when no plan can be carried out.
MasterRecoveryResult recover_master(RecoveryServers& servers, MasterRecoveryRequest request,
                                    const ExecutionContext& ctx);

/// A graceful takeover (the old master alive): read_only on it, the designated replica's
/// catch-up with it, `before_failover` (PreFailoverProcesses), then the master recovery
/// forced onto the designated replica with the old master's way back (writable again) handed
/// on, so however it stops before the promotion the old master is the writable master again
/// with its replicas under it.
struct GracefulTakeoverRequest {
  model::InstanceKey old_master, designated;
  int catch_up_wait_seconds = 10;  ///< ReasonableMaintenanceReplicationLagSeconds
  MasterRecoveryRequest master;    ///< input.graceful set, input.designated = designated
  std::function<bool()> before_failover = [] { return true; };
};
MasterRecoveryResult graceful_takeover(RecoveryServers& servers, GracefulTakeoverRequest request,
                                       const ExecutionContext& ctx);

}  // namespace orc::actors
