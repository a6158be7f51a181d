// The operator's recovery commands on a live topology: force-master-takeover, recover with its
// precondition, get-candidate-replica and recover-lite through the CLI, and manual recoveries
// slower than the leader's crash detection, run by a follower node or a CLI process.

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <future>
#include <string>

#include "tests/integration/recovery_fixture.hpp"

using namespace orc::test;
using namespace std::chrono_literals;

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

/// A fixture whose nodes never recover on their own: everything below is manual.
RecoverySetup manual_only() {
  RecoverySetup setup;
  setup.extra = {{"RecoverMasterClusterFilters", "[]"},
                 {"RecoverIntermediateMasterClusterFilters", "[]"}};
  return setup;
}

/// Two nodes with automated recovery enabled, and a PreFailoverProcesses hook that outlasts
/// the leader's crash threshold for recoveries (10 s without a heartbeat).
RecoverySetup two_nodes_slow_hook() {
  RecoverySetup setup;
  setup.nodes = 2;
  setup.extra = {{"PreFailoverProcesses", "[\"sleep 14\"]"}, {"HookTimeoutSeconds", "30"}};
  return setup;
}

OrchestratorNode& follower(RecoveryFixture& f) {
  auto& lead = f.leader();
  for (auto& n : f.nodes)
    if (n.get() != &lead) return *n;
  throw std::runtime_error("no follower node");
}

bool api_ok(RecoveryFixture& f, const std::string& path) {
  auto d = f.api(path);
  return d.IsObject() && d.HasMember("Code") && std::string(d["Code"].GetString()) == "OK";
}

std::string backend_value(RecoveryFixture& f, const std::string& sql) {
  return trim(f.backend_sql(sql));
}

/// The master is killed while automated recoveries are disabled; `start` launches a manual
/// recovery of it (returning a future that says whether it succeeded) once `ready` holds;
/// automated recoveries are re-enabled while its hook sleeps, so a leader that took it for
/// crashed would recover the same failure again. Exactly one recovery must result: the
/// manual one, successful and never acknowledged as crashed.
void check_not_duplicated(RecoveryFixture& f, const std::function<bool()>& ready,
                          const std::function<std::future<bool>()>& start) {
  REQUIRE_MESSAGE(api_ok(f, "disable-global-recoveries"), f.last_body);
  f.topo.kill(0);
  REQUIRE_MESSAGE(wait_until(ready, 15s), f.logs());
  auto done = start();
  REQUIRE_MESSAGE(wait_until([&] { return f.recoveries().size() == 1; }, 15s), f.logs());
  REQUIRE_MESSAGE(api_ok(f, "enable-global-recoveries"), f.last_body);
  // The leader tries the failure itself and is refused: the manual recovery holds it.
  const std::string blocked =
      "SELECT COUNT(*) FROM blocked_topology_recovery WHERE port = " + std::to_string(f.port(0));
  CHECK_MESSAGE(wait_until([&] { return backend_value(f, blocked) != "0"; }, 10s), f.logs());
  CHECK_MESSAGE(done.get(), f.logs());

  auto rows = f.recoveries();
  REQUIRE_MESSAGE(rows.size() == 1, f.logs());
  CHECK(rows[0].failed_port == f.port(0));
  CHECK(rows[0].successful);
  CHECK(rows[0].ended);
  CHECK_FALSE(rows[0].acknowledged);
  CHECK(backend_value(f,
                      "SELECT COUNT(*) FROM topology_recovery WHERE acknowledged_by = "
                      "'orchestrator' OR acknowledge_comment = 'detected crashed recovery'") ==
        "0");
  int promoted = f.index_of_port(rows[0].successor_port);
  REQUIRE(promoted > 0);
  CHECK(f.writable_master_among({1, 2, 3}) == promoted);
}

bool analysed_dead(RecoveryFixture& f, const OrchestratorNode& node) {
  auto d = f.api("replication-analysis", &node);
  if (!d.IsObject() || !d.HasMember("Details") || !d["Details"].IsArray()) return false;
  for (const auto& row : d["Details"].GetArray())
    if (row["AnalyzedInstanceKey"]["Port"].GetInt() == f.port(0))
      return std::string(row["Analysis"].GetString()) == "DeadMaster";
  return false;
}

}  // namespace

TEST_CASE("force-master-takeover promotes the designated replica of a live master") {
  RecoveryFixture f(manual_only());
  auto d = f.api("force-master-takeover/" + f.key(0) + "/" + f.key_path(2));
  REQUIRE_MESSAGE(d.IsObject(), f.last_body);
  REQUIRE_MESSAGE(std::string(d["Code"].GetString()) == "OK", f.last_body);
  CHECK(d["Details"]["SuccessorKey"]["Port"].GetInt() == f.port(2));
  CHECK(f.is_standalone_writable(2));
  CHECK(f.replicates_from(1, 2));
  CHECK(f.replicates_from(3, 2));
  CHECK(f.write_reaches(2, {1, 3}));
  // The old master stops taking writes (set read-only in the background) and is set aside.
  CHECK(wait_until([&] { return f.replication(0).read_only; }, 3s));
  CHECK(f.downtime_reason(0) == "lost-in-recovery");
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].successful);
  CHECK(rows[0].successor_port == f.port(2));
}

TEST_CASE("recover refuses an instance without an actionable failure and changes nothing") {
  RecoveryFixture f(manual_only());
  auto d = f.api("recover/" + f.key_path(0));
  REQUIRE(d.IsObject());
  CHECK(std::string(d["Code"].GetString()) == "ERROR");
  CHECK(std::string(d["Message"].GetString()).find("no actionable failure") != std::string::npos);
  CHECK(f.recoveries().empty());
  CHECK(f.replicates_from(1, 0));
  CHECK_FALSE(f.replication(0).read_only);
}

TEST_CASE("the CLI names the candidate, then recover-lite fails over a dead master filters skip") {
  RecoveryFixture f(manual_only());
  REQUIRE(f.api("register-candidate/" + f.key_path(3) + "/prefer").IsObject());
  const auto& config = f.leader().config_path();
  int code = -1;
  CHECK(trim(run_cli(config, "-c get-candidate-replica -i " + f.key(0), &code)) == f.key(3));
  CHECK(code == 0);
  CHECK(f.recoveries().empty());  // asking changes nothing
  CHECK(f.replicates_from(3, 0));

  f.topo.kill(0);
  // Automated recovery is off for this cluster: the failure is only detected. The CLI analyses
  // the backend's rows, which follow the leader's live view within a flush or two.
  bool detected = wait_until(
      [&] {
        return run_cli(config, "-c replication-analysis")
                   .find(f.key(0) + " (cluster " + f.key(0) + "): DeadMaster") != std::string::npos;
      },
      10s);
  REQUIRE_MESSAGE(detected, f.logs());
  CHECK(f.recoveries().empty());
  CHECK(trim(run_cli(config, "-c recover-lite -i " + f.key(0), &code)) == f.key(3));
  CHECK(code == 0);
  CHECK(f.is_standalone_writable(3));
  CHECK(f.replicates_from(1, 3));
  CHECK(f.replicates_from(2, 3));
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].successful);
}

TEST_CASE("a slow manual recovery on a follower is neither taken for crashed nor duplicated") {
  RecoveryFixture f(two_nodes_slow_hook());
  auto& node = follower(f);
  const int port = node.port();
  const std::string path = "/api/recover/" + f.key_path(0);
  check_not_duplicated(
      f, [&] { return analysed_dead(f, node); },
      [port, path] {
        return std::async(std::launch::async, [port, path] {
          rapidjson::Document d;
          d.Parse(http_get(port, path, 60000).body.c_str());
          return d.IsObject() && d.HasMember("Code") && std::string(d["Code"].GetString()) == "OK";
        });
      });
}

TEST_CASE("a slow CLI recovery is neither taken for crashed nor duplicated") {
  RecoveryFixture f(two_nodes_slow_hook());
  const std::string config = f.leader().config_path();
  const std::string args = "-c recover -i " + f.key(0);
  const std::string line = f.key(0) + " (cluster " + f.key(0) + "): DeadMaster";
  check_not_duplicated(
      f, [&] { return run_cli(config, "-c replication-analysis").find(line) != std::string::npos; },
      [config, args] {
        return std::async(std::launch::async, [config, args] {
          int code = -1;
          run_cli(config, args, &code);
          return code == 0;
        });
      });
}
