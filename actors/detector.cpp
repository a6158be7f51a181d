#include "actors/detector.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "actors/hook_runner.hpp"
#include "actors/recovery.hpp"
#include "model/analysis_setup.hpp"
#include "model/emergent_operations.hpp"
#include "model/hooks.hpp"
#include "storage/failure_detection_dao.hpp"
#include "storage/instance_operations.hpp"
#include "storage/maintenance_dao.hpp"
#include "storage/mysql_dialect.hpp"

namespace orc::actors {

namespace {

/// Times come from the actor clock, which CAF's test coordinator drives in unit tests.
using Clock = caf::actor_clock;

struct detector_state {
  static inline const char* name = "detector";
  DetectorSettings settings;
  bool active = false;
  bool analysis_pending = false;
  InstancesPtr live;
  std::set<model::InstanceKey> in_maintenance;
  /// Problems already registered (or being registered) as detections, by (key, code). Only a
  /// Ready detection is handed to recovery: upstream registers the detection and runs
  /// OnFailureDetectionProcesses before it recovers, and a failing hook stops the recovery.
  enum class Detection { Registering, Ready, HooksFailed };
  std::map<std::pair<model::InstanceKey, std::string>, Detection> registered;
  std::map<model::InstanceKey, Clock::time_point> last_reprobe_request;
  /// When each still-inconclusive failure was first seen (sets the re-probe interval).
  std::map<model::InstanceKey, Clock::time_point> inconclusive_since;
  bool recheck_armed = false;  ///< a delayed re-analysis is scheduled
  /// The 2 s tick chain is scheduled. Set when a chain starts, cleared when a tick finds the
  /// detector inactive and ends it: leadership flaps never start a second chain.
  bool tick_armed = false;
  /// Masters whose replicas' IO threads were just restarted: detect-only until then.
  std::map<model::InstanceKey, Clock::time_point> graceful_until;
  caf::actor discovery;  ///< the sender of observations; receives reprobe requests
  std::map<model::InstanceKey, Clock::time_point> last_restart;  ///< emergent restarts
};

using self_ptr = detector_actor::stateful_pointer<detector_state>;

/// After an emergent restart of a master's replicas' IO threads, how long a DeadMaster on that
/// master is detection only (upstream's emergency operation graceful period).
constexpr auto kEmergencyGracefulPeriod = std::chrono::seconds(5);

/// Codes that are only re-checked, never registered as detections (replica-local noise).
bool registers_detection(model::AnalysisCode code) {
  using C = model::AnalysisCode;
  return code != C::NoProblem && code != C::FirstTierReplicaFailingToConnectToMaster &&
         code != C::BinlogServerFailingToConnectToMaster;
}

/// Codes whose verdict may still change with fresher probes: ask for them at once.
bool inconclusive(model::AnalysisCode code) {
  using C = model::AnalysisCode;
  switch (code) {
    case C::UnreachableMaster:
    case C::UnreachableMasterWithLaggingReplicas:
    case C::UnreachableIntermediateMaster:
    case C::UnreachableIntermediateMasterWithLaggingReplicas:
    case C::UnreachableCoMaster:
    case C::DeadMasterAndSomeReplicas:
    case C::DeadIntermediateMasterAndSomeReplicas:
    case C::FirstTierReplicaFailingToConnectToMaster:
      return true;
    default:
      return false;
  }
}

/// The live view with the facts only the backend has (downtime, promotion rules).
std::vector<model::Instance> merged_view(const detector_state& st) {
  std::vector<model::Instance> out = *st.live;
  auto snap = st.settings.snapshots ? st.settings.snapshots->get() : nullptr;
  if (!snap) return out;
  for (auto& inst : out) {
    if (const auto* stored = snap->find(inst.key)) {
      inst.is_downtimed = stored->is_downtimed;
      inst.downtime_reason = stored->downtime_reason;
      inst.downtime_owner = stored->downtime_owner;
      inst.downtime_end_timestamp = stored->downtime_end_timestamp;
      inst.promotion_rule = stored->promotion_rule;
      inst.is_candidate = stored->is_candidate;
    }
  }
  return out;
}

/// Runs OnFailureDetectionProcesses on a thread of their own (never in the detection path) and
/// reports back with detected_atom whether every hook succeeded.
void run_detection_hooks(self_ptr self, const model::ReplicationAnalysis& row) {
  const auto& cfg = *self->state.settings.config;
  auto ctx = model::failure_hook_context(row, self->state.settings.node.hostname);
  std::vector<std::string> commands;
  for (const auto& c : cfg.OnFailureDetectionProcesses)
    commands.push_back(model::expand_hook_placeholders(c, ctx));
  auto env = model::hook_environment(ctx);
  auto shell = cfg.ProcessesShellCommand;
  auto timeout = std::chrono::seconds(cfg.HookTimeoutSeconds);
  auto detector = caf::actor_cast<detector_actor>(self);
  auto key = row.analyzed_instance_key;
  auto code = ctx.failure_type;
  self->home_system().spawn<caf::detached>([commands, env, shell, timeout, detector, key, code] {
    bool ok = true;
    for (const auto& result : run_hooks(commands, env, shell, timeout, true)) {
      if (result.ok()) continue;
      ok = false;
      spdlog::warn("OnFailureDetectionProcesses hook failed ({}): {}",
                   result.timed_out ? "timed out" : "exit " + std::to_string(result.exit_code),
                   result.command);
    }
    caf::anon_send(detector, detected_atom::value, key, code, ok);
  });
}

void register_detection(self_ptr self, const model::ReplicationAnalysis& row) {
  storage::DetectionRecord rec;
  rec.key = row.analyzed_instance_key;
  rec.analysis = model::analysis_code_name(row.analysis);
  rec.cluster_name = row.cluster_details.cluster_name;
  rec.cluster_alias = row.cluster_details.cluster_alias;
  rec.count_replicas = row.count_replicas;
  rec.replicas = row.replicas;
  rec.is_actionable = row.is_actionable_recovery;
  rec.node = self->state.settings.node;
  auto id = std::make_shared<std::optional<int64_t>>();
  auto job = std::make_shared<StorageJob>();
  job->run = [rec, id](soci::session& s) { *id = storage::register_failure_detection(s, rec); };
  self->request(self->state.settings.storage, std::chrono::seconds(30), job_atom::value, job)
      .then([=](const std::string& error) {
        if (!error.empty()) {
          spdlog::warn("registering detection {} on {} failed: {}", rec.analysis, rec.key.str(),
                       error);
          self->state.registered.erase({rec.key, rec.analysis});  // retry next analysis
          return;
        }
        auto it = self->state.registered.find({rec.key, rec.analysis});
        if (it == self->state.registered.end()) return;  // gone meanwhile
        // Deduplicated (already detected within the block period, its hooks ran then) or
        // without hooks: ready for recovery at once.
        if (*id)
          spdlog::warn("detected {} on {} (cluster {})", rec.analysis, rec.key.str(),
                       rec.cluster_name);
        if (!*id || self->state.settings.config->OnFailureDetectionProcesses.empty()) {
          it->second = detector_state::Detection::Ready;
          self->send(self, analyze_atom::value);
          return;
        }
        run_detection_hooks(self, row);
      });
}

/// Restarts the IO thread of the given replicas (at most once per 30 s each), on a thread of
/// its own: a stuck replica must not stall detection.
bool restart_io_threads(self_ptr self, const std::vector<model::InstanceKey>& keys) {
  auto& st = self->state;
  auto now = self->clock().now();
  std::vector<model::InstanceKey> due;
  for (const auto& key : keys) {
    auto last = st.last_restart.find(key);
    if (last != st.last_restart.end() && now - last->second < std::chrono::seconds(30)) continue;
    st.last_restart[key] = now;
    due.push_back(key);
  }
  if (due.empty()) return false;
  auto endpoint = st.settings.topology;
  self->home_system().spawn<caf::detached>([due, endpoint] {
    for (const auto& key : due) {
      try {
        auto ep = endpoint;
        ep.host = key.hostname;
        ep.port = key.port;
        auto session = storage::open_session(ep);
        storage::Dialect dialect(storage::read_server_version(*session));
        *session << dialect.stop_replica_io_thread();
        *session << dialect.start_replica_io_thread();
        spdlog::info("restarted the IO thread of {} (its master is unreachable)", key.str());
      } catch (const std::exception& e) {
        spdlog::warn("could not restart the IO thread of {}: {}", key.str(), e.what());
      }
    }
  });
  return true;
}

/// Sends the failures a recovery may act on to the recovery coordinator.
void forward_actionable(self_ptr self, const std::vector<model::ReplicationAnalysis>& rows,
                        const std::vector<model::Instance>& view) {
  auto& st = self->state;
  if (!st.settings.recovery) return;
  auto candidates = std::make_shared<RecoveryCandidates>();
  auto now = self->clock().now();
  for (const auto& row : rows) {
    // Failures the coordinator would skip anyway (no recovery, downtime, filters) are not
    // sent: this runs after every probe result, and the message carries the whole view.
    if (!automated_skip_reason(row).empty()) continue;
    auto kind = recovery_kind(row.analysis);
    // Upstream's "emergency operation graceful period": replicas whose IO threads were just
    // restarted report them down for a moment, which must not read as a dead master.
    auto graceful = st.graceful_until.find(row.analyzed_instance_key);
    if (graceful != st.graceful_until.end() && now < graceful->second &&
        (kind == RecoveryKind::DeadMaster || kind == RecoveryKind::DeadCoMaster))
      continue;
    auto it =
        st.registered.find({row.analyzed_instance_key, model::analysis_code_name(row.analysis)});
    if (it == st.registered.end() || it->second != detector_state::Detection::Ready) continue;
    candidates->rows.push_back(row);
  }
  if (candidates->rows.empty()) return;
  candidates->instances = view;
  candidates->discovery = st.discovery;
  self->send(caf::actor_cast<recovery_coordinator_actor>(st.settings.recovery), recover_atom::value,
             RecoveryCandidatesPtr(std::move(candidates)));
}

void analyze_now(self_ptr self) {
  auto& st = self->state;
  st.analysis_pending = false;
  if (!st.active || !st.live) return;
  if (st.settings.leadership && !st.settings.leadership->is_leader()) return;
  model::AnalysisInput input;
  input.instances = merged_view(st);
  input.in_maintenance = st.in_maintenance;
  if (auto snap = st.settings.snapshots ? st.settings.snapshots->get() : nullptr)
    for (const auto& c : snap->clusters) input.clusters[c.cluster_name] = c;
  auto rows = std::make_shared<std::vector<model::ReplicationAnalysis>>(
      model::analyze(input, model::analysis_settings(*st.settings.config)));
  st.settings.board->publish(rows);

  std::set<std::pair<model::InstanceKey, std::string>> present;
  std::vector<model::InstanceKey> reprobe;
  std::set<model::InstanceKey> still_inconclusive;
  auto recheck_in = std::chrono::milliseconds::max();
  auto now = self->clock().now();
  for (const auto& row : *rows) {
    if (row.analysis == model::AnalysisCode::NoProblem) continue;
    auto restart = model::replicas_to_restart(row, input.instances);
    if (!restart.empty() && restart_io_threads(self, restart))
      st.graceful_until[row.analyzed_instance_key] = now + kEmergencyGracefulPeriod;
    if (inconclusive(row.analysis)) {
      still_inconclusive.insert(row.analyzed_instance_key);
      auto since = st.inconclusive_since.emplace(row.analyzed_instance_key, now).first->second;
      // Re-probe every 100 ms for the first two seconds (a crash shows on the replicas within
      // milliseconds; a re-probe that came too early must be followed by another one), then
      // once a second, as upstream's emergent reads, for failures that stay inconclusive.
      auto interval = now - since < std::chrono::seconds(2) ? std::chrono::milliseconds(100)
                                                            : std::chrono::milliseconds(1000);
      auto last = st.last_reprobe_request.find(row.analyzed_instance_key);
      if (last != st.last_reprobe_request.end() && now - last->second < interval) {
        recheck_in = std::min(recheck_in, std::chrono::duration_cast<std::chrono::milliseconds>(
                                              interval - (now - last->second)));
      } else {
        st.last_reprobe_request[row.analyzed_instance_key] = now;
        // The re-probe of an instance includes its replicas; a failing replica's master too.
        reprobe.push_back(row.analysis ==
                                  model::AnalysisCode::FirstTierReplicaFailingToConnectToMaster
                              ? row.analyzed_instance_master_key
                              : row.analyzed_instance_key);
      }
    }
    if (!registers_detection(row.analysis) || row.skippable_due_to_downtime) continue;
    std::pair<model::InstanceKey, std::string> id{row.analyzed_instance_key,
                                                  model::analysis_code_name(row.analysis)};
    present.insert(id);
    if (st.registered.emplace(id, detector_state::Detection::Registering).second)
      register_detection(self, row);
  }
  for (auto it = st.registered.begin(); it != st.registered.end();)
    it = present.count(it->first) ? std::next(it) : st.registered.erase(it);
  for (auto it = st.inconclusive_since.begin(); it != st.inconclusive_since.end();)
    it = still_inconclusive.count(it->first) ? std::next(it) : st.inconclusive_since.erase(it);
  if (recheck_in != std::chrono::milliseconds::max() && !st.recheck_armed) {
    st.recheck_armed = true;
    self->delayed_send(self, recheck_in, reprobe_atom::value);
  }
  forward_actionable(self, *rows, input.instances);
  if (!reprobe.empty() && st.discovery)
    self->send(caf::actor_cast<discovery_actor>(st.discovery), reprobe_atom::value,
               KeysPtr(std::make_shared<const std::vector<model::InstanceKey>>(reprobe)));
}

/// Maintenance rows and the snapshot's downtime facts, refreshed every two seconds.
void refresh_backend_facts(self_ptr self) {
  auto keys = std::make_shared<std::set<model::InstanceKey>>();
  auto job = std::make_shared<StorageJob>();
  job->run = [keys](soci::session& s) {
    for (const auto& lock : storage::read_active_maintenance(s)) keys->insert(lock.key);
  };
  self->request(self->state.settings.storage, std::chrono::seconds(30), job_atom::value, job)
      .then([=](const std::string& error) {
        if (error.empty()) self->state.in_maintenance = *keys;
      });
  self->request(self->state.settings.storage, std::chrono::seconds(30), refresh_atom::value,
                int64_t{2000})
      .then([](bool) {});
}

detector_actor::behavior_type detector_behavior(self_ptr self, DetectorSettings settings) {
  self->state.settings = std::move(settings);
  return {
      [=](observe_atom, const InstancesPtr& live) {
        auto& st = self->state;
        st.live = live;
        st.discovery = caf::actor_cast<caf::actor>(self->current_sender());
        if (st.active && !st.analysis_pending) {
          st.analysis_pending = true;
          self->send(self, analyze_atom::value);
        }
      },
      [=](analyze_atom) { analyze_now(self); },
      [=](reprobe_atom) {
        self->state.recheck_armed = false;
        analyze_now(self);
      },
      [=](detected_atom, const model::InstanceKey& key, const std::string& code, bool ok) {
        auto it = self->state.registered.find({key, code});
        if (it == self->state.registered.end()) return;
        it->second = ok ? detector_state::Detection::Ready : detector_state::Detection::HooksFailed;
        if (ok)
          self->send(self, analyze_atom::value);
        else
          spdlog::error(
              "{} on {}: an OnFailureDetectionProcesses hook failed; no automated "
              "recovery of this failure (recover it manually)",
              code, key.str());
      },
      [=](caf::tick_atom) {
        auto& st = self->state;
        if (!st.active) {
          st.tick_armed = false;  // the chain ends here; the next activation starts one
          return;
        }
        refresh_backend_facts(self);
        analyze_now(self);  // also catches changes that come only from the backend
        self->delayed_send(self, std::chrono::seconds(2), caf::tick_atom_v);
      },
      [=](active_atom, bool active) {
        auto& st = self->state;
        if (active == st.active) return;
        st.active = active;
        st.registered.clear();
        st.inconclusive_since.clear();
        st.live.reset();
        st.settings.board->clear();
        if (st.settings.recovery)
          self->send(caf::actor_cast<recovery_coordinator_actor>(st.settings.recovery),
                     active_atom::value, active);
        // A chain still scheduled from an earlier term simply carries on.
        if (active && !st.tick_armed) {
          st.tick_armed = true;
          self->send(self, caf::tick_atom_v);
        }
      },
  };
}

}  // namespace

detector_actor spawn_detector(caf::actor_system& sys, DetectorSettings settings) {
  return sys.spawn(detector_behavior, std::move(settings));
}

}  // namespace orc::actors
