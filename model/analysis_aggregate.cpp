// The aggregation half of the failure analysis: upstream's one SQL statement
// (database_instance master LEFT JOIN database_instance replica ON replica.master_host =
// master.hostname AND replica.master_port = master.port, plus maintenance, stale-binlog,
// downtime, alias and domain joins, GROUP BY master, HAVING for ReduceReplicationAnalysisCount)
// over a vector of instances, then analyze(), which classifies and filters each row.

#include <algorithm>
#include <cctype>
#include <regex>
#include <unordered_map>
#include <unordered_set>

#include "model/analysis.hpp"
#include "model/cluster_info.hpp"
#include "model/text.hpp"

namespace orc::model {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && to_lower(a) == to_lower(b);
}

/// Compiles each pattern; one that is not a valid regex is left out (matches nothing),
/// as Go's regexp.MatchString returns false on a compile error.
std::vector<std::regex> compile_all(const std::vector<std::string>& patterns) {
  std::vector<std::regex> out;
  for (const auto& p : patterns) {
    try {
      out.emplace_back(p);
    } catch (const std::regex_error&) {
    }
  }
  return out;
}

/// No master_host ('' or upstream's '_' placeholder), no port, or a detached "//" host.
bool has_no_master(const Instance& i) {
  const auto& host = i.master_key.hostname;
  return host.empty() || host == "_" || i.master_key.port == 0 || i.is_detached_master ||
         host.rfind("//", 0) == 0;
}

/// The replica-side terms of upstream's aggregate, summed over the joined replica rows.
void add_replicas(ReplicationAnalysis& a, const std::vector<const Instance*>& replicas,
                  const AnalysisSettings& settings) {
  int valid_oracle_gtid = 0, valid_mariadb_gtid = 0, valid_binlog_servers = 0;
  std::unordered_set<std::string> logging_major_versions;
  bool first = true;
  for (const Instance* r : replicas) {
    const bool valid = r->is_last_check_valid;
    const bool io = r->replication_io_thread_running();
    const bool sql = r->replication_sql_thread_running();
    a.replicas.push_back(r->key);
    ++a.count_replicas;
    if (valid) ++a.count_valid_replicas;
    if (valid && io && sql) ++a.count_valid_replicating_replicas;
    if (valid && !io && sql && is_connect_failure_error(r->last_io_error))
      ++a.count_replicas_failing_to_connect_to_master;
    if (r->is_co_master) a.is_co_master = true;
    if (valid && r->using_oracle_gtid) ++valid_oracle_gtid;
    if (valid && r->using_mariadb_gtid) ++valid_mariadb_gtid;
    if (valid && r->binlog_server) ++valid_binlog_servers;
    if (r->semi_sync.replica_enabled) ++a.count_semi_sync_replicas_enabled;
    if (r->log_bin_enabled && r->log_slave_updates_enabled) {
      ++a.count_logging_replicas;
      if (iequals(r->binlog_format, "STATEMENT")) ++a.count_statement_based_logging_replicas;
      if (iequals(r->binlog_format, "MIXED")) ++a.count_mixed_based_logging_replicas;
      if (iequals(r->binlog_format, "ROW")) ++a.count_row_based_logging_replicas;
      logging_major_versions.insert(to_lower(r->major_version));
    }
    if (r->sql_delay > 0) ++a.count_delayed_replicas;
    // SQL: slave_lag_seconds > N is NULL (not counted) when the lag is unknown.
    if (r->replication_lag_seconds &&
        *r->replication_lag_seconds > settings.reasonable_replication_lag_seconds)
      ++a.count_lagging_replicas;
    if (first || r->gtid_mode < a.min_replica_gtid_mode) a.min_replica_gtid_mode = r->gtid_mode;
    if (first || r->gtid_mode > a.max_replica_gtid_mode) a.max_replica_gtid_mode = r->gtid_mode;
    first = false;
    if (r->is_downtimed) {
      ++a.count_downtimed_replicas;
    } else if (r->gtid_errant > a.max_replica_gtid_errant) {
      a.max_replica_gtid_errant = r->gtid_errant;
    }
  }
  a.count_distinct_major_versions_logging_replicas =
      static_cast<int>(logging_major_versions.size());
  const int valid = a.count_valid_replicas;
  a.oracle_gtid_immediate_topology = valid > 0 && valid_oracle_gtid == valid;
  a.mariadb_gtid_immediate_topology = valid > 0 && valid_mariadb_gtid == valid;
  a.binlog_server_immediate_topology = valid > 0 && valid_binlog_servers == valid;
  std::sort(a.replicas.begin(), a.replicas.end());
}

template <class Map, class Value>
Value lookup(const Map& map, const InstanceKey& key, Value fallback) {
  auto it = map.find(key);
  return it == map.end() ? fallback : it->second;
}

/// One row of upstream's GROUP BY: the analysed instance's own columns plus its replicas'.
ReplicationAnalysis aggregate(const Instance& m, const std::vector<const Instance*>& replicas,
                              const AnalysisInput& input, const AnalysisSettings& settings) {
  ReplicationAnalysis a;
  a.analyzed_instance_key = m.key;
  a.analyzed_instance_master_key = m.master_key;
  a.analyzed_instance_data_center = m.data_center;
  a.analyzed_instance_region = m.region;
  a.analyzed_instance_physical_environment = m.physical_environment;
  a.analyzed_instance_binlog_coordinates = m.self_binlog_coordinates;
  a.analyzed_instance_binlog_coordinates.type = 0;
  a.is_master = has_no_master(m) &&
                (m.replication_group_name.empty() || m.replication_group_member_role == "PRIMARY");
  a.is_replication_group_member =
      !m.replication_group_name.empty() && m.replication_group_member_state != "OFFLINE";
  a.is_co_master = m.is_co_master;
  a.last_check_valid = m.is_last_check_valid && !lookup(input.master_check_hung, m.key, false);
  a.last_check_partial_success = m.last_check_partial_success;
  a.replication_depth = m.replication_depth;
  a.is_failing_to_connect_to_master = m.replication_sql_thread_running() &&
                                      !m.replication_io_thread_running() &&
                                      is_connect_failure_error(m.last_io_error);
  a.is_downtimed = m.is_downtimed;
  a.downtime_end_timestamp = m.downtime_end_timestamp;
  a.downtime_remaining_seconds =
      lookup(input.downtime_remaining_seconds, m.key, static_cast<int64_t>(0));
  a.is_binlog_server = m.binlog_server;
  a.pseudo_gtid_immediate_topology = m.using_pseudo_gtid;
  a.semi_sync_master_enabled = m.semi_sync.master_enabled;
  a.semi_sync_master_status = m.semi_sync.master_status;
  a.semi_sync_master_wait_for_replica_count =
      static_cast<int>(m.semi_sync.master_wait_for_replica_count);
  a.semi_sync_master_clients = static_cast<int>(m.semi_sync.master_clients);
  a.gtid_mode = m.gtid_mode;
  a.is_read_only = m.read_only;
  const auto stale = input.stale_binlog_seconds.find(m.key);
  a.is_stale_binlog_coordinates =
      stale != input.stale_binlog_seconds.end() &&
      stale->second > settings.reasonable_locked_semi_sync_master_seconds;
  add_replicas(a, replicas, settings);
  return a;
}

/// Upstream's HAVING clause under ReduceReplicationAnalysisCount, reduced: every other
/// disjunct implies count_replicas > 0.
bool kept_by_reduction(const ReplicationAnalysis& a) {
  return !a.last_check_valid || a.is_failing_to_connect_to_master || a.count_replicas > 0;
}

/// cluster_alias / cluster_domain_name, joined on the cluster name (ascii_general_ci).
class ClusterDirectory {
 public:
  ClusterDirectory(const AnalysisInput& input, const AnalysisSettings& settings)
      : settings_(settings) {
    for (const auto& [name, info] : input.clusters) by_name_.emplace(to_lower(name), &info);
  }

  ClusterInfo details(const std::string& cluster_name) {
    auto cached = cache_.find(to_lower(cluster_name));
    if (cached != cache_.end()) return cached->second;
    ClusterInfo c;
    c.cluster_name = cluster_name;
    auto it = by_name_.find(to_lower(cluster_name));
    const ClusterInfo* known = it == by_name_.end() ? nullptr : it->second;
    c.cluster_alias = known && !known->cluster_alias.empty() ? known->cluster_alias : cluster_name;
    c.cluster_domain =
        known && !known->cluster_domain.empty() ? known->cluster_domain : cluster_name;
    apply_recovery_filters(c, settings_.recover_master_cluster_filters,
                           settings_.recover_intermediate_master_cluster_filters);
    cache_.emplace(to_lower(cluster_name), c);
    return c;
  }

 private:
  const AnalysisSettings& settings_;
  std::unordered_map<std::string, const ClusterInfo*> by_name_;
  std::unordered_map<std::string, ClusterInfo> cache_;
};

}  // namespace

std::vector<ReplicationAnalysis> analyze(const AnalysisInput& input,
                                         const AnalysisSettings& settings,
                                         const AnalysisHints& hints) {
  std::vector<const Instance*> unique;
  std::unordered_set<InstanceKey, InstanceKeyHash> seen;
  std::unordered_map<InstanceKey, std::vector<const Instance*>, InstanceKeyHash> replicas_by_master;
  for (const auto& i : input.instances) {
    if (!seen.insert(i.key).second) continue;
    unique.push_back(&i);
    // A detached replica's master_host starts with "//", so it joins no master, as in SQL.
    if (i.master_key.valid()) replicas_by_master[i.master_key].push_back(&i);
  }
  const auto ignore_filters = compile_all(settings.recovery_ignore_hostname_filters);
  ClusterDirectory clusters(input, settings);
  static const std::vector<const Instance*> kNoReplicas;

  std::vector<ReplicationAnalysis> out;
  for (const Instance* m : unique) {
    if (input.in_maintenance.count(m->key)) continue;
    auto found = replicas_by_master.find(m->key);
    auto a = aggregate(*m, found == replicas_by_master.end() ? kNoReplicas : found->second, input,
                       settings);
    if (settings.reduce_replication_analysis_count && !kept_by_reduction(a)) continue;
    a.analysis = classify(a, settings);
    a.description = analysis_description(a.analysis);
    a.is_actionable_recovery = is_actionable(a.analysis);
    a.structure_analysis = structure_warnings(a);
    if (a.analysis == AnalysisCode::NoProblem && a.structure_analysis.empty() &&
        !hints.include_no_problem)
      continue;
    const auto& host = a.analyzed_instance_key.hostname;
    if (std::any_of(ignore_filters.begin(), ignore_filters.end(),
                    [&](const std::regex& re) { return std::regex_search(host, re); }))
      continue;
    apply_downtime(a);
    if (a.skippable_due_to_downtime && !hints.include_downtimed) continue;
    a.cluster_details = clusters.details(m->cluster_name);
    out.push_back(std::move(a));
  }
  std::sort(out.begin(), out.end(), [](const ReplicationAnalysis& x, const ReplicationAnalysis& y) {
    return x.analyzed_instance_key < y.analyzed_instance_key;
  });
  return out;
}

std::vector<ReplicationAnalysis> filter_by_cluster(const std::vector<ReplicationAnalysis>& rows,
                                                   std::string_view cluster_name) {
  std::vector<ReplicationAnalysis> out;
  for (const auto& r : rows) {
    if (iequals(r.cluster_details.cluster_name, cluster_name)) out.push_back(r);
  }
  return out;
}

std::vector<ReplicationAnalysis> filter_by_instance(const std::vector<ReplicationAnalysis>& rows,
                                                    const InstanceKey& key) {
  std::vector<ReplicationAnalysis> out;
  for (const auto& r : rows) {
    if (r.analyzed_instance_key == key) out.push_back(r);
  }
  return out;
}

}  // namespace orc::model
