#include "actors/storage_actor.hpp"

#include <spdlog/spdlog.h>

#include <soci/soci.h>
#include <map>

#include "actors/storage_client.hpp"
#include "storage/cluster_dao.hpp"
#include "storage/instance_dao.hpp"

namespace orc::actors {

namespace {

/// What the backend must learn about one instance at the next flush.
struct PendingWrite {
  std::optional<model::Instance> full;  ///< a changed row
  bool touch = false;                   ///< seen, unchanged
  std::optional<bool> failed_partial;   ///< the latest probe failed (after `full`, if both)
};

struct storage_state {
  static inline const char* name = "storage";
  StorageSettings settings;
  std::unique_ptr<soci::session> session;
  std::map<model::InstanceKey, PendingWrite> pending;
  bool flush_armed = false;
  StorageStats stats;

  soci::session& db() {
    if (!session) session = storage::open_session(settings.endpoint);
    return *session;
  }
  /// Drops a broken connection so the next use reconnects.
  void on_error(const std::exception& e) {
    if (auto* se = dynamic_cast<const soci::soci_error*>(&e);
        se && storage::is_connection_error(*se))
      session.reset();
  }
};

void merge(std::map<model::InstanceKey, PendingWrite>& pending, const PersistBatch& batch) {
  for (const auto& inst : batch.full_writes) {
    auto& p = pending[inst.key];
    p = PendingWrite{};
    p.full = inst;
  }
  for (const auto& key : batch.touches) {
    auto& p = pending[key];
    p.failed_partial.reset();
    if (!p.full) p.touch = true;
  }
  for (const auto& [key, partial] : batch.failures) {
    auto& p = pending[key];
    p.touch = false;
    p.failed_partial = partial;
  }
}

/// Writes the pending batch: at most one upsert chunk per ~200 rows, one touch statement and
/// two failure statements, whatever the number of instances.
void flush(storage_state& st) {
  if (st.pending.empty()) return;
  if (st.settings.leadership && !st.settings.leadership->is_leader()) {
    spdlog::info("dropping {} probe result(s): this node's term ended", st.pending.size());
    st.pending.clear();
    return;
  }
  std::vector<model::Instance> full;
  std::vector<model::InstanceKey> touches;
  std::vector<std::pair<model::InstanceKey, bool>> failures;
  for (const auto& [key, p] : st.pending) {
    if (p.full) full.push_back(*p.full);
    if (p.touch) touches.push_back(key);
    if (p.failed_partial) failures.emplace_back(key, *p.failed_partial);
  }
  try {
    auto& s = st.db();
    if (!full.empty()) {
      storage::write_instances(s, full);
      st.stats.statements +=
          (full.size() + storage::kInstanceWriteChunkRows - 1) / storage::kInstanceWriteChunkRows;
    }
    if (!touches.empty()) {
      storage::touch_instances(s, touches);
      st.stats.statements += 1;
    }
    if (!failures.empty()) {
      storage::mark_instances_failed(s, failures);
      st.stats.statements += 1;
    }
    st.stats.flushes++;
    st.pending.clear();
    if (st.settings.snapshots) st.settings.snapshots->mark_dirty();
  } catch (const std::exception& e) {
    spdlog::warn("backend write of {} instance(s) failed, will retry: {}", st.pending.size(),
                 e.what());
    st.on_error(e);
  }
}

void refresh_snapshot(storage_state& st) {
  auto snap = std::make_shared<model::TopologySnapshot>();
  auto& s = st.db();
  storage::ReadOptions opt;
  opt.instance_poll_seconds = st.settings.instance_poll_seconds;
  snap->instances = storage::read_all_instances(s, opt);
  std::sort(snap->instances.begin(), snap->instances.end(),
            [](const model::Instance& a, const model::Instance& b) { return a.key < b.key; });
  snap->clusters = storage::read_clusters_info(s);
  st.stats.snapshot_refreshes++;
  st.settings.snapshots->set(std::move(snap));
}

storage_actor::behavior_type storage_behavior(storage_actor::stateful_pointer<storage_state> self,
                                              StorageSettings settings) {
  self->state.settings = std::move(settings);
  return {
      [=](persist_atom, const PersistBatchPtr& batch) {
        merge(self->state.pending, *batch);
        if (!self->state.flush_armed) {
          self->state.flush_armed = true;
          self->delayed_send(self, self->state.settings.flush_interval, caf::flush_atom_v);
        }
      },
      [=](caf::flush_atom) {
        self->state.flush_armed = false;
        flush(self->state);
        if (!self->state.pending.empty()) {  // failed: retry later, without spinning
          self->state.flush_armed = true;
          self->delayed_send(self, std::chrono::seconds(1), caf::flush_atom_v);
        }
      },
      [=](job_atom, const StorageJobPtr& job) -> std::string {
        auto& st = self->state;
        auto error = execute_storage_job(
            *job, [&st]() -> soci::session& { return st.db(); },
            [&st](const std::exception& e) { st.on_error(e); });
        if (!error) {
          // Its caller gave up while it was queued: it must never run (its captures may be gone).
          spdlog::warn("{} storage lane: skipped a job its caller abandoned", st.settings.lane);
          return "not run: abandoned by its caller";
        }
        st.stats.jobs++;
        return *error;
      },
      [=](refresh_atom, int64_t max_age_ms) -> bool {
        auto& st = self->state;
        if (!st.settings.snapshots) return false;
        if (!st.settings.snapshots->stale(std::chrono::milliseconds(max_age_ms))) return true;
        flush(st);  // readers must see what this node already knows
        try {
          refresh_snapshot(st);
          return true;
        } catch (const std::exception& e) {
          spdlog::warn("snapshot refresh failed: {}", e.what());
          st.on_error(e);
          return false;
        }
      },
      [=](stats_atom) { return std::make_shared<const StorageStats>(self->state.stats); },
  };
}

}  // namespace

storage_actor spawn_storage(caf::actor_system& sys, StorageSettings settings) {
  return sys.spawn<caf::detached>(storage_behavior, std::move(settings));
}

}  // namespace orc::actors
