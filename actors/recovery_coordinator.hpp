#pragma once
// The leader's recovery coordinator: receives the detector's actionable failures, filters out
// at once what must not be recovered automatically (filters, downtime, a recovery already in
// flight, a retry too soon), and spawns one detached recovery actor per incident to run
// execute_recovery. Cross-node exclusion is the topology_recovery row, not this actor: its own
// bookkeeping only avoids useless attempts. Every second it also runs the backend upkeep of
// contract §F.5 (active periods, blocked recoveries, recoveries of crashed nodes).

#include <chrono>
#include <functional>
#include <memory>

#include "actors/actors.hpp"
#include "actors/leadership.hpp"
#include "actors/recovery.hpp"
#include "actors/storage_client.hpp"  // storage_backend_runner (moved there)
#include "model/config.hpp"
#include "model/node_identity.hpp"
#include "storage/backend.hpp"
#include "storage/instance_probe.hpp"

namespace orc::actors {

struct RecoveryCoordinatorSettings {
  std::shared_ptr<const model::Config> config;
  model::NodeIdentity node;
  storage_actor storage;
  std::shared_ptr<const Leadership> leadership;
  storage::MysqlEndpoint topology;  ///< operation timeouts
  storage::ProbeOptions probe_options;
  /// What a recovery actor runs; tests substitute a recorder.
  std::function<RecoveryOutcome(const RecoveryEnv&, const RecoveryRequest&)> run_recovery =
      execute_recovery;
  /// A failure is not re-attempted sooner than this (upstream's RecoveryPollSeconds).
  std::chrono::milliseconds retry_interval{1000};
  /// Recovery actors block on servers and hooks, so they get threads of their own; tests turn
  /// this off to run them on CAF's deterministic test scheduler.
  bool detached_recoveries = true;
};

recovery_coordinator_actor spawn_recovery_coordinator(caf::actor_system& sys,
                                                      RecoveryCoordinatorSettings settings);

}  // namespace orc::actors
