// The detector on CAF's deterministic test scheduler: what it hands to the recovery
// coordinator, and when it holds a failure back.

#include <doctest/doctest.h>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <memory>
#include <vector>

#include "actors/detector.hpp"
#include "tests/unit/analysis_test_builder.hpp"

using namespace orc;
using namespace orc::actors;

namespace {

/// Stands in for the storage actor: jobs are not run; each answers `job_error` ("" = success).
/// Counts the snapshot refreshes, which the detector asks for on every tick.
storage_actor::behavior_type fake_storage(storage_actor::pointer, std::string job_error,
                                          std::shared_ptr<int> refreshes) {
  return {
      [](persist_atom, const PersistBatchPtr&) {},
      [](caf::flush_atom) {},
      [job_error](job_atom, const StorageJobPtr&) { return job_error; },
      [refreshes](refresh_atom, int64_t) {
        ++*refreshes;
        return true;
      },
      [](stats_atom) { return StorageStatsPtr(std::make_shared<const StorageStats>()); },
  };
}

/// Stands in for the recovery coordinator: records the codes it is handed.
recovery_coordinator_actor::behavior_type fake_coordinator(
    recovery_coordinator_actor::pointer, std::shared_ptr<std::vector<std::string>> handed) {
  return {
      [handed](recover_atom, const RecoveryCandidatesPtr& c) {
        for (const auto& row : c->rows)
          handed->push_back(std::string(model::analysis_code_name(row.analysis)) + " " +
                            row.analyzed_instance_key.str());
      },
      [](recovered_atom, const model::InstanceKey&) {},
      [](caf::tick_atom) {},
      [](active_atom, bool) {},
  };
}

/// A master and two replicas on closed loopback ports (emergent restarts fail at once).
std::vector<model::Instance> topology(bool master_dead, bool replicas_failing,
                                      int64_t replica_lag = 0) {
  analysis_test::Topology t;
  t.add("m");
  t.add("r1", "m");
  t.add("r2", "m");
  if (master_dead) analysis_test::dead(t["m"]);
  for (const char* r : {"r1", "r2"}) {
    if (replicas_failing) analysis_test::failing(t[r]);
    if (replica_lag) analysis_test::lagging(t[r], replica_lag);
    // MySQL replicas: the detector restarts IO threads only there (not on MariaDB GTID).
    t[r].using_mariadb_gtid = false;
    t[r].using_oracle_gtid = true;
  }
  std::vector<model::Instance> out;
  int port = 1;
  std::map<model::InstanceKey, model::InstanceKey> loopback;
  for (const auto& name : t.order) loopback[analysis_test::key(name)] = {"127.0.0.1", port++};
  for (const auto& name : t.order) {
    auto i = t.nodes.at(name);
    i.key = loopback[i.key];
    if (i.master_key.valid()) i.master_key = loopback[i.master_key];
    out.push_back(i);
  }
  model::derive_cluster_attributes(out);
  return out;
}

struct Fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::shared_ptr<std::vector<std::string>> handed = std::make_shared<std::vector<std::string>>();
  std::shared_ptr<int> refreshes = std::make_shared<int>(0);
  detector_actor detector;

  explicit Fixture(const std::string& job_error = "") {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.console", caf::atom("none"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    DetectorSettings s;
    auto config = std::make_shared<model::Config>();
    config->RecoverMasterClusterFilters = {"*"};
    s.config = config;
    s.storage = sys->spawn(fake_storage, job_error, refreshes);
    s.board = std::make_shared<AnalysisBoard>();
    s.topology.connect_timeout_s = 1;
    s.recovery = caf::actor_cast<caf::actor>(sys->spawn(fake_coordinator, handed));
    detector = spawn_detector(*sys, s);
    caf::anon_send(detector, active_atom::value, true);
    sched->run();
  }
  ~Fixture() {
    caf::anon_send_exit(detector, caf::exit_reason::user_shutdown);
    sched->run();
  }
  void observe(std::vector<model::Instance> view) {
    caf::anon_send(detector, observe_atom::value,
                   InstancesPtr(std::make_shared<const std::vector<model::Instance>>(view)));
    sched->run();
  }
  void set_active(bool active) {
    caf::anon_send(detector, active_atom::value, active);
    sched->run();
  }
  /// Ticks (snapshot refreshes) while the actor clock advances `seconds`, a second at a time.
  int ticks_over(int seconds) {
    *refreshes = 0;
    for (int i = 0; i < seconds; ++i) {
      sched->advance_time(std::chrono::seconds(1));
      sched->run();
    }
    return *refreshes;
  }
  int handed_dead_master() const {
    int n = 0;
    for (const auto& h : *handed) n += h == "DeadMaster 127.0.0.1:1";
    return n;
  }
};

}  // namespace

TEST_CASE("a dead master is handed to recovery once its detection is registered") {
  Fixture f;
  f.observe(topology(false, false));
  CHECK(f.handed->empty());  // healthy
  f.observe(topology(true, true));
  CHECK(f.handed_dead_master() >= 1);
  for (const auto& h : *f.handed) CHECK(h.rfind("DeadMaster", 0) == 0);
}

TEST_CASE("a failure whose detection could not be registered is not handed to recovery") {
  Fixture f("backend down");
  f.observe(topology(true, true));
  CHECK(f.handed->empty());
}

TEST_CASE("right after an emergent restart of its replicas a dead master is detection only") {
  Fixture f;
  // Unreachable, replicas lagging but replicating: the detector restarts their IO threads.
  f.observe(topology(true, false, 600));
  CHECK(f.handed->empty());
  // The restarted replicas now read as failing: within the graceful period no recovery.
  f.observe(topology(true, true));
  CHECK(f.handed_dead_master() == 0);
}

TEST_CASE("leadership flaps leave exactly one tick chain") {
  Fixture f;  // active once already, its tick scheduled
  for (int flap = 0; flap < 4; ++flap) {
    f.set_active(false);
    f.set_active(true);
  }
  CHECK(f.ticks_over(6) == 3);  // one tick every 2 s, not one per flap
}

TEST_CASE("a tick chain that ended while inactive starts again on the next activation") {
  Fixture f;
  f.set_active(false);
  CHECK(f.ticks_over(4) == 0);  // the scheduled tick found it inactive and ended the chain
  *f.refreshes = 0;
  f.set_active(true);
  CHECK(*f.refreshes == 1);  // the new chain ticks at once
  CHECK(f.ticks_over(4) == 2);
}

TEST_CASE("the emergent graceful period ends on the actor clock") {
  Fixture f;
  f.observe(topology(true, false, 600));  // IO threads restarted: graceful period starts
  f.observe(topology(true, true));
  CHECK(f.handed_dead_master() == 0);
  f.sched->advance_time(std::chrono::seconds(6));  // past the 5 s period
  f.sched->run();
  f.observe(topology(true, true));
  CHECK(f.handed_dead_master() >= 1);
}
