#include "http/json_encode.hpp"

#include <cstdint>
#include <optional>

namespace orc::http {

namespace {

/// Length of the well-formed UTF-8 sequence starting at text[i] (Unicode table 3-7), or 0.
size_t utf8_sequence_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) -> int {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : -1;
  };
  auto in = [](int b, int lo, int hi) { return b >= lo && b <= hi; };
  const int b0 = byte(0);
  if (b0 < 0x80) return 1;
  if (in(b0, 0xC2, 0xDF)) return in(byte(1), 0x80, 0xBF) ? 2 : 0;
  if (in(b0, 0xE0, 0xEF)) {
    const int lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const int hi = b0 == 0xED ? 0x9F : 0xBF;  // ED A0..BF would be a UTF-16 surrogate
    return in(byte(1), lo, hi) && in(byte(2), 0x80, 0xBF) ? 3 : 0;
  }
  if (in(b0, 0xF0, 0xF4)) {
    const int lo = b0 == 0xF0 ? 0x90 : 0x80;
    const int hi = b0 == 0xF4 ? 0x8F : 0xBF;  // above U+10FFFF otherwise
    return in(byte(1), lo, hi) && in(byte(2), 0x80, 0xBF) && in(byte(3), 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

void write_null_int64(JsonWriter& w, std::optional<int64_t> value) {
  w.StartObject();
  w.Key("Int64");
  w.Int64(value.value_or(0));
  w.Key("Valid");
  w.Bool(value.has_value());
  w.EndObject();
}

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

void write_strings(JsonWriter& w, const std::vector<std::string>& values) {
  w.StartArray();
  for (const auto& v : values) write_string(w, v);
  w.EndArray();
}

template <class Fn>
std::string encode(Fn&& fn) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  fn(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

constexpr int64_t kNanosPerSecond = 1000000000;

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

void write_string(JsonWriter& w, std::string_view text) {
  const std::string clean = valid_utf8(text);
  w.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
}

void write_key(JsonWriter& w, const model::InstanceKey& key) {
  w.StartObject();
  w.Key("Hostname");
  write_string(w, key.hostname);
  w.Key("Port");
  w.Int(key.port);
  w.EndObject();
}

void write_keys(JsonWriter& w, const std::vector<model::InstanceKey>& keys) {
  w.StartArray();
  for (const auto& k : keys) write_key(w, k);
  w.EndArray();
}

void write_instance(JsonWriter& w, const model::Instance& i) {
  const bool sql_running = i.replication_sql_thread_running();
  const bool io_running = i.replication_io_thread_running();
  const auto& ss = i.semi_sync;
  std::optional<int64_t> seconds_since_last_seen;
  if (i.seconds_since_last_seen >= 0) seconds_since_last_seen = i.seconds_since_last_seen;

  w.StartObject();
  w.Key("Key");
  write_key(w, i.key);
  w.Key("InstanceAlias");
  write_string(w, i.instance_alias);
  w.Key("Uptime");
  w.Uint64(i.uptime);
  w.Key("ServerID");
  w.Uint(i.server_id);
  w.Key("ServerUUID");
  write_string(w, i.server_uuid);
  w.Key("Version");
  write_string(w, i.version);
  w.Key("VersionComment");
  write_string(w, i.version_comment);
  w.Key("FlavorName");
  w.String(model::flavor_name(i.flavor));
  w.Key("ReadOnly");
  w.Bool(i.read_only);
  w.Key("Binlog_format");
  write_string(w, i.binlog_format);
  w.Key("BinlogRowImage");
  write_string(w, i.binlog_row_image);
  w.Key("LogBinEnabled");
  w.Bool(i.log_bin_enabled);
  w.Key("LogSlaveUpdatesEnabled");
  w.Bool(i.log_slave_updates_enabled);
  w.Key("LogReplicationUpdatesEnabled");
  w.Bool(i.log_slave_updates_enabled);
  w.Key("SelfBinlogCoordinates");
  write_coordinates(w, i.self_binlog_coordinates);
  w.Key("MasterKey");
  write_key(w, i.master_key);
  w.Key("MasterUUID");
  write_string(w, i.master_uuid);
  w.Key("AncestryUUID");
  write_string(w, i.ancestry_uuid);
  w.Key("IsDetachedMaster");
  w.Bool(i.is_detached_master);
  w.Key("Slave_SQL_Running");
  w.Bool(sql_running);
  w.Key("ReplicationSQLThreadRuning");
  w.Bool(sql_running);
  w.Key("Slave_IO_Running");
  w.Bool(io_running);
  w.Key("ReplicationIOThreadRuning");
  w.Bool(io_running);
  w.Key("ReplicationSQLThreadState");
  w.Int(static_cast<int>(i.sql_thread_state));
  w.Key("ReplicationIOThreadState");
  w.Int(static_cast<int>(i.io_thread_state));
  w.Key("HasReplicationFilters");
  w.Bool(i.has_replication_filters);
  w.Key("GTIDMode");
  write_string(w, i.gtid_mode);
  w.Key("SupportsOracleGTID");
  w.Bool(i.supports_oracle_gtid);
  w.Key("UsingOracleGTID");
  w.Bool(i.using_oracle_gtid);
  w.Key("UsingMariaDBGTID");
  w.Bool(i.using_mariadb_gtid);
  w.Key("UsingPseudoGTID");
  w.Bool(i.using_pseudo_gtid);
  w.Key("ReadBinlogCoordinates");
  write_coordinates(w, i.read_binlog_coordinates);
  w.Key("ExecBinlogCoordinates");
  write_coordinates(w, i.exec_binlog_coordinates);
  w.Key("IsDetached");
  w.Bool(i.is_detached());
  w.Key("RelaylogCoordinates");
  write_coordinates(w, i.relaylog_coordinates);
  w.Key("LastSQLError");
  write_string(w, i.last_sql_error);
  w.Key("LastIOError");
  write_string(w, i.last_io_error);
  w.Key("SecondsBehindMaster");
  write_null_int64(w, i.seconds_behind_master);
  w.Key("SQLDelay");
  w.Uint(i.sql_delay);
  w.Key("ExecutedGtidSet");
  write_string(w, i.executed_gtid_set);
  w.Key("GtidPurged");
  write_string(w, i.gtid_purged);
  w.Key("GtidErrant");
  write_string(w, i.gtid_errant);
  w.Key("SlaveLagSeconds");
  write_null_int64(w, i.replication_lag_seconds);
  w.Key("ReplicationLagSeconds");
  write_null_int64(w, i.replication_lag_seconds);
  w.Key("SlaveHosts");
  write_keys(w, i.replicas);
  w.Key("Replicas");
  write_keys(w, i.replicas);
  w.Key("ClusterName");
  write_string(w, i.cluster_name);
  w.Key("SuggestedClusterAlias");
  write_string(w, i.suggested_cluster_alias);
  w.Key("DataCenter");
  write_string(w, i.data_center);
  w.Key("Region");
  write_string(w, i.region);
  w.Key("PhysicalEnvironment");
  write_string(w, i.physical_environment);
  w.Key("ReplicationDepth");
  w.Int(i.replication_depth);
  w.Key("IsCoMaster");
  w.Bool(i.is_co_master);
  w.Key("HasReplicationCredentials");
  w.Bool(i.has_replication_credentials);
  w.Key("ReplicationCredentialsAvailable");
  w.Bool(i.replication_credentials_available);
  w.Key("SemiSyncAvailable");
  w.Bool(ss.available);
  w.Key("SemiSyncPriority");
  w.Int(ss.priority);
  w.Key("SemiSyncMasterEnabled");
  w.Bool(ss.master_enabled);
  w.Key("SemiSyncReplicaEnabled");
  w.Bool(ss.replica_enabled);
  w.Key("SemiSyncMasterTimeout");
  w.Uint64(ss.master_timeout);
  w.Key("SemiSyncMasterWaitForReplicaCount");
  w.Uint(ss.master_wait_for_replica_count);
  w.Key("SemiSyncMasterStatus");
  w.Bool(ss.master_status);
  w.Key("SemiSyncMasterClients");
  w.Uint(ss.master_clients);
  w.Key("SemiSyncReplicaStatus");
  w.Bool(ss.replica_status);
  w.Key("LastSeenTimestamp");
  write_string(w, i.last_seen_timestamp);
  w.Key("IsLastCheckValid");
  w.Bool(i.is_last_check_valid);
  w.Key("IsUpToDate");
  w.Bool(i.is_up_to_date);
  w.Key("IsRecentlyChecked");
  w.Bool(i.is_recently_checked);
  w.Key("SecondsSinceLastSeen");
  write_null_int64(w, seconds_since_last_seen);
  w.Key("CountMySQLSnapshots");
  w.Int(0);  // upstream's snapshot bookkeeping is not implemented: always none
  w.Key("IsCandidate");
  w.Bool(i.is_candidate);
  w.Key("PromotionRule");
  write_string(w, i.promotion_rule);
  w.Key("IsDowntimed");
  w.Bool(i.is_downtimed);
  w.Key("DowntimeReason");
  write_string(w, i.downtime_reason);
  w.Key("DowntimeOwner");
  write_string(w, i.downtime_owner);
  w.Key("DowntimeEndTimestamp");
  write_string(w, i.downtime_end_timestamp);
  w.Key("ElapsedDowntime");
  w.Int64(i.elapsed_downtime_seconds * kNanosPerSecond);
  w.Key("UnresolvedHostname");
  write_string(w, i.unresolved_hostname);
  w.Key("AllowTLS");
  w.Bool(i.allow_tls);
  w.Key("Problems");
  write_strings(w, i.problems);
  w.Key("LastDiscoveryLatency");
  w.Int64(i.last_discovery_latency_ns);
  w.Key("ReplicationGroupName");
  write_string(w, i.replication_group_name);
  w.Key("ReplicationGroupIsSinglePrimary");
  w.Bool(i.replication_group_is_single_primary_mode);
  w.Key("ReplicationGroupMemberState");
  write_string(w, i.replication_group_member_state);
  w.Key("ReplicationGroupMemberRole");
  write_string(w, i.replication_group_member_role);
  w.Key("ReplicationGroupMembers");
  write_keys(w, i.replication_group_members);
  w.Key("ReplicationGroupPrimaryInstanceKey");
  write_key(w, i.replication_group_primary);
  w.EndObject();
}

void write_cluster_info(JsonWriter& w, const model::ClusterInfo& c) {
  w.StartObject();
  w.Key("ClusterName");
  write_string(w, c.cluster_name);
  w.Key("ClusterAlias");
  write_string(w, c.cluster_alias);
  w.Key("ClusterDomain");
  write_string(w, c.cluster_domain);
  w.Key("CountInstances");
  w.Int(c.count_instances);
  w.Key("HeuristicLag");
  w.Int64(c.heuristic_lag);
  w.Key("HasAutomatedMasterRecovery");
  w.Bool(c.has_automated_master_recovery);
  w.Key("HasAutomatedIntermediateMasterRecovery");
  w.Bool(c.has_automated_intermediate_master_recovery);
  w.EndObject();
}

std::string instance_json(const model::Instance& instance) {
  return encode([&](JsonWriter& w) { write_instance(w, instance); });
}

std::string instances_json(const std::vector<model::Instance>& instances) {
  return encode([&](JsonWriter& w) {
    w.StartArray();
    for (const auto& i : instances) write_instance(w, i);
    w.EndArray();
  });
}

std::string key_json(const model::InstanceKey& key) {
  return encode([&](JsonWriter& w) { write_key(w, key); });
}

std::string keys_json(const std::vector<model::InstanceKey>& keys) {
  return encode([&](JsonWriter& w) { write_keys(w, keys); });
}

std::string cluster_info_json(const model::ClusterInfo& info) {
  return encode([&](JsonWriter& w) { write_cluster_info(w, info); });
}

std::string clusters_info_json(const std::vector<model::ClusterInfo>& infos) {
  return encode([&](JsonWriter& w) {
    w.StartArray();
    for (const auto& c : infos) write_cluster_info(w, c);
    w.EndArray();
  });
}

std::string string_array_json(const std::vector<std::string>& values) {
  return encode([&](JsonWriter& w) { write_strings(w, values); });
}

std::string json_string(std::string_view text) {
  return encode([&](JsonWriter& w) { write_string(w, text); });
}

std::string api_response_json(bool ok, const std::string& message,
                              const std::string* details_raw_json) {
  return encode([&](JsonWriter& w) {
    w.StartObject();
    w.Key("Code");
    w.String(ok ? "OK" : "ERROR");
    w.Key("Message");
    write_string(w, message);
    w.Key("Details");
    if (details_raw_json != nullptr && !details_raw_json->empty()) {
      w.RawValue(details_raw_json->data(), details_raw_json->size(), rapidjson::kObjectType);
    } else {
      w.Null();
    }
    w.EndObject();
  });
}

}  // namespace orc::http
