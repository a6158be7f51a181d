#pragma once
// Backend access for clusters: names, aliases (cluster_alias, cluster_alias_override), masters,
// summaries and resolution of upstream's "cluster hint".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/cluster_info.hpp"
#include "model/instance_key.hpp"

namespace soci {
class session;
}

namespace orc::storage {

/// One row per cluster_name in database_instance, ordered by name: instance count, alias (as
/// read_cluster_alias), domain from cluster_domain_name ('' if none) and heuristic lag (as
/// cluster_heuristic_lag). The automated-recovery flags depend on configuration, not on the
/// backend, and stay false. One query.
std::vector<model::ClusterInfo> read_clusters_info(soci::session& s);

/// Distinct cluster names of database_instance, sorted.
std::vector<std::string> read_cluster_names(soci::session& s);

/// Upstream's clusterHint (FigureClusterName): `hint` is, in this order of precedence, a cluster
/// name that has instances, an alias from cluster_alias_override or cluster_alias (of a cluster
/// that has instances), or host[:port] (`default_port` when absent) of any known instance, whose
/// cluster_name is returned. nullopt when nothing matches. One query.
std::optional<std::string> resolve_cluster(soci::session& s, const std::string& hint,
                                           int default_port);

/// The cluster's alias: cluster_alias_override, then cluster_alias, else the cluster name
/// itself. nullopt when the cluster is unknown (no instance and no alias row names it).
std::optional<std::string> read_cluster_alias(soci::session& s, const std::string& cluster_name);

/// Upstream's periodic UpdateClusterAliases: REPLACE every non-empty suggested_cluster_alias into
/// cluster_alias (instances downtimed as 'lost-in-recovery' excluded; valid, writable, most-
/// replicated instances written last so they win), then give clusters where no instance suggests
/// an alias a self-row (alias = cluster_name). alias is UNIQUE: REPLACE evicts any other cluster
/// holding the same alias. Two statements.
void refresh_cluster_aliases(soci::session& s);

/// After a master failover the cluster is renamed after its new master: moves the alias rows
/// (cluster_alias and cluster_alias_override) of `old_cluster` to `new_cluster`, replacing rows
/// the new name may already have (upstream's ReplaceAliasClusterName). No-op when the old
/// cluster has no alias row or both names are equal.
void move_cluster_alias(soci::session& s, const std::string& old_cluster,
                        const std::string& new_cluster);
/// The master of each cluster: instances whose "host:port" equals their cluster_name (S6; for
/// co-masters, the side the cluster is named after). Ordered by cluster name.
std::vector<model::InstanceKey> read_cluster_masters(soci::session& s);

/// Upstream's GetClusterHeuristicLag without pools: the largest slave_lag_seconds among the
/// cluster's instances whose last check is valid, binlog servers excluded; 0 when none lags or
/// the cluster is unknown.
int64_t cluster_heuristic_lag(soci::session& s, const std::string& cluster_name);

}  // namespace orc::storage
