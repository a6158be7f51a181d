// The recovery coordinator on CAF's deterministic test scheduler: which failures start a
// recovery actor, one per incident, and when a failure may be tried again.

#include <doctest/doctest.h>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <memory>
#include <mutex>
#include <vector>

#include "actors/recovery_coordinator.hpp"

using namespace orc;
using namespace orc::actors;

namespace {

/// Stands in for the storage actor: answers every job without running it, counting them.
storage_actor::behavior_type fake_storage(storage_actor::pointer, std::shared_ptr<int> jobs) {
  return {
      [](persist_atom, const PersistBatchPtr&) {},
      [](caf::flush_atom) {},
      [jobs](job_atom, const StorageJobPtr&) -> std::string {
        ++*jobs;
        return "";
      },
      [](refresh_atom, int64_t) { return true; },
      [](stats_atom) { return StorageStatsPtr(std::make_shared<const StorageStats>()); },
  };
}

model::ReplicationAnalysis failure(int port, model::AnalysisCode code) {
  model::ReplicationAnalysis a;
  a.analyzed_instance_key = {"127.0.0.1", port};
  a.cluster_details.cluster_name = "127.0.0.1:" + std::to_string(port);
  a.cluster_details.has_automated_master_recovery = true;
  a.cluster_details.has_automated_intermediate_master_recovery = true;
  a.analysis = code;
  return a;
}

struct Fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::shared_ptr<int> jobs = std::make_shared<int>(0);
  std::shared_ptr<std::vector<model::InstanceKey>> started =
      std::make_shared<std::vector<model::InstanceKey>>();
  recovery_coordinator_actor coordinator;

  explicit Fixture(std::chrono::milliseconds retry_interval = std::chrono::milliseconds(0)) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.console", caf::atom("none"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    RecoveryCoordinatorSettings s;
    s.config = std::make_shared<const model::Config>();
    s.storage = sys->spawn(fake_storage, jobs);
    auto started_keys = started;
    s.run_recovery = [started_keys](const RecoveryEnv&, const RecoveryRequest& r) {
      started_keys->push_back(r.analysis.analyzed_instance_key);
      RecoveryOutcome out;
      out.attempted = true;
      return out;
    };
    s.retry_interval = retry_interval;
    s.detached_recoveries = false;
    coordinator = spawn_recovery_coordinator(*sys, s);
    sched->run();
  }
  ~Fixture() {
    caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown);
    sched->run();
  }

  void offer(std::vector<model::ReplicationAnalysis> rows) {
    auto c = std::make_shared<RecoveryCandidates>();
    c->rows = std::move(rows);
    caf::anon_send(coordinator, recover_atom::value, RecoveryCandidatesPtr(c));
  }
  void set_active(bool active) {
    caf::anon_send(coordinator, active_atom::value, active);
    sched->run();
  }
  /// Upkeep jobs run while the actor clock advances `seconds` seconds, one second at a time.
  int upkeeps_over(int seconds) {
    *jobs = 0;
    for (int i = 0; i < seconds; ++i) {
      sched->advance_time(std::chrono::seconds(1));
      sched->run();
    }
    return *jobs;
  }
};

}  // namespace

TEST_CASE("an inactive coordinator starts no recovery") {
  Fixture f;
  f.offer({failure(1, model::AnalysisCode::DeadMaster)});
  f.sched->run();
  CHECK(f.started->empty());
}

TEST_CASE("only actionable, enabled, non-downtimed failures start a recovery actor") {
  Fixture f;
  caf::anon_send(f.coordinator, active_atom::value, true);
  f.sched->run();
  CHECK(*f.jobs >= 1);  // the first upkeep ran against the backend

  auto downtimed = failure(2, model::AnalysisCode::DeadMaster);
  downtimed.is_downtimed = true;
  auto filtered = failure(3, model::AnalysisCode::DeadMaster);
  filtered.cluster_details.has_automated_master_recovery = false;
  auto intermediate = failure(5, model::AnalysisCode::DeadIntermediateMaster);
  f.offer({failure(1, model::AnalysisCode::DeadMaster), downtimed, filtered,
           failure(4, model::AnalysisCode::UnreachableMaster), intermediate});
  f.sched->run();
  REQUIRE(f.started->size() == 2);
  CHECK(f.started->at(0).port == 1);
  CHECK(f.started->at(1).port == 5);
}

TEST_CASE("a failure being recovered is not started twice - once done it may be retried") {
  Fixture f;
  caf::anon_send(f.coordinator, active_atom::value, true);
  f.sched->run();
  // Both offers reach the coordinator before the recovery actor it spawns has run.
  f.offer({failure(1, model::AnalysisCode::DeadMaster)});
  f.offer({failure(1, model::AnalysisCode::DeadMaster)});
  f.sched->run();
  CHECK(f.started->size() == 1);
  // The recovery reported back; with no retry interval the next offer starts a new attempt.
  f.offer({failure(1, model::AnalysisCode::DeadMaster)});
  f.sched->run();
  CHECK(f.started->size() == 2);
}

TEST_CASE("a coordinator that lost leadership starts nothing") {
  Fixture f;
  caf::anon_send(f.coordinator, active_atom::value, true);
  caf::anon_send(f.coordinator, active_atom::value, false);
  f.sched->run();
  f.offer({failure(1, model::AnalysisCode::DeadMaster)});
  f.sched->run();
  CHECK(f.started->empty());
}

TEST_CASE("leadership flaps leave exactly one upkeep chain") {
  Fixture f;
  // Each activation finds the previous term's tick still scheduled.
  for (int flap = 0; flap < 4; ++flap) {
    f.set_active(true);
    f.set_active(false);
  }
  f.set_active(true);
  CHECK(f.upkeeps_over(3) == 3);  // one upkeep per second, not one per flap
}

TEST_CASE("a chain that ended while inactive starts again on the next activation") {
  Fixture f;
  f.set_active(true);
  f.set_active(false);
  CHECK(f.upkeeps_over(2) == 0);  // the scheduled tick found it inactive and ended the chain
  *f.jobs = 0;
  f.set_active(true);
  CHECK(*f.jobs == 1);  // the new chain's first upkeep runs at once
  CHECK(f.upkeeps_over(3) == 3);
}

TEST_CASE("a failure is retried only after the retry interval on the actor clock") {
  Fixture f(std::chrono::milliseconds(1000));
  f.set_active(true);
  f.offer({failure(1, model::AnalysisCode::DeadMaster)});
  f.sched->run();
  REQUIRE(f.started->size() == 1);
  f.offer({failure(1, model::AnalysisCode::DeadMaster)});  // finished, but too soon
  f.sched->run();
  CHECK(f.started->size() == 1);
  f.sched->advance_time(std::chrono::milliseconds(1000));
  f.sched->run();
  f.offer({failure(1, model::AnalysisCode::DeadMaster)});
  f.sched->run();
  CHECK(f.started->size() == 2);
}
