#include "storage/probe_parse.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace orc::storage {

namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

/// The cell of `column`, or nullptr when the row has no such column (NULL is a present cell).
const std::optional<std::string>* find_cell(const Row& row, std::string_view column) {
  auto it = row.find(column);
  return it == row.end() ? nullptr : &it->second;
}

std::string text_or_empty(const std::optional<std::string>& v) {
  return v.value_or("");
}

std::string without_newlines(std::string s) {
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r'; }),
          s.end());
  return s;
}

/// Looks a value up under the first name that exists.
std::optional<std::string> first_of(const Row& row, std::initializer_list<std::string_view> names) {
  for (auto name : names) {
    if (const auto* cell = find_cell(row, name)) return *cell;
  }
  return std::nullopt;
}

bool is_on(const std::optional<std::string>& v) {
  return parse_bool(v).value_or(false);
}

/// Resets every field that SHOW SLAVE STATUS feeds to the value of a fresh Instance.
void clear_replica_status(model::Instance& inst) {
  const model::Instance fresh;
  inst.master_key = fresh.master_key;
  inst.master_uuid = fresh.master_uuid;
  inst.is_detached_master = fresh.is_detached_master;
  inst.sql_thread_state = fresh.sql_thread_state;
  inst.io_thread_state = fresh.io_thread_state;
  inst.has_replication_filters = fresh.has_replication_filters;
  inst.using_oracle_gtid = fresh.using_oracle_gtid;
  inst.using_mariadb_gtid = fresh.using_mariadb_gtid;
  inst.read_binlog_coordinates = fresh.read_binlog_coordinates;
  inst.exec_binlog_coordinates = fresh.exec_binlog_coordinates;
  inst.relaylog_coordinates = fresh.relaylog_coordinates;
  inst.last_sql_error = fresh.last_sql_error;
  inst.last_io_error = fresh.last_io_error;
  inst.last_io_errno = fresh.last_io_errno;
  inst.last_sql_errno = fresh.last_sql_errno;
  inst.seconds_behind_master = fresh.seconds_behind_master;
  inst.replication_lag_seconds = fresh.replication_lag_seconds;
  inst.sql_delay = fresh.sql_delay;
  inst.allow_tls = fresh.allow_tls;
  inst.master_user = fresh.master_user;
  inst.has_replication_credentials = fresh.has_replication_credentials;
  inst.mariadb_gtid_io_pos = fresh.mariadb_gtid_io_pos;
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

std::optional<std::string> row_value(const Row& row, std::string_view column) {
  const auto* cell = find_cell(row, column);
  return cell ? *cell : std::nullopt;
}

Row name_value_map(const Rows& rows) {
  Row out;
  for (const auto& r : rows) {
    auto name = row_value(r, "Variable_name");
    if (!name || name->empty()) continue;
    out[*name] = row_value(r, "Value");
  }
  return out;
}

std::optional<int64_t> parse_int(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text->c_str(), &end, 10);
  if (errno != 0 || end == text->c_str() || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<bool> parse_bool(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  for (auto t : {"ON", "YES", "TRUE", "1"}) {
    if (iequals(*text, t)) return true;
  }
  for (auto f : {"OFF", "NO", "FALSE", "0"}) {
    if (iequals(*text, f)) return false;
  }
  return std::nullopt;
}

namespace {

/// A reported port as an int; 0 (an invalid key) outside 0..65535, so that a 64-bit value
/// cannot wrap into a valid-looking port (4294970602 would become 3306).
int port_or_zero(std::optional<int64_t> port) {
  return port && *port >= 0 && *port <= 65535 ? static_cast<int>(*port) : 0;
}

}  // namespace

std::optional<int64_t> parse_lag_seconds(const std::optional<std::string>& text) {
  if (auto whole = parse_int(text)) return whole;
  if (!text || text->empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(text->c_str(), &end);
  if (errno != 0 || end == text->c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  // Converting a double outside int64's range is undefined behaviour ("1e39" from a lag query).
  v = std::trunc(v);
  if (v < -9223372036854775808.0 || v >= 9223372036854775808.0) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<model::ServerVersion> apply_global_variables(model::Instance& inst, const Row& vars) {
  if (auto id = parse_int(row_value(vars, "server_id")))
    inst.server_id = static_cast<uint32_t>(*id);
  inst.version = text_or_empty(row_value(vars, "version"));
  inst.version_comment = text_or_empty(row_value(vars, "version_comment"));
  auto version = model::parse_server_version(inst.version, inst.version_comment);
  if (version) {
    inst.flavor = version->flavor;
    inst.major_version = version->major_version_string();
  }
  // read_only: anything but a false value is some read-only mode (MariaDB 12 NO_LOCK...).
  auto ro = row_value(vars, "read_only");
  inst.read_only = ro && !ro->empty() && parse_bool(ro) != std::optional<bool>(false);
  inst.super_read_only = is_on(row_value(vars, "super_read_only"));
  inst.binlog_format = text_or_empty(row_value(vars, "binlog_format"));
  inst.binlog_row_image = text_or_empty(row_value(vars, "binlog_row_image"));
  inst.log_bin_enabled = is_on(row_value(vars, "log_bin"));
  inst.log_slave_updates_enabled =
      is_on(first_of(vars, {"log_replica_updates", "log_slave_updates"}));
  return version;
}

void apply_gtid_vars(model::Instance& inst, const Row& vars) {
  if (const auto* current = find_cell(vars, "gtid_current_pos")) {
    inst.server_uuid.clear();
    inst.gtid_mode.clear();
    inst.supports_oracle_gtid = false;
    inst.executed_gtid_set = text_or_empty(*current);
    inst.mariadb_gtid_binlog_pos = text_or_empty(row_value(vars, "gtid_binlog_pos"));
    inst.mariadb_gtid_slave_pos = text_or_empty(row_value(vars, "gtid_slave_pos"));
    return;
  }
  inst.gtid_mode = text_or_empty(row_value(vars, "gtid_mode"));
  inst.supports_oracle_gtid = !inst.gtid_mode.empty() && !iequals(inst.gtid_mode, "OFF");
  inst.server_uuid = text_or_empty(row_value(vars, "server_uuid"));
  inst.executed_gtid_set = without_newlines(text_or_empty(row_value(vars, "gtid_executed")));
  inst.gtid_purged = without_newlines(text_or_empty(row_value(vars, "gtid_purged")));
}

void apply_uptime(model::Instance& inst, const Row& status) {
  auto up = parse_int(row_value(status, "Uptime"));
  inst.uptime = up && *up > 0 ? static_cast<uint64_t>(*up) : 0;
}

void apply_master_status(model::Instance& inst, const Rows& rows) {
  inst.self_binlog_coordinates = {};
  if (rows.empty()) return;
  inst.self_binlog_coordinates.log_file = text_or_empty(row_value(rows.front(), "File"));
  auto pos = parse_int(row_value(rows.front(), "Position"));
  inst.self_binlog_coordinates.log_pos = pos && *pos > 0 ? static_cast<uint64_t>(*pos) : 0;
}

void apply_replica_status(model::Instance& inst, const Row& row, const Dialect& dialect) {
  const ReplicaStatusColumns& primary = dialect.replica_status_columns();
  const ReplicaStatusColumns& fallback = &primary == &legacy_replica_status_columns()
                                             ? replica_status_columns_8022()
                                             : legacy_replica_status_columns();
  auto col = [&](const char* ReplicaStatusColumns::*name) {
    return first_of(row, {primary.*name, fallback.*name});
  };
  auto text = [&](const char* ReplicaStatusColumns::*name) { return text_or_empty(col(name)); };
  auto number = [&](const char* ReplicaStatusColumns::*name) { return parse_int(col(name)); };
  auto plain_int = [&](std::string_view name) { return parse_int(row_value(row, name)); };
  auto coords = [](std::string file, std::optional<int64_t> pos, int type) {
    model::BinlogCoordinates c;
    c.log_file = std::move(file);
    c.log_pos = pos && *pos > 0 ? static_cast<uint64_t>(*pos) : 0;
    c.type = type;
    return c;
  };

  clear_replica_status(inst);
  std::string host = text(&ReplicaStatusColumns::master_host);
  if (!host.empty()) {
    inst.master_key.hostname = host;
    inst.master_key.port = port_or_zero(number(&ReplicaStatusColumns::master_port));
    inst.is_detached_master = host.rfind("//", 0) == 0;
  }
  inst.master_uuid = text(&ReplicaStatusColumns::master_uuid);
  inst.io_thread_state = model::thread_state_from_text(text(&ReplicaStatusColumns::io_running));
  inst.sql_thread_state = model::thread_state_from_text(text(&ReplicaStatusColumns::sql_running));
  inst.read_binlog_coordinates = coords(text(&ReplicaStatusColumns::master_log_file),
                                        number(&ReplicaStatusColumns::read_master_log_pos), 0);
  inst.exec_binlog_coordinates = coords(text(&ReplicaStatusColumns::relay_master_log_file),
                                        number(&ReplicaStatusColumns::exec_master_log_pos), 0);
  inst.relaylog_coordinates =
      coords(text_or_empty(row_value(row, "Relay_Log_File")), plain_int("Relay_Log_Pos"), 1);
  inst.last_sql_error = text_or_empty(row_value(row, "Last_SQL_Error"));
  inst.last_io_error = text_or_empty(row_value(row, "Last_IO_Error"));
  inst.last_sql_errno = static_cast<int>(plain_int("Last_SQL_Errno").value_or(0));
  inst.last_io_errno = static_cast<int>(plain_int("Last_IO_Errno").value_or(0));
  if (auto lag = number(&ReplicaStatusColumns::seconds_behind)) {
    inst.seconds_behind_master = std::max<int64_t>(*lag, 0);
  }
  inst.replication_lag_seconds = inst.seconds_behind_master;
  inst.sql_delay = static_cast<uint32_t>(std::max<int64_t>(plain_int("SQL_Delay").value_or(0), 0));
  inst.allow_tls = iequals(text(&ReplicaStatusColumns::ssl_allowed), "Yes");
  inst.master_user = text(&ReplicaStatusColumns::master_user);
  inst.has_replication_credentials = !inst.master_user.empty();
  inst.using_oracle_gtid = plain_int("Auto_Position").value_or(0) == 1;
  std::string using_gtid = text_or_empty(row_value(row, "Using_Gtid"));
  inst.using_mariadb_gtid = !using_gtid.empty() && !iequals(using_gtid, "No");
  inst.mariadb_gtid_io_pos = text_or_empty(row_value(row, "Gtid_IO_Pos"));

  for (const auto& [name, value] : row) {
    constexpr std::string_view kPrefix = "replicate_";
    if (name.size() > kPrefix.size() &&
        iequals(std::string_view(name).substr(0, kPrefix.size()), kPrefix) &&
        !iequals(name, "Replicate_Ignore_Server_Ids") && value && !value->empty()) {
      inst.has_replication_filters = true;
    }
  }
}

void apply_replica_status(model::Instance& inst, const Rows& rows, const Dialect& dialect) {
  if (rows.empty()) {
    clear_replica_status(inst);
    return;
  }
  apply_replica_status(inst, rows.back(), dialect);
}

std::optional<SemiSyncFamily> detect_semi_sync_family(const Row& vars) {
  for (auto family : {SemiSyncFamily::SourceReplica, SemiSyncFamily::MasterSlave}) {
    const auto& n = semi_sync_names(family);
    if (find_cell(vars, n.master_enabled) || find_cell(vars, n.replica_enabled)) return family;
  }
  return std::nullopt;
}

void apply_semi_sync(model::Instance& inst, const Row& vars, const Row& status) {
  const auto& ms = semi_sync_names(SemiSyncFamily::MasterSlave);
  const auto& sr = semi_sync_names(SemiSyncFamily::SourceReplica);
  auto var = [&](const char* SemiSyncNames::*name) { return first_of(vars, {sr.*name, ms.*name}); };
  auto stat = [&](const char* SemiSyncNames::*name) {
    return first_of(status, {sr.*name, ms.*name});
  };
  auto unsigned_of = [](const std::optional<std::string>& v) {
    auto n = parse_int(v);
    return n && *n > 0 ? static_cast<uint64_t>(*n) : uint64_t{0};
  };

  model::SemiSyncState& s = inst.semi_sync;
  auto master_enabled = var(&SemiSyncNames::master_enabled);
  auto replica_enabled = var(&SemiSyncNames::replica_enabled);
  s.available = master_enabled.has_value() && replica_enabled.has_value();
  s.master_enabled = is_on(master_enabled);
  s.replica_enabled = is_on(replica_enabled);
  s.master_timeout = unsigned_of(var(&SemiSyncNames::master_timeout));
  s.master_wait_for_replica_count =
      static_cast<uint32_t>(unsigned_of(var(&SemiSyncNames::master_wait_for_replica_count)));
  s.master_status = is_on(stat(&SemiSyncNames::master_status));
  s.master_clients = static_cast<uint32_t>(unsigned_of(stat(&SemiSyncNames::master_clients)));
  s.replica_status = is_on(stat(&SemiSyncNames::replica_status));
}

namespace {

/// Adds `key` unless it is invalid; a host that fails the grammar is recorded in `refused`.
void add_replica_key(std::vector<model::InstanceKey>& keys, model::InstanceKey key,
                     const char* source, std::vector<std::string>* refused) {
  if (!key.valid()) return;
  std::string why;
  if (!model::valid_hostname(key.hostname, &why)) {
    if (refused) refused->push_back(std::string(source) + ": " + why + "; replica not followed");
    return;
  }
  keys.push_back(std::move(key));
}

void sort_unique(std::vector<model::InstanceKey>& keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

}  // namespace

std::vector<model::InstanceKey> parse_replica_hosts(const Rows& rows,
                                                    std::vector<std::string>* refused) {
  std::vector<model::InstanceKey> keys;
  for (const auto& r : rows) {
    model::InstanceKey k{text_or_empty(row_value(r, "Host")),
                         port_or_zero(parse_int(row_value(r, "Port")))};
    add_replica_key(keys, std::move(k), "replica host", refused);
  }
  sort_unique(keys);
  return keys;
}

std::vector<model::InstanceKey> parse_processlist_replica_hosts(const Rows& rows, int master_port,
                                                                std::vector<std::string>* refused) {
  std::vector<model::InstanceKey> keys;
  for (const auto& r : rows) {
    std::string host = text_or_empty(row_value(r, "HOST"));
    auto colon = host.rfind(':');
    if (colon != std::string::npos) host.erase(colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    add_replica_key(keys, model::InstanceKey{host, master_port}, "replica connection", refused);
  }
  sort_unique(keys);
  return keys;
}

std::string refused_master_host(const model::Instance& inst) {
  std::string_view host = inst.master_key.hostname;
  if (host.rfind("//", 0) == 0) host.remove_prefix(2);
  std::string why;
  if (host.empty() || model::valid_hostname(host, &why)) return "";
  return "Master_Host: " + why;
}

}  // namespace orc::storage
