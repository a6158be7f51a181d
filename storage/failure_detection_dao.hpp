#pragma once
// topology_failure_detection (schema S8): one row per detected failure. The unique key
// (hostname, port, in_active_period, end_active_period_unixtime, is_actionable) dedupes
// detections across every node sharing the backend, so OnFailureDetectionProcesses run once
// per failure and period, not once per node and tick. Times are the backend's clock (S11).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/instance_key.hpp"
#include "model/node_identity.hpp"

namespace soci {
class session;
}

namespace orc::storage {

/// What a node registers when its analysis finds a failure.
struct DetectionRecord {
  model::InstanceKey key;  ///< the failed (analysed) instance
  std::string analysis;    ///< analysis code, e.g. DeadMaster
  std::string cluster_name;
  std::string cluster_alias;
  int count_replicas = 0;
  std::vector<model::InstanceKey> replicas;  ///< stored as a comma-delimited host:port list
  bool is_actionable = false;                ///< the analysis is one recovery acts on
  model::NodeIdentity node;                  ///< the detecting node
  /// Upstream's StartActivePeriod hint ("YYYY-MM-DD HH:MM:SS"); empty means NOW().
  std::string start_active_period;
};

/// One row of topology_failure_detection, as audit-failure-detection shows it.
struct FailureDetection {
  int64_t id = 0;  ///< detection_id
  model::InstanceKey key;
  bool in_active_period = false;
  std::string start_active_period;         ///< "YYYY-MM-DD HH:MM:SS", session time zone
  int64_t end_active_period_unixtime = 0;  ///< 0 while active
  std::string processing_node_hostname;
  std::string processing_node_token;
  std::string analysis;
  std::string cluster_name;
  std::string cluster_alias;
  int count_affected_slaves = 0;
  std::vector<model::InstanceKey> slave_hosts;
  bool is_actionable = false;
  int64_t related_recovery_id =
      0;  ///< latest topology_recovery with this last_detection_id; 0 none
};

/// Registers a detection (INSERT IGNORE with in_active_period=1, end_active_period_unixtime=0,
/// every NOT NULL column supplied). Returns the new detection_id, or nullopt when deduped: a
/// detection of the same instance and actionability is still in its active period.
std::optional<int64_t> register_failure_detection(soci::session& s, const DetectionRecord& d);

/// Ends the active period of detections that started more than `block_minutes` ago
/// (FailureDetectionPeriodBlockMinutes), so the instance can be detected again. Returns how
/// many were cleared.
int clear_expired_failure_detections(soci::session& s, int block_minutes);

/// Which active detections an acknowledgement clears.
struct DetectionScope {
  std::optional<std::string> cluster_name;  ///< only this cluster
  std::optional<model::InstanceKey> key;    ///< only this instance
  static DetectionScope all() { return {}; }
  static DetectionScope cluster(std::string name) { return {std::move(name), std::nullopt}; }
  static DetectionScope instance(model::InstanceKey k) { return {std::nullopt, std::move(k)}; }
};

/// Ends the active period of the detections in `scope` (upstream clears them when recoveries
/// are acknowledged), so a new failure of those instances is detected and hooked again.
/// Returns how many were cleared.
int acknowledge_failure_detections(soci::session& s, const DetectionScope& scope);

/// Detections newest first, `limit` rows from `offset` (audit-failure-detection pages). With
/// `cluster`, only rows whose cluster_name or cluster_alias equals it.
std::vector<FailureDetection> read_failure_detections(
    soci::session& s, int limit, int offset, const std::optional<std::string>& cluster = {});

/// One detection by id (audit-failure-detection/id/:id).
std::optional<FailureDetection> read_failure_detection(soci::session& s, int64_t id);

}  // namespace orc::storage
