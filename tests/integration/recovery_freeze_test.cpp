// A failover whose chosen candidate freezes (SIGSTOP) right after the master died: the
// recovery must end with one writable master and the other replicas under it, or abort with
// every replica as it was; never a cluster in between (two masters, replicas under a replica
// that was never promoted, IO threads left stopped on replicas that were not given up).

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/integration/recovery_fixture.hpp"

using namespace orc::test;
using namespace std::chrono_literals;

TEST_CASE("the chosen candidate frozen right after the master died: no cluster in between") {
  RecoveryFixture f;
  auto d = f.api("register-candidate/" + f.key_path(1) + "/prefer");  // the one that will be chosen
  REQUIRE_MESSAGE(d.IsObject(), f.last_body);
  REQUIRE(wait_until(
      [&] {
        auto i = f.api("instance/" + f.key_path(1));
        return i.IsObject() && i.HasMember("PromotionRule") &&
               std::string(i["PromotionRule"].GetString()) == "prefer";
      },
      5s));
  f.topo.kill(0);
  f.topo.freeze(1);
  REQUIRE_MESSAGE(wait_until(
                      [&] {
                        auto rows = f.recoveries();
                        return !rows.empty() && rows.back().ended;
                      },
                      60s),
                  f.logs());
  f.topo.thaw(1);
  auto rows = f.recoveries();
  const auto& row = rows.back();
  const auto steps = f.steps(row.uid);
  if (row.successful) {
    int master = f.index_of_port(row.successor_port);
    REQUIRE_MESSAGE((master == 2 || master == 3), steps);
    CHECK(f.writable_master_among({1, 2, 3}) == master);  // exactly one writable master
    int other = master == 2 ? 3 : 2;
    CHECK_MESSAGE(wait_until([&] { return f.replicates_from(other, master); }, 10s), steps);
    // The frozen candidate was given up (it could not be drained): known as lost, read-only,
    // still pointing at the dead master, never half-moved.
    auto frozen = f.replication(1);
    CHECK(frozen.read_only);
    CHECK((f.replicates_from(1, master) || f.downtime_reason(1) == "lost-in-recovery"));
  } else {
    for (int r : {1, 2, 3}) {  // aborted: every replica as the failure left it
      auto s = f.replication(r);
      CHECK(s.read_only);
      CHECK(s.master_port == f.port(0));
      CHECK(s.io_running != "No");
    }
  }
  MESSAGE("recovery " << (row.successful ? "succeeded" : "aborted") << ": " << steps);
}
