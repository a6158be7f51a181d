// What the analysis leaves out or marks: maintenance, downtime, RecoveryIgnoreHostnameFilters,
// ReduceReplicationAnalysisCount, the hints; plus cluster details, ordering and the filters
// used by the API routes.

#include <algorithm>

#include "tests/unit/analysis_test_builder.hpp"

namespace analysis_test {

namespace {

using C = AnalysisCode;

void dead_master(Topology& t) {
  t.add("m");
  failing(t.add("r1", "m"));
  failing(t.add("r2", "m"));
  dead(t["m"]);
}

void master_replicas_stopped(Topology& t) {
  t.add("m");
  stopped(t.add("r1", "m"));
  stopped(t.add("r2", "m"));
}

}  // namespace

TEST_CASE("An instance in maintenance is not analysed but still counts as a replica") {
  Topology t;
  t.add("m");
  t.add("im", "m");
  stopped(t.add("l1", "im"));
  stopped(t.add("l2", "im"));
  dead(t["im"]);
  CHECK(t.code("im") == C::DeadIntermediateMaster);
  t.input.in_maintenance.insert(key("im"));
  CHECK_FALSE(t.row("im"));
  auto m = t.row("m");
  REQUIRE(m);
  CHECK(m->count_replicas == 1);
  CHECK(m->analysis == C::MasterSingleReplicaDead);
}

TEST_CASE("A downtimed master is still analysed but skippable") {
  Topology t;
  dead_master(t);
  t["m"].is_downtimed = true;
  t["m"].downtime_end_timestamp = "2030-01-01 00:10:00";
  t.input.downtime_remaining_seconds[key("m")] = 540;
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->analysis == C::DeadMaster);
  CHECK(r->is_downtimed);
  CHECK(r->skippable_due_to_downtime);
  CHECK_FALSE(r->is_replicas_downtimed);
  CHECK(r->downtime_end_timestamp == "2030-01-01 00:10:00");
  CHECK(r->downtime_remaining_seconds == 540);
  t.hints.include_downtimed = false;
  CHECK_FALSE(t.row("m"));
}

TEST_CASE("A master that is not downtimed is not skippable") {
  Topology t;
  dead_master(t);
  auto r = t.row("m");
  REQUIRE(r);
  CHECK_FALSE(r->is_downtimed);
  CHECK_FALSE(r->skippable_due_to_downtime);
  t.hints.include_downtimed = false;
  CHECK(t.row("m"));
}

TEST_CASE("All replicas downtimed makes a replica-centric code skippable") {
  Topology t;
  master_replicas_stopped(t);
  t["r1"].is_downtimed = true;
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->count_downtimed_replicas == 1);
  CHECK_FALSE(r->skippable_due_to_downtime);
  t["r2"].is_downtimed = true;
  r = t.row("m");
  REQUIRE(r);
  CHECK(r->analysis == C::AllMasterReplicasNotReplicating);
  CHECK(r->is_replicas_downtimed);
  CHECK(r->skippable_due_to_downtime);
  CHECK_FALSE(r->is_downtimed);
}

TEST_CASE("All replicas downtimed does not make a dead master skippable") {
  Topology t;
  dead_master(t);
  t["r1"].is_downtimed = true;
  t["r2"].is_downtimed = true;
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->analysis == C::DeadMaster);
  CHECK_FALSE(r->is_replicas_downtimed);
  CHECK_FALSE(r->skippable_due_to_downtime);
}

TEST_CASE("Every replica-centric code is skippable when all replicas are downtimed") {
  using orc::model::apply_downtime;
  const C replica_centric[] = {C::AllMasterReplicasNotReplicating,
                               C::AllMasterReplicasNotReplicatingOrDead,
                               C::MasterSingleReplicaDead,
                               C::AllCoMasterReplicasNotReplicating,
                               C::DeadIntermediateMasterWithSingleReplica,
                               C::DeadIntermediateMasterWithSingleReplicaFailingToConnect,
                               C::DeadIntermediateMasterAndReplicas,
                               C::DeadIntermediateMasterAndSomeReplicas,
                               C::AllIntermediateMasterReplicasFailingToConnectOrDead,
                               C::AllIntermediateMasterReplicasNotReplicating};
  for (auto code : orc::model::all_analysis_codes()) {
    CAPTURE(orc::model::analysis_code_name(code));
    ReplicationAnalysis a;
    a.analysis = code;
    a.count_replicas = 2;
    a.count_downtimed_replicas = 2;
    apply_downtime(a);
    const bool expected = std::find(std::begin(replica_centric), std::end(replica_centric), code) !=
                          std::end(replica_centric);
    CHECK(a.skippable_due_to_downtime == expected);
    CHECK(a.is_replicas_downtimed == expected);
    a = ReplicationAnalysis{};
    a.analysis = code;
    a.count_replicas = 2;
    a.count_downtimed_replicas = 1;
    apply_downtime(a);
    CHECK_FALSE(a.skippable_due_to_downtime);
  }
}

TEST_CASE("RecoveryIgnoreHostnameFilters drop matching instances - a bad regex matches nothing") {
  Topology t;
  dead_master(t);
  t.settings.recovery_ignore_hostname_filters = {"("};
  CHECK(t.row("m"));
  t.settings.recovery_ignore_hostname_filters = {"(", "^x", "^m$"};
  CHECK_FALSE(t.row("m"));
}

TEST_CASE("RecoveryIgnoreHostnameFilters search anywhere in the hostname") {
  Topology t;
  t.add("db-master-1");
  dead(t["db-master-1"]);
  CHECK(t.code("db-master-1") == C::DeadMasterWithoutReplicas);
  t.settings.recovery_ignore_hostname_filters = {"master"};
  CHECK_FALSE(t.row("db-master-1"));
}

TEST_CASE("ReduceReplicationAnalysisCount drops healthy leaves, even with structure warnings") {
  Topology t;
  t.add("solo").read_only = true;  // a standalone read-only server: NoWriteableMaster warning
  CHECK_FALSE(t.row("solo"));
  t.settings.reduce_replication_analysis_count = false;
  auto r = t.row("solo");
  REQUIRE(r);
  CHECK(r->analysis == C::NoProblem);
  CHECK(r->structure_analysis ==
        std::vector<orc::model::StructureWarning>{
            orc::model::StructureWarning::NoWriteableMasterStructureWarning});
}

TEST_CASE(
    "NoProblem rows are returned only when asked for, healthy leaves only without reduction") {
  Topology t;
  t.add("m");
  t.add("r1", "m");
  CHECK(t.run().empty());
  t.hints.include_no_problem = true;
  auto rows = t.run();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].analyzed_instance_key == key("m"));
  CHECK(rows[0].analysis == C::NoProblem);
  CHECK(rows[0].description.empty());
  t.settings.reduce_replication_analysis_count = false;
  CHECK(t.run().size() == 2);
}

TEST_CASE("A failing leaf survives the reduction") {
  Topology t;
  t.add("m");
  t.add("im", "m");
  failing(t.add("l1", "im"));
  t.hints.include_no_problem = true;
  auto l1 = t.row("l1");
  REQUIRE(l1);
  CHECK(l1->is_failing_to_connect_to_master);
  CHECK(l1->replication_depth == 2);
  CHECK(l1->analysis == C::NoProblem);
}

TEST_CASE("Cluster details take alias and domain from the input, else the cluster name") {
  Topology t;
  dead_master(t);
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->cluster_details.cluster_name == "m:3306");
  CHECK(r->cluster_details.cluster_alias == "m:3306");
  CHECK(r->cluster_details.cluster_domain == "m:3306");
  orc::model::ClusterInfo info;
  info.cluster_alias = "prod";
  info.cluster_domain = "prod.vip";
  t.input.clusters["M:3306"] = info;  // cluster names compare case-insensitively
  r = t.row("m");
  REQUIRE(r);
  CHECK(r->cluster_details.cluster_alias == "prod");
  CHECK(r->cluster_details.cluster_domain == "prod.vip");
}

TEST_CASE("Recovery cluster filters set the HasAutomated recovery flags as upstream matches them") {
  struct Case {
    std::vector<std::string> filters;
    bool expected;
  };
  const Case cases[] = {
      {{}, false},
      {{"*"}, true},
      {{"m:3306"}, true},
      {{"prod"}, true},
      {{"alias=prod"}, true},
      {{"alias=pro"}, false},
      {{"alias~=^pr"}, true},
      {{"alias~=^x"}, false},
      {{"^m:"}, true},
      {{"^x", "("}, false},
      {{""}, false},
      {{"other"}, false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.filters.empty() ? std::string("(none)") : c.filters[0]);
    Topology t;
    dead_master(t);
    t.input.clusters["m:3306"].cluster_alias = "prod";
    t.settings.recover_master_cluster_filters = c.filters;
    auto r = t.row("m");
    REQUIRE(r);
    CHECK(r->cluster_details.has_automated_master_recovery == c.expected);
    CHECK_FALSE(r->cluster_details.has_automated_intermediate_master_recovery);
    t.settings.recover_master_cluster_filters.clear();
    t.settings.recover_intermediate_master_cluster_filters = c.filters;
    r = t.row("m");
    REQUIRE(r);
    CHECK(r->cluster_details.has_automated_intermediate_master_recovery == c.expected);
  }
}

TEST_CASE("Rows are sorted by key and duplicate instances are analysed once") {
  Topology t;
  for (const char* n : {"c", "a", "b"}) {
    t.add(n);
    dead(t[n]);
  }
  t.order.push_back("a");  // the same key a second time
  auto rows = t.run();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].analyzed_instance_key == key("a"));
  CHECK(rows[1].analyzed_instance_key == key("b"));
  CHECK(rows[2].analyzed_instance_key == key("c"));
}

TEST_CASE("filter_by_cluster and filter_by_instance select the rows of the API routes") {
  Topology t;
  dead_master(t);  // m: DeadMaster; r1, r2: FirstTierReplicaFailingToConnectToMaster
  t.add("n");
  dead(t["n"]);
  auto rows = t.run();
  REQUIRE(rows.size() == 4);
  auto in_m = orc::model::filter_by_cluster(rows, "M:3306");
  REQUIRE(in_m.size() == 3);
  CHECK(in_m[0].analyzed_instance_key == key("m"));
  CHECK(in_m[1].analysis == C::FirstTierReplicaFailingToConnectToMaster);
  CHECK(in_m[2].analyzed_instance_key == key("r2"));
  CHECK(orc::model::filter_by_cluster(rows, "x:3306").empty());
  auto n = orc::model::filter_by_instance(rows, InstanceKey{"N", 3306});
  REQUIRE(n.size() == 1);
  CHECK(n[0].analysis == C::DeadMasterWithoutReplicas);
  CHECK(n[0].cluster_details.cluster_name == "n:3306");
  CHECK(orc::model::filter_by_instance(rows, InstanceKey{"n", 3307}).empty());
}

TEST_CASE("The analysed row carries the instance's own facts") {
  Topology t;
  dead_master(t);
  auto& m = t["m"];
  m.data_center = "dc1";
  m.region = "eu";
  m.physical_environment = "prod";
  m.self_binlog_coordinates = {"mysql-bin.000042", 777, 0};
  m.gtid_mode = "ON";
  m.binlog_server = true;
  m.read_only = true;
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->analyzed_instance_data_center == "dc1");
  CHECK(r->analyzed_instance_region == "eu");
  CHECK(r->analyzed_instance_physical_environment == "prod");
  CHECK(r->analyzed_instance_binlog_coordinates.str() == "mysql-bin.000042:777");
  CHECK(r->gtid_mode == "ON");
  CHECK(r->is_binlog_server);
  CHECK(r->is_read_only);
  CHECK_FALSE(r->analyzed_instance_master_key.valid());
}

}  // namespace analysis_test
