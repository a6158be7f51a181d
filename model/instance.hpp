#pragma once
// The last known state of one MySQL/MariaDB server: what a probe reads, what
// database_instance stores, and what /api/instance returns.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/instance_key.hpp"

namespace orc::model {

/// A binlog or relay-log position. Type 0 = binary log, 1 = relay log (upstream's encoding).
struct BinlogCoordinates {
  std::string log_file;
  uint64_t log_pos = 0;
  int type = 0;

  bool empty() const { return log_file.empty(); }
  std::string str() const { return log_file + ":" + std::to_string(log_pos); }
  bool operator==(const BinlogCoordinates& o) const {
    return log_file == o.log_file && log_pos == o.log_pos;
  }
  /// Compares file names by numeric suffix then positions ("mysql-bin.000010" > ".000009").
  bool smaller_than(const BinlogCoordinates& o) const;
};

/// Replication thread state, encoded as in replication_{sql,io}_thread_state (schema S4).
enum class ThreadState : int { None = -1, Stopped = 0, Running = 1, Other = 2 };

/// Maps a SHOW SLAVE STATUS Slave_IO_Running / Slave_SQL_Running value ("Yes", "No",
/// "Connecting", "Preparing") to a ThreadState.
ThreadState thread_state_from_text(const std::string& text);

enum class Flavor { Unknown, MySQL, Percona, MariaDB };
const char* flavor_name(Flavor f);

/// Semi-synchronous replication facts, under both the master/slave and source/replica names.
struct SemiSyncState {
  bool available = false;  ///< both plugins (or MariaDB's built-in) present
  int priority = 0;        ///< from DetectSemiSyncEnforcedQuery; 0 = async
  bool master_enabled = false;
  bool replica_enabled = false;
  uint64_t master_timeout = 0;
  uint32_t master_wait_for_replica_count = 0;
  bool master_status = false;
  uint32_t master_clients = 0;
  bool replica_status = false;
};

/// Everything known about one server. Field names follow upstream's Instance struct
/// (go/inst/instance.go) so the JSON encoder and the backend row map one-to-one.
struct Instance {
  InstanceKey key;
  std::string instance_alias;
  uint64_t uptime = 0;
  uint32_t server_id = 0;
  std::string server_uuid;
  std::string version;          ///< @@version as reported, e.g. "10.11.19-MariaDB-0+deb12u1-log"
  std::string version_comment;  ///< @@version_comment
  Flavor flavor = Flavor::Unknown;
  std::string major_version;  ///< "10.11", "8.0"
  bool read_only = false;
  bool super_read_only = false;  ///< MySQL only; MariaDB has no such variable
  std::string binlog_format;
  std::string binlog_row_image;
  bool log_bin_enabled = false;
  bool log_slave_updates_enabled = false;
  BinlogCoordinates self_binlog_coordinates;

  // Replication (SHOW SLAVE/REPLICA STATUS; the last row when there are several channels).
  InstanceKey master_key;  ///< hostname "" and port 0 when not a replica
  std::string master_uuid;
  std::string ancestry_uuid;
  bool is_detached_master = false;  ///< master_host carries the "//" detach prefix
  ThreadState sql_thread_state = ThreadState::None;
  ThreadState io_thread_state = ThreadState::None;
  bool has_replication_filters = false;
  std::string gtid_mode;  ///< MySQL @@gtid_mode; "" on MariaDB
  bool supports_oracle_gtid = false;
  bool using_oracle_gtid = false;   ///< Auto_Position=1
  bool using_mariadb_gtid = false;  ///< Using_Gtid != No
  bool using_pseudo_gtid = false;
  BinlogCoordinates read_binlog_coordinates;  ///< Master_Log_File:Read_Master_Log_Pos
  BinlogCoordinates exec_binlog_coordinates;  ///< Relay_Master_Log_File:Exec_Master_Log_Pos
  BinlogCoordinates relaylog_coordinates;     ///< Relay_Log_File:Relay_Log_Pos (type 1)
  std::string last_sql_error;  ///< raw text (the backend stores it Go-quoted, schema S4)
  std::string last_io_error;
  int last_io_errno = 0;
  int last_sql_errno = 0;
  std::optional<int64_t> seconds_behind_master;    ///< null while the IO thread is down
  std::optional<int64_t> replication_lag_seconds;  ///< ReplicationLagQuery, else = SBM
  uint32_t sql_delay = 0;
  bool allow_tls = false;
  std::string master_user;        ///< Master_User; never a password
  std::string executed_gtid_set;  ///< MySQL @@gtid_executed; MariaDB @@gtid_current_pos
  std::string gtid_purged;
  std::string gtid_errant;
  std::string mariadb_gtid_binlog_pos;  ///< MariaDB @@gtid_binlog_pos (not persisted)
  std::string mariadb_gtid_slave_pos;   ///< MariaDB @@gtid_slave_pos (not persisted)
  std::string mariadb_gtid_io_pos;      ///< MariaDB Gtid_IO_Pos (not persisted)

  std::vector<InstanceKey> replicas;  ///< slave_hosts, sorted by hostname then port

  // Classification, derived from the master chain and detect queries.
  std::string cluster_name;
  std::string suggested_cluster_alias;
  std::string data_center;
  std::string region;
  std::string physical_environment;
  int replication_depth = 0;
  bool is_co_master = false;
  bool has_replication_credentials = false;
  bool replication_credentials_available = false;
  bool binlog_server = false;
  SemiSyncState semi_sync;
  int64_t last_discovery_latency_ns = 0;

  // Group Replication (MySQL 8.0+ only).
  std::string replication_group_name;
  bool replication_group_is_single_primary_mode = true;
  std::string replication_group_member_state;
  std::string replication_group_member_role;
  std::vector<InstanceKey> replication_group_members;
  InstanceKey replication_group_primary;

  // Check bookkeeping, filled from the backend (times are the backend's clock, S11).
  std::string last_seen_timestamp;  ///< "YYYY-MM-DD HH:MM:SS" or "" when never seen
  std::string last_checked_timestamp;
  bool last_check_partial_success = false;
  bool is_last_check_valid = false;
  bool is_up_to_date = false;
  bool is_recently_checked = false;
  int64_t seconds_since_last_seen = 0;  ///< -1 when never seen

  // Joined facts: promotion rule, downtime, unresolved name.
  bool is_candidate = false;
  std::string promotion_rule = "neutral";
  bool is_downtimed = false;
  std::string downtime_reason;
  std::string downtime_owner;
  std::string downtime_end_timestamp;
  int64_t elapsed_downtime_seconds = 0;
  std::string unresolved_hostname;

  std::vector<std::string> problems;

  // ---- derived predicates ----
  bool is_replica() const { return master_key.valid() && !is_detached_master; }
  bool is_mariadb() const { return flavor == Flavor::MariaDB; }
  bool replication_sql_thread_running() const { return sql_thread_state == ThreadState::Running; }
  bool replication_io_thread_running() const { return io_thread_state == ThreadState::Running; }
  bool is_replicating() const {
    return replication_sql_thread_running() && replication_io_thread_running();
  }
  bool is_replication_stopped() const {
    return sql_thread_state == ThreadState::Stopped && io_thread_state == ThreadState::Stopped;
  }
  bool using_gtid() const { return using_oracle_gtid || using_mariadb_gtid; }
  /// Upstream's IsDetached: a replica whose exec coordinates are the "detached" sentinel.
  bool is_detached() const { return exec_binlog_coordinates.log_file == "//"; }
};

}  // namespace orc::model
