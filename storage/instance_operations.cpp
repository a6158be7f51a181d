// Replication control statements. Every command first reads what it needs (replica status,
// log_bin) and refuses before sending anything that changes the server.

#include "storage/instance_operations.hpp"

#include <soci/soci.h>

#include <optional>

#include "storage/instance_probe.hpp"
#include "storage/operation_guard.hpp"
#include "storage/probe_parse.hpp"

namespace orc::storage {

namespace {

/// The replica-status facts the commands check.
struct ReplicaFacts {
  bool configured = false;  ///< a replica status row with a master host
  std::string master_host;
  int master_port = 0;
  bool gtid_positioning = false;  ///< MariaDB Using_Gtid != No, MySQL Auto_Position = 1
  std::string exec_file;          ///< Relay_Master_Log_File
  std::string exec_pos;           ///< Exec_Master_Log_Pos
  bool detached() const { return master_host.rfind("//", 0) == 0; }
};

ReplicaFacts read_replica_facts(soci::session& s, const Dialect& d) {
  const auto& cols = d.replica_status_columns();
  Rows rows =
      guarded(d.show_replica_status(), [&] { return query_rows(s, d.show_replica_status()); });
  ReplicaFacts f;
  if (rows.empty()) return f;
  const Row& r = rows.front();
  f.master_host = row_value(r, cols.master_host).value_or("");
  f.configured = !f.master_host.empty();
  try {
    f.master_port = std::stoi(row_value(r, cols.master_port).value_or("0"));
  } catch (const std::exception&) {
    f.master_port = 0;
  }
  if (d.is_mariadb()) {
    auto using_gtid = row_value(r, "Using_Gtid").value_or("No");
    f.gtid_positioning = using_gtid != "No" && !using_gtid.empty();
  } else {
    f.gtid_positioning = row_value(r, "Auto_Position").value_or("0") == "1";
  }
  f.exec_file = row_value(r, cols.relay_master_log_file).value_or("");
  f.exec_pos = row_value(r, cols.exec_master_log_pos).value_or("");
  return f;
}

ReplicaFacts require_replica(soci::session& s, const Dialect& d) {
  auto f = read_replica_facts(s, d);
  if (!f.configured) throw OperationError("instance is not a replica");
  return f;
}

/// CHANGE MASTER TO MASTER_HOST=.., MASTER_PORT=.. (source terms on MySQL 8.0.23+), plus the
/// executed coordinates under file/pos positioning, since a host change resets them.
/// Both values come from the server's own SHOW SLAVE STATUS; quote_sql_string makes them
/// literals in any sql_mode, asking the session's mode only when a value needs it.
std::string change_host_statement(soci::session& s, const Dialect& d, const ReplicaFacts& f,
                                  const std::string& host) {
  bool nbe = false;
  if (needs_sql_mode(host) || needs_sql_mode(f.exec_file))
    nbe = guarded("reading sql_mode", [&] { return session_no_backslash_escapes(s); });
  const bool source = d.uses_source_options();
  const std::string p = source ? "SOURCE_" : "MASTER_";
  std::string sql = source ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ";
  sql += p + "HOST=" + quote_sql_string(host, nbe) + ", " + p +
         "PORT=" + std::to_string(f.master_port);
  if (!f.gtid_positioning && !f.exec_file.empty() && !f.exec_pos.empty()) {
    sql += ", " + p + "LOG_FILE=" + quote_sql_string(f.exec_file, nbe);
    sql += ", " + p + "LOG_POS=" + std::to_string(std::stoull(f.exec_pos));
  }
  return sql;
}

/// A CHANGE MASTER built here carries no password: its text may be reported.
void exec_change(soci::session& s, const std::string& sql) {
  guarded(sql, [&] { execute_verbatim(s, sql); });
}

}  // namespace

model::ServerVersion read_server_version(soci::session& s) {
  std::string version, comment;
  guarded("reading the server version", [&] {
    s << "SELECT @@version, @@version_comment", soci::into(version), soci::into(comment);
  });
  auto parsed = model::parse_server_version(version, comment);
  if (!parsed) throw OperationError("unrecognised server version: " + version);
  return *parsed;
}

void stop_replication(soci::session& s, const Dialect& d) {
  require_replica(s, d);
  exec(s, d.stop_replica());
}

void start_replication(soci::session& s, const Dialect& d) {
  auto f = require_replica(s, d);
  if (f.detached())
    throw OperationError("replica is detached from its master (" + f.master_host +
                         "); reattach it first");
  exec(s, d.start_replica());
}

void restart_replication(soci::session& s, const Dialect& d) {
  auto f = require_replica(s, d);
  if (f.detached())
    throw OperationError("replica is detached from its master (" + f.master_host +
                         "); reattach it first");
  exec(s, d.stop_replica());
  exec(s, d.start_replica());
}

void reset_replication(soci::session& s, const Dialect& d) {
  require_replica(s, d);
  exec(s, d.stop_replica());
  exec(s, d.reset_replica_all());
}

void set_read_only(soci::session& s, const Dialect& d, bool read_only, bool use_super_read_only) {
  exec(s, std::string("SET GLOBAL read_only = ") + (read_only ? "1" : "0"));
  if (read_only && use_super_read_only && d.version().is_mysql_family()) {
    try {
      s << "SET GLOBAL super_read_only = 1";
    } catch (const std::exception&) {
      // As upstream: read_only is in force; super_read_only only hardens it.
    }
  }
}

void detach_master_host(soci::session& s, const Dialect& d) {
  auto f = require_replica(s, d);
  if (f.detached()) throw OperationError("instance already detached (" + f.master_host + ")");
  exec(s, d.stop_replica());
  // Read again: the executed position may have moved until the SQL thread stopped.
  f = require_replica(s, d);
  exec_change(s, change_host_statement(s, d, f, "//" + f.master_host));
}

void reattach_master_host(soci::session& s, const Dialect& d) {
  auto f = require_replica(s, d);
  if (!f.detached()) throw OperationError("instance does not seem to be detached");
  exec(s, d.stop_replica());
  f = require_replica(s, d);
  exec_change(s, change_host_statement(s, d, f, f.master_host.substr(2)));
  exec(s, d.start_replica());
}

void flush_binary_logs(soci::session& s) {
  int log_bin = 0;
  guarded("reading log_bin", [&] { s << "SELECT @@global.log_bin", soci::into(log_bin); });
  if (!log_bin) throw OperationError("binary logging is not enabled");
  exec(s, "FLUSH BINARY LOGS");
}

const std::vector<OperationSpec>& replication_operations() {
  using Settings = OperationSettings;
  static const std::vector<OperationSpec> ops{
      {{"stop-replica", "stop-slave"},
       "Replica stopped",
       [](soci::session& s, const Dialect& d, const Settings&) { stop_replication(s, d); }},
      {{"start-replica", "start-slave"},
       "Replica started",
       [](soci::session& s, const Dialect& d, const Settings&) { start_replication(s, d); }},
      {{"restart-replica", "restart-slave"},
       "Replica restarted",
       [](soci::session& s, const Dialect& d, const Settings&) { restart_replication(s, d); }},
      {{"reset-replica", "reset-slave"},
       "Replica reset",
       [](soci::session& s, const Dialect& d, const Settings&) { reset_replication(s, d); }},
      {{"detach-replica-master-host", "detach-slave-master-host", "detach-replica", "detach-slave"},
       "Replica detached",
       [](soci::session& s, const Dialect& d, const Settings&) { detach_master_host(s, d); }},
      {{"reattach-replica-master-host", "reattach-slave-master-host", "reattach-replica",
        "reattach-slave"},
       "Replica reattached",
       [](soci::session& s, const Dialect& d, const Settings&) { reattach_master_host(s, d); }},
      {{"set-read-only"},
       "Server set as read-only",
       [](soci::session& s, const Dialect& d, const Settings& o) {
         set_read_only(s, d, true, o.use_super_read_only);
       }},
      {{"set-writeable"},
       "Server set as writeable",
       [](soci::session& s, const Dialect& d, const Settings& o) {
         set_read_only(s, d, false, o.use_super_read_only);
       }},
      {{"flush-binary-logs"},
       "Binary logs flushed",
       [](soci::session& s, const Dialect&, const Settings&) { flush_binary_logs(s); }},
  };
  return ops;
}

std::unique_ptr<soci::session> open_instance_session(const MysqlEndpoint& topology,
                                                     const model::InstanceKey& key) {
  MysqlEndpoint endpoint = topology;
  endpoint.host = key.hostname;
  endpoint.port = key.port;
  endpoint.database.clear();
  // open_session's errors are sanitized: they name the endpoint, never the password.
  return guarded("cannot connect to " + key.str(), [&] { return open_session(endpoint); });
}

void run_operation_on(const MysqlEndpoint& topology, const model::InstanceKey& key,
                      const OperationSpec& op, const OperationSettings& settings) {
  auto session = open_instance_session(topology, key);
  Dialect dialect(read_server_version(*session));
  op.run(*session, dialect, settings);
}

}  // namespace orc::storage
