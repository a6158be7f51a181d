#pragma once
// An immutable picture of every known instance, as the API serves it. Built from one bulk
// backend read; queried without locks by HTTP handlers, so hot read routes run no SQL.

#include <optional>
#include <string>
#include <vector>

#include "model/cluster_info.hpp"
#include "model/instance.hpp"

namespace orc::model {

struct TopologySnapshot {
  std::vector<Instance> instances;    ///< sorted by key
  std::vector<ClusterInfo> clusters;  ///< sorted by cluster name

  const Instance* find(const InstanceKey& key) const;
  /// Members of a cluster, sorted by key.
  std::vector<const Instance*> cluster_members(const std::string& cluster_name) const;
  /// Direct replicas of `master` (by their stored master key), sorted by key.
  std::vector<const Instance*> replicas_of(const InstanceKey& master) const;
  /// The master of each cluster: the member whose key equals the cluster name.
  std::vector<const Instance*> cluster_masters() const;
  /// Upstream's clusterHint: a cluster name, an alias, or host[:port] of any member.
  std::optional<std::string> resolve_cluster(const std::string& hint, int default_port) const;
  const ClusterInfo* cluster_info(const std::string& cluster_name) const;
  /// Instances whose key, version, cluster name or alias contains `pattern` (case-insensitive).
  std::vector<const Instance*> search(const std::string& pattern) const;
};

}  // namespace orc::model
