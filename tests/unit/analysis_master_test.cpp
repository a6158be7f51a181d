// Analysis codes about a top-level master (contract §E.2, first rows of the table): each has a
// topology that produces it and a near miss, one fact away, that produces something else.

#include "tests/unit/analysis_test_builder.hpp"

namespace analysis_test {

namespace {

using C = AnalysisCode;

/// m with replicas r1..rN, all healthy.
void master_with(Topology& t, int replicas) {
  t.add("m");
  for (int i = 1; i <= replicas; ++i) t.add("r" + std::to_string(i), "m");
}

void dead_master_replicas_failing(Topology& t) {
  master_with(t, 2);
  dead(t["m"]);
  failing(t["r1"]);
  failing(t["r2"]);
}

void dead_master_and_replicas(Topology& t) {
  master_with(t, 2);
  dead(t["m"]);
  dead(t["r1"]);
  dead(t["r2"]);
}

void dead_master_and_some_replicas(Topology& t) {
  master_with(t, 2);
  dead(t["m"]);
  dead(t["r1"]);
  failing(t["r2"]);
}

void unreachable_master_lagging(Topology& t) {
  master_with(t, 2);
  dead(t["m"]);
  lagging(t["r1"], 60);
  lagging(t["r2"], 60);
}

void unreachable_master(Topology& t) {
  master_with(t, 2);
  dead(t["m"]);
}

void unreachable_master_partial_success(Topology& t) {
  master_with(t, 2);
  dead(t["m"]);
  t["m"].last_check_partial_success = true;
  failing(t["r1"]);
}

/// Semi-sync on and waiting for one acknowledgement that no replica gives.
void semi_sync_master_waiting(Topology& t) {
  master_with(t, 2);
  auto& s = t["m"].semi_sync;
  s.master_enabled = true;
  s.master_status = true;
  s.master_wait_for_replica_count = 1;
  s.master_clients = 0;
}

void locked_semi_sync_master(Topology& t) {
  semi_sync_master_waiting(t);
  t.input.stale_binlog_seconds[key("m")] = 30;  // > reasonable_locked_semi_sync_master_seconds
}

void too_many_semi_sync_replicas(Topology& t) {
  semi_sync_master_waiting(t);
  t["m"].semi_sync.master_clients = 2;
  t.settings.enforce_exact_semi_sync_replicas = true;
}

void read_only_master(Topology& t) {
  master_with(t, 2);
  t["m"].read_only = true;
  t.settings.recover_non_writeable_master = true;
}

const std::vector<CodeCase> kCases = {
    {"a dead master without replicas", C::DeadMasterWithoutReplicas, "m",
     [](Topology& t) {
       t.add("m");
       dead(t["m"]);
     },
     [](Topology& t) { failing(t.add("r1", "m")); }, C::DeadMaster},
    {"a dead master whose replicas all fail to connect", C::DeadMaster, "m",
     dead_master_replicas_failing,
     // One replica still replicates: the master is only unreachable from orchestrator.
     [](Topology& t) { t["r2"] = Topology{}.add("r2", "m"); }, C::UnreachableMaster},
    {"a dead master whose replicas are all dead too", C::DeadMasterAndReplicas, "m",
     dead_master_and_replicas,
     [](Topology& t) {
       t["r2"].is_last_check_valid = true;
       failing(t["r2"]);
     },
     C::DeadMasterAndSomeReplicas},
    {"a dead master with one dead and one disconnected replica", C::DeadMasterAndSomeReplicas, "m",
     dead_master_and_some_replicas,
     [](Topology& t) { t["r2"].io_thread_state = ThreadState::Running; }, C::UnreachableMaster},
    {"an unreachable master whose replicas all lag", C::UnreachableMasterWithLaggingReplicas, "m",
     unreachable_master_lagging, [](Topology& t) { lagging(t["r2"], 5); }, C::UnreachableMaster},
    {"an unreachable master whose replicas still replicate", C::UnreachableMaster, "m",
     unreachable_master,
     // The first query answered and no replica complains: treated as noise.
     [](Topology& t) { t["m"].last_check_partial_success = true; }, C::NoProblem},
    {"a partly answering master one of whose replicas cannot connect", C::UnreachableMaster, "m",
     unreachable_master_partial_success, [](Topology& t) { t["r1"] = Topology{}.add("r1", "m"); },
     C::NoProblem},
    {"a semi-sync master whose position has been frozen too long", C::LockedSemiSyncMaster, "m",
     locked_semi_sync_master, [](Topology& t) { t.input.stale_binlog_seconds[key("m")] = 5; },
     C::LockedSemiSyncMasterHypothesis},
    {"a semi-sync master waiting for acknowledgements, position not yet known to be frozen",
     C::LockedSemiSyncMasterHypothesis, "m", semi_sync_master_waiting,
     [](Topology& t) { t["m"].semi_sync.master_clients = 1; }, C::NoProblem},
    {"a semi-sync master with more semi-sync replicas than it waits for",
     C::MasterWithTooManySemiSyncReplicas, "m", too_many_semi_sync_replicas,
     [](Topology& t) { t.settings.enforce_exact_semi_sync_replicas = false; }, C::NoProblem},
    {"a read-only master with replicating replicas, RecoverNonWriteableMaster on",
     C::NoWriteableMasterStructureWarning, "m", read_only_master,
     [](Topology& t) { t.settings.recover_non_writeable_master = false; }, C::NoProblem},
    {"a master whose single replica is stopped", C::MasterSingleReplicaNotReplicating, "m",
     [](Topology& t) {
       master_with(t, 1);
       stopped(t["r1"]);
     },
     [](Topology& t) { dead(t["r1"]); }, C::MasterSingleReplicaDead},
    {"a master whose single replica is dead", C::MasterSingleReplicaDead, "m",
     [](Topology& t) {
       master_with(t, 1);
       dead(t["r1"]);
     },
     [](Topology& t) { stopped(t.add("r2", "m")); }, C::AllMasterReplicasNotReplicatingOrDead},
    {"a master none of whose replicas replicates", C::AllMasterReplicasNotReplicating, "m",
     [](Topology& t) {
       master_with(t, 2);
       stopped(t["r1"]);
       stopped(t["r2"]);
     },
     [](Topology& t) { t["r2"] = Topology{}.add("r2", "m"); }, C::NoProblem},
    {"a master with one dead and one stopped replica", C::AllMasterReplicasNotReplicatingOrDead,
     "m",
     [](Topology& t) {
       master_with(t, 2);
       dead(t["r1"]);
       stopped(t["r2"]);
     },
     // Upstream has no code for a reachable master whose replicas are all dead.
     [](Topology& t) { dead(t["r2"]); }, C::NoProblem},
};

}  // namespace

const std::vector<CodeCase>& master_code_cases() {
  return kCases;
}

TEST_CASE("Each master analysis code is produced by its topology and not by its near miss") {
  check_code_cases(master_code_cases());
}

TEST_CASE("A master whose replicas all lag but are all delayed on purpose is merely unreachable") {
  Topology t;
  unreachable_master_lagging(t);
  t["r1"].sql_delay = 3600;
  t["r2"].sql_delay = 3600;
  CHECK(t.code("m") == C::UnreachableMaster);
}

TEST_CASE("A replica whose lag is unknown does not count as lagging") {
  Topology t;
  unreachable_master_lagging(t);
  t["r2"].replication_lag_seconds.reset();
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->count_lagging_replicas == 1);
  CHECK(r->analysis == C::UnreachableMaster);
}

TEST_CASE("A dead master row carries the counts the classification used") {
  Topology t;
  dead_master_and_some_replicas(t);
  t.add("r3", "m");
  failing(t["r3"]);
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->is_master);
  CHECK_FALSE(r->last_check_valid);
  CHECK(r->count_replicas == 3);
  CHECK(r->count_valid_replicas == 2);
  CHECK(r->count_valid_replicating_replicas == 0);
  CHECK(r->count_replicas_failing_to_connect_to_master == 2);
  CHECK(r->replicas == std::vector<InstanceKey>{key("r1"), key("r2"), key("r3")});
  CHECK(r->is_actionable_recovery);
  CHECK(r->description ==
        "Master cannot be reached by orchestrator; some of its replicas are unreachable and none "
        "of its reachable replicas is replicating");
}

TEST_CASE("A replica with a stopped SQL thread does not count as failing to connect") {
  Topology t;
  dead_master_replicas_failing(t);
  t["r1"].sql_thread_state = ThreadState::Stopped;
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->count_replicas_failing_to_connect_to_master == 1);
  CHECK(r->analysis == C::DeadMaster);
}

TEST_CASE("MySQL 8.0.33 'Error connecting to source' counts as failing to connect") {
  Topology t;
  master_with(t, 2);
  dead(t["m"]);
  t["m"].last_check_partial_success = true;
  failing(t["r1"],
          "Error connecting to source 'repl@m:3306'. This was attempt 1/86400, with a delay of "
          "60 seconds between attempts. Message: Can't connect to MySQL server on 'm:3306' (111)");
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->count_replicas_failing_to_connect_to_master == 1);
  CHECK(r->analysis == C::UnreachableMaster);
}

TEST_CASE("A replica whose binlog was purged under it does not count as failing to connect") {
  Topology t;
  master_with(t, 2);
  dead(t["m"]);
  t["m"].last_check_partial_success = true;
  t.hints.include_no_problem = true;
  failing(t["r1"],
          "Got fatal error 1236 from source when reading data from binary log: 'Could not find "
          "first log file name in binary log index file'");
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->count_replicas_failing_to_connect_to_master == 0);
  CHECK(r->analysis == C::NoProblem);
}

TEST_CASE("A hanging probe makes the analysed master invalid but not a replica") {
  Topology t;
  master_with(t, 2);
  failing(t["r1"]);
  failing(t["r2"]);
  CHECK(t.code("m") == C::AllMasterReplicasNotReplicating);
  t.input.master_check_hung[key("m")] = true;
  CHECK(t.code("m") == C::DeadMaster);
  t.input.master_check_hung[key("m")] = false;
  t.input.master_check_hung[key("r1")] = true;
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->count_valid_replicas == 2);
}

TEST_CASE("A locked semi-sync master is detected even when orchestrator cannot reach it") {
  Topology t;
  locked_semi_sync_master(t);
  t["m"].last_check_partial_success = true;
  t["m"].is_last_check_valid = false;
  CHECK(t.code("m") == C::LockedSemiSyncMaster);
}

TEST_CASE("Replicas are matched to their master with case-insensitive host names") {
  Topology t;
  master_with(t, 1);
  t["r1"].master_key.hostname = "M";
  stopped(t["r1"]);
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->count_replicas == 1);
  CHECK(r->analysis == C::MasterSingleReplicaNotReplicating);
}

TEST_CASE("A detached replica is not counted as its former master's replica") {
  Topology t;
  master_with(t, 2);
  dead(t["m"]);
  stopped(t["r1"]);
  t["r1"].master_key.hostname = "//m";
  t["r1"].is_detached_master = true;
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->count_replicas == 1);
  CHECK(r->analysis == C::UnreachableMaster);
  // Detached, r1 is a master of its own (the "//" host counts as no master).
  t.settings.reduce_replication_analysis_count = false;
  t.hints.include_no_problem = true;
  auto r1 = t.row("r1");
  REQUIRE(r1);
  CHECK(r1->is_master);
  CHECK(r1->count_replicas == 0);
}

}  // namespace analysis_test
