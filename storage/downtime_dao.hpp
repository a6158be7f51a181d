#pragma once
// Downtime (schema S9, contract §F.8): an operator's "do not recover this instance" mark. The
// instance is still probed and analysed; automated recovery skips it. One row per instance,
// upserted by begin and deleted by end or expiry. Times are the backend's clock (S11).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/instance_key.hpp"

namespace soci {
class session;
}

namespace orc::storage {

/// One downtime in force. Timestamps are "YYYY-MM-DD HH:MM:SS" in the session time zone.
struct DowntimeRow {
  model::InstanceKey key;
  std::string owner;
  std::string reason;
  std::string begin_timestamp;
  std::string end_timestamp;
  int64_t seconds_remaining = 0;  ///< until end_timestamp, by the backend's clock
};

/// Upstream's default downtime when no duration is given (MaintenanceExpireMinutes, 10 min).
inline constexpr int kDefaultDowntimeSeconds = 600;

/// Starts or replaces the downtime of `key` (INSERT ... ON DUPLICATE KEY UPDATE, as upstream):
/// begins now and ends `seconds` from now (<= 0 means kDefaultDowntimeSeconds), clamped to the
/// TIMESTAMP range (2038). The instance need not be known to the backend.
void begin_downtime(soci::session& s, const model::InstanceKey& key, const std::string& owner,
                    const std::string& reason, int seconds);

/// Deletes the downtime of `key`; false when there was none.
bool end_downtime(soci::session& s, const model::InstanceKey& key);

/// True when `key` is downtimed now: downtime_active = 1 AND IFNULL(end_timestamp, NOW()) >
/// NOW() (S9, the same rule instance reads use).
bool is_downtimed(soci::session& s, const model::InstanceKey& key);

/// Downtimes in force, ordered by hostname, port. With `cluster_name`, only instances whose
/// database_instance row is in that cluster (upstream's ReadDowntimedInstances filter);
/// without, every downtime, including those of instances the backend does not know.
std::vector<DowntimeRow> read_downtimed(soci::session& s,
                                        const std::optional<std::string>& cluster_name = {});

/// Deletes downtimes whose end_timestamp has passed (upstream's final expiry step); returns
/// how many. The renewal and early end of 'lost-in-recovery' downtimes belong to recovery.
int expire_downtime(soci::session& s);

/// Ends 'lost-in-recovery' downtimes of instances seen replicating again (both threads running
/// in a valid check made after the downtime began): an operator brought them back. Returns
/// how many ended.
int end_lost_in_recovery_downtime_of_replicating(soci::session& s);
}  // namespace orc::storage
