#pragma once
// Backend access for database_instance: the batched writes the storage actor issues after
// probes, and the instance reads the API and the CLI use. Every time comparison runs in SQL
// against the backend's NOW() (schema S11), never against the application clock.

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/instance.hpp"
#include "model/instance_key.hpp"

namespace soci {
class session;
}

namespace orc::storage {

// ---- writes (storage/instance_write.cpp) ----

/// Upserts full rows after successful probes: one multi-row INSERT ... ON DUPLICATE KEY UPDATE
/// over all 78 columns per chunk of kInstanceWriteChunkRows rows, rows sorted by key so that
/// concurrent writers lock in the same order (no deadlocks). Sets last_checked =
/// last_attempted_check = last_seen = NOW() and last_check_partial_success = 1, so the check is
/// valid (S2, S3). When a key appears twice, the last occurrence wins.
void write_instances(soci::session& s, const std::vector<model::Instance>& instances);

/// Rows per upsert statement: bounds the statement size (78 values per row) while keeping the
/// statement count of a flush at ceil(n / 200).
inline constexpr std::size_t kInstanceWriteChunkRows = 200;

/// Records successful probes that changed nothing (see persisted_state_equal): ONE UPDATE that
/// moves last_checked, last_attempted_check and last_seen to NOW() and advances uptime by the
/// time since the previous last_seen, so the row stays what a full write would have produced.
void touch_instances(soci::session& s, const std::vector<model::InstanceKey>& keys);

/// Records failed probes (S3): last_checked = NOW() and last_check_partial_success = the flag
/// (true when the first variables query still succeeded). last_seen is untouched, so the check
/// becomes invalid; rows are never created. At most 2 statements (one per flag value).
void mark_instances_failed(soci::session& s,
                           const std::vector<std::pair<model::InstanceKey, bool>>& failures);

/// Marks probes still running (hung-probe detector, S3): last_attempted_check = NOW(). ONE UPDATE.
void mark_attempted(soci::session& s, const std::vector<model::InstanceKey>& keys);

/// Deletes the instance's database_instance row (only that table, like upstream's
/// ForgetInstance: tags, downtime and candidate rows stay). False when there was no such row.
bool forget_instance(soci::session& s, const model::InstanceKey& key);

/// True when upserting `b` over a row written from `a` would change no column except the check
/// timestamps, uptime and last_discovery_latency, so a touch_instances() is enough. Compares
/// exactly the values write_instances() would bind, so the two cannot drift apart. An uptime
/// that went backwards means the server restarted: that is a change (a touch would keep adding
/// to the old uptime).
bool persisted_state_equal(const model::Instance& a, const model::Instance& b);

/// The slave_hosts / replication_group_members text (S5): a JSON array of
/// {"Hostname":..,"Port":..} objects sorted by hostname then port, duplicates removed; "[]"
/// when empty.
std::string instance_keys_json(std::vector<model::InstanceKey> keys);

/// Parses instance_keys_json() text. Tolerates '' and malformed text (yields the entries that
/// could be read, possibly none) because other tools write these columns too.
std::vector<model::InstanceKey> parse_instance_keys_json(const std::string& text);

// ---- reads (storage/instance_read.cpp) ----

/// Settings that turn stored timestamps into the derived flags of Instance.
struct ReadOptions {
  int instance_poll_seconds = 5;  ///< InstancePollSeconds: is_up_to_date / is_recently_checked
  /// ReasonableReplicationLagSeconds: beyond it a replica gets the "replication_lag" problem.
  int reasonable_replication_lag_seconds = 10;
};

/// One instance with its joined facts (promotion rule, downtime) and derived flags: validity
/// per S2, up-to-date, recently checked, seconds since last seen, problems. nullopt if unknown.
std::optional<model::Instance> read_instance(soci::session& s, const model::InstanceKey& key,
                                             const ReadOptions& opt = {});

/// Every instance, ordered by hostname, port. One query.
std::vector<model::Instance> read_all_instances(soci::session& s, const ReadOptions& opt = {});

/// The members of one cluster, ordered by hostname, port.
std::vector<model::Instance> read_cluster_instances(soci::session& s,
                                                    const std::string& cluster_name,
                                                    const ReadOptions& opt = {});

/// Instances whose stored master is `master_key`, ordered by hostname, port.
std::vector<model::Instance> read_replicas_of(soci::session& s,
                                              const model::InstanceKey& master_key,
                                              const ReadOptions& opt = {});

/// Upstream's SearchInstances: `pattern` (trimmed) is a plain substring, not a LIKE pattern,
/// matched case-insensitively against hostname, host:port, cluster_name, version,
/// version_comment and suggested_cluster_alias; or equal to server_id or port. Ordered by
/// replication_depth, most replicas first, cluster_name, hostname, port.
std::vector<model::Instance> search_instances(soci::session& s, const std::string& pattern,
                                              const ReadOptions& opt = {});

/// Instances due a poll (S3, upstream's ReadOutdatedInstanceKeys): last_checked older than
/// `poll_seconds`, or older than 2 × `poll_seconds` while the last attempt is newer than the last
/// check (a failing or hanging instance is retried less eagerly).
std::vector<model::InstanceKey> read_outdated_keys(soci::session& s, int poll_seconds);

}  // namespace orc::storage
