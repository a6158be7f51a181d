#include "actors/recovery_servers.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "storage/instance_operations.hpp"
#include "storage/topology_actions.hpp"

namespace orc::actors {

namespace {

using Kind = model::ServerAction::Kind;
using namespace std::chrono_literals;

/// The longest one statement of a recovery may take: enough for STOP SLAVE on a busy replica,
/// far below MySQLTopologyReadTimeoutSeconds (10 minutes by default). Long waits are sliced.
int action_timeout_seconds(const model::Config& cfg) {
  return std::max(5, std::min(cfg.MySQLTopologyReadTimeoutSeconds,
                              cfg.InstanceBulkOperationsWaitTimeoutSeconds));
}

constexpr auto kWaitSlice = 1000ms;

}  // namespace

ConnectedServers::ConnectedServers(const RecoveryEnv& env, std::vector<model::Instance> known,
                                   std::function<bool()> may_act)
    : env_(env), endpoint_(env.topology), known_(std::move(known)), may_act_(std::move(may_act)) {
  const int timeout = action_timeout_seconds(*env.config);
  endpoint_.read_timeout_s = std::min(endpoint_.read_timeout_s, timeout);
  endpoint_.write_timeout_s = std::min(endpoint_.write_timeout_s, timeout);
}

void ConnectedServers::set_old_master(const model::InstanceKey& key, std::string user,
                                      std::string password) {
  old_master_ = key;
  old_master_user_ = std::move(user);
  old_master_password_ = std::move(password);
}

ServerConnection& ConnectedServers::connection(const model::InstanceKey& key) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = connections_.find(key);
    if (it != connections_.end() && it->second) return *it->second;
  }
  auto c = std::make_unique<ServerConnection>();  // connect outside the lock: may be slow
  c->key = key;
  c->session = storage::open_instance_session(endpoint_, key);
  c->dialect = std::make_unique<storage::Dialect>(storage::read_server_version(*c->session));
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = connections_[key];
  slot = std::move(c);
  return *slot;
}

RecoveryServers::Drained ConnectedServers::drain(const model::InstanceKey& key,
                                                 std::chrono::milliseconds wait) {
  Drained d;
  try {
    auto& c = connection(key);
    storage::stop_io_thread(*c.session, *c.dialect);
    d.io_stopped = true;
    try {
      d.applied = storage::wait_relay_log_applied(*c.session, *c.dialect, wait);
      if (!d.applied)
        d.problem = "relay log not applied within InstanceBulkOperationsWaitTimeoutSeconds";
    } catch (const std::exception& e) {
      d.problem = e.what();
    }
    auto probe = storage::probe_instance(*c.session, key, env_.probe_options);
    if (!probe.ok) {
      d.problem = probe.error;
      return d;
    }
    d.fresh = probe.instance;
    d.fresh->is_last_check_valid = true;
    const model::Instance* known = nullptr;
    for (const auto& i : known_)
      if (i.key == key) known = &i;
    if (!probe.detected_promotion_rule.empty())
      d.fresh->promotion_rule = probe.detected_promotion_rule;
    else if (known)
      d.fresh->promotion_rule = known->promotion_rule;
    if (known) {
      d.fresh->is_candidate = known->is_candidate;
      d.fresh->is_downtimed = known->is_downtimed;
      d.fresh->downtime_reason = known->downtime_reason;
    }
  } catch (const std::exception& e) {
    d.problem = e.what();
    forget(key);
  }
  return d;
}

bool ConnectedServers::wait_relay_log(const model::InstanceKey& key,
                                      std::chrono::milliseconds wait) {
  try {
    auto& c = connection(key);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (may_act_()) {
      if (storage::wait_relay_log_applied(*c.session, *c.dialect, kWaitSlice)) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
    }
  } catch (const std::exception&) {
  }
  return false;
}

void ConnectedServers::point_at(ServerConnection& c, const model::ServerAction& a) {
  storage::RepointRequest rq;
  rq.master = a.source;
  rq.start_replication = !a.flag;
  if (old_master_ && a.target == *old_master_ && !old_master_user_.empty()) {
    rq.start = storage::GtidStart::CurrentPosition;  // its own writes included
    rq.user = old_master_user_;
    rq.password = old_master_password_;
    storage::repoint_replica(*c.session, *c.dialect, rq);
    return;
  }
  try {
    storage::repoint_replica(*c.session, *c.dialect, rq);
  } catch (const storage::OperationError&) {
    // A promotion stopped half-way reset the stored credentials: the configured ones then.
    const auto& cfg = *env_.config;
    if (cfg.MySQLReplicationUser.empty()) throw;
    rq.user = cfg.MySQLReplicationUser;
    rq.password = cfg.MySQLReplicationPassword;
    storage::repoint_replica(*c.session, *c.dialect, rq);
  }
}

void ConnectedServers::catch_up(ServerConnection& c, const model::ServerAction& a) {
  auto& source = connection(a.source);
  const auto position = storage::read_executed_gtid(*source.session, *source.dialect);
  const int seconds =
      a.wait_seconds > 0 ? a.wait_seconds : env_.config->InstanceBulkOperationsWaitTimeoutSeconds;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    if (!may_act_()) throw storage::OperationError("this node may no longer act");
    if (storage::wait_for_executed_gtid(*c.session, *c.dialect, position, kWaitSlice)) return;
    if (std::chrono::steady_clock::now() >= deadline)
      throw storage::OperationError("did not reach " + position + " within " +
                                    std::to_string(seconds) + " s");
  }
}

void ConnectedServers::promote(ServerConnection& c) {
  storage::promote_to_master(*c.session, *c.dialect, true, env_.config->UseSuperReadOnly);
  try {
    if (auto pos = storage::read_binlog_position(*c.session, *c.dialect)) {
      std::lock_guard<std::mutex> lock(mutex_);
      promoted_coordinates_ = pos->str();
    }
  } catch (const std::exception&) {
    // Only informative ({successorBinlogCoordinates}); the promotion itself succeeded.
  }
}

std::string ConnectedServers::run(const model::ServerAction& a) {
  try {
    auto& c = connection(a.target);
    switch (a.kind) {
      case Kind::StartIoThread:
        *c.session << c.dialect->start_replica_io_thread();
        break;
      case Kind::PointAt:
        point_at(c, a);
        break;
      case Kind::CatchUp:
        catch_up(c, a);
        break;
      case Kind::Promote:
        promote(c);
        break;
      case Kind::SetReadOnly:
        storage::set_read_only(*c.session, *c.dialect, a.flag, env_.config->UseSuperReadOnly);
        break;
      case Kind::Detach:
        storage::detach_master_host(*c.session, *c.dialect);
        break;
    }
    return "";
  } catch (const std::exception& e) {
    std::string why = e.what();
    forget(a.target);  // the next use reconnects, should the connection be what failed
    return why.empty() ? "failed" : why;
  }
}

void ConnectedServers::forget(const model::InstanceKey& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  connections_.erase(key);
}

std::string ConnectedServers::promoted_coordinates() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return promoted_coordinates_;
}

std::function<bool()> fence_check(RecoveryRun& run) {
  return [&run] {
    try {
      run.check_fence();
      return true;
    } catch (const FencedOut&) {
      return false;
    }
  };
}

ExecutionContext recovery_execution_context(RecoveryRun& run, ConnectedServers& servers) {
  ExecutionContext ctx;
  ctx.may_act = fence_check(run);
  ctx.audit = [&run](const std::string& line) {
    try {
      run.step(line);
    } catch (const std::exception&) {
      spdlog::warn("recovery {}: {}", run.uid(), line);
    }
  };
  ctx.done = [&run, &servers](const model::ServerAction& a) {
    if (a.kind != model::ServerAction::Kind::Promote) return;
    run.outcome().timings.promoted_ms = run.elapsed_ms();
    run.outcome().successor_binlog_coordinates = servers.promoted_coordinates();
  };
  ctx.parallelism = run.config().MaxConcurrentReplicaOperations;
  return ctx;
}

}  // namespace orc::actors
