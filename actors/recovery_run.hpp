#pragma once
// Internals shared by the recovery handlers: the state of one running recovery (its audit
// trail, fencing, errors, milestones) and connections to the servers it acts on. Not used
// outside actors/recovery*.cpp and actors/graceful_takeover.cpp.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/recovery.hpp"
#include "model/hooks.hpp"
#include "storage/mysql_dialect.hpp"

namespace soci {
class session;
}

namespace orc::actors {

/// An open connection to one managed server with its statement dialect.
struct ServerConnection {
  model::InstanceKey key;
  std::unique_ptr<soci::session> session;
  std::unique_ptr<storage::Dialect> dialect;
};

/// Connects to `key` (operation timeouts) and reads its version; throws OperationError.
ServerConnection connect_server(const RecoveryEnv& env, const model::InstanceKey& key);

/// The state of one registered recovery.
class RecoveryRun {
 public:
  using Clock = std::chrono::steady_clock;

  RecoveryRun(const RecoveryEnv& env, const RecoveryRequest& request, std::string uid,
              Clock::time_point started);

  const RecoveryEnv& env() const { return env_; }
  const RecoveryRequest& request() const { return request_; }
  const model::Config& config() const { return *env_.config; }
  const std::string& uid() const { return uid_; }
  RecoveryOutcome& outcome() { return outcome_; }

  /// Appends an audit line to topology_recovery_steps (and the log). On an automated recovery
  /// the line is written only while this node still leads in the epoch the recovery started
  /// in; otherwise FencedOut is thrown and the recovery stops where it is.
  void step(const std::string& message);
  /// Records an error (all_errors) and audits it; never throws except FencedOut.
  void error(const std::string& message);
  /// Throws FencedOut when an automated recovery's leadership ended (local check, no I/O);
  /// called right before every action on a server.
  void check_fence() const;
  /// Milliseconds since the recovery started.
  int64_t elapsed_ms() const;

  /// The hook facts of this failure (analysis, node, uid; successor and lost from outcome).
  model::HookContext hook_context() const;
  /// Runs a hook list with the hook facts; returns false when a command failed (pre-hooks stop
  /// at the first failure). Every command's result is audited. No-op without hooks or when
  /// the request says not to run them.
  bool run_hook_list(const char* name, const std::vector<std::string>& commands,
                     bool stop_on_failure);
  /// PreFailoverProcesses; false (the failure recorded) when one failed: the recovery must
  /// stop before it changes anything.
  bool pre_failover_hooks();

 private:
  const RecoveryEnv& env_;
  const RecoveryRequest& request_;
  std::string uid_;
  Clock::time_point started_;
  uint64_t epoch_ = 0;
  std::mutex mutex_;  ///< steps may be audited from the parallel repointing threads
  RecoveryOutcome outcome_;
};

/// Runs `fn(i)` for i in [0, count) on threads, at most `parallelism` at once; returns when all
/// are done, rethrowing the first exception any of them threw.
void for_each_parallel(std::size_t count, int parallelism,
                       const std::function<void(std::size_t)>& fn);

/// Dead master or co-master (contract §F.2): fills the run's outcome.
void recover_dead_master(RecoveryRun& run);
/// Graceful master takeover (contract §F.7): read_only on the old master, catch-up, then the
/// dead-master flow forced onto the designated replica, then the old master under it.
void recover_graceful_takeover(RecoveryRun& run);
/// NoWriteableMasterStructureWarning with RecoverNonWriteableMaster: read_only=0 on the master.
void recover_non_writeable_master(RecoveryRun& run);
/// Dead intermediate master (contract §F.6).
void recover_dead_intermediate_master(RecoveryRun& run);

/// Downtimes `key` as 'lost-in-recovery' (owner orchestrator, one year; ended when the
/// instance is seen replicating again).
void downtime_lost(RecoveryRun& run, const model::InstanceKey& key);

}  // namespace orc::actors
