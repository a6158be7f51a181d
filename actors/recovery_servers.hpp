#pragma once
// The real RecoveryServers: one connection per managed server, opened on first use with
// timeouts bounded per action (never MySQLTopologyReadTimeoutSeconds' minutes: one frozen
// server must not stall a failover), long waits sliced so that a node that lost its term
// stops within a second.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/recovery_executor.hpp"
#include "actors/recovery_run.hpp"

namespace orc::actors {

class ConnectedServers : public RecoveryServers {
 public:
  /// `known`: the instances as known before the failure (backend facts such as promotion
  /// rules and downtime, which a probe cannot see). `may_act`: false once this node may no
  /// longer act; long waits check it between slices.
  ConnectedServers(const RecoveryEnv& env, std::vector<model::Instance> known,
                   std::function<bool()> may_act);

  /// How a graceful takeover's old master is pointed at the new one: its own writes
  /// included (current position) and these credentials.
  void set_old_master(const model::InstanceKey& key, std::string user, std::string password);

  Drained drain(const model::InstanceKey& key, std::chrono::milliseconds wait) override;
  bool wait_relay_log(const model::InstanceKey& key, std::chrono::milliseconds wait) override;
  std::string run(const model::ServerAction& action) override;

  /// The new master's binary log position right after its promotion ("" unknown).
  std::string promoted_coordinates() const;

 private:
  ServerConnection& connection(const model::InstanceKey& key);
  void forget(const model::InstanceKey& key);
  void point_at(ServerConnection& c, const model::ServerAction& a);
  void catch_up(ServerConnection& c, const model::ServerAction& a);
  void promote(ServerConnection& c);

  const RecoveryEnv& env_;
  storage::MysqlEndpoint endpoint_;  ///< env's, with per-action read/write timeouts
  std::vector<model::Instance> known_;
  std::function<bool()> may_act_;
  std::optional<model::InstanceKey> old_master_;
  std::string old_master_user_, old_master_password_;
  mutable std::mutex mutex_;
  /// Connections by instance; each is used by one thread at a time (one action per instance
  /// per step).
  std::map<model::InstanceKey, std::unique_ptr<ServerConnection>> connections_;
  std::string promoted_coordinates_;
};

/// False once `run` may no longer act (an automated recovery whose term ended).
std::function<bool()> fence_check(RecoveryRun& run);

/// The executor's context for `run`: fencing, audit lines that never throw (a fenced-out run
/// only logs them: the ways back must still be taken), the promotion milestone.
ExecutionContext recovery_execution_context(RecoveryRun& run, ConnectedServers& servers);

/// The master recovery `run` asks for: its failed master, replicas and settings.
MasterRecoveryRequest master_recovery_request(RecoveryRun& run,
                                              const std::vector<model::Instance>& all);

/// Records a master recovery's result in `run` (errors, successor, lost) and, after a
/// promotion, downtimes what is lost and renames the cluster. Throws FencedOut when the run
/// was fenced out, after recording a promotion that happened (it is never undone).
void finish_master_recovery(RecoveryRun& run, MasterRecoveryResult result);

}  // namespace orc::actors
