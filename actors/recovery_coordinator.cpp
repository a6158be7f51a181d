#include "actors/recovery_coordinator.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "actors/recovery_heartbeat.hpp"
#include "actors/storage_client.hpp"
#include "storage/candidate_dao.hpp"
#include "storage/downtime_dao.hpp"
#include "storage/recovery_dao.hpp"

namespace orc::actors {

namespace {

/// The actor clock's time (CAF's test coordinator drives it in unit tests).
using TimePoint = caf::actor_clock::time_point;

struct coordinator_state {
  static inline const char* name = "recovery-coordinator";
  RecoveryCoordinatorSettings settings;
  bool active = false;
  /// The 1 s upkeep chain is scheduled. Set when a chain starts, cleared when a tick finds
  /// the coordinator inactive and ends it: leadership flaps never start a second chain.
  bool upkeep_armed = false;
  std::set<model::InstanceKey> in_flight;
  std::map<model::InstanceKey, TimePoint> last_attempt;
  uint64_t ticks = 0;
};

using self_ptr = recovery_coordinator_actor::stateful_pointer<coordinator_state>;

/// The checks that need no I/O; the rest (global switch, anti-flapping) run in the recovery.
bool worth_attempting(const coordinator_state& st, const model::ReplicationAnalysis& row,
                      TimePoint now) {
  if (!automated_skip_reason(row).empty()) return false;
  if (st.in_flight.count(row.analyzed_instance_key)) return false;
  auto it = st.last_attempt.find(row.analyzed_instance_key);
  return it == st.last_attempt.end() || now - it->second >= st.settings.retry_interval;
}

void start_recovery(self_ptr self, const model::ReplicationAnalysis& row,
                    std::shared_ptr<const std::vector<model::Instance>> view,
                    caf::actor discovery_handle) {
  auto& st = self->state;
  st.in_flight.insert(row.analyzed_instance_key);
  st.last_attempt[row.analyzed_instance_key] = self->clock().now();
  auto env = std::make_shared<RecoveryEnv>();
  env->config = st.settings.config;
  env->node = st.settings.node;
  env->topology = st.settings.topology;
  env->probe_options = st.settings.probe_options;
  env->backend = storage_backend_runner(self->home_system(), st.settings.storage);
  env->leadership = st.settings.leadership;
  env->instances = [view] { return *view; };
  auto discovery = caf::actor_cast<discovery_actor>(discovery_handle);
  env->reprobe = [discovery](const std::vector<model::InstanceKey>& keys) {
    if (!discovery) return;
    caf::anon_send(discovery, reprobe_atom::value,
                   KeysPtr(std::make_shared<const std::vector<model::InstanceKey>>(keys)));
  };
  RecoveryRequest request;
  request.analysis = row;
  request.automated = true;
  auto coordinator = caf::actor_cast<recovery_coordinator_actor>(self);
  auto run = st.settings.run_recovery;
  auto body = [env, request, coordinator, run] {
    auto outcome = run(*env, request);
    if (!outcome.attempted)
      spdlog::info("recovery of {} not attempted: {}", request.analysis.analyzed_instance_key.str(),
                   outcome.message);
    caf::anon_send(coordinator, recovered_atom::value, request.analysis.analyzed_instance_key);
  };
  // One actor per incident, on a thread of its own: a recovery blocks on servers and hooks.
  if (st.settings.detached_recoveries)
    self->home_system().spawn<caf::detached>(body);
  else
    self->home_system().spawn(body);
}

void upkeep(self_ptr self) {
  auto& st = self->state;
  auto cfg = st.settings.config;
  bool minute = st.ticks % 60 == 0;
  bool ten_seconds = st.ticks % 10 == 0;
  auto job = std::make_shared<StorageJob>();
  job->run = [cfg, minute, ten_seconds](soci::session& s) {
    storage::clear_expired_recovery_periods(s, cfg->RecoveryPeriodBlockSeconds);
    storage::acknowledge_crashed_recoveries(s, kRecoveryHeartbeatStaleSeconds);
    if (ten_seconds) {
      storage::expire_blocked_recoveries(s, 30);
      storage::end_lost_in_recovery_downtime_of_replicating(s);
    }
    if (minute) storage::expire_candidates(s, cfg->CandidateInstanceExpireMinutes);
  };
  self->request(st.settings.storage, std::chrono::seconds(30), job_atom::value, job)
      .then([](const std::string& error) {
        if (!error.empty()) spdlog::warn("recovery upkeep failed: {}", error);
      });
}

recovery_coordinator_actor::behavior_type coordinator_behavior(
    self_ptr self, RecoveryCoordinatorSettings settings) {
  self->state.settings = std::move(settings);
  return {
      [=](recover_atom, const RecoveryCandidatesPtr& candidates) {
        auto& st = self->state;
        if (!st.active || !candidates) return;
        if (st.settings.leadership && !st.settings.leadership->is_leader()) return;
        std::shared_ptr<const std::vector<model::Instance>> view;
        auto now = self->clock().now();
        for (const auto& row : candidates->rows) {
          if (!worth_attempting(st, row, now)) continue;
          if (!view)
            view = std::make_shared<const std::vector<model::Instance>>(candidates->instances);
          start_recovery(self, row, view, candidates->discovery);
        }
      },
      [=](recovered_atom, const model::InstanceKey& key) {
        self->state.in_flight.erase(key);
        self->state.last_attempt[key] = self->clock().now();
      },
      [=](caf::tick_atom) {
        auto& st = self->state;
        if (!st.active) {
          st.upkeep_armed = false;  // the chain ends here; the next activation starts one
          return;
        }
        if (!st.settings.leadership || st.settings.leadership->is_leader()) upkeep(self);
        ++st.ticks;
        self->delayed_send(self, std::chrono::seconds(1), caf::tick_atom_v);
      },
      [=](active_atom, bool active) {
        auto& st = self->state;
        if (active == st.active) return;
        st.active = active;
        st.last_attempt.clear();
        // A chain still scheduled from an earlier term simply carries on.
        if (active && !st.upkeep_armed) {
          st.upkeep_armed = true;
          self->send(self, caf::tick_atom_v);
        }
      },
  };
}

}  // namespace

recovery_coordinator_actor spawn_recovery_coordinator(caf::actor_system& sys,
                                                      RecoveryCoordinatorSettings settings) {
  return sys.spawn(coordinator_behavior, std::move(settings));
}

}  // namespace orc::actors
