// Analysis codes below the top-level master (contract §E.2): co-masters, intermediate masters,
// binlog servers, first-tier replicas and Group Replication members, each with a near miss.

#include "tests/unit/analysis_test_builder.hpp"

namespace analysis_test {

namespace {

using C = AnalysisCode;

/// a <-> b, plus r1 replicating from a.
void co_masters(Topology& t) {
  t.add("a", "b");
  t.add("b", "a");
  t.add("r1", "a");
}

/// m -> im -> l1..lN.
void chain(Topology& t, int leaves) {
  t.add("m");
  t.add("im", "m");
  for (int i = 1; i <= leaves; ++i) t.add("l" + std::to_string(i), "im");
}

void chain_dead_im(Topology& t, int leaves) {
  chain(t, leaves);
  dead(t["im"]);
}

/// Group "grp": g1 PRIMARY, g2 SECONDARY with an asynchronous replica r1.
void group(Topology& t) {
  for (const char* name : {"g1", "g2"}) {
    auto& g = t.add(name);
    g.replication_group_name = "grp";
    g.replication_group_member_state = "ONLINE";
    g.replication_group_member_role = name == std::string("g1") ? "PRIMARY" : "SECONDARY";
    g.replication_group_primary = key("g1");
    g.replication_group_members = {key("g1"), key("g2")};
  }
  t.add("r1", "g2");
}

const std::vector<CodeCase> kCases = {
    {"a dead co-master whose replicas all fail to connect", C::DeadCoMaster, "a",
     [](Topology& t) {
       co_masters(t);
       dead(t["a"]);
       failing(t["b"]);
       failing(t["r1"]);
     },
     [](Topology& t) { t["r1"] = Topology{}.add("r1", "a"); }, C::UnreachableCoMaster},
    {"a dead co-master with a dead replica and a disconnected one", C::DeadCoMasterAndSomeReplicas,
     "a",
     [](Topology& t) {
       co_masters(t);
       dead(t["a"]);
       failing(t["b"]);
       dead(t["r1"]);
     },
     [](Topology& t) {
       t["r1"].is_last_check_valid = true;
       failing(t["r1"]);
     },
     C::DeadCoMaster},
    {"an unreachable co-master whose replicas replicate", C::UnreachableCoMaster, "a",
     [](Topology& t) {
       co_masters(t);
       dead(t["a"]);
     },
     [](Topology& t) { t["a"].last_check_partial_success = true; }, C::NoProblem},
    {"a reachable co-master none of whose replicas replicates",
     C::AllCoMasterReplicasNotReplicating, "a",
     [](Topology& t) {
       co_masters(t);
       stopped(t["b"]);
       stopped(t["r1"]);
     },
     [](Topology& t) { t["b"] = Topology{}.add("b", "a"); }, C::NoProblem},
    {"a dead intermediate master whose single replica cannot connect",
     C::DeadIntermediateMasterWithSingleReplicaFailingToConnect, "im",
     [](Topology& t) {
       chain_dead_im(t, 1);
       failing(t["l1"]);
     },
     [](Topology& t) { stopped(t["l1"]); }, C::DeadIntermediateMasterWithSingleReplica},
    {"a dead intermediate master whose single replica is stopped",
     C::DeadIntermediateMasterWithSingleReplica, "im",
     [](Topology& t) {
       chain_dead_im(t, 1);
       stopped(t["l1"]);
     },
     [](Topology& t) { t["l1"] = Topology{}.add("l1", "im"); }, C::UnreachableIntermediateMaster},
    {"a dead intermediate master whose replicas all fail to connect", C::DeadIntermediateMaster,
     "im",
     [](Topology& t) {
       chain_dead_im(t, 2);
       failing(t["l1"]);
       failing(t["l2"]);
     },
     [](Topology& t) { dead(t["l2"]); }, C::DeadIntermediateMasterAndSomeReplicas},
    {"a dead intermediate master with a dead and a disconnected replica",
     C::DeadIntermediateMasterAndSomeReplicas, "im",
     [](Topology& t) {
       chain_dead_im(t, 2);
       dead(t["l1"]);
       failing(t["l2"]);
     },
     [](Topology& t) { dead(t["l2"]); }, C::DeadIntermediateMasterAndReplicas},
    {"a dead intermediate master whose replicas are all dead", C::DeadIntermediateMasterAndReplicas,
     "im",
     [](Topology& t) {
       chain_dead_im(t, 2);
       dead(t["l1"]);
       dead(t["l2"]);
     },
     [](Topology& t) {
       t["im"].is_last_check_valid = true;
       t["im"].last_check_partial_success = true;
     },
     C::AllIntermediateMasterReplicasNotReplicating},
    {"an unreachable intermediate master whose replicas all lag",
     C::UnreachableIntermediateMasterWithLaggingReplicas, "im",
     [](Topology& t) {
       chain_dead_im(t, 2);
       lagging(t["l1"], 60);
       lagging(t["l2"], 60);
     },
     [](Topology& t) {
       t["l1"].sql_delay = 3600;
       t["l2"].sql_delay = 3600;
     },
     C::UnreachableIntermediateMaster},
    {"an unreachable intermediate master whose replicas replicate",
     C::UnreachableIntermediateMaster, "im", [](Topology& t) { chain_dead_im(t, 1); },
     [](Topology& t) { t["im"].last_check_partial_success = true; }, C::NoProblem},
    {"a reachable intermediate master whose replicas fail to connect or are dead",
     C::AllIntermediateMasterReplicasFailingToConnectOrDead, "im",
     [](Topology& t) {
       chain(t, 2);
       failing(t["l1"]);
       dead(t["l2"]);
     },
     // A valid replica that is merely stopped breaks "all valid ones fail to connect".
     [](Topology& t) {
       t["l2"].is_last_check_valid = true;
       stopped(t["l2"]);
     },
     C::AllIntermediateMasterReplicasNotReplicating},
    {"a reachable intermediate master none of whose replicas replicates",
     C::AllIntermediateMasterReplicasNotReplicating, "im",
     [](Topology& t) {
       chain(t, 2);
       stopped(t["l1"]);
       stopped(t["l2"]);
     },
     [](Topology& t) { t["l2"] = Topology{}.add("l2", "im"); }, C::NoProblem},
    {"a binlog server that cannot connect to its master", C::BinlogServerFailingToConnectToMaster,
     "bs",
     [](Topology& t) {
       t.add("m");
       t.add("bs", "m").binlog_server = true;
       failing(t["bs"]);
     },
     [](Topology& t) { t["bs"].binlog_server = false; },
     C::FirstTierReplicaFailingToConnectToMaster},
    {"a first-tier replica that cannot connect to the master",
     C::FirstTierReplicaFailingToConnectToMaster, "r1",
     [](Topology& t) {
       t.add("m");
       failing(t.add("r1", "m"));
       t.add("r2", "m");
     },
     // Moved one level down (depth 2), the same replica is not first-tier.
     [](Topology& t) {
       t.add("im", "m");
       t["r1"].master_key = key("im");
     },
     C::NoProblem},
    {"a dead group member whose replicas do not replicate",
     C::DeadReplicationGroupMemberWithReplicas, "g2",
     [](Topology& t) {
       group(t);
       dead(t["g2"]);
       failing(t["r1"]);
     },
     [](Topology& t) { t["g2"].replication_group_member_state = "OFFLINE"; },
     C::DeadIntermediateMasterWithSingleReplicaFailingToConnect},
};

}  // namespace

const std::vector<CodeCase>& topology_code_cases() {
  return kCases;
}

TEST_CASE(
    "Each code below the top-level master is produced by its topology and not by its near "
    "miss") {
  check_code_cases(topology_code_cases());
}

TEST_CASE("Co-masters are analysed as co-masters, not as masters") {
  Topology t;
  co_masters(t);
  stopped(t["b"]);
  stopped(t["r1"]);
  auto a = t.row("a");
  REQUIRE(a);
  CHECK_FALSE(a->is_master);
  CHECK(a->is_co_master);
  CHECK(a->replicas == std::vector<InstanceKey>{key("b"), key("r1")});
  // b's only replica is a, which replicates: nothing to report about b.
  CHECK(t.code("b") == C::NoProblem);
  CHECK_FALSE(t.row("b"));
}

TEST_CASE("A row counts as co-master when one of its replicas is a co-master") {
  Topology t;
  t.derive_clusters = false;  // a stale row: r1 still flagged co-master, m not
  t.hints.include_no_problem = true;
  t.add("m");
  t.add("r1", "m").is_co_master = true;
  auto m = t.row("m");
  REQUIRE(m);
  CHECK(m->is_co_master);
  t["r1"].is_co_master = false;
  m = t.row("m");
  REQUIRE(m);
  CHECK_FALSE(m->is_co_master);
}

TEST_CASE("When an intermediate master dies its master sees a dead single replica") {
  Topology t;
  chain_dead_im(t, 2);
  failing(t["l1"]);
  failing(t["l2"]);
  auto rows = t.run();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].analyzed_instance_key == key("im"));
  CHECK(rows[0].analysis == C::DeadIntermediateMaster);
  CHECK(rows[0].replication_depth == 1);
  CHECK(rows[0].analyzed_instance_master_key == key("m"));
  CHECK(rows[0].cluster_details.cluster_name == "m:3306");
  CHECK(rows[1].analyzed_instance_key == key("m"));
  CHECK(rows[1].analysis == C::MasterSingleReplicaDead);
}

TEST_CASE("A dead group primary with async replicas is a dead group member, not a dead master") {
  Topology t;
  group(t);
  failing(t.add("r0", "g1"));
  dead(t["g1"]);
  auto g1 = t.row("g1");
  REQUIRE(g1);
  CHECK(g1->is_master);
  CHECK(g1->is_replication_group_member);
  CHECK(g1->analysis == C::DeadReplicationGroupMemberWithReplicas);
}

TEST_CASE("A group secondary is not a master") {
  Topology t;
  group(t);
  stopped(t["r1"]);
  auto g2 = t.row("g2");
  REQUIRE(g2);
  CHECK_FALSE(g2->is_master);
  CHECK(g2->analysis == C::AllIntermediateMasterReplicasNotReplicating);
}

}  // namespace analysis_test
