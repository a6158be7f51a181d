#include "storage/mysql_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <utility>

namespace orc::storage {

std::string quote_sql_string(std::string_view text, bool no_backslash_escapes) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  for (char c : text) {
    if (c == '\'') {
      out += "''";
    } else if (c == '\\' && !no_backslash_escapes) {
      out += "\\\\";
    } else if (c == '\0' && !no_backslash_escapes) {
      out += "\\0";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

bool needs_sql_mode(std::string_view text) {
  return text.find('\\') != std::string_view::npos || text.find('\0') != std::string_view::npos;
}

bool sql_mode_has_no_backslash_escapes(std::string_view sql_mode) {
  constexpr std::string_view kMode = "NO_BACKSLASH_ESCAPES";
  std::size_t start = 0;
  while (start <= sql_mode.size()) {
    auto comma = sql_mode.find(',', start);
    auto item = sql_mode.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (item.size() == kMode.size() &&
        std::equal(item.begin(), item.end(), kMode.begin(),
                   [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; }))
      return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

const ReplicaStatusColumns& legacy_replica_status_columns() {
  static const ReplicaStatusColumns cols{
      "Slave_IO_State",        "Master_Host",           "Master_User",
      "Master_Port",           "Master_Log_File",       "Read_Master_Log_Pos",
      "Relay_Master_Log_File", "Exec_Master_Log_Pos",   "Slave_IO_Running",
      "Slave_SQL_Running",     "Seconds_Behind_Master", "Master_SSL_Allowed",
      "Master_Server_Id",      "Master_UUID",           "Slave_SQL_Running_State"};
  return cols;
}

const ReplicaStatusColumns& replica_status_columns_8022() {
  static const ReplicaStatusColumns cols{
      "Replica_IO_State",      "Source_Host",           "Source_User",
      "Source_Port",           "Source_Log_File",       "Read_Source_Log_Pos",
      "Relay_Source_Log_File", "Exec_Source_Log_Pos",   "Replica_IO_Running",
      "Replica_SQL_Running",   "Seconds_Behind_Source", "Source_SSL_Allowed",
      "Source_Server_Id",      "Source_UUID",           "Replica_SQL_Running_State"};
  return cols;
}

const SemiSyncNames& semi_sync_names(SemiSyncFamily family) {
  static const SemiSyncNames master_slave{
      "rpl_semi_sync_master_enabled", "rpl_semi_sync_slave_enabled",
      "rpl_semi_sync_master_timeout", "rpl_semi_sync_master_wait_for_slave_count",
      "Rpl_semi_sync_master_status",  "Rpl_semi_sync_master_clients",
      "Rpl_semi_sync_slave_status"};
  static const SemiSyncNames source_replica{
      "rpl_semi_sync_source_enabled", "rpl_semi_sync_replica_enabled",
      "rpl_semi_sync_source_timeout", "rpl_semi_sync_source_wait_for_replica_count",
      "Rpl_semi_sync_source_status",  "Rpl_semi_sync_source_clients",
      "Rpl_semi_sync_replica_status"};
  return family == SemiSyncFamily::MasterSlave ? master_slave : source_replica;
}

Dialect::Dialect(model::ServerVersion version) : version_(std::move(version)) {}

bool Dialect::uses_replica_statements() const {
  return version_.is_mysql_family() && version_.at_least(8, 0, 22);
}

bool Dialect::uses_source_options() const {
  return version_.is_mysql_family() && version_.at_least(8, 0, 23);
}

std::string Dialect::show_replica_status() const {
  return uses_replica_statements() ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
}

std::string Dialect::show_master_status() const {
  return version_.is_mysql_family() && version_.at_least(8, 4) ? "SHOW BINARY LOG STATUS"
                                                               : "SHOW MASTER STATUS";
}

std::string Dialect::show_replica_hosts() const {
  return uses_replica_statements() ? "SHOW REPLICAS" : "SHOW SLAVE HOSTS";
}

std::string Dialect::start_replica() const {
  return uses_replica_statements() ? "START REPLICA" : "START SLAVE";
}

std::string Dialect::stop_replica() const {
  return uses_replica_statements() ? "STOP REPLICA" : "STOP SLAVE";
}

std::string Dialect::start_replica_io_thread() const {
  return start_replica() + " IO_THREAD";
}
std::string Dialect::stop_replica_io_thread() const {
  return stop_replica() + " IO_THREAD";
}
std::string Dialect::start_replica_sql_thread() const {
  return start_replica() + " SQL_THREAD";
}
std::string Dialect::stop_replica_sql_thread() const {
  return stop_replica() + " SQL_THREAD";
}

std::string Dialect::reset_replica_all() const {
  return uses_replica_statements() ? "RESET REPLICA ALL" : "RESET SLAVE ALL";
}

std::optional<std::string> Dialect::change_master_to(const ChangeMasterOptions& opt,
                                                     std::string* error) const {
  auto fail = [&](const char* why) -> std::optional<std::string> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (opt.host.empty()) return fail("change master: empty host");
  if (opt.port < 1 || opt.port > 65535) return fail("change master: port out of range");
  if (opt.connect_retry && *opt.connect_retry < 0) return fail("change master: negative retry");
  if (opt.heartbeat_period &&
      (!std::isfinite(*opt.heartbeat_period) || *opt.heartbeat_period < 0)) {
    return fail("change master: invalid heartbeat period");
  }
  if (opt.mariadb_current_pos && !opt.use_gtid) {
    return fail("change master: current_pos needs GTID positioning");
  }
  if (opt.use_gtid && opt.coordinates) {
    return fail("change master: binlog coordinates cannot be combined with GTID positioning");
  }
  if (!opt.use_gtid && (!opt.coordinates || opt.coordinates->log_file.empty())) {
    return fail("change master: file/pos positioning needs binlog coordinates");
  }

  const std::string* texts[] = {&opt.host, &opt.user, &opt.password,
                                opt.coordinates ? &opt.coordinates->log_file : &opt.host};
  for (const std::string* t : texts) {
    if (!opt.no_backslash_escapes && needs_sql_mode(*t))
      return fail(
          "change master: a value contains a backslash or NUL and the session's sql_mode "
          "is unknown");
  }
  const bool nbe = opt.no_backslash_escapes.value_or(false);
  auto quote = [nbe](const std::string& text) { return quote_sql_string(text, nbe); };

  const bool source = uses_source_options();
  const std::string p = source ? "SOURCE_" : "MASTER_";
  std::string sql = source ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ";
  sql += p + "HOST=" + quote(opt.host);
  sql += ", " + p + "PORT=" + std::to_string(opt.port);
  if (!opt.user.empty()) sql += ", " + p + "USER=" + quote(opt.user);
  if (!opt.password.empty()) sql += ", " + p + "PASSWORD=" + quote(opt.password);
  if (opt.coordinates) {
    sql += ", " + p + "LOG_FILE=" + quote(opt.coordinates->log_file);
    sql += ", " + p + "LOG_POS=" + std::to_string(opt.coordinates->log_pos);
  }
  if (version_.is_mariadb()) {
    const char* mode = !opt.use_gtid ? "no" : opt.mariadb_current_pos ? "current_pos" : "slave_pos";
    sql += std::string(", MASTER_USE_GTID=") + mode;
  } else {
    sql += ", " + p + "AUTO_POSITION=" + (opt.use_gtid ? "1" : "0");
  }
  if (opt.connect_retry) sql += ", " + p + "CONNECT_RETRY=" + std::to_string(*opt.connect_retry);
  if (opt.heartbeat_period) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", *opt.heartbeat_period);
    sql += ", " + p + "HEARTBEAT_PERIOD=" + buf;
  }
  return sql;
}

std::string Dialect::executed_gtid_query() const {
  return version_.is_mariadb() ? "SELECT @@global.gtid_binlog_pos"
                               : "SELECT @@global.gtid_executed";
}

std::string Dialect::wait_for_gtid(std::chrono::milliseconds timeout) const {
  const long long ms = std::max<long long>(0, timeout.count());
  if (version_.is_mariadb()) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%lld.%03lld", ms / 1000, ms % 1000);
    return std::string("SELECT MASTER_GTID_WAIT(:pos, ") + seconds + ")";
  }
  const long long seconds = std::max<long long>(1, (ms + 999) / 1000);
  return "SELECT WAIT_FOR_EXECUTED_GTID_SET(:pos, " + std::to_string(seconds) + ")";
}

std::optional<bool> Dialect::gtid_wait_reached(long long result) const {
  if (result == 0) return true;
  if (result == (version_.is_mariadb() ? -1 : 1)) return false;
  return std::nullopt;
}

std::string Dialect::log_replica_updates_variable() const {
  return version_.is_mysql_family() && version_.at_least(8, 0, 26) ? "log_replica_updates"
                                                                   : "log_slave_updates";
}

SemiSyncFamily Dialect::preferred_semi_sync_family() const {
  return version_.is_mysql_family() && version_.at_least(8, 0, 26) ? SemiSyncFamily::SourceReplica
                                                                   : SemiSyncFamily::MasterSlave;
}

std::string Dialect::processlist_replica_hosts() const {
  return "SELECT HOST FROM information_schema.PROCESSLIST"
         " WHERE COMMAND IN ('Binlog Dump', 'Binlog Dump GTID')";
}

const ReplicaStatusColumns& Dialect::replica_status_columns() const {
  return uses_replica_statements() ? replica_status_columns_8022()
                                   : legacy_replica_status_columns();
}

const ReplicaHostsColumns& Dialect::replica_hosts_columns() const {
  static const ReplicaHostsColumns legacy{"Server_id", "Master_id"};
  static const ReplicaHostsColumns renamed{"Server_Id", "Source_Id"};
  return uses_replica_statements() ? renamed : legacy;
}

std::string show_global_where(bool status, const std::vector<std::string>& names,
                              const std::vector<std::string>& like_patterns) {
  std::string sql = status ? "SHOW GLOBAL STATUS WHERE " : "SHOW GLOBAL VARIABLES WHERE ";
  std::string cond;
  if (!names.empty()) {
    cond = "Variable_name IN (";
    for (size_t i = 0; i < names.size(); ++i) {
      if (i) cond += ", ";
      cond += quote_sql_string(names[i]);
    }
    cond += ")";
  }
  for (const auto& pat : like_patterns) {
    if (!cond.empty()) cond += " OR ";
    cond += "Variable_name LIKE " + quote_sql_string(pat);
  }
  if (cond.empty()) cond = "FALSE";
  return sql + cond;
}

std::string select_global_variables(const std::vector<std::string>& names) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) sql += ", ";
    sql += "@@global." + names[i] + " AS `" + names[i] + "`";
  }
  return sql;
}

}  // namespace orc::storage
