#pragma once
// The storage actor: an owner of one backend connection. It serialises the backend reads and
// writes sent to it, merges probe results into one batch per flush interval (so an unchanged
// instance costs a fraction of a statement), and refreshes the read snapshot. The service runs
// two of them (lanes, see actors.hpp): "main" and "control" (no snapshot, no probe results),
// so that recovery steps and lock rows never queue behind a flush or a refresh.

#include <chrono>
#include <memory>
#include <string>

#include "actors/actors.hpp"
#include "actors/leadership.hpp"
#include "actors/snapshot_store.hpp"
#include "storage/backend.hpp"

namespace orc::actors {

struct StorageSettings {
  storage::MysqlEndpoint endpoint;
  std::chrono::milliseconds flush_interval{100};
  int instance_poll_seconds = 5;
  std::shared_ptr<SnapshotStore> snapshots;
  /// Probe results are leader work: when set, a flush after the local term ended is dropped.
  std::shared_ptr<const Leadership> leadership;
  /// Name in logs: "main" (flushes, snapshot, API) or "control" (recovery steps, locks).
  std::string lane = "main";
};

/// Spawns the storage actor on its own thread (it blocks on SQL).
storage_actor spawn_storage(caf::actor_system& sys, StorageSettings settings);

}  // namespace orc::actors
