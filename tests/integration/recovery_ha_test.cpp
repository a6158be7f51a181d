// Recoveries across service nodes: a leader that loses its term in the middle of a recovery
// stops it (fencing), and a leader that dies in the middle of one leaves it to be acknowledged
// (its heartbeat stops) so that the next leader recovers the failure.

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

#include "tests/integration/recovery_fixture.hpp"

using namespace orc::test;
using namespace std::chrono_literals;

namespace {

/// A scratch directory for the hooks' marker files.
struct HookDir {
  std::string path;
  HookDir() {
    char tmpl[] = "/tmp/orc-recovery-ha-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~HookDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  bool has(const std::string& name) const { return std::ifstream(path + "/" + name).good(); }
};

/// The first time it runs, the PreFailoverProcesses hook touches `started`, runs `action`, then
/// sleeps `seconds`; later runs pass at once.
std::string slow_first_hook(const HookDir& dir, const std::string& action, int seconds) {
  return "[\"[ -f " + dir.path + "/started ] || { touch " + dir.path + "/started; " + action +
         " sleep " + std::to_string(seconds) + "; }\"]";
}

RecoverySetup two_nodes_with_hook(const std::string& hook) {
  RecoverySetup setup;
  setup.nodes = 2;
  setup.extra = {{"PreFailoverProcesses", hook}, {"HookTimeoutSeconds", "20"}};
  return setup;
}

int successful_successor(RecoveryFixture& f) {
  for (const auto& r : f.recoveries())
    if (r.successful) return r.successor_port;
  return 0;
}

}  // namespace

TEST_CASE("a leader that loses its term during a recovery stops it - the next leader recovers") {
  HookDir dir;
  // The hook ends the leader's term (reelect) and outlasts its lease.
  RecoveryFixture f(two_nodes_with_hook(
      slow_first_hook(dir, "curl -s \\\"$(cat " + dir.path + "/url)\\\" >/dev/null;", 3)));
  std::ofstream(dir.path + "/url") << "http://127.0.0.1:" << f.leader().port() << "/api/reelect\n";
  f.topo.kill(0);
  REQUIRE_MESSAGE(wait_until([&] { return successful_successor(f) != 0; }, 20s), f.logs());
  CHECK(dir.has("started"));

  auto rows = f.recoveries();
  REQUIRE_MESSAGE(rows.size() == 2, f.logs());
  // The first recovery stopped at its first step after the hook: nothing promoted, its row
  // acknowledged so that it blocked nobody.
  CHECK_FALSE(rows[0].successful);
  CHECK(rows[0].acknowledged);
  CHECK(rows[0].all_errors.find("no longer") != std::string::npos);
  CHECK(f.steps(rows[0].uid).find("promoted") == std::string::npos);
  CHECK(rows[1].successful);
  int promoted = f.index_of_port(rows[1].successor_port);
  REQUIRE(promoted > 0);
  CHECK(f.is_standalone_writable(promoted));
  CHECK(f.writable_master_among({1, 2, 3}) == promoted);
}

TEST_CASE("a leader killed during a recovery: its recovery is acknowledged and the next recovers") {
  HookDir dir;
  RecoveryFixture f(two_nodes_with_hook(slow_first_hook(dir, "", 30)));
  auto& leader = f.leader();
  f.topo.kill(0);
  REQUIRE_MESSAGE(wait_until([&] { return dir.has("started"); }, 10s), f.logs());
  leader.kill9();
  REQUIRE_MESSAGE(wait_until([&] { return successful_successor(f) != 0; }, 25s), f.logs());

  auto rows = f.recoveries();
  REQUIRE(rows.size() == 2);
  CHECK_FALSE(rows[0].successful);
  CHECK(rows[0].acknowledged);  // by the new leader: the recovery's heartbeat stopped
  CHECK(rows[0].ended);
  CHECK(f.backend_sql("SELECT CONCAT(acknowledged_by, '|', acknowledge_comment) FROM "
                      "topology_recovery WHERE recovery_id = " +
                      std::to_string(rows[0].id)) == "orchestrator|detected crashed recovery");
  CHECK(rows[1].successful);
  int promoted = f.index_of_port(rows[1].successor_port);
  REQUIRE(promoted > 0);
  CHECK(f.writable_master_among({1, 2, 3}) == promoted);
  for (int i : {1, 2, 3})
    if (i != promoted) CHECK(f.replicates_from(i, promoted));
}
