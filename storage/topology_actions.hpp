#pragma once
// The server-side steps of a failover and of a graceful takeover (contract F.2 steps 3 and 7,
// F.7): read a replica's progress, let its relay log drain, make a replica the master, point
// replicas (and a demoted master) at it, and wait for GTID positions. Each function acts on an
// open session to one managed server and its Dialect, reads what it needs first, and throws
// OperationError with the server's message on failure (never a password). Choosing who is
// promoted and in which order things happen is the recovery logic's business, not this file's.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "model/instance.hpp"
#include "model/instance_key.hpp"
#include "storage/backend.hpp"
#include "storage/instance_operations.hpp"
#include "storage/mysql_dialect.hpp"

namespace soci {
class session;
}

namespace orc::storage {

/// Replication progress of a replica from SHOW SLAVE/REPLICA STATUS (per-dialect column
/// names). With several MySQL channels the default channel ('') is read.
struct ReplicaProgress {
  bool is_replica = false;  ///< a status row with a master host exists
  bool io_running = false;  ///< IO thread "Yes" (connected); "Connecting" counts as false
  bool sql_running = false;
  model::BinlogCoordinates read;  ///< Master_Log_File:Read_Master_Log_Pos (IO thread received)
  model::BinlogCoordinates exec;  ///< Relay_Master_Log_File:Exec_Master_Log_Pos (SQL applied)
  std::string last_sql_error, last_io_error;
  std::string gtid_io_pos;  ///< MariaDB Gtid_IO_Pos; MySQL Retrieved_Gtid_Set ("" when absent)
  /// Master_User (never a password): whether the server has stored credentials to reconnect.
  std::string master_user;
};
ReplicaProgress read_replica_progress(soci::session& s, const Dialect& d);

/// Waits, polling every 10 ms, until the SQL thread has applied everything the IO thread
/// received (exec == read): the relay log is applied. Upstream skips this on MariaDB (#1260,
/// #1363), which can promote a replica that has not applied what it holds. Stop the IO thread
/// first (stop_io_thread) for a fixed target; with the IO thread running, true only means
/// "caught up at that moment".
/// Returns true when applied (also when the SQL thread is stopped without error but has
/// nothing left to apply), false at `timeout` (e.g. a relay log that ends inside a
/// transaction whose end never came can never be applied). Throws OperationError on a
/// non-replica, on a SQL thread stopped by an error (it will never catch up; the message has
/// Last_SQL_Error), and on a SQL thread stopped without error with work left: that was an
/// operator's decision, and restarting it behind their back is not this function's call.
bool wait_relay_log_applied(soci::session& s, const Dialect& d, std::chrono::milliseconds timeout);

/// STOP SLAVE IO_THREAD / STOP REPLICA IO_THREAD: the SQL thread keeps applying what was
/// received. No-op on a non-replica.
void stop_io_thread(soci::session& s, const Dialect& d);

/// Makes the server a master. With `reset_replication`: STOP SLAVE and RESET SLAVE ALL (RESET
/// REPLICA on MySQL 8.0.22+), the pair retried once on failure as upstream does, and only when
/// a replica status row exists. Then writable: on MySQL with `use_super_read_only`,
/// super_read_only=0 (a server without that variable is fine), then read_only=0. Without
/// `reset_replication` only the read_only part runs (ApplyMySQLPromotionAfterMasterFailover
/// = false keeps the replication config). GTID positions are left alone (RESET SLAVE ALL
/// keeps MariaDB's gtid_slave_pos and MySQL's gtid_executed). Idempotent on a writable master.
void promote_to_master(soci::session& s, const Dialect& d, bool reset_replication,
                       bool use_super_read_only);

/// Where a repointed replica starts reading.
enum class GtidStart {
  /// MariaDB MASTER_USE_GTID=slave_pos (what it applied from its old master: for replicas
  /// without local writes); MySQL SOURCE_AUTO_POSITION=1.
  ReplicaPosition,
  /// MariaDB MASTER_USE_GTID=current_pos (includes the server's own binlogged writes: for a
  /// demoted old master joining the new one); MySQL SOURCE_AUTO_POSITION=1.
  CurrentPosition,
};

struct RepointRequest {
  model::InstanceKey master;
  GtidStart start = GtidStart::ReplicaPosition;
  /// Empty: keep what the server has stored. The password is only ever sent in CHANGE MASTER.
  std::string user, password;
  bool start_replication = true;
  std::optional<int> connect_retry;        ///< seconds; keep stored when unset
  std::optional<double> heartbeat_period;  ///< seconds; keep stored when unset
};

/// STOP SLAVE (when a replica status row exists); CHANGE MASTER TO host, port, GTID
/// positioning, credentials if given; START SLAVE unless start_replication is false. Works on
/// a server that was never a replica, but then credentials are required: throws
/// OperationError "no replication credentials" before changing anything when `user` is empty
/// and the server has no stored Master_User. Invalid requests (empty host, bad port) are also
/// refused before anything changes.
void repoint_replica(soci::session& s, const Dialect& d, const RepointRequest& request);

/// The GTID position a replica must reach to hold every transaction this server has
/// binlogged (Dialect::executed_gtid_query: MariaDB gtid_binlog_pos, MySQL gtid_executed with
/// the servers' newlines removed). "" when the server has none.
std::string read_executed_gtid(soci::session& s, const Dialect& d);

/// Waits until this server (a replica) has applied `position` (from read_executed_gtid of its
/// master). MariaDB's MASTER_GTID_WAIT counts what its SQL thread applied and honours
/// sub-second timeouts; MySQL's WAIT_FOR_EXECUTED_GTID_SET counts any executed GTID and waits
/// whole seconds (rounded up). Returns true when reached, false at the timeout. The session's
/// read_timeout must exceed `timeout`. Throws OperationError on a server error or a NULL
/// result (invalid position text).
bool wait_for_executed_gtid(soci::session& s, const Dialect& d, const std::string& position,
                            std::chrono::milliseconds timeout);

/// SHOW MASTER STATUS / SHOW BINARY LOG STATUS (8.4): File:Position; nullopt when binary
/// logging is off (no row).
std::optional<model::BinlogCoordinates> read_binlog_position(soci::session& s, const Dialect& d);

struct ReplicationCredentials {
  std::string user, password;
};
/// The credentials this replica uses to connect to its master, where the server exposes them:
/// MySQL with master_info_repository=TABLE (the default since 8.0, the only choice in 8.4):
/// mysql.slave_master_info User_name/User_password of the default channel. MariaDB keeps them
/// in master.info only: nullopt. nullopt too when the table is missing, empty, unreadable or
/// has an empty user (START REPLICA USER=... stores none). Never log the password.
std::optional<ReplicationCredentials> read_replication_credentials(soci::session& s,
                                                                   const Dialect& d);

}  // namespace orc::storage
