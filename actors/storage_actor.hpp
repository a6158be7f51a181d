#pragma once
// The storage actor: the only owner of this process's backend connection. It serialises all
// backend reads and writes, merges probe results into one batch per flush interval (so an
// unchanged instance costs a fraction of a statement), and refreshes the read snapshot.

#include <chrono>
#include <memory>

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
};

/// Spawns the storage actor on its own thread (it blocks on SQL).
storage_actor spawn_storage(caf::actor_system& sys, StorageSettings settings);

}  // namespace orc::actors
