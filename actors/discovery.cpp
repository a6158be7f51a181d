#include "actors/discovery.hpp"

#include "actors/watcher.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "model/topology.hpp"
#include "storage/candidate_dao.hpp"
#include "storage/cluster_dao.hpp"
#include "storage/downtime_dao.hpp"
#include "storage/election_dao.hpp"
#include "storage/failure_detection_dao.hpp"
#include "storage/instance_dao.hpp"
#include "storage/instance_keys_dao.hpp"
#include "storage/maintenance_dao.hpp"

namespace orc::actors {

namespace {

struct Watched {
  prober_actor prober;
  std::optional<watcher_actor> watcher;  ///< held connection, for servers with replicas
  std::chrono::steady_clock::time_point last_reprobe{};
  bool reprobe_pending = false;           ///< a deferred re-probe is scheduled
  std::optional<model::Instance> latest;  ///< last successful probe, as probed
  bool last_ok = false;                   ///< whether the latest probe succeeded
  /// last_check_partial_success as the backend row holds it (storage's touch and
  /// mark_instances_failed): true after a success, the probe's `partial` after a failure (the
  /// server answered its first query), the row's value when seeded. The live view carries it
  /// so that the leader's analysis and the CLI's (backend rows) start from the same facts.
  bool last_partial = false;
  std::optional<model::Instance> persisted;  ///< what the backend row holds (derived)
  std::string stored_rule;  ///< last DetectPromotionRuleQuery answer written to the backend
  std::chrono::steady_clock::time_point rule_stored_at{};
};

struct discovery_state {
  static inline const char* name = "discovery";
  DiscoverySettings settings;
  std::map<model::InstanceKey, Watched> watched;
  bool active = false;
  bool reconcile_armed = false;
  bool seeded = false;  ///< the live view was seeded from the backend in this term
  DiscoveryStats stats;
};

using self_ptr = discovery_actor::stateful_pointer<discovery_state>;

bool still_leader(const discovery_state& st) {
  return st.active && (!st.settings.leadership || st.settings.leadership->is_leader());
}

bool ignored(const discovery_state& st, const model::InstanceKey& key) {
  for (const auto& re : st.settings.ignore_hostname_filters)
    if (std::regex_search(key.hostname, re)) return true;
  return false;
}

/// Starts watching `key` (if new, valid and not filtered) and probes it at once. Hostnames
/// outside model::valid_hostname() are never probed: probes refuse them where servers report
/// them, but backend rows written by older versions may still hold one (and a detached
/// replica's "//host" master is not a server to probe).
void watch(self_ptr self, const model::InstanceKey& key) {
  auto& st = self->state;
  if (!key.valid() || st.watched.count(key) || ignored(st, key)) return;
  if (std::string why; !model::valid_hostname(key.hostname, &why)) {
    spdlog::debug("not watching {}: {}", model::printable(key.str()), why);
    return;
  }
  auto prober =
      spawn_prober(self->home_system(), key, st.settings.prober, caf::actor_cast<caf::actor>(self));
  st.watched[key].prober = prober;
  st.stats.watched_instances = st.watched.size();
  self->send(prober, caf::tick_atom_v);
}

void unwatch(self_ptr self, const model::InstanceKey& key) {
  auto& st = self->state;
  auto it = st.watched.find(key);
  if (it == st.watched.end()) return;
  self->send_exit(it->second.prober, caf::exit_reason::user_shutdown);
  if (it->second.watcher) self->send_exit(*it->second.watcher, caf::exit_reason::user_shutdown);
  st.watched.erase(it);
  st.stats.watched_instances = st.watched.size();
}

bool cluster_attributes_differ(const model::Instance& a, const model::Instance& b) {
  return a.cluster_name != b.cluster_name || a.replication_depth != b.replication_depth ||
         a.is_co_master != b.is_co_master ||
         a.suggested_cluster_alias != b.suggested_cluster_alias ||
         a.ancestry_uuid != b.ancestry_uuid;
}

/// DetectPromotionRuleQuery's answer becomes the instance's candidate row, as upstream, but
/// written only when it changes or once a minute (the row expires after
/// CandidateInstanceExpireMinutes), not on every probe.
void store_detected_rule(self_ptr self, Watched& w, const storage::ProbeResult& r) {
  auto now = std::chrono::steady_clock::now();
  if (w.stored_rule == r.detected_promotion_rule &&
      now - w.rule_stored_at < std::chrono::minutes(1))
    return;
  w.stored_rule = r.detected_promotion_rule;
  w.rule_stored_at = now;
  auto key = r.instance.key;
  auto rule = r.detected_promotion_rule;
  auto job = std::make_shared<StorageJob>();
  job->run = [key, rule](soci::session& s) { storage::register_candidate(s, key, rule); };
  self->request(self->state.settings.storage, std::chrono::seconds(30), job_atom::value, job)
      .then([key, rule](const std::string& error) {
        if (!error.empty())
          spdlog::warn("storing the promotion rule '{}' detected on {}: {}", rule, key.str(),
                       error);
      });
}

/// Folds one probe result into the watched set and sends the resulting backend work.
void handle_result(self_ptr self, const ProbeReport& report) {
  auto& st = self->state;
  const auto& r = report.result;
  if (!still_leader(st)) return;  // a term that ended must not write
  st.stats.probes++;
  st.stats.probe_cpu_ns += report.cpu_ns;
  auto it = st.watched.find(r.instance.key);
  if (it == st.watched.end()) return;  // forgotten meanwhile
  auto batch = std::make_shared<PersistBatch>();
  if (!r.ok) {
    st.stats.probe_failures++;
    if (it->second.last_ok) spdlog::warn("{} is unreachable: {}", r.instance.key.str(), r.error);
    it->second.last_ok = false;
    it->second.last_partial = r.partial;
    if (it->second.persisted) batch->failures.emplace_back(r.instance.key, r.partial);
  } else {
    if (!it->second.last_ok && it->second.latest)
      spdlog::info("{} is reachable again", r.instance.key.str());
    it->second.latest = r.instance;
    it->second.last_ok = true;
    it->second.last_partial = true;
    if (!r.detected_promotion_rule.empty()) store_detected_rule(self, it->second, r);
  }
  if (st.active && r.ok) {
    watch(self, r.instance.master_key);
    for (const auto& replica : r.instance.replicas) watch(self, replica);
  }
  std::vector<model::Instance> current;
  current.reserve(st.watched.size());
  for (const auto& [key, w] : st.watched)
    if (w.latest) current.push_back(*w.latest);
  model::derive_cluster_attributes(current);
  for (auto& inst : current) {
    const auto& w = st.watched[inst.key];
    inst.is_last_check_valid = w.last_ok;
    inst.last_check_partial_success = w.last_partial;
    if (w.last_ok && st.settings.watch_masters && !inst.replicas.empty() && !w.watcher)
      st.watched[inst.key].watcher =
          spawn_watcher(self->home_system(), inst.key, st.settings.prober->endpoint,
                        caf::actor_cast<caf::actor>(self));
  }
  if (st.settings.detector)
    self->send(caf::actor_cast<detector_actor>(st.settings.detector), observe_atom::value,
               InstancesPtr(std::make_shared<const std::vector<model::Instance>>(current)));
  for (auto& inst : current) {
    if (!r.ok) break;  // a failed probe changes no row but its own timestamps
    auto& w = st.watched[inst.key];
    if (!w.last_ok) continue;
    // Only the probed instance has new server state; the others can only have changed in
    // their derived cluster attributes, which are cheap to compare.
    bool changed = !w.persisted ||
                   (inst.key == r.instance.key ? !storage::persisted_state_equal(*w.persisted, inst)
                                               : cluster_attributes_differ(*w.persisted, inst));
    if (changed) {
      w.persisted = inst;
      batch->full_writes.push_back(std::move(inst));
    } else if (inst.key == r.instance.key) {
      batch->touches.push_back(inst.key);
    }
  }
  st.stats.full_writes += batch->full_writes.size();
  st.stats.touches += batch->touches.size();
  if (!batch->empty()) self->send(st.settings.storage, persist_atom::value, PersistBatchPtr(batch));
}

/// Stops every prober at once: this node is no longer leader.
void deactivate(self_ptr self) {
  auto& st = self->state;
  if (!st.active) return;
  st.active = false;
  if (st.settings.detector)
    self->send(caf::actor_cast<detector_actor>(st.settings.detector), active_atom::value, false);
  std::vector<model::InstanceKey> keys;
  for (const auto& [key, w] : st.watched) keys.push_back(key);
  for (const auto& key : keys) unwatch(self, key);
  spdlog::info("discovery stopped: no longer leader");
}

/// Probes the given instances and their direct replicas now, at most every 50 ms each.
void reprobe(self_ptr self, const std::vector<model::InstanceKey>& keys) {
  auto& st = self->state;
  if (!still_leader(st)) return;
  std::set<model::InstanceKey> targets(keys.begin(), keys.end());
  for (const auto& [key, w] : st.watched)
    if (w.latest && targets.count(w.latest->master_key)) targets.insert(key);
  auto now = std::chrono::steady_clock::now();
  constexpr auto kMinInterval = std::chrono::milliseconds(50);
  for (const auto& key : targets) {
    auto it = st.watched.find(key);
    if (it == st.watched.end()) continue;
    auto& w = it->second;
    auto since = now - w.last_reprobe;
    if (since < kMinInterval) {
      // Too soon after the last one: deferred, never dropped (a recovery's request to see its
      // result must not be lost to the detector's re-probe a few milliseconds earlier).
      if (!w.reprobe_pending) {
        w.reprobe_pending = true;
        self->delayed_send(self, kMinInterval - since + std::chrono::milliseconds(1),
                           reprobe_atom::value,
                           KeysPtr(std::make_shared<const std::vector<model::InstanceKey>>(
                               std::vector<model::InstanceKey>{key})));
      }
      continue;
    }
    w.reprobe_pending = false;
    w.last_reprobe = now;
    self->request(w.prober, std::chrono::seconds(30), probe_atom::value)
        .then([=](const ProbeResultPtr& report) { handle_result(self, *report); },
              [](caf::error&) {});
  }
}

/// Reads the keys the backend knows (other nodes or the CLI may have added some) and watches
/// them; keys this node persisted that vanished from the backend were forgotten elsewhere.
///
/// The first time in a term, the backend's rows also seed the live view: an instance that died
/// before this node became leader (the old leader died with it, or was restarting) is never
/// probed successfully in this term, and without its last known state the detector could not
/// see its replicas fail and recover it.
void reconcile(self_ptr self) {
  auto keys = std::make_shared<std::vector<model::InstanceKey>>();
  auto rows = std::make_shared<std::vector<model::Instance>>();
  bool seed = !self->state.seeded;
  auto job = std::make_shared<StorageJob>();
  job->run = [keys, rows, seed](soci::session& s) {
    if (!seed) {
      *keys = storage::read_instance_keys(s);
      return;
    }
    *rows = storage::read_all_instances(s);
    for (const auto& inst : *rows) keys->push_back(inst.key);
  };
  self->request(self->state.settings.storage, std::chrono::seconds(30), job_atom::value, job)
      .then([=](const std::string& error) {
        auto& st = self->state;
        if (!st.active) return;
        if (!error.empty()) {
          spdlog::warn("reading known instances failed: {}", error);
          return;
        }
        std::set<model::InstanceKey> known(keys->begin(), keys->end());
        std::vector<model::InstanceKey> vanished;
        for (const auto& [key, w] : st.watched)
          if (w.persisted && !known.count(key)) vanished.push_back(key);
        for (const auto& key : vanished) unwatch(self, key);
        for (const auto& key : *keys) watch(self, key);
        if (!seed) return;
        st.seeded = true;
        for (const auto& inst : *rows) {
          auto it = st.watched.find(inst.key);
          if (it == st.watched.end() || it->second.latest) continue;  // probed meanwhile
          it->second.latest = inst;  // last known state; invalid until a probe succeeds
          it->second.last_ok = false;
          it->second.last_partial = inst.last_check_partial_success;
          it->second.persisted = inst;
        }
      });
}

/// Leader housekeeping: expiries of maintenance, downtime, detections and dead nodes, and the
/// cluster alias table. One job, at the reconcile interval.
void housekeeping(self_ptr self) {
  int block_minutes = self->state.settings.failure_detection_block_minutes;
  auto job = std::make_shared<StorageJob>();
  job->run = [block_minutes](soci::session& s) {
    storage::expire_maintenance(s);
    storage::expire_downtime(s);
    storage::clear_expired_failure_detections(s, block_minutes);
    storage::expire_node_health(s, 5);
    storage::refresh_cluster_aliases(s);
  };
  self->request(self->state.settings.storage, std::chrono::seconds(30), job_atom::value, job)
      .then([](const std::string& error) {
        if (!error.empty()) spdlog::warn("leader housekeeping failed: {}", error);
      });
}

/// Probes an instance once without watching it (followers): persists it under its master's
/// stored cluster attributes.
void discover_inactive(self_ptr self, const model::InstanceKey& key,
                       caf::typed_response_promise<ProbeResultPtr> rp) {
  auto& st = self->state;
  auto prober =
      spawn_prober(self->home_system(), key, st.settings.prober, caf::actor_cast<caf::actor>(self));
  self->request(prober, std::chrono::seconds(60), probe_atom::value)
      .then(
          [=](const ProbeResultPtr& report) mutable {
            self->send_exit(prober, caf::exit_reason::user_shutdown);
            if (report->result.ok) {
              auto inst = report->result.instance;
              auto snap =
                  self->state.settings.snapshots ? self->state.settings.snapshots->get() : nullptr;
              const model::Instance* master = snap ? snap->find(inst.master_key) : nullptr;
              model::inherit_cluster_attributes(inst, master);
              // A manual command, allowed on any node: written directly, not as leader work.
              auto job = std::make_shared<StorageJob>();
              job->run = [inst](soci::session& s) { storage::write_instances(s, {inst}); };
              self->request(self->state.settings.storage, std::chrono::seconds(30), job_atom::value,
                            job)
                  .then([](const std::string& error) {
                    if (!error.empty())
                      spdlog::warn("writing a discovered instance failed: {}", error);
                  });
            }
            rp.deliver(report);
          },
          [=](caf::error& err) mutable {
            self->send_exit(prober, caf::exit_reason::user_shutdown);
            rp.deliver(std::move(err));
          });
}

discovery_actor::behavior_type discovery_behavior(self_ptr self, DiscoverySettings settings) {
  self->state.settings = std::move(settings);
  return {
      [=](probed_atom, const ProbeResultPtr& report) { handle_result(self, *report); },
      [=](discover_atom, const model::InstanceKey& key) -> caf::result<ProbeResultPtr> {
        auto rp = self->make_response_promise<ProbeResultPtr>();
        auto& st = self->state;
        if (!st.active) {
          discover_inactive(self, key, rp);
          return rp;
        }
        bool was_new = !st.watched.count(key);
        watch(self, key);
        auto it = st.watched.find(key);
        if (it == st.watched.end()) {
          rp.deliver(caf::make_error(caf::sec::invalid_argument,
                                     "instance is filtered out by DiscoveryIgnoreHostnameFilters"));
          return rp;
        }
        self->request(it->second.prober, std::chrono::seconds(60), probe_atom::value)
            .then(
                [=](const ProbeResultPtr& report) mutable {
                  handle_result(self, *report);
                  // An instance that was never reachable is not worth watching.
                  auto w = self->state.watched.find(key);
                  if (was_new && !report->result.ok && w != self->state.watched.end() &&
                      !w->second.persisted)
                    unwatch(self, key);
                  rp.deliver(report);
                },
                [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
      [=](forget_atom, const model::InstanceKey& key) {
        bool known = self->state.watched.count(key) > 0;
        unwatch(self, key);
        return known;
      },
      [=](active_atom, bool active) {
        auto& st = self->state;
        if (st.settings.detector)
          self->send(caf::actor_cast<detector_actor>(st.settings.detector), active_atom::value,
                     active);
        if (active == st.active) return;
        if (!active) return deactivate(self);
        st.active = true;
        st.seeded = false;
        spdlog::info("discovery started");
        if (st.settings.leadership) self->send(self, caf::tick_atom_v);
        for (const auto& seed : st.settings.seeds) watch(self, seed);
        reconcile(self);
        if (!st.reconcile_armed) {
          st.reconcile_armed = true;
          self->delayed_send(self, st.settings.reconcile_interval, reconcile_atom::value);
        }
      },
      [=](reconcile_atom) {
        auto& st = self->state;
        st.reconcile_armed = false;
        if (!st.active) return;
        reconcile(self);
        housekeeping(self);
        st.reconcile_armed = true;
        self->delayed_send(self, st.settings.reconcile_interval, reconcile_atom::value);
      },
      [=](stats_atom) { return std::make_shared<const DiscoveryStats>(self->state.stats); },
      [=](reprobe_atom, const KeysPtr& keys) { reprobe(self, *keys); },
      [=](caf::tick_atom) {  // leadership watchdog, armed while active
        auto& st = self->state;
        if (!st.active) return;
        if (!still_leader(st)) return deactivate(self);
        self->delayed_send(self, std::chrono::milliseconds(50), caf::tick_atom_v);
      },
  };
}

}  // namespace

discovery_actor spawn_discovery(caf::actor_system& sys, DiscoverySettings settings) {
  return sys.spawn(discovery_behavior, std::move(settings));
}

}  // namespace orc::actors
