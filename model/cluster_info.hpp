#pragma once
// Summary of one cluster, as /api/clusters-info and /api/cluster-info return it.

#include <cstdint>
#include <string>

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

}  // namespace orc::model
