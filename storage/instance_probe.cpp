#include "storage/instance_probe.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <exception>
#include <mutex>
#include <optional>
#include <regex>
#include <stdexcept>
#include <unordered_map>

#include <soci/mysql/soci-mysql.h>
#include <spdlog/spdlog.h>

#include "storage/mysql_dialect.hpp"

namespace orc::storage {

namespace {

using Clock = std::chrono::steady_clock;

/// Variables every supported flavour has (MySQL 5.7+, MariaDB 10.5+).
const std::vector<std::string> kCommonVariables = {
    "hostname",  "report_host",   "server_id", "version",         "version_comment",
    "read_only", "binlog_format", "log_bin",   "binlog_row_image"};
/// MariaDB's own: GTID positions, and semi-sync, which is built in (always present).
const std::vector<std::string> kMariaDbVariables = {"log_slave_updates",
                                                    "gtid_current_pos",
                                                    "gtid_binlog_pos",
                                                    "gtid_slave_pos",
                                                    "rpl_semi_sync_master_enabled",
                                                    "rpl_semi_sync_slave_enabled",
                                                    "rpl_semi_sync_master_timeout"};
/// MySQL's own (super_read_only since 5.7.8). log_*_updates comes from the dialect; semi-sync
/// variables exist only while a plugin is loaded, so they are read with SHOW ... LIKE.
const std::vector<std::string> kMySqlVariables = {"super_read_only", "gtid_mode", "server_uuid",
                                                  "gtid_executed", "gtid_purged"};
/// The fallback's list: every name above except the GTID sets SHOW may truncate.
const std::vector<std::string> kAnyFlavourVariables = {
    "hostname",         "report_host", "server_id",         "version",
    "version_comment",  "read_only",   "super_read_only",   "binlog_format",
    "binlog_row_image", "log_bin",     "log_slave_updates", "log_replica_updates",
    "gtid_mode",        "server_uuid", "gtid_current_pos",  "gtid_binlog_pos",
    "gtid_slave_pos"};

constexpr int kUnknownSystemVariable = 1193;  // ER_UNKNOWN_SYSTEM_VARIABLE
/// CR_SERVER_GONE_ERROR: the connection was found dead before the query was sent, as after
/// a server restart. Unlike CR_SERVER_LOST (2013) it never follows a read timeout, so a
/// reconnect does not double the wait on a frozen server.
constexpr int kServerGoneAway = 2006;

int mysql_error_number(const std::exception& e) {
  if (const auto* me = dynamic_cast<const soci::mysql_soci_error*>(&e)) return me->err_num_;
  return 0;
}

/// Client-side errors (CR_*, 2000-2999: refused, gone away, lost, timeouts) as opposed to
/// server errors such as a syntax error or a missing privilege.
bool connection_lost(const std::exception& e) {
  int n = mysql_error_number(e);
  return n >= 2000 && n < 3000;
}

/// The error text without SOCI's ` while executing "<sql>".` tail: the stage names the
/// statement already, and long SQL would drown the reason.
std::string error_text(const std::exception& e) {
  std::string text = e.what();
  auto tail = text.find(" while executing \"");
  if (tail != std::string::npos) text.erase(tail);
  return text;
}

/// The server version from the connection handshake: known before any query is sent.
/// (libsoci_mysql does not export the backend's typeinfo, so dynamic_cast cannot link; the
/// backend name identifies it instead.)
std::optional<model::ServerVersion> handshake_version(soci::session& s) {
  if (s.get_backend() == nullptr || s.get_backend_name() != "mysql") return std::nullopt;
  auto* backend = static_cast<soci::mysql_session_backend*>(s.get_backend());
  if (backend->conn_ == nullptr) return std::nullopt;
  const char* info = mysql_get_server_info(backend->conn_);
  if (info == nullptr) return std::nullopt;
  return model::parse_server_version(info);
}

std::optional<std::string> cell_text(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return std::to_string(r.get<int>(i));
    case soci::dt_long_long:
      return std::to_string(r.get<long long>(i));
    case soci::dt_unsigned_long_long:
      return std::to_string(r.get<unsigned long long>(i));
    case soci::dt_double: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.15g", r.get<double>(i));
      return std::string(buf);
    }
    case soci::dt_date: {
      std::tm tm = r.get<std::tm>(i);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
      return std::string(buf);
    }
    default:
      return r.get<std::string>(i);
  }
}

/// First column of the first row: outer nullopt = no rows, inner nullopt = NULL.
std::optional<std::optional<std::string>> query_scalar(soci::session& s, const std::string& sql) {
  soci::rowset<soci::row> rs = (s.prepare << sql);
  auto it = rs.begin();
  if (it == rs.end() || it->size() == 0) return std::nullopt;
  return cell_text(*it, 0);  // the mysql backend stores whole results: no draining needed
}

/// Logs a refused server-supplied name at most once per 10 minutes per message: probes repeat
/// every poll interval, and the message names the server and the refused value.
void log_refusal(const std::string& message) {
  static std::mutex mutex;
  static std::unordered_map<std::string, Clock::time_point> last_logged;
  const auto now = Clock::now();
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (last_logged.size() > 10000) last_logged.clear();
    auto [it, fresh] = last_logged.emplace(message, now);
    if (!fresh && now - it->second < std::chrono::minutes(10)) return;
    it->second = now;
  }
  spdlog::warn("{}", message);
}

/// The first capture group of `pattern` in `text`; "" when it does not match.
std::string first_capture(const std::string& pattern, const std::string& text) {
  std::smatch m;
  std::regex re(pattern);
  if (std::regex_search(text, m, re) && m.size() > 1) return m[1].str();
  return "";
}

class Prober {
 public:
  Prober(soci::session& s, const ProbeOptions& opt, ProbeResult& r)
      : s_(s), opt_(opt), r_(r), inst_(r.instance) {}

  void run() {
    if (!read_basics()) return;
    r_.partial = true;
    try {
      read_mandatory();
    } catch (const std::exception& e) {
      r_.error = stage_ + ": " + error_text(e);
      return;
    }
    r_.ok = true;
    r_.partial = false;
    read_optional();
  }

 private:
  Rows rows(std::string stage, const std::string& sql) {
    stage_ = std::move(stage);
    ++r_.statements;
    return query_rows(s_, sql);
  }

  /// The variables, chosen by the handshake's version. A stale connection (the server
  /// restarted since the session was opened) is reopened once, and so is a session that an
  /// earlier failed reopen left closed; the session's connect_timeout bounds the attempt.
  bool read_basics() {
    auto read = [&] {
      auto hint = handshake_version(s_);
      return read_global_variables(s_, hint ? &*hint : nullptr, r_.statements);
    };
    try {
      try {
        if (s_.get_backend() == nullptr) s_.reconnect();
        vars_ = read();
      } catch (const std::exception& e) {
        if (mysql_error_number(e) != kServerGoneAway) throw;
        s_.reconnect();
        vars_ = read();
      }
    } catch (const std::exception& e) {
      r_.error = "reading global variables: " + error_text(e);
      return false;
    }
    auto version = apply_global_variables(inst_, vars_);
    if (!version) {
      r_.warnings.push_back("unparsable @@version '" + inst_.version +
                            "': using MySQL 5.7 statements");
      version = model::ServerVersion{5, 7, 0, model::Flavor::MySQL, ""};
    }
    apply_gtid_vars(inst_, vars_);
    dialect_.emplace(*version);
    if (!resolve_hostname()) {
      r_.error = r_.warnings.back();
      return false;
    }
    return true;
  }

  /// False (with the reason in r_.error) when the server names itself with an invalid host.
  bool resolve_hostname() {
    const std::string& method = opt_.hostname_resolve_method;
    std::string name;
    if (method == "@@hostname") {
      name = row_value(vars_, "hostname").value_or("");
    } else if (method == "@@report_host") {
      name = row_value(vars_, "report_host").value_or("");
    } else if (method != "none" && !method.empty()) {
      r_.warnings.push_back("unknown hostname_resolve_method '" + method + "': keeping key");
    }
    std::string why;
    if (!name.empty() && !model::valid_hostname(name, &why)) {
      refuse(method + ": " + why + "; instance not discovered");
      return false;
    }
    if (!name.empty()) inst_.key.hostname = name;
    return true;
  }

  /// Records a refused server-supplied name: a warning of this probe, and a (rate-limited) log.
  void refuse(const std::string& what) {
    std::string message = "refused from " + inst_.key.str() + ": " + what;
    log_refusal(message);
    r_.warnings.push_back(std::move(message));
  }

  void read_mandatory() {
    const Dialect& d = *dialect_;
    std::vector<std::string> status_names = {"Uptime", "Slaves_connected"};
    for (auto family : {SemiSyncFamily::MasterSlave, SemiSyncFamily::SourceReplica}) {
      const auto& n = semi_sync_names(family);
      status_names.insert(status_names.end(),
                          {n.master_status, n.master_clients, n.replica_status});
    }
    Row status =
        name_value_map(rows("reading global status", show_global_where(true, status_names, {})));
    apply_uptime(inst_, status);
    apply_semi_sync(inst_, vars_, status);

    if (inst_.log_bin_enabled) {
      apply_master_status(inst_, rows(d.show_master_status(), d.show_master_status()));
    } else {
      apply_master_status(inst_, {});
    }
    apply_replica_status(inst_, rows(d.show_replica_status(), d.show_replica_status()), d);
    if (auto why = refused_master_host(inst_); !why.empty()) {
      refuse(why + "; master not followed, instance not discovered");
      throw std::runtime_error(r_.warnings.back());
    }

    std::vector<model::InstanceKey> replicas;
    std::vector<std::string> refused;
    if (opt_.discover_by_show_slave_hosts) {
      replicas =
          parse_replica_hosts(rows(d.show_replica_hosts(), d.show_replica_hosts()), &refused);
    }
    // MariaDB counts binlog dump threads: with none there is nothing in the processlist.
    auto dump_threads = parse_int(row_value(status, "Slaves_connected"));
    if (replicas.empty() && (!dump_threads || *dump_threads > 0)) {
      replicas = parse_processlist_replica_hosts(
          rows("reading replica connections", d.processlist_replica_hosts()), inst_.key.port,
          &refused);
    }
    for (const auto& why : refused) refuse(why);
    // The processlist only gives the replica's IP and assumes the master's port (upstream's
    // rule), which names the master itself when replicas share its host: never list oneself.
    replicas.erase(std::remove(replicas.begin(), replicas.end(), inst_.key), replicas.end());
    inst_.replicas = std::move(replicas);
  }

  /// Runs one user-configured query; failures become warnings. Returns outer nullopt when
  /// the query failed or returned no rows.
  std::optional<std::optional<std::string>> optional_scalar(const char* what,
                                                            const std::string& sql) {
    if (sql.empty() || lost_) return std::nullopt;
    ++r_.statements;
    try {
      auto v = query_scalar(s_, sql);
      if (!v) r_.warnings.push_back(std::string(what) + ": no rows");
      return v;
    } catch (const std::exception& e) {
      r_.warnings.push_back(std::string(what) + ": " + error_text(e));
      lost_ = connection_lost(e);  // do not wait out another timeout per remaining query
      return std::nullopt;
    }
  }

  void detect(const char* what, const std::string& query, const std::string& pattern,
              std::string& field) {
    if (!query.empty()) {
      if (auto v = optional_scalar(what, query)) field = v->value_or("");
      return;
    }
    if (pattern.empty()) return;
    try {
      field = first_capture(pattern, inst_.key.hostname);
    } catch (const std::regex_error& e) {
      r_.warnings.push_back(std::string(what) + " pattern: " + e.what());
    }
  }

  /// Aliases reach hook commands and logs: one outside model::valid_alias() is dropped.
  void drop_invalid_alias(const char* what, std::string& alias) {
    std::string why;
    if (model::valid_alias(alias, &why)) return;
    refuse(std::string(what) + ": " + why + "; alias dropped");
    alias.clear();
  }

  void read_optional() {
    if (auto v = optional_scalar("ReplicationLagQuery", opt_.lag_query)) {
      inst_.replication_lag_seconds = parse_lag_seconds(*v);
    }
    detect("DetectDataCenterQuery", opt_.detect_data_center_query, opt_.data_center_pattern,
           inst_.data_center);
    detect("DetectRegionQuery", opt_.detect_region_query, opt_.region_pattern, inst_.region);
    detect("DetectPhysicalEnvironmentQuery", opt_.detect_physical_environment_query,
           opt_.physical_environment_pattern, inst_.physical_environment);
    detect("DetectInstanceAliasQuery", opt_.detect_instance_alias_query, "", inst_.instance_alias);
    detect("DetectClusterAliasQuery", opt_.detect_cluster_alias_query, "",
           inst_.suggested_cluster_alias);
    drop_invalid_alias("DetectInstanceAliasQuery", inst_.instance_alias);
    drop_invalid_alias("DetectClusterAliasQuery", inst_.suggested_cluster_alias);
    detect("DetectPromotionRuleQuery", opt_.detect_promotion_rule_query, "",
           r_.detected_promotion_rule);
    if (auto v =
            optional_scalar("DetectSemiSyncEnforcedQuery", opt_.detect_semi_sync_enforced_query)) {
      inst_.semi_sync.priority = static_cast<int>(parse_int(*v).value_or(0));
    }
  }

  soci::session& s_;
  const ProbeOptions& opt_;
  ProbeResult& r_;
  model::Instance& inst_;
  Row vars_;
  std::optional<Dialect> dialect_;
  std::string stage_;
  bool lost_ = false;
};

}  // namespace

Row read_global_variables(soci::session& s, const model::ServerVersion* flavour_hint,
                          int& statements) {
  if (flavour_hint != nullptr) {
    std::vector<std::string> names = kCommonVariables;
    const auto& own = flavour_hint->is_mariadb() ? kMariaDbVariables : kMySqlVariables;
    names.insert(names.end(), own.begin(), own.end());
    if (!flavour_hint->is_mariadb()) {
      names.push_back(Dialect(*flavour_hint).log_replica_updates_variable());
    }
    try {
      ++statements;
      Rows rows = query_rows(s, select_global_variables(names));
      if (!rows.empty()) {
        Row vars = std::move(rows.front());
        if (!flavour_hint->is_mariadb()) {
          ++statements;
          for (auto& [name, value] :
               name_value_map(query_rows(s, show_global_where(false, {}, {"rpl_semi_sync_%"})))) {
            vars[name] = value;
          }
        }
        return vars;
      }
    } catch (const std::exception& e) {
      if (mysql_error_number(e) != kUnknownSystemVariable) throw;
    }
  }
  ++statements;
  Row vars = name_value_map(
      query_rows(s, show_global_where(false, kAnyFlavourVariables, {"rpl_semi_sync_%"})));
  if (vars.empty()) throw std::runtime_error("SHOW GLOBAL VARIABLES returned no rows");
  if (row_value(vars, "gtid_mode")) {  // MySQL: GTID sets may be truncated by SHOW
    ++statements;
    Rows exact = query_rows(s, select_global_variables({"gtid_executed", "gtid_purged"}));
    if (!exact.empty()) {
      for (auto& [name, value] : exact.front()) vars[name] = value;
    }
  }
  return vars;
}

bool session_no_backslash_escapes(soci::session& s) {
  auto mode = query_scalar(s, "SELECT @@SESSION.sql_mode");
  return mode && *mode && sql_mode_has_no_backslash_escapes(**mode);
}

void execute_verbatim(soci::session& s, const std::string& sql) {
  if (s.get_backend() == nullptr || s.get_backend_name() != "mysql") {
    s << sql;  // not MySQL (tests): SOCI's own path
    return;
  }
  auto* backend = static_cast<soci::mysql_session_backend*>(s.get_backend());
  MYSQL* conn = backend->conn_;
  if (mysql_real_query(conn, sql.data(), static_cast<unsigned long>(sql.size())) != 0)
    throw soci::mysql_soci_error(mysql_error(conn), static_cast<int>(mysql_errno(conn)));
  // A statement with a result set would leave it pending; drain it to keep the session usable.
  if (MYSQL_RES* res = mysql_store_result(conn)) mysql_free_result(res);
}

Rows query_rows(soci::session& s, const std::string& sql) {
  Rows out;
  soci::rowset<soci::row> rs = (s.prepare << sql);
  for (const soci::row& r : rs) {
    Row row;
    for (std::size_t i = 0; i < r.size(); ++i)
      row[r.get_properties(i).get_name()] = cell_text(r, i);
    out.push_back(std::move(row));
  }
  return out;
}

ProbeResult probe_instance(soci::session& s, const model::InstanceKey& key,
                           const ProbeOptions& opt) {
  const auto start = Clock::now();
  ProbeResult r;
  r.instance.key = key;
  try {
    Prober(s, opt, r).run();
  } catch (const std::exception& e) {  // defensive: run() catches per stage already
    r.ok = false;
    r.error = "probe: " + error_text(e);
  }
  r.latency = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
  r.instance.last_discovery_latency_ns = r.latency.count();
  return r;
}

}  // namespace orc::storage
