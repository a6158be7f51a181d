#pragma once
// Maintenance: upstream's per-instance operation lock (schema S7, contract §F.8). Every node and
// every CLI invocation that changes an instance first takes this lock through the shared
// backend, so two of them never refactor the same server at once; an operator's
// begin-maintenance takes the same lock and keeps the instance out of failure analysis.
// All times are the backend's clock (S11).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/instance_key.hpp"
#include "model/node_identity.hpp"

namespace soci {
class session;
}

namespace orc::storage {

/// One row of database_instance_maintenance. Timestamps are "YYYY-MM-DD HH:MM:SS" in the
/// session time zone ("" when NULL).
struct MaintenanceLock {
  int64_t id = 0;  ///< database_instance_maintenance_id: the maintenance token
  model::InstanceKey key;
  std::string owner;
  std::string reason;
  std::string begin_timestamp;
  std::string end_timestamp;  ///< planned end while active
  std::string processing_node_hostname;
  std::string processing_node_token;
  bool explicitly_bounded = false;
  bool active = false;          ///< maintenance_active = 1
  int64_t seconds_elapsed = 0;  ///< since begin_timestamp, by the backend's clock
};

struct BeginMaintenanceResult {
  bool acquired = false;
  int64_t token = 0;  ///< the new row's id when acquired
  /// When refused: the lock that is held, if it could be read (it may end in between).
  std::optional<MaintenanceLock> holder;

  /// "maintenance on H:P is held by OWNER (node N) since T until T2: REASON", or a generic
  /// refusal when the holder is unknown. Empty when acquired.
  std::string refusal_message(const model::InstanceKey& key) const;
};

/// Upstream's MaintenanceExpireMinutes (hard-coded 10): the duration when none is given.
inline constexpr int kDefaultMaintenanceSeconds = 600;
/// Upstream's MaintenancePurgeDays: ended rows are kept this long as history.
inline constexpr int kMaintenancePurgeDays = 7;
/// An unbounded lock outlives its node by at most this much (node_health liveness).
inline constexpr int kMaintenanceNodeGraceSeconds = 5;

/// Tries to take the lock (S7 INSERT IGNORE on the unique (maintenance_active, host, port)).
/// An expired active row of this instance is deleted first so it cannot block. `seconds` <= 0
/// means kDefaultMaintenanceSeconds; the end is clamped to the TIMESTAMP range (2038).
/// `explicitly_bounded` false marks an operation lock that also ends when `node` stops
/// reporting to node_health (see expire_maintenance). Deadlocks between racing nodes are
/// retried; exactly one concurrent caller acquires. Throws soci::soci_error on other errors.
BeginMaintenanceResult begin_maintenance(soci::session& s, const model::InstanceKey& key,
                                         const std::string& owner, const std::string& reason,
                                         int seconds, const model::NodeIdentity& node,
                                         bool explicitly_bounded);

/// Ends the active lock of `key` (upstream's EndMaintenanceByInstanceKey): the row is kept as
/// history with maintenance_active NULL and end_timestamp NOW(). False when none was active.
bool end_maintenance(soci::session& s, const model::InstanceKey& key);

/// Ends the lock with this token (upstream's EndMaintenance). False when no active row has it.
bool end_maintenance_by_id(soci::session& s, int64_t id);

/// The lock of `key` if one is in force: maintenance_active = 1 and end_timestamp > NOW()
/// (upstream's InMaintenance).
std::optional<MaintenanceLock> active_maintenance(soci::session& s, const model::InstanceKey& key);

/// Every row with maintenance_active = 1 (expired ones included until expiry removes them),
/// ordered by id, as upstream's ReadActiveMaintenance for /api/maintenance.
std::vector<MaintenanceLock> read_active_maintenance(soci::session& s);

/// Upstream's ExpireMaintenance, run periodically by the leader: deletes ended rows older than
/// kMaintenancePurgeDays, active rows past their end_timestamp, and unbounded rows whose
/// processing node has not reported to node_health in the last kMaintenanceNodeGraceSeconds
/// (its process died while holding an operation lock). Returns the number of rows deleted.
int expire_maintenance(soci::session& s);

}  // namespace orc::storage
