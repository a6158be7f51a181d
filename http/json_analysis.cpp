#include "http/json_analysis.hpp"

namespace orc::http {

namespace {

void write_coordinates(JsonWriter& w, const model::BinlogCoordinates& c) {
  w.StartObject();
  w.Key("LogFile");
  write_string(w, c.log_file);
  w.Key("LogPos");
  w.Uint64(c.log_pos);
  w.Key("Type");
  w.Int(c.type);
  w.EndObject();
}

void field(JsonWriter& w, const char* key, bool value) {
  w.Key(key);
  w.Bool(value);
}

void field(JsonWriter& w, const char* key, int value) {
  w.Key(key);
  w.Int(value);
}

void field(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  write_string(w, value);
}

template <class Fn>
std::string encode(Fn&& fn) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  fn(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

void write_analysis(JsonWriter& w, const model::ReplicationAnalysis& a) {
  w.StartObject();
  w.Key("AnalyzedInstanceKey");
  write_key(w, a.analyzed_instance_key);
  w.Key("AnalyzedInstanceMasterKey");
  write_key(w, a.analyzed_instance_master_key);
  w.Key("ClusterDetails");
  write_cluster_info(w, a.cluster_details);
  field(w, "AnalyzedInstanceDataCenter", a.analyzed_instance_data_center);
  field(w, "AnalyzedInstanceRegion", a.analyzed_instance_region);
  field(w, "AnalyzedInstancePhysicalEnvironment", a.analyzed_instance_physical_environment);
  w.Key("AnalyzedInstanceBinlogCoordinates");
  write_coordinates(w, a.analyzed_instance_binlog_coordinates);
  field(w, "IsMaster", a.is_master);
  field(w, "IsReplicationGroupMember", a.is_replication_group_member);
  field(w, "IsCoMaster", a.is_co_master);
  field(w, "LastCheckValid", a.last_check_valid);
  field(w, "LastCheckPartialSuccess", a.last_check_partial_success);
  field(w, "CountReplicas", a.count_replicas);
  field(w, "CountValidReplicas", a.count_valid_replicas);
  field(w, "CountValidReplicatingReplicas", a.count_valid_replicating_replicas);
  field(w, "CountReplicasFailingToConnectToMaster", a.count_replicas_failing_to_connect_to_master);
  field(w, "CountDowntimedReplicas", a.count_downtimed_replicas);
  field(w, "ReplicationDepth", a.replication_depth);
  w.Key("Replicas");
  write_keys(w, a.replicas);
  w.Key("SlaveHosts");
  write_keys(w, a.replicas);
  field(w, "IsFailingToConnectToMaster", a.is_failing_to_connect_to_master);
  w.Key("Analysis");
  write_string(w, model::analysis_code_name(a.analysis));
  field(w, "Description", a.description);
  w.Key("StructureAnalysis");
  if (a.structure_analysis.empty()) {
    w.Null();
  } else {
    w.StartArray();
    for (auto s : a.structure_analysis) write_string(w, model::structure_warning_name(s));
    w.EndArray();
  }
  field(w, "IsDowntimed", a.is_downtimed);
  field(w, "IsReplicasDowntimed", a.is_replicas_downtimed);
  field(w, "DowntimeEndTimestamp", a.downtime_end_timestamp);
  w.Key("DowntimeRemainingSeconds");
  w.Int64(a.downtime_remaining_seconds);
  field(w, "IsBinlogServer", a.is_binlog_server);
  field(w, "PseudoGTIDImmediateTopology", a.pseudo_gtid_immediate_topology);
  field(w, "OracleGTIDImmediateTopology", a.oracle_gtid_immediate_topology);
  field(w, "MariaDBGTIDImmediateTopology", a.mariadb_gtid_immediate_topology);
  field(w, "BinlogServerImmediateTopology", a.binlog_server_immediate_topology);
  field(w, "SemiSyncMasterEnabled", a.semi_sync_master_enabled);
  field(w, "SemiSyncMasterStatus", a.semi_sync_master_status);
  field(w, "SemiSyncMasterWaitForReplicaCount", a.semi_sync_master_wait_for_replica_count);
  field(w, "SemiSyncMasterClients", a.semi_sync_master_clients);
  field(w, "CountSemiSyncReplicasEnabled", a.count_semi_sync_replicas_enabled);
  field(w, "CountLoggingReplicas", a.count_logging_replicas);
  field(w, "CountStatementBasedLoggingReplicas", a.count_statement_based_logging_replicas);
  field(w, "CountMixedBasedLoggingReplicas", a.count_mixed_based_logging_replicas);
  field(w, "CountRowBasedLoggingReplicas", a.count_row_based_logging_replicas);
  field(w, "CountDistinctMajorVersionsLoggingReplicas",
        a.count_distinct_major_versions_logging_replicas);
  field(w, "CountDelayedReplicas", a.count_delayed_replicas);
  field(w, "CountLaggingReplicas", a.count_lagging_replicas);
  field(w, "IsActionableRecovery", a.is_actionable_recovery);
  field(w, "ProcessingNodeHostname", a.processing_node_hostname);
  field(w, "ProcessingNodeToken", a.processing_node_token);
  field(w, "StartActivePeriod", a.start_active_period);
  field(w, "SkippableDueToDowntime", a.skippable_due_to_downtime);
  field(w, "GTIDMode", a.gtid_mode);
  field(w, "MinReplicaGTIDMode", a.min_replica_gtid_mode);
  field(w, "MaxReplicaGTIDMode", a.max_replica_gtid_mode);
  field(w, "MaxReplicaGTIDErrant", a.max_replica_gtid_errant);
  field(w, "CommandHint", a.command_hint);
  field(w, "IsReadOnly", a.is_read_only);
  w.EndObject();
}

std::string analysis_json(const model::ReplicationAnalysis& row) {
  return encode([&](JsonWriter& w) { write_analysis(w, row); });
}

std::string analyses_json(const std::vector<model::ReplicationAnalysis>& rows) {
  return encode([&](JsonWriter& w) {
    w.StartArray();
    for (const auto& r : rows) write_analysis(w, r);
    w.EndArray();
  });
}

}  // namespace orc::http
