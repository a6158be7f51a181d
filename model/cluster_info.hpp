#pragma once
// Summary of one cluster, as /api/clusters-info and /api/cluster-info return it.

#include <cstdint>
#include <string>
#include <vector>

namespace orc::model {

/// Upstream's ClusterInfo (go/inst/cluster.go). Field names map one-to-one onto the JSON
/// (ClusterName, ClusterAlias, ...), so clients written for upstream read it unchanged.
struct ClusterInfo {
  std::string cluster_name;    ///< "host:port" of the master, the cluster's identity
  std::string cluster_alias;   ///< human-friendly alias, "" when none
  std::string cluster_domain;  ///< CNAME/VIP of the master, "" when none
  int count_instances = 0;
  int64_t heuristic_lag = 0;  ///< seconds; max replication lag seen among the cluster's replicas
  bool has_automated_master_recovery = false;
  bool has_automated_intermediate_master_recovery = false;
};

/// Upstream's ClusterInfo.filtersMatchCluster for RecoverMasterClusterFilters and
/// RecoverIntermediateMasterClusterFilters: an entry matches the cluster when it is "*", the
/// cluster's name or alias, "alias=A" (exact alias), "alias~=RE" (regex on the alias) or a regex
/// found in the cluster name. An invalid regex matches nothing, as Go's regexp.MatchString.
bool filters_match_cluster(const std::vector<std::string>& filters, const ClusterInfo& cluster);

/// Sets has_automated_master_recovery / has_automated_intermediate_master_recovery from the
/// two filter lists.
void apply_recovery_filters(ClusterInfo& cluster, const std::vector<std::string>& master_filters,
                            const std::vector<std::string>& intermediate_filters);

}  // namespace orc::model
