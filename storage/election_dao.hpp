#pragma once
// Leader lease and node liveness in the shared backend (active_node, node_health).
// Times are the backend's clock (S11); the lease has millisecond resolution in our
// lease_expires_at column, and upstream's last_seen_active is kept current for old tools.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/node_identity.hpp"

namespace soci {
class session;
}

namespace orc::storage {

struct LeaseOutcome {
  bool leader = false;
  bool new_term = false;  ///< we did not hold a term before this call
  uint64_t epoch = 0;     ///< fencing token of the term held
};

/// Renews our lease or takes an expired one (one upsert), then reads the outcome and the
/// term's epoch. `holding` says whether we believed we held a term, to report new terms.
/// Each takeover increments the epoch, so a stale leader's writes can be fenced.
LeaseOutcome acquire_or_renew_lease(soci::session& s, const model::NodeIdentity& me, int lease_ms,
                                    bool holding);

/// What a grab found and did.
struct GrabOutcome {
  uint64_t epoch = 0;    ///< fencing token of our term (started or awaited)
  bool renewed = false;  ///< we already held a live lease: same term and epoch, just renewed
  /// How long the previous holder's lease still ran when we took the row, by the backend's
  /// clock (0 when it had expired or was released). Our term must not start before that.
  long long previous_lease_left_us = 0;
};

/// Takes the lease whatever its state (`--grab-election`, /api/grab-election), in one
/// transaction: locks the row, reads how long the previous holder's lease still runs, and
/// writes us as holder with a new epoch, so the previous holder's next renewal fails. Our own
/// live lease is only renewed (a leader grabbing again must not fence its own recoveries).
GrabOutcome grab_lease(soci::session& s, const model::NodeIdentity& me, int lease_ms);

/// Ends the current term so that any node may win the next election (/api/reelect): the
/// holder cannot renew, and the next term starts when the lease expires. The row is kept
/// (upstream deletes it) so that epochs stay monotonic and no two terms overlap.
void expire_lease(soci::session& s);

/// Gives up our own lease at shutdown so a successor need not wait for expiry.
void release_lease(soci::session& s, const model::NodeIdentity& me);

/// One row of node_health (and of active_node, which shares the shape).
struct NodeHealthRow {
  std::string hostname;
  std::string token;
  std::string app_version;
  std::string first_seen_active;
  std::string last_seen_active;
  std::string extra_info;
  std::string command;
  std::string db_backend;
};

/// Upserts this process's node_health row (`extra_info` 'HttpMode' or 'CLIMode').
void register_node_health(soci::session& s, const model::NodeIdentity& me,
                          const std::string& extra_info, const std::string& command,
                          const std::string& app_version, const std::string& db_backend);

/// The current leader per active_node, if its lease is live.
std::optional<NodeHealthRow> read_active_node(soci::session& s);

/// Nodes seen within the last `seconds` (upstream: 2 s, HttpMode only when `http_only`).
std::vector<NodeHealthRow> read_available_nodes(soci::session& s, int seconds, bool http_only);

/// Deletes node_health rows older than `seconds` (leader housekeeping).
int expire_node_health(soci::session& s, int seconds);

}  // namespace orc::storage
