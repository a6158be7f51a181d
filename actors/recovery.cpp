// The recovery pipeline of contract §F.1: checks, registration, the handler, resolution, hooks.

#include "actors/recovery.hpp"

#include <spdlog/spdlog.h>

#include <random>
#include <sstream>
#include <thread>

#include "actors/hook_runner.hpp"
#include "actors/recovery_heartbeat.hpp"
#include "actors/recovery_run.hpp"
#include "storage/downtime_dao.hpp"
#include "storage/instance_operations.hpp"
#include "storage/recovery_dao.hpp"
#include "storage/topology_actions.hpp"

namespace orc::actors {

RecoveryKind recovery_kind(model::AnalysisCode code) {
  using C = model::AnalysisCode;
  switch (code) {
    case C::DeadMaster:
    case C::DeadMasterAndSomeReplicas:
      return RecoveryKind::DeadMaster;
    case C::DeadCoMaster:
    case C::DeadCoMasterAndSomeReplicas:
      return RecoveryKind::DeadCoMaster;
    case C::DeadIntermediateMaster:
    case C::DeadIntermediateMasterAndSomeReplicas:
    case C::DeadIntermediateMasterWithSingleReplicaFailingToConnect:
    case C::AllIntermediateMasterReplicasFailingToConnectOrDead:
      return RecoveryKind::DeadIntermediateMaster;
    case C::NoWriteableMasterStructureWarning:
      return RecoveryKind::NonWriteableMaster;
    default:
      return RecoveryKind::None;
  }
}

ServerConnection connect_server(const RecoveryEnv& env, const model::InstanceKey& key) {
  ServerConnection c;
  c.key = key;
  c.session = storage::open_instance_session(env.topology, key);
  c.dialect = std::make_unique<storage::Dialect>(storage::read_server_version(*c.session));
  return c;
}

void for_each_parallel(std::size_t count, int parallelism,
                       const std::function<void(std::size_t)>& fn) {
  std::size_t width = static_cast<std::size_t>(std::max(1, parallelism));
  std::mutex mutex;
  std::exception_ptr first;
  for (std::size_t begin = 0; begin < count; begin += width) {
    std::vector<std::thread> threads;
    for (std::size_t i = begin; i < std::min(count, begin + width); ++i)
      threads.emplace_back([&, i] {
        try {
          fn(i);
        } catch (...) {
          std::lock_guard<std::mutex> lock(mutex);
          if (!first) first = std::current_exception();
        }
      });
    for (auto& t : threads) t.join();
  }
  if (first) std::rethrow_exception(first);
}

std::string automated_skip_reason(const model::ReplicationAnalysis& a) {
  auto kind = recovery_kind(a.analysis);
  if (kind == RecoveryKind::None)
    return std::string("no recovery for ") + model::analysis_code_name(a.analysis);
  if (a.skippable_due_to_downtime || a.is_downtimed)
    return a.analyzed_instance_key.str() + " is downtimed";
  bool intermediate = kind == RecoveryKind::DeadIntermediateMaster;
  bool allowed = intermediate ? a.cluster_details.has_automated_intermediate_master_recovery
                              : a.cluster_details.has_automated_master_recovery;
  if (!allowed)
    return "cluster " + a.cluster_details.cluster_name + " is not matched by " +
           (intermediate ? "RecoverIntermediateMasterClusterFilters"
                         : "RecoverMasterClusterFilters");
  return "";
}

// ---- RecoveryRun ----

RecoveryRun::RecoveryRun(const RecoveryEnv& env, const RecoveryRequest& request, std::string uid,
                         Clock::time_point started)
    : env_(env), request_(request), uid_(std::move(uid)), started_(started) {
  if (env_.leadership) epoch_ = env_.leadership->epoch();
  outcome_.uid = uid_;
  outcome_.analysis = request.analysis;
}

int64_t RecoveryRun::elapsed_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
}

void RecoveryRun::check_fence() const {
  if (!env_.leadership) return;
  if (!env_.leadership->is_leader() || env_.leadership->epoch() != epoch_)
    throw FencedOut("this node is no longer the leader of epoch " + std::to_string(epoch_));
}

void RecoveryRun::step(const std::string& message) {
  spdlog::info("recovery {}: {}", uid_, message);
  check_fence();
  bool written = true;
  if (env_.leadership) {
    storage::LeaderFence fence{env_.node.hostname, env_.node.token, epoch_};
    env_.backend(
        [&](soci::session& s) { written = storage::add_recovery_step(s, uid_, message, fence); });
  } else {
    env_.backend([&](soci::session& s) { storage::add_recovery_step(s, uid_, message); });
  }
  if (!written)
    throw FencedOut("the backend says this node no longer leads epoch " + std::to_string(epoch_));
}

void RecoveryRun::error(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    outcome_.errors.push_back(message);
  }
  spdlog::warn("recovery {}: {}", uid_, message);
  try {
    step("error: " + message);
  } catch (const FencedOut&) {
    throw;
  } catch (const std::exception& e) {
    spdlog::warn("recovery {}: cannot audit an error: {}", uid_, e.what());
  }
}

model::HookContext RecoveryRun::hook_context() const {
  auto ctx = model::failure_hook_context(request_.analysis, env_.node.hostname);
  ctx.command = request_.command;
  ctx.recovery_uid = uid_;
  ctx.is_successful = outcome_.successor.has_value();
  if (outcome_.successor) {
    ctx.successor_host = outcome_.successor->hostname;
    ctx.successor_port = outcome_.successor->port;
    ctx.successor_binlog_coordinates = outcome_.successor_binlog_coordinates;
  }
  ctx.lost_replicas = outcome_.lost;
  return ctx;
}

bool RecoveryRun::run_hook_list(const char* name, const std::vector<std::string>& commands,
                                bool stop_on_failure) {
  if (commands.empty() || !request_.run_hooks) return true;
  auto ctx = hook_context();
  std::vector<std::string> expanded;
  for (const auto& c : commands) expanded.push_back(model::expand_hook_placeholders(c, ctx));
  step(std::string("running ") + name);
  auto results = run_hooks(expanded, model::hook_environment(ctx), config().ProcessesShellCommand,
                           std::chrono::seconds(config().HookTimeoutSeconds), stop_on_failure);
  bool ok = true;
  for (const auto& r : results) {
    if (r.ok()) {
      step(std::string(name) + ": ok" + (r.detached ? " (detached)" : "") + ": " + r.command);
      continue;
    }
    ok = false;
    std::string why =
        r.timed_out
            ? "timed out after " + std::to_string(config().HookTimeoutSeconds) + " s and was killed"
            : "exited with " + std::to_string(r.exit_code);
    std::string tail = r.output_tail.size() > 512 ? r.output_tail.substr(r.output_tail.size() - 512)
                                                  : r.output_tail;
    error(std::string(name) + " hook " + why + ": " + r.command +
          (tail.empty() ? "" : " (output: " + tail + ")"));
  }
  return ok;
}

bool RecoveryRun::pre_failover_hooks() {
  if (run_hook_list("PreFailoverProcesses", config().PreFailoverProcesses, true)) return true;
  error("PreFailoverProcesses failed: recovery aborted before any change");
  return false;
}

void downtime_lost(RecoveryRun& run, const model::InstanceKey& key) {
  // MasterFailoverLostInstancesDowntimeMinutes when set; otherwise a year (upstream does not
  // downtime them at all then): the downtime ends as soon as the instance replicates again.
  constexpr int kYear = 365 * 24 * 3600;
  const int minutes = run.config().MasterFailoverLostInstancesDowntimeMinutes;
  const int seconds = minutes > 0 ? minutes * 60 : kYear;
  try {
    run.env().backend([&](soci::session& s) {
      storage::begin_downtime(s, key, "orchestrator", "lost-in-recovery", seconds);
    });
    run.step("downtimed " + key.str() + " as lost-in-recovery");
  } catch (const FencedOut&) {
    throw;
  } catch (const std::exception& e) {
    run.error("cannot downtime " + key.str() + ": " + e.what());
  }
}

void recover_non_writeable_master(RecoveryRun& run) {
  const auto& key = run.request().analysis.analyzed_instance_key;
  auto conn = connect_server(run.env(), key);
  run.check_fence();
  storage::set_read_only(*conn.session, *conn.dialect, false, run.config().UseSuperReadOnly);
  run.outcome().successor = key;
  run.step("set " + key.str() + " writable (RecoverNonWriteableMaster)");
}

// ---- the pipeline ----

namespace {

std::string new_uid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  auto now = std::chrono::system_clock::now().time_since_epoch();
  std::ostringstream out;
  out << std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() << ':' << std::hex
      << rng();
  return out.str();
}

/// Why an automated recovery must not start, or "" when it may.
std::string automated_refusal(const RecoveryEnv& env, const RecoveryRequest& req) {
  auto skip = automated_skip_reason(req.analysis);
  if (!skip.empty()) return skip;
  bool global_disabled = false;
  env.backend([&](soci::session& s) { global_disabled = storage::is_global_recovery_disabled(s); });
  if (global_disabled) return "recoveries are disabled globally (disable-global-recoveries)";
  return "";
}

storage::RecoveryRegistration registration_of(const RecoveryEnv& env, const RecoveryRequest& req,
                                              const std::string& uid) {
  const auto& a = req.analysis;
  storage::RecoveryRegistration r;
  r.failed = a.analyzed_instance_key;
  r.analysis = model::analysis_code_name(a.analysis);
  r.cluster_name = a.cluster_details.cluster_name;
  r.cluster_alias = a.cluster_details.cluster_alias;
  r.count_replicas = a.count_replicas;
  r.replicas = a.replicas;
  r.node = env.node;
  r.uid = uid;
  r.heartbeat = true;  // kept fresh by execute_recovery's RecoveryHeartbeat
  return r;
}

void resolve(RecoveryRun& run) {
  auto& out = run.outcome();
  storage::RecoveryResolution res;
  res.recovery_id = out.recovery_id;
  res.is_successful = out.successful;
  res.successor = out.successor;
  res.lost_replicas = out.lost;
  res.participating = run.request().analysis.replicas;
  res.participating.push_back(run.request().analysis.analyzed_instance_key);
  res.errors = out.errors;
  // Resolution is bookkeeping of what already happened: written even when fenced out.
  try {
    run.env().backend([&](soci::session& s) { storage::resolve_recovery(s, res); });
  } catch (const std::exception& e) {
    spdlog::error("recovery {}: cannot write its resolution: {}", run.uid(), e.what());
  }
  out.timings.resolved_ms = run.elapsed_ms();
}

/// The registered row's own liveness, beaten from a thread of its own until the recovery is
/// resolved: the leader takes a recovery for crashed only when the beats stop (its owner
/// died). Null when no thread could be had; the recovery still runs.
std::unique_ptr<RecoveryHeartbeat> start_heartbeat(const RecoveryEnv& env, int64_t recovery_id,
                                                   const std::string& uid) {
  try {
    return std::make_unique<RecoveryHeartbeat>(env.backend, recovery_id);
  } catch (const std::exception& e) {
    spdlog::error("recovery {}: cannot start its heartbeat: {}", uid, e.what());
    return nullptr;
  }
}

}  // namespace

RecoveryOutcome execute_recovery(const RecoveryEnv& env, const RecoveryRequest& request) {
  auto started = RecoveryRun::Clock::now();
  RecoveryOutcome refused;
  refused.analysis = request.analysis;
  const auto& a = request.analysis;
  auto kind = recovery_kind(a.analysis);
  if (kind == RecoveryKind::None) {
    refused.message = std::string("no recovery for ") + model::analysis_code_name(a.analysis) +
                      " on " + a.analyzed_instance_key.str();
    return refused;
  }
  auto uid = new_uid();
  int64_t recovery_id = 0;
  try {
    if (request.automated) {
      refused.message = automated_refusal(env, request);
      if (!refused.message.empty()) return refused;
      std::optional<int64_t> blocking;
      env.backend([&](soci::session& s) {
        blocking = storage::find_blocking_recovery(s, a.analyzed_instance_key,
                                                   a.cluster_details.cluster_name);
        if (blocking)
          storage::record_blocked_recovery(s, a.analyzed_instance_key,
                                           a.cluster_details.cluster_name,
                                           model::analysis_code_name(a.analysis), *blocking);
      });
      if (blocking) {
        refused.message = "blocked by recovery " + std::to_string(*blocking) +
                          " still in its active period (RecoveryPeriodBlockSeconds); "
                          "ack-cluster-recoveries releases it";
        return refused;
      }
    } else {
      // Manual recoveries implicitly acknowledge finished recoveries of the instance, so
      // that its lock row does not stand in the way, as upstream.
      env.backend([&](soci::session& s) {
        storage::acknowledge_finished_recoveries(
            s, a.analyzed_instance_key, "orchestrator",
            "implicitly acknowledged by " +
                (request.command.empty() ? std::string("recover") : request.command));
      });
    }
    std::optional<int64_t> id;
    if (env.leadership && !env.leadership->is_leader()) {
      refused.message = "this node is not the leader";
      return refused;
    }
    env.backend([&](soci::session& s) {
      id = storage::register_recovery(s, registration_of(env, request, uid));
    });
    if (!id) {
      refused.message =
          "a recovery of " + a.analyzed_instance_key.str() + " is already registered and active";
      return refused;
    }
    recovery_id = *id;
  } catch (const std::exception& e) {
    refused.message = std::string("cannot register the recovery: ") + e.what();
    return refused;
  }

  auto heartbeat = start_heartbeat(env, recovery_id, uid);
  RecoveryRun run(env, request, uid, started);
  auto& out = run.outcome();
  out.attempted = true;
  out.recovery_id = recovery_id;
  out.timings.registered_ms = run.elapsed_ms();
  try {
    run.step(std::string(request.automated ? "automated" : "manual") + " recovery of " +
             model::analysis_code_name(a.analysis) + " on " + a.analyzed_instance_key.str() +
             " (cluster " + a.cluster_details.cluster_name + ") by " + env.node.hostname +
             (request.command.empty() ? "" : ", command " + request.command));
    if (request.graceful)
      recover_graceful_takeover(run);
    else if (kind == RecoveryKind::DeadIntermediateMaster)
      recover_dead_intermediate_master(run);
    else if (kind == RecoveryKind::NonWriteableMaster)
      recover_non_writeable_master(run);
    else
      recover_dead_master(run);
  } catch (const FencedOut& e) {
    out.errors.push_back(std::string("stopped: ") + e.what());
    out.fenced_out = true;
    spdlog::error("recovery {} stopped: {}", uid, e.what());
  } catch (const std::exception& e) {
    run.outcome().errors.push_back(e.what());
    spdlog::error("recovery {} failed: {}", uid, e.what());
  }
  out.successful = out.successor.has_value();
  resolve(run);
  heartbeat.reset();  // resolved: end_recovery is set, the row no longer needs a heartbeat
  if (out.fenced_out) {
    // Abandoned, like the recovery of a crashed node: acknowledged so that the new leader is
    // not blocked by it and recovers the failure itself.
    try {
      storage::RecoveryScope scope;
      scope.id = recovery_id;
      env.backend([&](soci::session& s) {
        storage::acknowledge_recoveries(s, scope, "orchestrator",
                                        "abandoned: its node lost the leadership");
      });
    } catch (const std::exception& e) {
      spdlog::error("recovery {}: cannot acknowledge it: {}", uid, e.what());
    }
    return out;  // no hooks: this node no longer leads
  }
  if (env.reprobe) {
    auto keys = a.replicas;
    keys.push_back(a.analyzed_instance_key);
    env.reprobe(keys);
  }
  if (kind == RecoveryKind::NonWriteableMaster) return out;  // no failover: no failover hooks
  try {
    if (out.successful) {
      env.backend([&](soci::session& s) { storage::end_downtime(s, *out.successor); });
      if (kind == RecoveryKind::DeadIntermediateMaster)
        run.run_hook_list("PostIntermediateMasterFailoverProcesses",
                          run.config().PostIntermediateMasterFailoverProcesses, false);
      else
        run.run_hook_list("PostMasterFailoverProcesses", run.config().PostMasterFailoverProcesses,
                          false);
      run.run_hook_list("PostFailoverProcesses", run.config().PostFailoverProcesses, false);
      if (request.graceful)
        run.run_hook_list("PostGracefulTakeoverProcesses",
                          run.config().PostGracefulTakeoverProcesses, false);
    } else {
      run.run_hook_list("PostUnsuccessfulFailoverProcesses",
                        run.config().PostUnsuccessfulFailoverProcesses, false);
    }
  } catch (const std::exception& e) {
    spdlog::warn("recovery {}: post-recovery hooks: {}", uid, e.what());
  }
  out.message = out.successful ? "recovered " + a.analyzed_instance_key.str() + ": successor " +
                                     out.successor->str()
                               : "recovery of " + a.analyzed_instance_key.str() + " failed" +
                                     (out.errors.empty() ? "" : ": " + out.errors.front());
  const auto& t = out.timings;
  spdlog::warn(
      "recovery {}: {} ({} ms; registered {} ms, promoted {} ms, repointed {} ms, "
      "resolved {} ms)",
      uid, out.message, run.elapsed_ms(), t.registered_ms, t.promoted_ms, t.repointed_ms,
      t.resolved_ms);
  return out;
}

}  // namespace orc::actors
