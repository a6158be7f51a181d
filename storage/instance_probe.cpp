#include "storage/instance_probe.hpp"

#include <cstdio>
#include <ctime>
#include <exception>
#include <optional>
#include <regex>

#include <soci/mysql/soci-mysql.h>

#include "storage/mysql_dialect.hpp"

namespace orc::storage {

namespace {

using Clock = std::chrono::steady_clock;

/// Every variable the probe uses, read in one SHOW GLOBAL VARIABLES that works on every
/// flavour (absent names are simply not returned). MySQL's gtid_executed / gtid_purged are not
/// here: SHOW VARIABLES may truncate them, so they get their own SELECT.
const std::vector<std::string> kVariableNames = {
    "hostname",         "report_host", "server_id",         "version",
    "version_comment",  "read_only",   "super_read_only",   "binlog_format",
    "binlog_row_image", "log_bin",     "log_slave_updates", "log_replica_updates",
    "gtid_mode",        "server_uuid", "gtid_current_pos",  "gtid_binlog_pos",
    "gtid_slave_pos"};

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
      r_.error = stage_ + ": " + e.what();
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

  /// The first statement. A stale connection (server restarted since the session was
  /// opened) is reopened once; the session's connect_timeout bounds that attempt.
  bool read_basics() {
    const std::string sql = show_global_where(false, kVariableNames, {"rpl_semi_sync_%"});
    try {
      try {
        vars_ = name_value_map(rows("reading global variables", sql));
      } catch (const std::exception& e) {
        if (mysql_error_number(e) != kServerGoneAway) throw;
        s_.reconnect();
        vars_ = name_value_map(rows("reading global variables", sql));
      }
    } catch (const std::exception& e) {
      r_.error = stage_ + ": " + e.what();
      return false;
    }
    if (vars_.empty()) {
      r_.error = "reading global variables: no rows returned";
      return false;
    }
    auto version = apply_global_variables(inst_, vars_);
    if (!version) {
      r_.warnings.push_back("unparsable @@version '" + inst_.version +
                            "': using MySQL 5.7 statements");
      version = model::ServerVersion{5, 7, 0, model::Flavor::MySQL, ""};
    }
    dialect_.emplace(*version);
    resolve_hostname();
    return true;
  }

  void resolve_hostname() {
    const std::string& method = opt_.hostname_resolve_method;
    std::string name;
    if (method == "@@hostname") {
      name = row_value(vars_, "hostname").value_or("");
    } else if (method == "@@report_host") {
      name = row_value(vars_, "report_host").value_or("");
    } else if (method != "none" && !method.empty()) {
      r_.warnings.push_back("unknown hostname_resolve_method '" + method + "': keeping key");
    }
    if (!name.empty()) inst_.key.hostname = name;
  }

  void read_mandatory() {
    const Dialect& d = *dialect_;
    Row status = name_value_map(
        rows("reading global status", show_global_where(true, {"Uptime"}, {"Rpl_semi_sync_%"})));
    apply_uptime(inst_, status);
    apply_semi_sync(inst_, vars_, status);

    Row gtid = vars_;
    auto mode = row_value(vars_, "gtid_mode");
    if (d.version().is_mysql_family() && mode && *mode != "OFF") {
      // A statement of its own: system variables next to a table read can be stale (MariaDB).
      Rows g = rows("reading GTID sets",
                    "SELECT @@global.gtid_executed AS gtid_executed, "
                    "@@global.gtid_purged AS gtid_purged");
      if (!g.empty()) {
        for (const auto& [name, value] : g.front()) gtid[name] = value;
      }
    }
    apply_gtid_vars(inst_, gtid);

    if (inst_.log_bin_enabled) {
      apply_master_status(inst_, rows(d.show_master_status(), d.show_master_status()));
    } else {
      apply_master_status(inst_, {});
    }
    apply_replica_status(inst_, rows(d.show_replica_status(), d.show_replica_status()), d);

    std::vector<model::InstanceKey> replicas;
    if (opt_.discover_by_show_slave_hosts) {
      replicas = parse_replica_hosts(rows(d.show_replica_hosts(), d.show_replica_hosts()));
    }
    if (replicas.empty()) {
      replicas = parse_processlist_replica_hosts(
          rows("reading replica connections", d.processlist_replica_hosts()), inst_.key.port);
    }
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
      r_.warnings.push_back(std::string(what) + ": " + e.what());
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
    r.error = std::string("probe: ") + e.what();
  }
  r.latency = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
  r.instance.last_discovery_latency_ns = r.latency.count();
  return r;
}

}  // namespace orc::storage
