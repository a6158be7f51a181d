#pragma once
// Upstream's TopologyRecovery JSON (and the AnalysisEntry summary it shares with the failure
// detection audit), for the recovery audit routes and the answers of recovery commands.

#include <string>
#include <vector>

#include "http/json_encode.hpp"
#include "model/instance_key.hpp"
#include "storage/recovery_dao.hpp"

namespace orc::http {

/// The AnalysisEntry members a stored detection or recovery keeps: AnalyzedInstanceKey,
/// Analysis, ClusterDetails{ClusterName, ClusterAlias}, CountReplicas, Replicas and its old
/// name SlaveHosts. Written into an object the caller opened.
void write_failure_fields(JsonWriter& w, const model::InstanceKey& key, const std::string& analysis,
                          const std::string& cluster_name, const std::string& cluster_alias,
                          int count_replicas, const std::vector<model::InstanceKey>& replicas);

/// One topology_recovery row with upstream's TopologyRecovery field names.
void write_recovery(JsonWriter& w, const storage::TopologyRecoveryRow& row);
std::string recovery_json(const storage::TopologyRecoveryRow& row);
std::string recoveries_json(const std::vector<storage::TopologyRecoveryRow>& rows);

}  // namespace orc::http
