#pragma once
// Recovery bookkeeping in the shared backend (schema S5, S8, S11, S12; contract F.1, F.5):
// topology_recovery (one row per recovery: the cross-node per-instance lock, the anti-flapping
// record and the audit/acknowledgement record), topology_recovery_steps (audit lines),
// blocked_topology_recovery (refused recoveries) and global_recovery_disable (the switch).
// Every time comparison runs against the backend's NOW() (S11).

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

/// What a node registers when it starts a recovery.
struct RecoveryRegistration {
  model::InstanceKey failed;  ///< analysed (failed) instance
  std::string analysis;       ///< analysis code, e.g. "DeadMaster"
  std::string cluster_name, cluster_alias;
  int count_replicas = 0;
  std::vector<model::InstanceKey> replicas;  ///< slave_hosts: comma-delimited host:port (S5)
  /// 0 = upstream's value: the newest topology_failure_detection of the failed instance.
  int64_t last_detection_id = 0;
  model::NodeIdentity node;  ///< processing_node_hostname / processcing_node_token (sic)
  std::string uid;           ///< caller-generated unique id (uid column)
  /// The registering process refreshes the row's last_heartbeat (heartbeat_recovery) while it
  /// runs the recovery, so the row carries its own liveness: set at registration. false
  /// leaves it NULL, as in rows of upstream binaries, which are judged by their node's
  /// node_health (see acknowledge_crashed_recoveries).
  bool heartbeat = false;
};

/// INSERT IGNORE with in_active_period=1, end_active_period_unixtime=0 (never NULL, S8),
/// start_active_period=NOW(), last_heartbeat=NOW(3) when r.heartbeat, every NOT NULL column
/// supplied (S12). Returns recovery_id, or
/// nullopt when another recovery of the same instance is still in its active period: the
/// unique key is the lock every node and CLI collides on.
std::optional<int64_t> register_recovery(soci::session& s, const RecoveryRegistration& r);

/// Anti-flapping (F.5): the id of an active recovery (in_active_period=1) that blocks an
/// *automated* recovery of `failed` in `cluster_name`: one whose successor is `failed` (checked
/// first: after a failover the cluster has a new name, so this is what protects the new
/// master), else any of the same cluster_name. The newest such recovery; nullopt if none.
std::optional<int64_t> find_blocking_recovery(soci::session& s, const model::InstanceKey& failed,
                                              const std::string& cluster_name);

/// Audit of a refused recovery: upserts blocked_topology_recovery (one row per instance) with
/// last_blocked_timestamp=NOW().
void record_blocked_recovery(soci::session& s, const model::InstanceKey& key,
                             const std::string& cluster_name, const std::string& analysis,
                             int64_t blocking_recovery_id);

/// Upstream's ExpireBlockedRecoveries: deletes rows whose blocking recovery is acknowledged or
/// gone, and rows not refreshed (blocked again) for more than `stale_seconds`. Returns rows
/// deleted.
int expire_blocked_recoveries(soci::session& s, int stale_seconds);

/// Fencing token of the processing node, for steps of automated recoveries.
struct LeaderFence {
  std::string hostname, token;
  uint64_t epoch = 0;
};

/// Appends one audit line to topology_recovery_steps.
void add_recovery_step(soci::session& s, const std::string& uid, const std::string& message);
/// Fenced variant for automated recoveries: INSERT ... SELECT ... FROM active_node WHERE
/// anchor=1 AND hostname, token and epoch are the fence's AND lease_expires_at > NOW(3). The
/// SELECT share-locks the active_node row, so a takeover cannot commit between the check and
/// the write. Returns false (nothing written) when the node no longer leads that epoch: the
/// recovery must then stop.
bool add_recovery_step(soci::session& s, const std::string& uid, const std::string& message,
                       const LeaderFence& fence);

/// How a recovery ended.
struct RecoveryResolution {
  int64_t recovery_id = 0;
  bool is_successful = false;
  std::optional<model::InstanceKey> successor;  ///< written as '' / 0 when none
  std::string successor_alias;
  std::vector<model::InstanceKey> lost_replicas, participating;
  /// all_errors, newline-joined (S5). The column is ascii: other bytes are stored as '?'.
  std::vector<std::string> errors;
};

/// Sets end_recovery=NOW() and the fields above (upstream's writeResolveRecovery).
void resolve_recovery(soci::session& s, const RecoveryResolution& r);

/// Which recoveries an acknowledgement or a read applies to: the fields set are ANDed, all
/// empty = every recovery.
struct RecoveryScope {
  std::optional<int64_t> id;
  std::optional<std::string> uid;
  std::optional<model::InstanceKey> key;  ///< the failed instance
  /// Matches cluster_name (callers resolve hints and aliases first), and also the recovery
  /// whose successor is now a member of that cluster (it is recorded under the old name).
  std::optional<std::string> cluster_name;
  /// Matches the alias recorded with the recovery (never ''). Together with cluster_name a
  /// row matching either is in scope: after a failover the cluster has a new name but keeps
  /// its alias, so acknowledging the cluster also reaches the recoveries that renamed it, as
  /// upstream's AcknowledgeClusterRecoveries.
  std::optional<std::string> cluster_alias;
  bool unacknowledged_only = false;  ///< reads only (acknowledgements imply it)
};

/// The scope of a whole cluster: its name and its current alias (read_cluster_alias).
RecoveryScope cluster_recovery_scope(soci::session& s, const std::string& cluster_name);

/// Upstream's acknowledgeRecoveries: for unacknowledged rows in scope sets acknowledged=1,
/// acknowledged_at=NOW(), acknowledged_by, acknowledge_comment, in_active_period=0 and, where
/// it was 0, end_active_period_unixtime to a value unique for the instance (UNIX_TIMESTAMP() or
/// past the instance's last one: two acknowledgements in one second must not collide on the
/// unique key, S8). Also ends the active failure detections of the scope: of the key, of the
/// cluster, every one for an empty scope, and those of the instances acknowledged, so their
/// next failure is detected (and hooked) again. Returns rows acknowledged.
int acknowledge_recoveries(soci::session& s, const RecoveryScope& scope, const std::string& by,
                           const std::string& comment);

/// Upstream's AcknowledgeInstanceCompletedRecoveries, run by manual recoveries so the lock row
/// of a finished recovery does not stand in their way: acknowledges the recoveries of `key`
/// that have an end_recovery. Running ones (and failure detections) are left alone. Returns
/// rows acknowledged.
int acknowledge_finished_recoveries(soci::session& s, const model::InstanceKey& key,
                                    const std::string& by, const std::string& comment);

/// Ends the active period of recoveries that started more than `block_seconds` ago
/// (RecoveryPeriodBlockSeconds; upstream's ClearActiveRecoveries). Returns rows ended.
int clear_expired_recovery_periods(soci::session& s, int block_seconds);

/// Liveness of a running recovery: last_heartbeat=NOW(3) on its row while it has no
/// end_recovery. Called every second by whoever runs the recovery (a node's recovery actor or
/// API handler, or a CLI process), whatever else that process is busy with (hooks, servers).
void heartbeat_recovery(soci::session& s, int64_t recovery_id);

/// Crash safety (F.5): acknowledges active recoveries with end_recovery IS NULL whose owner
/// stopped: a last_heartbeat older than `stale_seconds`, or, for rows without a heartbeat
/// (upstream binaries), a processing node (hostname, token) with no node_health row seen
/// within `stale_seconds`. By "orchestrator" with comment "detected crashed recovery"
/// (upstream's texts); their end_recovery is set. Nothing resumes them; the instance can be
/// recovered again. Returns the count.
int acknowledge_crashed_recoveries(soci::session& s, int stale_seconds);

/// True when global_recovery_disable has its row (1): automated recoveries are off.
bool is_global_recovery_disabled(soci::session& s);
/// INSERT IGNORE (1) to disable, DELETE to enable; idempotent.
void set_global_recovery_disabled(soci::session& s, bool disabled);

/// One topology_recovery row. Times are "YYYY-MM-DD HH:MM:SS" in the session time zone; "" for
/// NULL.
struct TopologyRecoveryRow {
  int64_t id = 0;          ///< recovery_id
  model::InstanceKey key;  ///< the failed instance
  bool in_active_period = false;
  std::string start_active_period;
  int64_t end_active_period_unixtime = 0;  ///< 0 while active (or NULL)
  std::string end_recovery;                ///< "" while running (or crashed)
  std::string processing_node_hostname, processing_node_token;
  bool is_successful = false;
  std::optional<model::InstanceKey> successor;  ///< nullopt when NULL, '' or port 0
  std::string analysis, cluster_name, cluster_alias;
  int count_affected_slaves = 0;
  std::vector<model::InstanceKey> slave_hosts, participating_instances, lost_slaves;
  std::vector<std::string> all_errors;  ///< empty lines dropped
  bool acknowledged = false;
  std::string acknowledged_at, acknowledged_by, acknowledge_comment;
  int64_t last_detection_id = 0;
  std::string successor_alias;
  std::string uid;
};

/// Recoveries in scope, newest first. `only_active` = in_active_period=1. `limit`/`offset` for
/// pages (page size 50 as upstream's audit pages).
std::vector<TopologyRecoveryRow> read_recoveries(soci::session& s, const RecoveryScope& scope,
                                                 bool only_active, int limit, int offset);

/// Upstream's ReadActiveClusterRecovery: running recoveries of the cluster (in their active
/// period, no end_recovery yet), newest first.
std::vector<TopologyRecoveryRow> read_active_cluster_recoveries(soci::session& s,
                                                                const std::string& cluster_name);
/// Upstream's ReadRecentlyActiveClusterRecovery: recoveries of the cluster that ended in the
/// last 5 minutes, newest first.
std::vector<TopologyRecoveryRow> read_recently_active_cluster_recoveries(
    soci::session& s, const std::string& cluster_name);
/// Upstream's ReadRecentlyActiveInstanceRecovery: recoveries that ended in the last 5 minutes
/// and promoted `successor`, newest first.
std::vector<TopologyRecoveryRow> read_recently_active_instance_recoveries(
    soci::session& s, const model::InstanceKey& successor);

/// One topology_recovery_steps line.
struct RecoveryStepRow {
  int64_t id = 0;
  std::string uid, audit_at, message;
};
/// The steps of one recovery, oldest first.
std::vector<RecoveryStepRow> read_recovery_steps(soci::session& s, const std::string& uid);

/// One blocked_topology_recovery row.
struct BlockedRecoveryRow {
  model::InstanceKey key;
  std::string cluster_name, analysis, last_blocked_timestamp;
  int64_t blocking_recovery_id = 0;  ///< 0 when NULL
};
/// Blocked recoveries, most recently blocked first; only `cluster`'s when given.
std::vector<BlockedRecoveryRow> read_blocked_recoveries(soci::session& s,
                                                        const std::optional<std::string>& cluster);

}  // namespace orc::storage
