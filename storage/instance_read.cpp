// Instance reads: database_instance joined with candidate_database_instance and
// database_instance_downtime, with validity and ages computed in SQL against the backend's NOW().

#include <soci/soci.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <optional>
#include <unordered_map>

#include "model/version.hpp"
#include "storage/go_quote.hpp"
#include "storage/instance_dao.hpp"

namespace orc::storage {

namespace {

using model::Instance;
using model::InstanceKey;
using model::ThreadState;

/// Timestamps come back as text ("YYYY-MM-DD HH:MM:SS"), ages as seconds computed by the
/// backend (S11). Downtime follows S9; a candidate row's rule applies while the row exists.
/// hostname_unresolve is not joined: it is not among the deployed tables.
const char* const kSelectInstances = R"(SELECT
  di.hostname, di.port, di.uptime, di.server_id, di.server_uuid, di.version, di.version_comment,
  di.major_version, di.binlog_server, di.read_only, di.binlog_format, di.binlog_row_image,
  di.log_bin, di.log_slave_updates, di.binary_log_file, di.binary_log_pos, di.master_host,
  di.master_port, di.slave_sql_running, di.slave_io_running, di.replication_sql_thread_state,
  di.replication_io_thread_state, di.has_replication_filters, di.oracle_gtid, di.master_uuid,
  di.ancestry_uuid, di.executed_gtid_set, di.gtid_purged, di.gtid_errant, di.supports_oracle_gtid,
  di.mariadb_gtid, di.pseudo_gtid, di.master_log_file, di.read_master_log_pos,
  di.relay_master_log_file, di.exec_master_log_pos, di.relay_log_file, di.relay_log_pos,
  di.last_sql_error, di.last_io_error, di.seconds_behind_master, di.slave_lag_seconds,
  di.sql_delay, di.allow_tls, di.slave_hosts, di.cluster_name, di.suggested_cluster_alias,
  di.data_center, di.region, di.physical_environment, di.instance_alias, di.semi_sync_enforced,
  di.semi_sync_available, di.replication_depth, di.is_co_master,
  di.replication_credentials_available, di.has_replication_credentials,
  di.last_discovery_latency, di.semi_sync_master_enabled, di.semi_sync_master_timeout,
  di.semi_sync_master_wait_for_slave_count, di.semi_sync_master_status,
  di.semi_sync_master_clients, di.semi_sync_replica_status, di.semi_sync_replica_enabled,
  di.gtid_mode, di.replication_group_name, di.replication_group_is_single_primary_mode,
  di.replication_group_member_state, di.replication_group_member_role,
  di.replication_group_members, di.replication_group_primary_host,
  di.replication_group_primary_port, di.last_check_partial_success,
  CAST(di.last_seen AS CHAR) AS last_seen_text,
  CAST(di.last_checked AS CHAR) AS last_checked_text,
  TIMESTAMPDIFF(SECOND, di.last_checked, NOW()) AS seconds_since_last_checked,
  IFNULL(di.last_checked <= di.last_seen, 0) AS is_last_check_valid,
  TIMESTAMPDIFF(SECOND, di.last_seen, NOW()) AS seconds_since_last_seen,
  cdi.promotion_rule AS promotion_rule,
  IFNULL(dd.downtime_active = 1 AND IFNULL(dd.end_timestamp, NOW()) > NOW(), 0) AS is_downtimed,
  IFNULL(dd.reason, '') AS downtime_reason,
  IFNULL(dd.owner, '') AS downtime_owner,
  IFNULL(CAST(dd.end_timestamp AS CHAR), '') AS downtime_end_timestamp,
  IFNULL(TIMESTAMPDIFF(SECOND, dd.begin_timestamp, NOW()), 0) AS elapsed_downtime_seconds
FROM database_instance di
  LEFT JOIN candidate_database_instance cdi ON cdi.hostname = di.hostname AND cdi.port = di.port
  LEFT JOIN database_instance_downtime dd ON dd.hostname = di.hostname AND dd.port = di.port
)";

/// Reads columns by name whatever numeric type the server reports: SOCI's row::get<T> needs the
/// exact type (TINYINT is int, BIGINT UNSIGNED unsigned long long, IFNULL(...) may be double).
class RowReader {
 public:
  explicit RowReader(const soci::row& r) : r_(r) {
    for (std::size_t i = 0; i < r.size(); ++i) pos_.emplace(r.get_properties(i).get_name(), i);
  }
  void attach(const soci::row& r) { r_ = r; }

  std::optional<long long> opt_int(const char* name) const {
    std::size_t i = at(name);
    const auto& r = r_.get();
    if (r.get_indicator(i) == soci::i_null) return std::nullopt;
    switch (r.get_properties(i).get_data_type()) {
      case soci::dt_integer:
        return r.get<int>(i);
      case soci::dt_long_long:
        return r.get<long long>(i);
      case soci::dt_unsigned_long_long:
        return static_cast<long long>(r.get<unsigned long long>(i));
      case soci::dt_double:
        return static_cast<long long>(r.get<double>(i));
      case soci::dt_string:
        return std::strtoll(r.get<std::string>(i).c_str(), nullptr, 10);
      default:
        return std::nullopt;
    }
  }
  long long integer(const char* name) const { return opt_int(name).value_or(0); }
  /// For BIGINT UNSIGNED positions, which may exceed long long.
  unsigned long long uinteger(const char* name) const {
    std::size_t i = at(name);
    const auto& r = r_.get();
    if (r.get_indicator(i) != soci::i_null &&
        r.get_properties(i).get_data_type() == soci::dt_unsigned_long_long)
      return r.get<unsigned long long>(i);
    return static_cast<unsigned long long>(integer(name));
  }
  bool boolean(const char* name) const { return integer(name) != 0; }
  std::string text(const char* name) const {
    std::size_t i = at(name);
    const auto& r = r_.get();
    if (r.get_indicator(i) == soci::i_null) return {};
    if (r.get_properties(i).get_data_type() == soci::dt_string) return r.get<std::string>(i);
    return std::to_string(integer(name));
  }

 private:
  std::size_t at(const char* name) const {
    auto it = pos_.find(name);
    if (it == pos_.end()) throw soci::soci_error(std::string("missing column ") + name);
    return it->second;
  }
  std::reference_wrapper<const soci::row> r_;
  std::unordered_map<std::string, std::size_t> pos_;
};

/// S4: the state columns default to 0 and rows written by other tools may lack them, while the
/// legacy slave_*_running booleans are what the failure analysis trusts. A running legacy flag
/// wins; a "running" state the flag denies is taken as stopped; a 0 state on a row without a
/// master means no replication was ever configured.
ThreadState thread_state(long long state, bool legacy_running, bool has_master) {
  if (legacy_running) return ThreadState::Running;
  if (state == static_cast<int>(ThreadState::Running)) return ThreadState::Stopped;
  if (state == 0 && !has_master) return ThreadState::None;
  switch (state) {
    case -1:
      return ThreadState::None;
    case 0:
      return ThreadState::Stopped;
    default:
      return ThreadState::Other;
  }
}

model::Flavor flavor_of(const std::string& version, const std::string& comment) {
  auto v = model::parse_server_version(version, comment);
  return v ? v->flavor : model::Flavor::Unknown;
}

/// Upstream's readInstanceRow problem list (go/inst/instance_dao.go), in its order.
std::vector<std::string> problems_of(const Instance& i, const ReadOptions& opt) {
  std::vector<std::string> p;
  bool threads_exist =
      i.sql_thread_state != ThreadState::None && i.io_thread_state != ThreadState::None;
  if (!i.is_last_check_valid) {
    p.push_back("last_check_invalid");
  } else if (!i.is_recently_checked) {
    p.push_back("not_recently_checked");
  } else if (threads_exist && !i.is_replicating()) {
    p.push_back("not_replicating");
  } else if (i.replication_lag_seconds &&
             std::llabs(*i.replication_lag_seconds - static_cast<long long>(i.sql_delay)) >
                 opt.reasonable_replication_lag_seconds) {
    p.push_back("replication_lag");
  }
  if (!i.gtid_errant.empty()) p.push_back("errant_gtid");
  if (!i.replication_group_name.empty() && i.replication_group_member_state != "ONLINE")
    p.push_back("group_replication_member_not_online");
  return p;
}

model::BinlogCoordinates coordinates(const RowReader& r, const char* file, const char* pos,
                                     int type) {
  return {r.text(file), r.uinteger(pos), type};
}

Instance instance_from_row(const RowReader& r, const ReadOptions& opt) {
  Instance i;
  i.key = {r.text("hostname"), static_cast<int>(r.integer("port"))};
  i.uptime = r.uinteger("uptime");
  i.server_id = static_cast<uint32_t>(r.uinteger("server_id"));
  i.server_uuid = r.text("server_uuid");
  i.version = r.text("version");
  i.version_comment = r.text("version_comment");
  i.flavor = flavor_of(i.version, i.version_comment);
  i.major_version = r.text("major_version");
  i.binlog_server = r.boolean("binlog_server");
  i.read_only = r.boolean("read_only");
  i.binlog_format = r.text("binlog_format");
  i.binlog_row_image = r.text("binlog_row_image");
  i.log_bin_enabled = r.boolean("log_bin");
  i.log_slave_updates_enabled = r.boolean("log_slave_updates");
  i.self_binlog_coordinates = coordinates(r, "binary_log_file", "binary_log_pos", 0);

  i.master_key = {r.text("master_host"), static_cast<int>(r.integer("master_port"))};
  i.is_detached_master = i.master_key.hostname.rfind("//", 0) == 0;
  bool has_master = i.master_key.valid();
  i.sql_thread_state = thread_state(r.integer("replication_sql_thread_state"),
                                    r.boolean("slave_sql_running"), has_master);
  i.io_thread_state = thread_state(r.integer("replication_io_thread_state"),
                                   r.boolean("slave_io_running"), has_master);
  i.has_replication_filters = r.boolean("has_replication_filters");
  i.using_oracle_gtid = r.boolean("oracle_gtid");
  i.master_uuid = r.text("master_uuid");
  i.ancestry_uuid = r.text("ancestry_uuid");
  i.executed_gtid_set = r.text("executed_gtid_set");
  i.gtid_purged = r.text("gtid_purged");
  i.gtid_errant = r.text("gtid_errant");
  i.supports_oracle_gtid = r.boolean("supports_oracle_gtid");
  i.using_mariadb_gtid = r.boolean("mariadb_gtid");
  i.using_pseudo_gtid = r.boolean("pseudo_gtid");
  i.gtid_mode = r.text("gtid_mode");
  i.read_binlog_coordinates = coordinates(r, "master_log_file", "read_master_log_pos", 0);
  i.exec_binlog_coordinates = coordinates(r, "relay_master_log_file", "exec_master_log_pos", 0);
  i.relaylog_coordinates = coordinates(r, "relay_log_file", "relay_log_pos", 1);
  i.last_sql_error = go_unquote(r.text("last_sql_error"));
  i.last_io_error = go_unquote(r.text("last_io_error"));
  i.seconds_behind_master = r.opt_int("seconds_behind_master");
  i.replication_lag_seconds = r.opt_int("slave_lag_seconds");
  i.sql_delay = static_cast<uint32_t>(r.uinteger("sql_delay"));
  i.allow_tls = r.boolean("allow_tls");
  i.replicas = parse_instance_keys_json(r.text("slave_hosts"));

  i.cluster_name = r.text("cluster_name");
  i.suggested_cluster_alias = r.text("suggested_cluster_alias");
  i.data_center = r.text("data_center");
  i.region = r.text("region");
  i.physical_environment = r.text("physical_environment");
  i.instance_alias = r.text("instance_alias");
  i.replication_depth = static_cast<int>(r.integer("replication_depth"));
  i.is_co_master = r.boolean("is_co_master");
  i.replication_credentials_available = r.boolean("replication_credentials_available");
  i.has_replication_credentials = r.boolean("has_replication_credentials");
  i.last_discovery_latency_ns = r.integer("last_discovery_latency");

  auto& ss = i.semi_sync;
  ss.priority = static_cast<int>(r.integer("semi_sync_enforced"));
  ss.available = r.boolean("semi_sync_available");
  ss.master_enabled = r.boolean("semi_sync_master_enabled");
  ss.master_timeout = r.uinteger("semi_sync_master_timeout");
  ss.master_wait_for_replica_count =
      static_cast<uint32_t>(r.uinteger("semi_sync_master_wait_for_slave_count"));
  ss.master_status = r.boolean("semi_sync_master_status");
  ss.master_clients = static_cast<uint32_t>(r.uinteger("semi_sync_master_clients"));
  ss.replica_status = r.boolean("semi_sync_replica_status");
  ss.replica_enabled = r.boolean("semi_sync_replica_enabled");

  i.replication_group_name = r.text("replication_group_name");
  i.replication_group_is_single_primary_mode =
      r.boolean("replication_group_is_single_primary_mode");
  i.replication_group_member_state = r.text("replication_group_member_state");
  i.replication_group_member_role = r.text("replication_group_member_role");
  i.replication_group_members = parse_instance_keys_json(r.text("replication_group_members"));
  i.replication_group_primary = {r.text("replication_group_primary_host"),
                                 static_cast<int>(r.integer("replication_group_primary_port"))};

  i.last_seen_timestamp = r.text("last_seen_text");
  i.last_checked_timestamp = r.text("last_checked_text");
  i.last_check_partial_success = r.boolean("last_check_partial_success");
  i.is_last_check_valid = r.boolean("is_last_check_valid");
  long long since_checked = r.integer("seconds_since_last_checked");
  i.is_up_to_date = since_checked <= opt.instance_poll_seconds;
  i.is_recently_checked = since_checked <= 5LL * opt.instance_poll_seconds;
  i.seconds_since_last_seen = r.opt_int("seconds_since_last_seen").value_or(-1);

  std::string rule = r.text("promotion_rule");
  i.promotion_rule = rule.empty() ? "neutral" : rule;
  i.is_candidate = rule == "must" || rule == "prefer";
  i.is_downtimed = r.boolean("is_downtimed");
  i.downtime_reason = r.text("downtime_reason");
  i.downtime_owner = r.text("downtime_owner");
  i.downtime_end_timestamp = r.text("downtime_end_timestamp");
  i.elapsed_downtime_seconds = r.integer("elapsed_downtime_seconds");

  i.problems = problems_of(i, opt);
  return i;
}

/// Runs kSelectInstances + `tail` (WHERE / ORDER BY with `:name` binds) and maps every row.
template <typename... Uses>
std::vector<Instance> query_instances(soci::session& s, const std::string& tail,
                                      const ReadOptions& opt, Uses&&... uses) {
  std::vector<Instance> out;
  soci::rowset<soci::row> rows =
      ((s.prepare << std::string(kSelectInstances) + tail), ..., std::forward<Uses>(uses));
  std::optional<RowReader> reader;
  for (const auto& row : rows) {
    if (!reader)
      reader.emplace(row);
    else
      reader->attach(row);
    out.push_back(instance_from_row(*reader, opt));
  }
  return out;
}

}  // namespace

std::optional<Instance> read_instance(soci::session& s, const InstanceKey& key,
                                      const ReadOptions& opt) {
  auto found = query_instances(s, "WHERE di.hostname = :h AND di.port = :p", opt,
                               soci::use(key.hostname), soci::use(key.port));
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<Instance> read_all_instances(soci::session& s, const ReadOptions& opt) {
  return query_instances(s, "ORDER BY di.hostname, di.port", opt);
}

std::vector<Instance> read_cluster_instances(soci::session& s, const std::string& cluster_name,
                                             const ReadOptions& opt) {
  return query_instances(s, "WHERE di.cluster_name = :c ORDER BY di.hostname, di.port", opt,
                         soci::use(cluster_name));
}

std::vector<Instance> read_replicas_of(soci::session& s, const InstanceKey& master_key,
                                       const ReadOptions& opt) {
  return query_instances(
      s, "WHERE di.master_host = :h AND di.master_port = :p ORDER BY di.hostname, di.port", opt,
      soci::use(master_key.hostname), soci::use(master_key.port));
}

std::vector<Instance> search_instances(soci::session& s, const std::string& pattern,
                                       const ReadOptions& opt) {
  auto first = pattern.find_first_not_of(" \t\r\n");
  auto last = pattern.find_last_not_of(" \t\r\n");
  std::string needle = first == std::string::npos ? "" : pattern.substr(first, last - first + 1);
  // The searched columns are ascii (S1): other bytes cannot match, and MariaDB would reject the
  // comparison ("Illegal mix of collations") instead of returning nothing.
  if (std::any_of(needle.begin(), needle.end(),
                  [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
    return {};
  return query_instances(s,
                         "WHERE INSTR(di.hostname, :s) > 0 OR INSTR(di.cluster_name, :s) > 0 "
                         "OR INSTR(di.version, :s) > 0 OR INSTR(di.version_comment, :s) > 0 "
                         "OR INSTR(CONCAT(di.hostname, ':', di.port), :s) > 0 "
                         "OR INSTR(di.suggested_cluster_alias, :s) > 0 "
                         "OR CONCAT(di.server_id, '') = :s OR CONCAT(di.port, '') = :s "
                         "ORDER BY di.replication_depth, di.num_slave_hosts DESC, "
                         "di.cluster_name, di.hostname, di.port",
                         opt, soci::use(needle, "s"));
}

std::vector<InstanceKey> read_outdated_keys(soci::session& s, int poll_seconds) {
  std::vector<InstanceKey> keys;
  int twice = 2 * poll_seconds;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT hostname, port FROM database_instance WHERE CASE "
                    "WHEN last_attempted_check <= last_checked "
                    "THEN last_checked < NOW() - INTERVAL :once SECOND "
                    "ELSE last_checked < NOW() - INTERVAL :twice SECOND END "
                    "ORDER BY hostname, port",
       soci::use(poll_seconds, "once"), soci::use(twice, "twice"));
  std::optional<RowReader> reader;
  for (const auto& row : rows) {
    if (!reader)
      reader.emplace(row);
    else
      reader->attach(row);
    keys.push_back({reader->text("hostname"), static_cast<int>(reader->integer("port"))});
  }
  return keys;
}

}  // namespace orc::storage
