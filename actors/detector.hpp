#pragma once
// The detector: on the leader, analyses the live view after every probe result (no backend
// round trip in the detection path), publishes the analysis for the API, asks for immediate
// re-probes where the picture is not yet conclusive (holistic detection), and registers each
// new detection in topology_failure_detection, running OnFailureDetectionProcesses once.

#include <memory>

#include "actors/actors.hpp"
#include "actors/analysis_board.hpp"
#include "actors/leadership.hpp"
#include "actors/snapshot_store.hpp"
#include "model/config.hpp"
#include "model/node_identity.hpp"
#include "storage/backend.hpp"

namespace orc::actors {

struct DetectorSettings {
  std::shared_ptr<const model::Config> config;
  model::NodeIdentity node;
  storage_actor storage;
  std::shared_ptr<SnapshotStore> snapshots;  ///< downtime and promotion facts from the backend
  std::shared_ptr<AnalysisBoard> board;
  std::shared_ptr<const Leadership> leadership;
  /// Credentials and timeouts for managed servers (emergent IO-thread restarts).
  storage::MysqlEndpoint topology;
  /// Receives the actionable failures of every analysis, and leadership changes.
  caf::actor recovery;
};

detector_actor spawn_detector(caf::actor_system& sys, DetectorSettings settings);

}  // namespace orc::actors
