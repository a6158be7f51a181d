#pragma once
// A recovery as a plan of server actions, each with its way back, and the pure state machine
// that walks it. The failover brain decides everything up front from the drained replicas'
// fresh state (who is promoted, who catches up from whom, who follows, who is lost); the
// executor (actors/recovery_executor.hpp) only carries the actions out one step at a time and
// reports back. Keeping the decisions and the undo rules here, without I/O, lets every failure
// half-way be tested as a table: whatever step fails or whenever the node is fenced out, the
// topology ends as it was or as planned, never in between.

#include <optional>
#include <string>
#include <vector>

#include "model/candidate.hpp"
#include "model/instance.hpp"
#include "model/instance_key.hpp"
#include "model/promotion.hpp"

namespace orc::model {

/// One change to one server, as data: the executor maps it onto statements.
struct ServerAction {
  enum class Kind {
    StartIoThread,  ///< START SLAVE IO_THREAD: undoes the drain
    PointAt,        ///< CHANGE MASTER TO `source` (GTID auto-position), START SLAVE
    CatchUp,        ///< wait until `target` holds everything `source` binlogged
    Promote,        ///< STOP SLAVE; RESET SLAVE ALL; read_only=0
    SetReadOnly,    ///< read_only = `flag`
    Detach,         ///< detach-replica-master-host on a lost replica
  };
  Kind kind = Kind::StartIoThread;
  InstanceKey target;
  InstanceKey source;  ///< PointAt, CatchUp
  bool flag = false;   ///< SetReadOnly: the value; PointAt: replication left stopped
  /// CatchUp: how long to wait, in seconds (0: InstanceBulkOperationsWaitTimeoutSeconds).
  int wait_seconds = 0;

  /// "promote db1:3306", for audit lines.
  std::string describe() const;
  bool operator==(const ServerAction& o) const;
};

/// An action of the plan with what undoes it.
struct PlannedAction {
  ServerAction action;
  /// Replaces the way back of `action.target` once `action` succeeded (e.g. a replica pointed
  /// at another one goes back under the failed master). nullopt keeps the way back as it was.
  std::optional<ServerAction> undo;
  /// Ways back dropped once `action` succeeded: the instance is where the plan wants it.
  std::vector<InstanceKey> settles;
  /// A failed critical action aborts the plan; before the commit point every way back is then
  /// taken. A failed non-critical one is recorded, its target is lost, and the plan goes on.
  bool critical = true;
  /// The point of no return (the promotion): from then on the plan only goes forward.
  bool commits = false;
  /// Adjacent actions with the same non-zero group may run at once (follower repoints).
  int parallel_group = 0;
};

/// What a master recovery will do, decided before anything changes.
struct RecoveryPlan {
  std::vector<PlannedAction> actions;
  std::optional<InstanceKey> new_master;
  /// Replicas of the failed master that end under the new master / are given up.
  std::vector<InstanceKey> followers, lost;
  /// The replica the new master catches up from first, when one is ahead of it.
  std::optional<InstanceKey> catch_up_from;
  /// The second-phase hand-over, when a better candidate takes the promoted one's place.
  std::optional<InstanceKey> replaced;
  /// Audit lines: the choice, skipped candidates, lost replicas.
  std::vector<std::string> reasons;
  /// Why nothing can be promoted; empty when the plan has a new master.
  std::string error;
};

/// The inputs of a master recovery plan beyond the drained replicas.
struct MasterRecoveryInput {
  Instance failed_master;
  /// The failed master's replicas as probed after their drain; replicas that could not be
  /// drained are not here and go to `undrained` (lost).
  std::vector<Instance> drained;
  std::vector<InstanceKey> undrained;
  /// An explicit candidate (recover/I/C, takeovers, a co-master's peer): no second phase.
  std::optional<InstanceKey> designated;
  CandidateSettings candidate;
  ReplacementSettings replacement;
  /// The second phase (suggest_replacement); off for the simpler retry.
  bool second_phase = true;
  /// ApplyMySQLPromotionAfterMasterFailover (always true for a graceful takeover): false
  /// leaves the new master as it is and only repoints the followers.
  bool apply_promotion = true;
  /// DetachLostReplicasAfterMasterFailover.
  bool detach_lost = false;
  /// MasterFailoverDetachReplicaMasterHost: without apply_promotion, the new master's master
  /// host is detached so that it never replicates from the old master if that comes back.
  bool detach_new_master = false;
  /// PostponeReplicaRecoveryOnLagMinutes: followers lagging this much (replication_lag_seconds
  /// as drained) are repointed after the others; 0 = off.
  int postpone_lag_minutes = 0;
  /// A graceful takeover: the old master is alive and read-only; after the promotion it is
  /// pointed at the new master (replication started only if `start_old_master`).
  bool graceful = false;
  bool start_old_master = false;
};

/// Plans the recovery of a dead (or, gracefully, demoted) master: choose_candidate (or the
/// designated one), a catch-up from a replica ahead when one is, the second phase
/// (suggest_replacement, judged on positions as they will be after the catch-up), the
/// promotion (the commit point), then the followers in one parallel group, then detaching
/// lost replicas. Every move before the promotion points back at the failed master if the
/// plan is abandoned.
RecoveryPlan plan_master_recovery(const MasterRecoveryInput& input);

/// Walks a plan: the executor asks next(), carries the returned actions out and reports each
/// result; the machine decides what follows (the next step, the ways back, or the end).
/// Pure: no clock, no I/O, so every path is a unit test.
class PlanRun {
 public:
  /// `prior_undos`: the ways back of what was done before the plan (the drain's stopped IO
  /// threads, a graceful takeover's read_only), taken if the plan is abandoned before its
  /// commit point.
  PlanRun(std::vector<PlannedAction> actions, std::vector<ServerAction> prior_undos);

  enum class Phase { Forward, Undo, Done };
  struct Step {
    Phase phase = Phase::Done;
    std::vector<ServerAction> actions;  ///< to run now, at once when several
  };
  /// What to do now. Forward steps are the plan's; Undo steps are ways back, one at a time
  /// in reverse order; Done when nothing is left.
  Step next() const;
  /// The results of the step next() returned, in the same order ("" = success).
  void report(const std::vector<std::string>& errors);
  /// This node may no longer act (fenced out, deadline passed): before the commit point every
  /// way back is taken; after it, the ways back still pending (drained followers not yet
  /// repointed) are. Idempotent. A plan without actions abandoned at once takes its prior
  /// ways back: how a recovery that decided not to act restores what it drained.
  void abandon(const std::string& why);

  bool committed() const { return committed_; }
  /// Every forward action ran and the critical ones succeeded.
  bool succeeded() const { return !aborted_ && cursor_ == actions_.size(); }
  /// Targets of failed non-critical actions (repoints): given up.
  const std::vector<InstanceKey>& lost() const { return lost_; }
  /// One line per failure, abort and failed way back.
  const std::vector<std::string>& errors() const { return errors_; }
  /// The action whose failure aborted the plan, if one did.
  const std::optional<ServerAction>& failed_action() const { return failed_; }
  /// The ways back still pending: after a success, those of what the plan left as it was
  /// (a graceful takeover hands them on to the master recovery it starts).
  const std::vector<ServerAction>& pending_undos() const { return undos_; }

 private:
  void set_undo(const ServerAction& undo);
  void settle(const InstanceKey& key);
  void start_undoing();

  std::vector<PlannedAction> actions_;
  std::size_t cursor_ = 0;
  std::vector<ServerAction> undos_;  ///< one per target, in the order first set
  bool committed_ = false;
  bool aborted_ = false;
  bool undoing_ = false;
  std::vector<InstanceKey> lost_;
  std::vector<std::string> errors_;
  std::optional<ServerAction> failed_;
};

}  // namespace orc::model
