#pragma once
// The discovery actor: on the leader, watches every known instance through one prober each,
// crawls neighbours the moment a probe reveals them, derives cluster attributes and tells
// the storage actor only what changed.

#include <chrono>
#include <memory>
#include <regex>
#include <vector>

#include "actors/actors.hpp"
#include "actors/leadership.hpp"
#include "actors/prober.hpp"
#include "actors/snapshot_store.hpp"

namespace orc::actors {

struct DiscoverySettings {
  std::shared_ptr<const ProberSettings> prober;
  storage_actor storage;
  std::shared_ptr<SnapshotStore> snapshots;
  std::vector<model::InstanceKey> seeds;  ///< DiscoverySeeds, injected on each election win
  std::chrono::milliseconds reconcile_interval{5000};
  std::vector<std::regex> ignore_hostname_filters;  ///< DiscoveryIgnoreHostnameFilters
  /// When set, probing stops the moment the local term ends, even if the election actor is
  /// stuck on a hung backend; results arriving after that are dropped.
  std::shared_ptr<const Leadership> leadership;
  int failure_detection_block_minutes = 60;  ///< FailureDetectionPeriodBlockMinutes
  /// Receives the live view after every probe result (the detector); may be null.
  caf::actor detector;
  /// Hold a watch connection to every server that has replicas (fast crash detection).
  bool watch_masters = true;
};

discovery_actor spawn_discovery(caf::actor_system& sys, DiscoverySettings settings);

}  // namespace orc::actors
