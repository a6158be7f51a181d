#pragma once
// Replication control on one managed server (upstream's StopReplication, StartReplication,
// ResetReplicationOperation, SetReadOnly, DetachReplicaMasterHost, ... in
// go/inst/instance_topology_dao.go): the SQL each command sends, per flavour through a Dialect,
// and the checks that make a command refuse before it changes anything. Locking (the
// maintenance row) is the caller's business: see actors/operation_lock.hpp.

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/instance_key.hpp"
#include "model/version.hpp"
#include "storage/backend.hpp"
#include "storage/mysql_dialect.hpp"

namespace soci {
class session;
}

namespace orc::storage {

/// A command that could not be carried out: the server refused it (its message included) or
/// its state does not allow it ("not a replica", "already detached"). Never names a password.
struct OperationError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// @@version and @@version_comment of the server, parsed; throws OperationError when the text
/// is not a version.
model::ServerVersion read_server_version(soci::session& s);

/// STOP SLAVE / STOP REPLICA. Refuses on a server that is not a replica (no replica status
/// row, or no master host configured).
void stop_replication(soci::session& s, const Dialect& d);
/// START SLAVE / START REPLICA. Refuses on a server that is not a replica or whose master host
/// is detached (it could only fail to connect).
void start_replication(soci::session& s, const Dialect& d);
/// Stop then start, as upstream's RestartReplication; the same refusals.
void restart_replication(soci::session& s, const Dialect& d);
/// Stops replication and forgets the master (RESET SLAVE ALL / RESET REPLICA ALL), as upstream's
/// ResetReplicationOperation. Refuses on a server that is not a replica.
void reset_replication(soci::session& s, const Dialect& d);
/// SET GLOBAL read_only. On MySQL with `use_super_read_only` (config UseSuperReadOnly) turning
/// it on also sets super_read_only, whose failure is ignored as upstream does (it only hardens
/// the state already reached); turning read_only off also turns super_read_only off (the
/// server does that itself). MariaDB has no super_read_only, so the flag is ignored there.
void set_read_only(soci::session& s, const Dialect& d, bool read_only, bool use_super_read_only);
/// Stops replication and points it at "//host" (same port), so it cannot reconnect while the
/// stored position is kept (upstream's DetachReplicaMasterHost). With file/pos positioning the
/// executed coordinates are passed along, because changing the host makes the server forget
/// them. Replication stays stopped. Refuses on a non-replica and when already detached.
void detach_master_host(soci::session& s, const Dialect& d);
/// Removes the "//" again and starts replication (upstream's ReattachReplicaMasterHost).
/// Refuses on a non-replica and when not detached.
void reattach_master_host(soci::session& s, const Dialect& d);
/// FLUSH BINARY LOGS; refuses when log_bin is off.
void flush_binary_logs(soci::session& s);

/// Opens a session to `key` with the user, password and timeouts of `topology` (host and port
/// replaced, no default database): the one place that builds a managed server's endpoint.
/// Throws OperationError "cannot connect to host:port: ..." (the message names the endpoint,
/// never the password).
std::unique_ptr<soci::session> open_instance_session(const MysqlEndpoint& topology,
                                                     const model::InstanceKey& key);

/// Settings an operation may need beyond the server itself.
struct OperationSettings {
  bool use_super_read_only = false;
};

/// One replication control command as the API and the CLI expose it.
struct OperationSpec {
  /// Every name of the command, the canonical (replica) one first, then its synonyms
  /// (stop-slave, detach-replica, ...); the same strings are API path segments and CLI commands.
  std::vector<std::string> names;
  /// Past-tense text for the API message, e.g. "Replica stopped" ("<text>: host:port").
  std::string done;
  std::function<void(soci::session&, const Dialect&, const OperationSettings&)> run;
};

/// stop-replica, start-replica, restart-replica, reset-replica, detach-replica-master-host,
/// reattach-replica-master-host, set-read-only, set-writeable, flush-binary-logs.
const std::vector<OperationSpec>& replication_operations();

/// Opens a short-lived session to `key` with the credentials and timeouts of `topology`,
/// reads its version and runs `op`. Connection and SQL failures become OperationError with
/// the server's message (never the password).
void run_operation_on(const MysqlEndpoint& topology, const model::InstanceKey& key,
                      const OperationSpec& op, const OperationSettings& settings);

}  // namespace orc::storage
