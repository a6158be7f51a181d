// The operator's recovery commands on a live topology: force-master-takeover, recover with its
// precondition, get-candidate-replica and recover-lite through the CLI.

#include <doctest/doctest.h>

#include <chrono>
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
