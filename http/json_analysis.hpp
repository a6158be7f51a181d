#pragma once
// JSON for /api/replication-analysis: upstream's ReplicationAnalysis (go/inst/analysis.go)
// with its field names and order, so orchestrator-client and dashboards read it unchanged.

#include <string>
#include <vector>

#include "http/json_encode.hpp"
#include "model/analysis.hpp"

namespace orc::http {

/// One ReplicationAnalysis object. Analysis is the code string, StructureAnalysis the warning
/// names (null when there are none: upstream marshals a nil Go slice), Replicas and its
/// back-compat duplicate SlaveHosts are key arrays, ClusterDetails is a ClusterInfo object.
/// IsReplicationGroupMember is written too (upstream's struct has it).
void write_analysis(JsonWriter& w, const model::ReplicationAnalysis& row);

std::string analysis_json(const model::ReplicationAnalysis& row);
/// A JSON array of analyses ("[]" when empty).
std::string analyses_json(const std::vector<model::ReplicationAnalysis>& rows);

}  // namespace orc::http
