// Failover steps on one managed server. Every function reads the replica status first and
// refuses before it changes anything; SQL failures become OperationError with the server's
// message, and nothing that is reported ever contains a password.

#include "storage/topology_actions.hpp"

#include <soci/soci.h>

#include <thread>

#include "storage/instance_probe.hpp"
#include "storage/operation_guard.hpp"
#include "storage/probe_parse.hpp"

namespace orc::storage {

namespace {

constexpr int kUnknownSystemVariable = 1193;
constexpr std::chrono::milliseconds kPollInterval{10};

Rows replica_status_rows(soci::session& s, const Dialect& d) {
  return guarded(d.show_replica_status(), [&] { return query_rows(s, d.show_replica_status()); });
}

/// The default channel's row (Channel_Name ''), else the first; nullptr when there is none.
/// MariaDB's SHOW SLAVE STATUS has no channel column and shows the default connection only.
const Row* default_channel(const Rows& rows) {
  for (const Row& r : rows) {
    auto channel = row_value(r, "Channel_Name");
    if (channel && channel->empty()) return &r;
  }
  return rows.empty() ? nullptr : &rows.front();
}

std::string without_newlines(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\n' && c != '\r') out += c;
  }
  return out;
}

ReplicaProgress progress_from_rows(const Rows& rows, const Dialect& d) {
  ReplicaProgress p;
  const Row* row = default_channel(rows);
  if (row == nullptr) return p;
  const auto& c = d.replica_status_columns();
  auto text = [&](const char* column) { return row_value(*row, column).value_or(""); };
  auto position = [&](const char* column) {
    auto v = parse_int(row_value(*row, column));
    return v && *v > 0 ? static_cast<uint64_t>(*v) : uint64_t{0};
  };
  p.is_replica = !text(c.master_host).empty();
  p.io_running = text(c.io_running) == "Yes";
  p.sql_running = text(c.sql_running) == "Yes";
  p.read = model::BinlogCoordinates{text(c.master_log_file), position(c.read_master_log_pos), 0};
  p.exec =
      model::BinlogCoordinates{text(c.relay_master_log_file), position(c.exec_master_log_pos), 0};
  p.last_sql_error = text("Last_SQL_Error");
  p.last_io_error = text("Last_IO_Error");
  p.gtid_io_pos =
      d.is_mariadb() ? text("Gtid_IO_Pos") : without_newlines(text("Retrieved_Gtid_Set"));
  p.master_user = text(c.master_user);
  return p;
}

/// `message` with every occurrence of `secret` masked; a server error about a CHANGE MASTER
/// statement may quote the statement, password included.
std::string masked(std::string message, const std::string& secret) {
  if (secret.empty()) return message;
  for (auto at = message.find(secret); at != std::string::npos; at = message.find(secret, at + 4)) {
    message.replace(at, secret.size(), "****");
  }
  return message;
}

}  // namespace

ReplicaProgress read_replica_progress(soci::session& s, const Dialect& d) {
  return progress_from_rows(replica_status_rows(s, d), d);
}

bool wait_relay_log_applied(soci::session& s, const Dialect& d, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const ReplicaProgress p = read_replica_progress(s, d);
    if (!p.is_replica) throw OperationError("instance is not a replica");
    if (!p.sql_running && !p.last_sql_error.empty()) {
      throw OperationError(
          "replication SQL thread stopped on an error, relay log cannot be "
          "applied: " +
          p.last_sql_error);
    }
    if (p.exec == p.read) return true;
    if (!p.sql_running) {
      throw OperationError("replication SQL thread is stopped with relay log left to apply (" +
                           p.exec.str() + " of " + p.read.str() + "); not starting it");
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
}

void stop_io_thread(soci::session& s, const Dialect& d) {
  if (!read_replica_progress(s, d).is_replica) return;
  exec(s, d.stop_replica_io_thread());
}

void promote_to_master(soci::session& s, const Dialect& d, bool reset_replication,
                       bool use_super_read_only) {
  if (reset_replication && !replica_status_rows(s, d).empty()) {
    auto reset = [&] {
      exec(s, d.stop_replica());
      exec(s, d.reset_replica_all());
    };
    try {
      reset();
    } catch (const OperationError&) {
      reset();  // upstream retries once; a second failure is reported
    }
  }
  if (use_super_read_only && d.version().is_mysql_family()) {
    try {
      s << "SET GLOBAL super_read_only = 0";
    } catch (const soci::soci_error& e) {
      // MySQL before 5.7.8 has no super_read_only: nothing to turn off.
      if (mysql_error_code(e) != kUnknownSystemVariable) {
        throw OperationError(std::string("SET GLOBAL super_read_only = 0: ") + e.what());
      }
    }
  }
  set_read_only(s, d, false, use_super_read_only);
}

void repoint_replica(soci::session& s, const Dialect& d, const RepointRequest& request) {
  ChangeMasterOptions opt;
  opt.host = request.master.hostname;
  opt.port = request.master.port;
  opt.user = request.user;
  opt.password = request.password;
  opt.use_gtid = true;
  opt.mariadb_current_pos = request.start == GtidStart::CurrentPosition;
  opt.connect_retry = request.connect_retry;
  opt.heartbeat_period = request.heartbeat_period;
  if (needs_sql_mode(opt.host) || needs_sql_mode(opt.user) || needs_sql_mode(opt.password)) {
    opt.no_backslash_escapes =
        guarded("reading sql_mode", [&] { return session_no_backslash_escapes(s); });
  }
  std::string why;
  const auto change = d.change_master_to(opt, &why);
  if (!change) throw OperationError(why);

  const Rows rows = replica_status_rows(s, d);
  if (request.user.empty() && progress_from_rows(rows, d).master_user.empty()) {
    throw OperationError(
        "no replication credentials: the server has no stored master user "
        "and none was given");
  }
  // MySQL accepts AUTO_POSITION only with both threads stopped; MariaDB needs them stopped for
  // any CHANGE MASTER.
  if (!rows.empty()) exec(s, d.stop_replica());
  const std::string what = "CHANGE MASTER TO " + request.master.str();
  try {
    execute_verbatim(s, *change);
  } catch (const std::exception& e) {
    throw OperationError(what + ": " + masked(e.what(), request.password));
  }
  if (request.start_replication) exec(s, d.start_replica());
}

std::string read_executed_gtid(soci::session& s, const Dialect& d) {
  std::string position;
  soci::indicator ind = soci::i_ok;
  guarded(d.executed_gtid_query(),
          [&] { s << d.executed_gtid_query(), soci::into(position, ind); });
  return ind == soci::i_ok ? without_newlines(position) : std::string();
}

bool wait_for_executed_gtid(soci::session& s, const Dialect& d, const std::string& position,
                            std::chrono::milliseconds timeout) {
  long long result = 0;
  soci::indicator ind = soci::i_ok;
  guarded("waiting for GTID position " + position,
          [&] { s << d.wait_for_gtid(timeout), soci::use(position), soci::into(result, ind); });
  if (ind != soci::i_ok) {
    throw OperationError("waiting for GTID position " + position + ": the server returned NULL");
  }
  auto reached = d.gtid_wait_reached(result);
  if (!reached) {
    throw OperationError("waiting for GTID position " + position + ": unexpected result " +
                         std::to_string(result));
  }
  return *reached;
}

std::optional<model::BinlogCoordinates> read_binlog_position(soci::session& s, const Dialect& d) {
  const Rows rows =
      guarded(d.show_master_status(), [&] { return query_rows(s, d.show_master_status()); });
  if (rows.empty()) return std::nullopt;
  const Row& r = rows.front();
  auto pos = parse_int(row_value(r, "Position"));
  return model::BinlogCoordinates{row_value(r, "File").value_or(""),
                                  pos && *pos > 0 ? static_cast<uint64_t>(*pos) : uint64_t{0}, 0};
}

std::optional<ReplicationCredentials> read_replication_credentials(soci::session& s,
                                                                   const Dialect& d) {
  if (d.is_mariadb()) return std::nullopt;  // master.info only
  Rows rows;
  try {
    // SELECT *: the columns are read by name, and 5.6 lacks Channel_name.
    rows = query_rows(s, "SELECT * FROM mysql.slave_master_info");
  } catch (const std::exception&) {
    return std::nullopt;  // no table (FILE repository on an old server) or no privilege
  }
  const Row* row = nullptr;
  for (const Row& r : rows) {
    auto channel = row_value(r, "Channel_name");
    if (!channel || channel->empty()) {
      row = &r;
      break;
    }
  }
  if (row == nullptr) return std::nullopt;
  ReplicationCredentials creds{row_value(*row, "User_name").value_or(""),
                               row_value(*row, "User_password").value_or("")};
  if (creds.user.empty()) return std::nullopt;
  return creds;
}

}  // namespace orc::storage
