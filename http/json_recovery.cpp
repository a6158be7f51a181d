#include "http/json_recovery.hpp"

namespace orc::http {

void write_failure_fields(JsonWriter& w, const model::InstanceKey& key, const std::string& analysis,
                          const std::string& cluster_name, const std::string& cluster_alias,
                          int count_replicas, const std::vector<model::InstanceKey>& replicas) {
  w.Key("AnalyzedInstanceKey");
  write_key(w, key);
  w.Key("Analysis");
  write_string(w, analysis);
  w.Key("ClusterDetails");
  w.StartObject();
  w.Key("ClusterName");
  write_string(w, cluster_name);
  w.Key("ClusterAlias");
  write_string(w, cluster_alias);
  w.EndObject();
  w.Key("CountReplicas");
  w.Int(count_replicas);
  w.Key("Replicas");
  write_keys(w, replicas);
  w.Key("SlaveHosts");
  write_keys(w, replicas);
}

void write_recovery(JsonWriter& w, const storage::TopologyRecoveryRow& r) {
  w.StartObject();
  w.Key("Id");
  w.Int64(r.id);
  w.Key("UID");
  write_string(w, r.uid);
  w.Key("AnalysisEntry");
  w.StartObject();
  write_failure_fields(w, r.key, r.analysis, r.cluster_name, r.cluster_alias,
                       r.count_affected_slaves, r.slave_hosts);
  w.EndObject();
  w.Key("SuccessorKey");
  if (r.successor)
    write_key(w, *r.successor);
  else
    w.Null();
  w.Key("SuccessorAlias");
  write_string(w, r.successor_alias);
  w.Key("SuccessorBinlogCoordinates");  // not stored in the backend
  w.Null();
  w.Key("IsActive");
  w.Bool(r.in_active_period);
  w.Key("IsSuccessful");
  w.Bool(r.is_successful);
  w.Key("LostReplicas");
  write_keys(w, r.lost_slaves);
  w.Key("ParticipatingInstanceKeys");
  write_keys(w, r.participating_instances);
  w.Key("AllErrors");
  w.StartArray();
  for (const auto& e : r.all_errors) write_string(w, e);
  w.EndArray();
  w.Key("RecoveryStartTimestamp");
  write_string(w, r.start_active_period);
  w.Key("RecoveryEndTimestamp");
  write_string(w, r.end_recovery);
  w.Key("ProcessingNodeHostname");
  write_string(w, r.processing_node_hostname);
  w.Key("ProcessingNodeToken");
  write_string(w, r.processing_node_token);
  w.Key("Acknowledged");
  w.Bool(r.acknowledged);
  w.Key("AcknowledgedAt");
  write_string(w, r.acknowledged_at);
  w.Key("AcknowledgedBy");
  write_string(w, r.acknowledged_by);
  w.Key("AcknowledgedComment");
  write_string(w, r.acknowledge_comment);
  w.Key("LastDetectionId");
  w.Int64(r.last_detection_id);
  w.Key("RelatedRecoveryId");  // set for detections only, as upstream
  w.Int64(0);
  // Neither is stored in topology_recovery: upstream's audit reads leave them empty too.
  w.Key("Type");
  write_string(w, "");
  w.Key("RecoveryType");
  write_string(w, "");
  w.EndObject();
}

std::string recoveries_json(const std::vector<storage::TopologyRecoveryRow>& rows) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartArray();
  for (const auto& r : rows) write_recovery(w, r);
  w.EndArray();
  return buf.GetString();
}

std::string recovery_json(const storage::TopologyRecoveryRow& row) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write_recovery(w, row);
  return buf.GetString();
}

}  // namespace orc::http
