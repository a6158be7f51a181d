// Cluster reads and the alias refresh. Numeric results are fetched with into(long long): the
// MySQL backend parses them from text, so the exact SQL type of an aggregate does not matter.

#include "storage/cluster_dao.hpp"

#include <soci/soci.h>

#include <algorithm>

namespace orc::storage {

namespace {

/// Every key and name column is ascii (S1): a hint with other bytes cannot match, and MariaDB
/// would reject comparing it with an ascii column ("Illegal mix of collations").
bool is_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

/// Largest lag among instances with a valid check (S2), binlog servers excluded.
constexpr const char* kHeuristicLagExpr =
    "CAST(IFNULL(MAX(IF(di.binlog_server = 0 AND IFNULL(di.last_checked <= di.last_seen, 0), "
    "di.slave_lag_seconds, NULL)), 0) AS SIGNED)";

}  // namespace

std::vector<model::ClusterInfo> read_clusters_info(soci::session& s) {
  std::vector<model::ClusterInfo> out;
  model::ClusterInfo row;
  long long count = 0, lag = 0;
  soci::statement st =
      (s.prepare << std::string("SELECT di.cluster_name, COUNT(*), "
                                "COALESCE(MIN(o.alias), MIN(a.alias), di.cluster_name), "
                                "IFNULL(MIN(dn.domain_name), ''), ") +
                        kHeuristicLagExpr +
                        " FROM database_instance di"
                        " LEFT JOIN cluster_alias_override o ON o.cluster_name = di.cluster_name"
                        " LEFT JOIN cluster_alias a ON a.cluster_name = di.cluster_name"
                        " LEFT JOIN cluster_domain_name dn ON dn.cluster_name = di.cluster_name"
                        " GROUP BY di.cluster_name ORDER BY di.cluster_name",
       soci::into(row.cluster_name), soci::into(count), soci::into(row.cluster_alias),
       soci::into(row.cluster_domain), soci::into(lag));
  st.execute();
  while (st.fetch()) {
    row.count_instances = static_cast<int>(count);
    row.heuristic_lag = lag;
    out.push_back(row);
  }
  return out;
}

std::vector<std::string> read_cluster_names(soci::session& s) {
  std::vector<std::string> out;
  std::string name;
  soci::statement st = (s.prepare << "SELECT DISTINCT cluster_name FROM database_instance "
                                     "ORDER BY cluster_name",
                        soci::into(name));
  st.execute();
  while (st.fetch()) out.push_back(name);
  return out;
}

std::optional<std::string> resolve_cluster(soci::session& s, const std::string& hint,
                                           int default_port) {
  if (hint.empty() || !is_ascii(hint)) return std::nullopt;
  auto key = model::parse_instance_key(hint, default_port);
  std::string host = key ? key->hostname : std::string();
  int port = key ? key->port : 0;
  std::string cluster;
  soci::indicator ind = soci::i_null;
  s << "SELECT cluster_name FROM ("
       " SELECT 1 AS precedence, cluster_name FROM database_instance WHERE cluster_name = :hint"
       " UNION ALL SELECT 2, o.cluster_name FROM cluster_alias_override o WHERE o.alias = :hint"
       "  AND EXISTS (SELECT 1 FROM database_instance di WHERE di.cluster_name = o.cluster_name)"
       " UNION ALL SELECT 3, a.cluster_name FROM cluster_alias a WHERE a.alias = :hint"
       "  AND EXISTS (SELECT 1 FROM database_instance di WHERE di.cluster_name = a.cluster_name)"
       " UNION ALL SELECT 4, cluster_name FROM database_instance"
       "  WHERE hostname = :host AND port = :port"
       ") matches ORDER BY precedence LIMIT 1",
      soci::use(hint, "hint"), soci::use(host, "host"), soci::use(port, "port"),
      soci::into(cluster, ind);
  if (!s.got_data() || ind == soci::i_null) return std::nullopt;
  return cluster;
}

std::optional<std::string> read_cluster_alias(soci::session& s, const std::string& cluster_name) {
  if (!is_ascii(cluster_name)) return std::nullopt;
  std::string alias;
  soci::indicator ind = soci::i_null;
  s << "SELECT COALESCE("
       " (SELECT alias FROM cluster_alias_override WHERE cluster_name = :c),"
       " (SELECT alias FROM cluster_alias WHERE cluster_name = :c),"
       " (SELECT MIN(cluster_name) FROM database_instance WHERE cluster_name = :c))",
      soci::use(cluster_name, "c"), soci::into(alias, ind);
  if (ind == soci::i_null) return std::nullopt;
  return alias;
}

void refresh_cluster_aliases(soci::session& s) {
  s << "REPLACE INTO cluster_alias (alias, cluster_name, last_registered)"
       " SELECT di.suggested_cluster_alias, di.cluster_name, NOW()"
       " FROM database_instance di"
       " LEFT JOIN database_instance_downtime dd ON dd.hostname = di.hostname AND dd.port = di.port"
       " WHERE di.suggested_cluster_alias != ''"
       "  AND IFNULL(dd.downtime_active = 1 AND dd.end_timestamp > NOW()"
       "   AND dd.reason = 'lost-in-recovery', 0) = 0"
       " ORDER BY IFNULL(di.last_checked <= di.last_seen, 0), di.read_only DESC,"
       "  di.num_slave_hosts";
  s << "REPLACE INTO cluster_alias (alias, cluster_name, last_registered)"
       " SELECT cluster_name, cluster_name, NOW() FROM database_instance"
       " GROUP BY cluster_name HAVING SUM(suggested_cluster_alias = '') = COUNT(*)";
}

void move_cluster_alias(soci::session& s, const std::string& old_cluster,
                        const std::string& new_cluster) {
  if (old_cluster == new_cluster || old_cluster.empty() || new_cluster.empty()) return;
  for (const char* table : {"cluster_alias", "cluster_alias_override"}) {
    int rows = 0;
    s << "SELECT COUNT(*) FROM " << table << " WHERE cluster_name = :o", soci::use(old_cluster),
        soci::into(rows);
    if (rows == 0) continue;
    s << "DELETE FROM " << table << " WHERE cluster_name = :n", soci::use(new_cluster);
    s << "UPDATE " << table << " SET cluster_name = :n WHERE cluster_name = :o",
        soci::use(new_cluster, "n"), soci::use(old_cluster, "o");
  }
}

std::vector<model::InstanceKey> read_cluster_masters(soci::session& s) {
  std::vector<model::InstanceKey> out;
  model::InstanceKey key;
  soci::statement st = (s.prepare << "SELECT hostname, port FROM database_instance"
                                     " WHERE cluster_name = CONCAT(hostname, ':', port)"
                                     " ORDER BY cluster_name",
                        soci::into(key.hostname), soci::into(key.port));
  st.execute();
  while (st.fetch()) out.push_back(key);
  return out;
}

int64_t cluster_heuristic_lag(soci::session& s, const std::string& cluster_name) {
  if (!is_ascii(cluster_name)) return 0;
  long long lag = 0;
  s << std::string("SELECT ") + kHeuristicLagExpr +
           " FROM database_instance di WHERE di.cluster_name = :c",
      soci::use(cluster_name, "c"), soci::into(lag);
  return lag;
}

}  // namespace orc::storage
