#pragma once
// Statement texts and result column names per server flavour and version. MySQL renamed
// master/slave to source/replica in steps (8.0.22 statements, 8.0.23 CHANGE options, 8.0.26
// variables) and 8.4 removed the old forms, while MariaDB kept the old forms; every SQL text
// sent to a managed server that depends on this goes through a Dialect.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/instance.hpp"
#include "model/version.hpp"

namespace orc::storage {

/// Quotes `text` as a MySQL/MariaDB string literal that reads back verbatim. A single quote
/// is doubled (''), which means a quote in every sql_mode; every other byte is copied as it
/// is (newlines, '"', control bytes are plain characters inside '...') except the two whose
/// meaning depends on the session's sql_mode: a backslash is doubled and NUL written \0 when
/// backslash escapes are on (the default), both kept as they are with NO_BACKSLASH_ESCAPES,
/// where "\'" would end the string. So a text without backslash or NUL gives the same,
/// correct literal whatever the mode; for one with them, pass the session's mode
/// (session_no_backslash_escapes() in instance_probe.hpp reads it).
std::string quote_sql_string(std::string_view text, bool no_backslash_escapes = false);

/// True when quote_sql_string(text) depends on the session's sql_mode (backslash or NUL).
bool needs_sql_mode(std::string_view text);

/// Whether an @@SESSION.sql_mode value includes NO_BACKSLASH_ESCAPES.
bool sql_mode_has_no_backslash_escapes(std::string_view sql_mode);

/// Column names of SHOW SLAVE STATUS / SHOW REPLICA STATUS that were renamed in MySQL 8.0.22.
/// Columns whose name never changed (Relay_Log_File, Last_IO_Error, Auto_Position, ...) are
/// not listed.
struct ReplicaStatusColumns {
  const char* io_state;               ///< Slave_IO_State / Replica_IO_State
  const char* master_host;            ///< Master_Host / Source_Host
  const char* master_user;            ///< Master_User / Source_User
  const char* master_port;            ///< Master_Port / Source_Port
  const char* master_log_file;        ///< Master_Log_File / Source_Log_File
  const char* read_master_log_pos;    ///< Read_Master_Log_Pos / Read_Source_Log_Pos
  const char* relay_master_log_file;  ///< Relay_Master_Log_File / Relay_Source_Log_File
  const char* exec_master_log_pos;    ///< Exec_Master_Log_Pos / Exec_Source_Log_Pos
  const char* io_running;             ///< Slave_IO_Running / Replica_IO_Running
  const char* sql_running;            ///< Slave_SQL_Running / Replica_SQL_Running
  const char* seconds_behind;         ///< Seconds_Behind_Master / Seconds_Behind_Source
  const char* ssl_allowed;            ///< Master_SSL_Allowed / Source_SSL_Allowed
  const char* master_server_id;       ///< Master_Server_Id / Source_Server_Id
  const char* master_uuid;            ///< Master_UUID / Source_UUID (MySQL only)
  const char* sql_running_state;      ///< Slave_SQL_Running_State / Replica_SQL_Running_State
};

/// The names returned by SHOW SLAVE STATUS (MySQL < 8.0.22, deprecated form on 8.0, MariaDB).
const ReplicaStatusColumns& legacy_replica_status_columns();
/// The names returned by SHOW REPLICA STATUS on MySQL 8.0.22+ (MariaDB keeps the old names).
const ReplicaStatusColumns& replica_status_columns_8022();

/// Column names of SHOW SLAVE HOSTS / SHOW REPLICAS. Host and Port never changed.
struct ReplicaHostsColumns {
  const char* server_id;  ///< Server_id / Server_Id
  const char* master_id;  ///< Master_id / Source_Id
};

/// The two semi-sync plugin generations: MySQL's old plugins and MariaDB's built-in use
/// rpl_semi_sync_master_* / _slave_*, MySQL 8.0.26+'s new plugins use _source_* / _replica_*.
/// Only one generation is loaded per server, so which one applies is detected from the
/// variables that exist (detect_semi_sync_family in probe_parse.hpp).
enum class SemiSyncFamily { MasterSlave, SourceReplica };

/// Variable and status names of one semi-sync generation.
struct SemiSyncNames {
  const char* master_enabled;                 ///< variable
  const char* replica_enabled;                ///< variable
  const char* master_timeout;                 ///< variable (ms)
  const char* master_wait_for_replica_count;  ///< variable; absent on MariaDB
  const char* master_status;                  ///< status
  const char* master_clients;                 ///< status
  const char* replica_status;                 ///< status
};
const SemiSyncNames& semi_sync_names(SemiSyncFamily family);

/// Where a replica is pointed in CHANGE MASTER TO / CHANGE REPLICATION SOURCE TO. Empty
/// user/password and unset optionals are left out of the statement, so the server keeps the
/// values it has (a host change keeps the stored credentials).
struct ChangeMasterOptions {
  std::string host;
  int port = 0;
  std::string user;
  std::string password;
  /// true: MariaDB MASTER_USE_GTID=slave_pos, MySQL MASTER/SOURCE_AUTO_POSITION=1.
  /// false: file/pos positioning; `coordinates` is then required and GTID positioning is
  /// switched off explicitly (MariaDB 10.10+ would flip it silently, MySQL refuses file/pos
  /// while auto-position is on).
  bool use_gtid = true;
  /// With use_gtid on MariaDB: MASTER_USE_GTID=current_pos instead of slave_pos, so the
  /// server asks from a position that includes its own binlogged writes (a demoted master
  /// joining its successor; slave_pos would ask for its own transactions again). MySQL's
  /// auto-position always sends gtid_executed, so the flag changes nothing there. Refused
  /// without use_gtid.
  bool mariadb_current_pos = false;
  std::optional<model::BinlogCoordinates> coordinates;
  std::optional<int> connect_retry;        ///< seconds
  std::optional<double> heartbeat_period;  ///< seconds, millisecond resolution
  /// The session's NO_BACKSLASH_ESCAPES (quote_sql_string). Needed only when a host, user,
  /// password or log file name contains a backslash or NUL: change_master_to refuses such a
  /// value while the mode is unknown rather than guess (CHANGE MASTER takes literals only).
  std::optional<bool> no_backslash_escapes;
};

/// Statement vocabulary for one server, chosen from its version. MySQL switches to the new
/// terms as soon as they exist (SHOW REPLICA STATUS etc. at 8.0.22, CHANGE REPLICATION SOURCE
/// at 8.0.23, SHOW BINARY LOG STATUS at 8.4 where SHOW MASTER STATUS is gone); MariaDB always
/// gets the master/slave forms, which every MariaDB release accepts.
class Dialect {
 public:
  explicit Dialect(model::ServerVersion version);

  const model::ServerVersion& version() const { return version_; }
  bool is_mariadb() const { return version_.is_mariadb(); }
  /// MySQL 8.0.22+: SHOW REPLICA STATUS, SHOW REPLICAS, START/STOP/RESET REPLICA, and the
  /// replica-status columns come back with source/replica names.
  bool uses_replica_statements() const;
  /// MySQL 8.0.23+: CHANGE REPLICATION SOURCE TO with SOURCE_* option names.
  bool uses_source_options() const;

  std::string show_replica_status() const;
  /// SHOW BINARY LOG STATUS on MySQL 8.4+, else SHOW MASTER STATUS (File, Position columns).
  std::string show_master_status() const;
  /// SHOW REPLICAS on MySQL 8.0.22+, else SHOW SLAVE HOSTS.
  std::string show_replica_hosts() const;
  std::string start_replica() const;
  std::string stop_replica() const;
  std::string start_replica_io_thread() const;
  std::string stop_replica_io_thread() const;
  std::string start_replica_sql_thread() const;
  std::string stop_replica_sql_thread() const;
  /// Forgets the source entirely (RESET SLAVE ALL / RESET REPLICA ALL); needs RELOAD.
  std::string reset_replica_all() const;
  /// Builds the CHANGE statement; nullopt (reason in `error`) for an empty host, a port
  /// outside 1..65535, negative retry/heartbeat, file/pos positioning without coordinates
  /// (or with use_gtid, which servers reject), or a value that needs the unknown sql_mode.
  /// Values are quoted with quote_sql_string: CHANGE MASTER TO accepts neither bound
  /// parameters nor expressions (hex literals, CONCAT), only plain string literals.
  std::optional<std::string> change_master_to(const ChangeMasterOptions& opt,
                                              std::string* error = nullptr) const;

  /// The server's GTID position that a replica must reach to hold every transaction this
  /// server has binlogged: MariaDB @@global.gtid_binlog_pos (not gtid_current_pos, which
  /// per domain falls back to gtid_slave_pos and so misses binlogged transactions that came
  /// neither from this server nor through its SQL thread, e.g. a replayed binlog); MySQL
  /// @@global.gtid_executed. One column.
  std::string executed_gtid_query() const;
  /// SELECT MASTER_GTID_WAIT(:pos, seconds) on MariaDB (0 reached, -1 timeout; fractional
  /// seconds honoured; it waits for the replica's SQL thread) or
  /// WAIT_FOR_EXECUTED_GTID_SET(:pos, seconds) on MySQL (0 reached, 1 timeout). MySQL gets
  /// whole seconds rounded up, at least 1: 5.7 reads the timeout as an integer and 0 there
  /// means "wait forever". A negative timeout counts as 0. The position is the bound
  /// parameter `:pos` (SOCI escapes it for the session's mode). One column, read with
  /// gtid_wait_reached().
  std::string wait_for_gtid(std::chrono::milliseconds timeout) const;
  /// Interprets the result of wait_for_gtid(): true when reached, false on timeout; nullopt
  /// for any other value (NULL is mapped by the caller; it means invalid arguments).
  std::optional<bool> gtid_wait_reached(long long result) const;

  /// log_replica_updates on MySQL 8.0.26+, else log_slave_updates.
  std::string log_replica_updates_variable() const;
  /// The generation to use when none is loaded yet: source/replica on MySQL 8.0.26+.
  SemiSyncFamily preferred_semi_sync_family() const;
  /// Replica connections as seen by the source: one HOST column ("ip:port"). Uses
  /// information_schema.PROCESSLIST on every flavour: MySQL 8's performance_schema.processlist
  /// is empty when performance_schema is OFF, while the I_S table is only deprecated.
  std::string processlist_replica_hosts() const;

  /// The column names that show_replica_status() returns on this server.
  const ReplicaStatusColumns& replica_status_columns() const;
  /// The column names that show_replica_hosts() returns on this server.
  const ReplicaHostsColumns& replica_hosts_columns() const;

 private:
  model::ServerVersion version_;
};

/// SHOW GLOBAL VARIABLES (or STATUS when `status`) restricted to `names` and LIKE `patterns`.
/// Unlike SELECT @@x, it never fails on a variable the server lacks, so one statement can read
/// the variables of every flavour. The server truncates long values (4096 chars measured on
/// MariaDB 10.11; MySQL's performance_schema VARIABLE_VALUE is VARCHAR(1024)), so MySQL GTID
/// sets, which grow with every source UUID, must be read with SELECT.
std::string show_global_where(bool status, const std::vector<std::string>& names,
                              const std::vector<std::string>& like_patterns);

/// SELECT @@global.a AS `a`, ... : reads the given variables in one statement of its own
/// (next to a table read, MariaDB can return stale values). About 6x cheaper on the server
/// than SHOW GLOBAL VARIABLES WHERE (56 vs 369 us measured on MariaDB 10.11), but the whole
/// statement fails with ER_UNKNOWN_SYSTEM_VARIABLE (1193) if one name does not exist.
std::string select_global_variables(const std::vector<std::string>& names);

}  // namespace orc::storage
