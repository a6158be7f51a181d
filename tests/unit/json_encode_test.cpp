#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "http/json_encode.hpp"

using orc::model::ClusterInfo;
using orc::model::Flavor;
using orc::model::Instance;
using orc::model::InstanceKey;
using orc::model::ThreadState;
namespace http = orc::http;

namespace {

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  REQUIRE_MESSAGE(!d.HasParseError(), "not valid JSON: " << json);
  return d;
}

std::vector<std::string> member_names(const rapidjson::Value& object) {
  std::vector<std::string> names;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it)
    names.emplace_back(it->name.GetString(), it->name.GetStringLength());
  return names;
}

std::string str(const rapidjson::Value& v) {
  return std::string(v.GetString(), v.GetStringLength());
}

/// Upstream's Instance JSON field order (go/inst/instance.go, contract C.2).
const std::vector<std::string> kInstanceFields = {"Key",
                                                  "InstanceAlias",
                                                  "Uptime",
                                                  "ServerID",
                                                  "ServerUUID",
                                                  "Version",
                                                  "VersionComment",
                                                  "FlavorName",
                                                  "ReadOnly",
                                                  "Binlog_format",
                                                  "BinlogRowImage",
                                                  "LogBinEnabled",
                                                  "LogSlaveUpdatesEnabled",
                                                  "LogReplicationUpdatesEnabled",
                                                  "SelfBinlogCoordinates",
                                                  "MasterKey",
                                                  "MasterUUID",
                                                  "AncestryUUID",
                                                  "IsDetachedMaster",
                                                  "Slave_SQL_Running",
                                                  "ReplicationSQLThreadRuning",
                                                  "Slave_IO_Running",
                                                  "ReplicationIOThreadRuning",
                                                  "ReplicationSQLThreadState",
                                                  "ReplicationIOThreadState",
                                                  "HasReplicationFilters",
                                                  "GTIDMode",
                                                  "SupportsOracleGTID",
                                                  "UsingOracleGTID",
                                                  "UsingMariaDBGTID",
                                                  "UsingPseudoGTID",
                                                  "ReadBinlogCoordinates",
                                                  "ExecBinlogCoordinates",
                                                  "IsDetached",
                                                  "RelaylogCoordinates",
                                                  "LastSQLError",
                                                  "LastIOError",
                                                  "SecondsBehindMaster",
                                                  "SQLDelay",
                                                  "ExecutedGtidSet",
                                                  "GtidPurged",
                                                  "GtidErrant",
                                                  "SlaveLagSeconds",
                                                  "ReplicationLagSeconds",
                                                  "SlaveHosts",
                                                  "Replicas",
                                                  "ClusterName",
                                                  "SuggestedClusterAlias",
                                                  "DataCenter",
                                                  "Region",
                                                  "PhysicalEnvironment",
                                                  "ReplicationDepth",
                                                  "IsCoMaster",
                                                  "HasReplicationCredentials",
                                                  "ReplicationCredentialsAvailable",
                                                  "SemiSyncAvailable",
                                                  "SemiSyncPriority",
                                                  "SemiSyncMasterEnabled",
                                                  "SemiSyncReplicaEnabled",
                                                  "SemiSyncMasterTimeout",
                                                  "SemiSyncMasterWaitForReplicaCount",
                                                  "SemiSyncMasterStatus",
                                                  "SemiSyncMasterClients",
                                                  "SemiSyncReplicaStatus",
                                                  "LastSeenTimestamp",
                                                  "IsLastCheckValid",
                                                  "IsUpToDate",
                                                  "IsRecentlyChecked",
                                                  "SecondsSinceLastSeen",
                                                  "CountMySQLSnapshots",
                                                  "IsCandidate",
                                                  "PromotionRule",
                                                  "IsDowntimed",
                                                  "DowntimeReason",
                                                  "DowntimeOwner",
                                                  "DowntimeEndTimestamp",
                                                  "ElapsedDowntime",
                                                  "UnresolvedHostname",
                                                  "AllowTLS",
                                                  "Problems",
                                                  "LastDiscoveryLatency",
                                                  "ReplicationGroupName",
                                                  "ReplicationGroupIsSinglePrimary",
                                                  "ReplicationGroupMemberState",
                                                  "ReplicationGroupMemberRole",
                                                  "ReplicationGroupMembers",
                                                  "ReplicationGroupPrimaryInstanceKey"};

Instance sample_replica() {
  Instance i;
  i.key = {"db-r1", 3307};
  i.server_id = 3307;
  i.uptime = 86400;
  i.version = "10.11.19-MariaDB-log";
  i.flavor = Flavor::MariaDB;
  i.read_only = true;
  i.binlog_format = "ROW";
  i.log_bin_enabled = true;
  i.log_slave_updates_enabled = true;
  i.master_key = {"db-master", 3306};
  i.sql_thread_state = ThreadState::Stopped;
  i.io_thread_state = ThreadState::Running;
  i.using_mariadb_gtid = true;
  i.exec_binlog_coordinates = {"mysql-bin.000007", 4567, 0};
  i.relaylog_coordinates = {"relay-bin.000002", 890, 1};
  i.replication_lag_seconds = 12;
  i.replicas = {{"db-leaf1", 3308}, {"db-leaf2", 3309}};
  i.semi_sync.master_timeout = 10000;
  i.seconds_since_last_seen = -1;
  i.promotion_rule = "prefer";
  i.elapsed_downtime_seconds = 3;
  i.last_discovery_latency_ns = 1500000;
  i.last_sql_error = "Error 'x' on query.\n\tTab\x01 and bad \xff\xfe bytes \"q\" \\";
  return i;
}

}  // namespace

TEST_CASE("instance JSON has every upstream field in upstream's order") {
  auto d = parse(http::instance_json(sample_replica()));
  REQUIRE(d.IsObject());
  CHECK(member_names(d) == kInstanceFields);
}

TEST_CASE("instance JSON carries values under both the old and the misspelt new names") {
  auto d = parse(http::instance_json(sample_replica()));
  CHECK(str(d["Key"]["Hostname"]) == "db-r1");
  CHECK(d["Key"]["Port"].GetInt() == 3307);
  CHECK(d["ServerID"].GetUint() == 3307);
  CHECK(d["Uptime"].GetUint64() == 86400);
  CHECK(str(d["FlavorName"]) == "MariaDB");
  CHECK(d["ReadOnly"].GetBool());
  CHECK(d["LogSlaveUpdatesEnabled"].GetBool());
  CHECK(d["LogReplicationUpdatesEnabled"].GetBool());
  CHECK(str(d["MasterKey"]["Hostname"]) == "db-master");
  CHECK(d["MasterKey"]["Port"].GetInt() == 3306);
  CHECK_FALSE(d["Slave_SQL_Running"].GetBool());
  CHECK_FALSE(d["ReplicationSQLThreadRuning"].GetBool());
  CHECK(d["Slave_IO_Running"].GetBool());
  CHECK(d["ReplicationIOThreadRuning"].GetBool());
  CHECK(d["ReplicationSQLThreadState"].GetInt() == 0);
  CHECK(d["ReplicationIOThreadState"].GetInt() == 1);
  CHECK(d["UsingMariaDBGTID"].GetBool());
  CHECK(str(d["ExecBinlogCoordinates"]["LogFile"]) == "mysql-bin.000007");
  CHECK(d["ExecBinlogCoordinates"]["LogPos"].GetUint64() == 4567);
  CHECK(d["RelaylogCoordinates"]["Type"].GetInt() == 1);
  CHECK(d["SemiSyncMasterTimeout"].GetUint64() == 10000);
  CHECK(str(d["PromotionRule"]) == "prefer");
  CHECK(d["ElapsedDowntime"].GetInt64() == 3000000000LL);
  CHECK(d["LastDiscoveryLatency"].GetInt64() == 1500000);
  REQUIRE(d["SlaveHosts"].IsArray());
  REQUIRE(d["Replicas"].Size() == 2);
  CHECK(str(d["Replicas"][1]["Hostname"]) == "db-leaf2");
  CHECK(d["SlaveHosts"][1]["Port"].GetInt() == 3309);
}

TEST_CASE("nullable lags are Int64/Valid pairs, invalid ones with Int64 zero") {
  auto d = parse(http::instance_json(sample_replica()));
  CHECK(d["SecondsBehindMaster"]["Int64"].GetInt64() == 0);
  CHECK_FALSE(d["SecondsBehindMaster"]["Valid"].GetBool());
  CHECK(d["ReplicationLagSeconds"]["Int64"].GetInt64() == 12);
  CHECK(d["ReplicationLagSeconds"]["Valid"].GetBool());
  CHECK(d["SlaveLagSeconds"]["Int64"].GetInt64() == 12);
  CHECK_FALSE(d["SecondsSinceLastSeen"]["Valid"].GetBool());

  Instance seen = sample_replica();
  seen.seconds_since_last_seen = 4;
  seen.seconds_behind_master = 7;
  auto e = parse(http::instance_json(seen));
  CHECK(e["SecondsSinceLastSeen"]["Int64"].GetInt64() == 4);
  CHECK(e["SecondsSinceLastSeen"]["Valid"].GetBool());
  CHECK(e["SecondsBehindMaster"]["Int64"].GetInt64() == 7);
  CHECK(e["SecondsBehindMaster"]["Valid"].GetBool());
}

TEST_CASE("error texts with control characters and invalid UTF-8 still give valid JSON") {
  auto d = parse(http::instance_json(sample_replica()));
  CHECK(str(d["LastSQLError"]) ==
        "Error 'x' on query.\n\tTab\x01 and bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \"q\" \\");
  // Well-formed multi-byte text passes through; a truncated sequence is replaced byte by byte.
  CHECK(http::valid_utf8("caf\xC3\xA9 \xE2\x82") == "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(http::valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  CHECK(http::valid_utf8("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");
  CHECK(http::json_string(std::string("a\0b", 3)) == "\"a\\u0000b\"");
}

TEST_CASE("a non-replica has an empty master key and empty arrays, never null") {
  Instance m;
  m.key = {"db-master", 3306};
  auto d = parse(http::instance_json(m));
  CHECK(str(d["MasterKey"]["Hostname"]).empty());
  CHECK(d["MasterKey"]["Port"].GetInt() == 0);
  CHECK(d["Problems"].IsArray());
  CHECK(d["Problems"].Empty());
  CHECK(d["Replicas"].IsArray());
  CHECK(d["ReplicationGroupMembers"].IsArray());
  CHECK(d["ReplicationSQLThreadState"].GetInt() == -1);

  m.problems = {"not_replicating", "errant_gtid"};
  auto e = parse(http::instance_json(m));
  REQUIRE(e["Problems"].Size() == 2);
  CHECK(str(e["Problems"][1]) == "errant_gtid");
}

TEST_CASE("instance, key and string lists encode as JSON arrays") {
  auto instances = parse(http::instances_json({sample_replica(), Instance{}}));
  REQUIRE(instances.IsArray());
  CHECK(instances.Size() == 2);
  CHECK(parse(http::instances_json({})).Empty());

  CHECK(http::key_json(InstanceKey{"h", 3306}) == R"({"Hostname":"h","Port":3306})");
  auto keys = parse(http::keys_json({{"a", 1}, {"b", 2}}));
  REQUIRE(keys.Size() == 2);
  CHECK(str(keys[1]["Hostname"]) == "b");

  auto strings = parse(http::string_array_json({"x", "y\"z"}));
  REQUIRE(strings.Size() == 2);
  CHECK(str(strings[1]) == "y\"z");
}

TEST_CASE("cluster info uses upstream's field names") {
  ClusterInfo c;
  c.cluster_name = "db-master:3306";
  c.cluster_alias = "main";
  c.cluster_domain = "main.example";
  c.count_instances = 4;
  c.heuristic_lag = 17;
  c.has_automated_master_recovery = true;
  auto d = parse(http::cluster_info_json(c));
  CHECK(member_names(d) == std::vector<std::string>{"ClusterName", "ClusterAlias", "ClusterDomain",
                                                    "CountInstances", "HeuristicLag",
                                                    "HasAutomatedMasterRecovery",
                                                    "HasAutomatedIntermediateMasterRecovery"});
  CHECK(str(d["ClusterAlias"]) == "main");
  CHECK(d["CountInstances"].GetInt() == 4);
  CHECK(d["HeuristicLag"].GetInt64() == 17);
  CHECK(d["HasAutomatedMasterRecovery"].GetBool());
  CHECK_FALSE(d["HasAutomatedIntermediateMasterRecovery"].GetBool());

  auto all = parse(http::clusters_info_json({c, ClusterInfo{}}));
  REQUIRE(all.Size() == 2);
  CHECK(str(all[0]["ClusterName"]) == "db-master:3306");
}

TEST_CASE("API envelope has a string code, the message, and raw or null details") {
  auto ok = parse(http::api_response_json(true, "Instance discovered: db:3306"));
  CHECK(member_names(ok) == std::vector<std::string>{"Code", "Message", "Details"});
  CHECK(str(ok["Code"]) == "OK");
  CHECK(str(ok["Message"]) == "Instance discovered: db:3306");
  CHECK(ok["Details"].IsNull());

  const std::string details = http::key_json(InstanceKey{"db", 3306});
  auto err = parse(http::api_response_json(false, "bad \"thing\"", &details));
  CHECK(str(err["Code"]) == "ERROR");
  CHECK(str(err["Message"]) == "bad \"thing\"");
  CHECK(str(err["Details"]["Hostname"]) == "db");

  CHECK(http::json_string("OK") == "\"OK\"");
}
