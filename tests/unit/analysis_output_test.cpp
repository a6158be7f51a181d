// Code names, the connect-error match, the CLI line format and the JSON encoding of the
// analysis; and the check that every analysis code has a positive and a near-miss test.

#include <rapidjson/document.h>

#include <set>

#include "http/json_analysis.hpp"
#include "model/analysis_format.hpp"
#include "tests/unit/analysis_test_builder.hpp"

namespace analysis_test {

namespace {

using C = AnalysisCode;
using orc::model::analysis_code_from_name;
using orc::model::analysis_code_name;
using orc::model::is_connect_failure_error;
using orc::model::StructureWarning;

ReplicationAnalysis sample_row() {
  ReplicationAnalysis a;
  a.analyzed_instance_key = key("m");
  a.cluster_details.cluster_name = "m:3306";
  a.cluster_details.cluster_alias = "prod";
  a.analysis = C::DeadMaster;
  a.description = orc::model::analysis_description(C::DeadMaster);
  a.replicas = {key("r1"), key("r2")};
  a.count_replicas = 2;
  a.count_valid_replicas = 2;
  a.replication_depth = 0;
  a.is_master = true;
  a.is_actionable_recovery = true;
  a.downtime_remaining_seconds = 30;
  a.analyzed_instance_binlog_coordinates = {"mysql-bin.000003", 4567, 0};
  a.gtid_mode = "ON";
  return a;
}

}  // namespace

TEST_CASE("Every analysis code has a positive and a near-miss test") {
  std::set<C> positive, near_missed;
  for (const auto* cases : {&master_code_cases(), &topology_code_cases()}) {
    for (const auto& c : *cases) {
      if (c.build) positive.insert(c.code);
      if (c.build && c.near_miss) near_missed.insert(c.code);
    }
  }
  for (auto code : orc::model::all_analysis_codes()) {
    if (code == C::NoProblem) continue;
    CAPTURE(analysis_code_name(code));
    CHECK(positive.count(code) == 1);
    CHECK(near_missed.count(code) == 1);
  }
}

TEST_CASE("Analysis code names round-trip and unknown names are rejected") {
  std::set<std::string> names;
  for (auto code : orc::model::all_analysis_codes()) {
    const std::string name = analysis_code_name(code);
    CAPTURE(name);
    CHECK_FALSE(name.empty());
    CHECK(names.insert(name).second);
    REQUIRE(analysis_code_from_name(name));
    CHECK(*analysis_code_from_name(name) == code);
  }
  CHECK(names.size() == 31);
  CHECK(std::string(analysis_code_name(C::DeadMaster)) == "DeadMaster");
  CHECK_FALSE(analysis_code_from_name("deadmaster"));
  CHECK_FALSE(analysis_code_from_name("MasterWithoutReplicas"));
  CHECK_FALSE(analysis_code_from_name(""));
}

TEST_CASE("Exactly the codes with an upstream recovery function are actionable") {
  const std::set<C> actionable = {C::DeadMaster,
                                  C::DeadMasterAndSomeReplicas,
                                  C::LockedSemiSyncMaster,
                                  C::MasterWithTooManySemiSyncReplicas,
                                  C::NoWriteableMasterStructureWarning,
                                  C::DeadCoMaster,
                                  C::DeadCoMasterAndSomeReplicas,
                                  C::DeadIntermediateMasterWithSingleReplicaFailingToConnect,
                                  C::DeadIntermediateMaster,
                                  C::DeadIntermediateMasterAndSomeReplicas,
                                  C::AllIntermediateMasterReplicasFailingToConnectOrDead,
                                  C::DeadReplicationGroupMemberWithReplicas};
  for (auto code : orc::model::all_analysis_codes()) {
    CAPTURE(analysis_code_name(code));
    CHECK(orc::model::is_actionable(code) == (actionable.count(code) == 1));
    CHECK((code == C::NoProblem) == std::string(orc::model::analysis_description(code)).empty());
  }
}

TEST_CASE("Connect failures are recognised in every server's wording, case-insensitively") {
  const char* yes[] = {
      "error connecting to master 'repl@h:3306' - retry-time: 60  retries: 1",
      "error connecting to master 'u@h:3306' - retry-time: 60 retries: 1 message: Access denied",
      "Error connecting to source 'u@h:3306'. This was attempt 1/86400, with a delay of 60 "
      "seconds between attempts. Message: Unknown MySQL server host 'node1' (2)",
      "Error reconnecting to source 'u@h:3306'. This was attempt 3/86400",
      "error reconnecting to master 'repl@127.0.0.1:23501' - retry-time: 2  maximum-retries: "
      "100000  message: Can't connect to server on '127.0.0.1' (111 \"Connection refused\")",
      "ERROR CONNECTING TO MASTER 'x@y:1'",
  };
  for (const char* text : yes) {
    CAPTURE(text);
    CHECK(is_connect_failure_error(text));
  }
  const char* no[] = {
      "",
      "Got fatal error 1236 from master when reading data from binary log",
      "Got fatal error 1236 from source when reading data from binary log",
      "connecting to master 'x@y:1'",         // no "error " before it
      "connecting to source, then error ",    // "error " after it
      "error connecting to replica 'x@y:1'",  // neither master nor source
  };
  for (const char* text : no) {
    CAPTURE(text);
    CHECK_FALSE(is_connect_failure_error(text));
  }
}

TEST_CASE("The CLI line is host:port, the cluster, then the code and the warnings") {
  auto a = sample_row();
  CHECK(orc::model::analysis_line(a) == "m:3306 (cluster m:3306): DeadMaster");
  a.structure_analysis = {StructureWarning::NoLoggingReplicasStructureWarning,
                          StructureWarning::ErrantGTIDStructureWarning};
  CHECK(orc::model::analysis_line(a) ==
        "m:3306 (cluster m:3306): DeadMaster, NoLoggingReplicasStructureWarning, "
        "ErrantGTIDStructureWarning");
  a.analysis = C::NoProblem;
  CHECK(orc::model::analysis_line(a) ==
        "m:3306 (cluster m:3306): NoLoggingReplicasStructureWarning, ErrantGTIDStructureWarning");
}

TEST_CASE("The CLI output has one line per row with a problem or a warning") {
  auto dead = sample_row();
  auto healthy = sample_row();
  healthy.analyzed_instance_key = key("n");
  healthy.analysis = C::NoProblem;
  auto warned = healthy;
  warned.analyzed_instance_key = key("o");
  warned.structure_analysis = {StructureWarning::NoWriteableMasterStructureWarning};
  CHECK(orc::model::analysis_lines({dead, healthy, warned}) ==
        "m:3306 (cluster m:3306): DeadMaster\n"
        "o:3306 (cluster m:3306): NoWriteableMasterStructureWarning\n");
  CHECK(orc::model::analysis_lines({healthy}).empty());
}

TEST_CASE("The analysis JSON has upstream's field names and value shapes") {
  auto a = sample_row();
  rapidjson::Document d;
  d.Parse(orc::http::analysis_json(a).c_str());
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d.IsObject());
  CHECK(std::string(d["AnalyzedInstanceKey"]["Hostname"].GetString()) == "m");
  CHECK(d["AnalyzedInstanceKey"]["Port"].GetInt() == 3306);
  CHECK(std::string(d["AnalyzedInstanceMasterKey"]["Hostname"].GetString()).empty());
  CHECK(std::string(d["ClusterDetails"]["ClusterAlias"].GetString()) == "prod");
  CHECK(std::string(d["Analysis"].GetString()) == "DeadMaster");
  CHECK(std::string(d["Description"].GetString()) == a.description);
  CHECK(d["StructureAnalysis"].IsNull());
  REQUIRE(d["Replicas"].IsArray());
  CHECK(d["Replicas"].Size() == 2);
  CHECK(std::string(d["Replicas"][1]["Hostname"].GetString()) == "r2");
  CHECK(d["SlaveHosts"].Size() == 2);
  CHECK(d["CountReplicas"].GetInt() == 2);
  CHECK(d["IsMaster"].GetBool());
  CHECK(d["IsActionableRecovery"].GetBool());
  CHECK_FALSE(d["SkippableDueToDowntime"].GetBool());
  CHECK(d["DowntimeRemainingSeconds"].GetInt64() == 30);
  CHECK(std::string(d["AnalyzedInstanceBinlogCoordinates"]["LogFile"].GetString()) ==
        "mysql-bin.000003");
  CHECK(d["AnalyzedInstanceBinlogCoordinates"]["LogPos"].GetUint64() == 4567);
  CHECK(std::string(d["GTIDMode"].GetString()) == "ON");
  CHECK_FALSE(d.HasMember("is_stale_binlog_coordinates"));
  for (const char* field : {"AnalyzedInstanceDataCenter",
                            "AnalyzedInstanceRegion",
                            "AnalyzedInstancePhysicalEnvironment",
                            "IsCoMaster",
                            "LastCheckValid",
                            "LastCheckPartialSuccess",
                            "CountValidReplicas",
                            "CountValidReplicatingReplicas",
                            "CountReplicasFailingToConnectToMaster",
                            "CountDowntimedReplicas",
                            "ReplicationDepth",
                            "IsFailingToConnectToMaster",
                            "IsDowntimed",
                            "IsReplicasDowntimed",
                            "DowntimeEndTimestamp",
                            "IsBinlogServer",
                            "PseudoGTIDImmediateTopology",
                            "OracleGTIDImmediateTopology",
                            "MariaDBGTIDImmediateTopology",
                            "BinlogServerImmediateTopology",
                            "SemiSyncMasterEnabled",
                            "SemiSyncMasterStatus",
                            "SemiSyncMasterWaitForReplicaCount",
                            "SemiSyncMasterClients",
                            "CountSemiSyncReplicasEnabled",
                            "CountLoggingReplicas",
                            "CountStatementBasedLoggingReplicas",
                            "CountMixedBasedLoggingReplicas",
                            "CountRowBasedLoggingReplicas",
                            "CountDistinctMajorVersionsLoggingReplicas",
                            "CountDelayedReplicas",
                            "CountLaggingReplicas",
                            "ProcessingNodeHostname",
                            "ProcessingNodeToken",
                            "StartActivePeriod",
                            "MinReplicaGTIDMode",
                            "MaxReplicaGTIDMode",
                            "MaxReplicaGTIDErrant",
                            "CommandHint",
                            "IsReadOnly"}) {
    CAPTURE(field);
    CHECK(d.HasMember(field));
  }
}

TEST_CASE("Structure warnings are a JSON array of names and a row list is a JSON array") {
  auto a = sample_row();
  a.structure_analysis = {StructureWarning::DifferentGTIDModesStructureWarning};
  rapidjson::Document d;
  d.Parse(orc::http::analyses_json({a, sample_row()}).c_str());
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d.IsArray());
  REQUIRE(d.Size() == 2);
  REQUIRE(d[0]["StructureAnalysis"].IsArray());
  CHECK(std::string(d[0]["StructureAnalysis"][0].GetString()) ==
        "DifferentGTIDModesStructureWarning");
  CHECK(orc::http::analyses_json({}) == "[]");
}

TEST_CASE("An analysed topology encodes to JSON that names its code") {
  Topology t;
  t.add("m");
  failing(t.add("r1", "m"));
  dead(t["m"]);
  rapidjson::Document d;
  d.Parse(orc::http::analyses_json(t.run()).c_str());
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d.Size() == 2);
  CHECK(std::string(d[0]["Analysis"].GetString()) == "DeadMaster");
  CHECK(d[0]["CountReplicasFailingToConnectToMaster"].GetInt() == 1);
  CHECK(std::string(d[1]["Analysis"].GetString()) == "FirstTierReplicaFailingToConnectToMaster");
  CHECK(d[1]["IsFailingToConnectToMaster"].GetBool());
}

}  // namespace analysis_test
