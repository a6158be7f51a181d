#pragma once
// Cluster attributes derived from the master chain (schema S6): cluster_name,
// replication_depth, is_co_master, suggested_cluster_alias and ancestry_uuid, plus the
// errant-GTID rule that depends on them. Pure functions over Instance values, so the probe
// path (one master row from the backend) and whole-topology views share one set of rules.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/instance.hpp"

namespace orc::model {

/// The instance this one takes its cluster attributes from: the group primary for a Group
/// Replication SECONDARY, else master_key for a replica; nullopt for a master, including a
/// detached master ("//" master_host), which counts as having no master.
std::optional<InstanceKey> upstream_key(const Instance& instance);

/// Fills cluster_name, replication_depth, is_co_master, suggested_cluster_alias (inherited)
/// and ancestry_uuid for every instance, from each instance's own master_key (see
/// upstream_key). Instances are matched by InstanceKey (hostnames case-insensitive); when a
/// key appears twice the first occurrence is the one replicas attach to.
///
/// Rules: inherit_cluster_attributes applied from the top of each chain down, except that
/// co-master naming, which upstream leaves to probe history, is fixed to the smallest key:
/// - An instance without a master, or whose master is not in `instances` (not yet probed,
///   as upstream: own key, not the master's), is a root: cluster_name = own "host:port",
///   depth 0, ancestry = own server_uuid (+ group name), suggested_cluster_alias kept as
///   found (the caller's detection result, or "").
/// - A replica copies its master's cluster_name and suggested_cluster_alias, gets the
///   master's depth + 1 and the master's ancestry followed by its own uuid.
/// - A replication cycle (co-masters A <-> B, or a longer ring) is cut at its smallest key:
///   that member is the root (depth 0, names the cluster), the others descend from it
///   (depth 1, 2, ... around the ring); every ring member gets is_co_master. Upstream only
///   recognises two-member rings; treating longer rings the same way keeps depths finite.
///   Upstream's result for co-masters depends on probe order; this one is deterministic.
/// - A self-replicating instance (master_key = own key) is treated as a plain root.
void derive_cluster_attributes(std::vector<Instance>& instances);

/// Single step used when only the master's stored row is known (the backend/CLI path):
/// `master_row_or_null` is the database_instance row of upstream_key(replica), or null
/// when there is none. Same rules as derive_cluster_attributes for one instance:
/// - no row: root (own key, depth 0, ancestry = own server_uuid (+ group name),
///   suggested_cluster_alias kept as the caller left it).
/// - otherwise inherit the row's cluster_name and suggested_cluster_alias, its depth + 1,
///   and its ancestry_uuid followed by our own uuid (+ group name).
/// - a row with an empty cluster_name: own key as cluster_name and depth 0 (upstream keeps
///   depth master+1 here; we keep "name == own key <=> depth 0" so the cluster master is
///   unambiguous), alias and ancestry still inherited as upstream does.
/// - the row's own master is `replica` (co-masters): is_co_master. If the inherited name is
///   neither side's key it is forced to the smaller key; otherwise it is kept, so a cluster
///   keeps its name when a replica is made co-master (upstream behaviour, S6). The side
///   whose key names the cluster gets depth 0 and restarts its ancestry; the other side
///   ends up at depth 1 once both have been probed.
void inherit_cluster_attributes(Instance& replica, const Instance* master_row_or_null);

/// Keys of the instances replicating directly from `master` (detached replicas excluded;
/// hostnames compared case-insensitively), sorted by key.
std::vector<InstanceKey> replicas_of(const std::vector<Instance>& instances,
                                     const InstanceKey& master);

/// The master of a cluster: the instance whose "host:port" equals `cluster_name`
/// (case-insensitively), else the shallowest instance carrying that cluster_name (smallest
/// key on ties), else null.
const Instance* cluster_master(const std::vector<Instance>& instances,
                               const std::string& cluster_name);

/// Errant GTIDs of `replica` against its master's executed set, by upstream's rule:
/// drop from the replica's executed set every ancestry_uuid except its own server_uuid
/// (and its own too when it is a co-master, whose fresh writes its peer may not have
/// applied yet), drop master_uuid from the master's set, subtract. Returns "" when either
/// executed set is empty or nothing is errant, else the set in MySQL's text form (as
/// GTID_SUBTRACT prints it). Returns nullopt, with a reason in `error`, on a malformed set.
/// Call after inherit/derive so that ancestry_uuid and is_co_master are current.
std::optional<std::string> compute_gtid_errant(const Instance& replica,
                                               std::string_view master_executed_gtid_set,
                                               std::string* error = nullptr);

}  // namespace orc::model
