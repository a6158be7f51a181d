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

TEST_CASE("the chosen candidate frozen as the master dies: no cluster in between") {
  // Frozen just before the kill, the candidate cannot be drained (its connect times out) and is
  // given up; frozen right after, the failover (well under a second) may already have promoted
  // it. Both must end in one writable master with the others under it, or in an abort with
  // every replica as it was.
  bool freeze_first = false;
  SUBCASE("frozen just before the master dies") { freeze_first = true; }
  SUBCASE("frozen right after the master died") { freeze_first = false; }
  RecoveryFixture f;
  auto d = f.api("register-candidate/" + f.key_path(1) + "/prefer");  // the one to be chosen
  REQUIRE_MESSAGE(d.IsObject(), f.last_body);
  REQUIRE(wait_until(
      [&] {
        auto i = f.api("instance/" + f.key_path(1));
        return i.IsObject() && i.HasMember("PromotionRule") &&
               std::string(i["PromotionRule"].GetString()) == "prefer";
      },
      5s));
  if (freeze_first) f.topo.freeze(1);
  f.topo.kill(0);
  if (!freeze_first) f.topo.freeze(1);
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
    REQUIRE_MESSAGE((master >= 1 && master <= 3), steps);
    CHECK(f.writable_master_among({1, 2, 3}) == master);  // exactly one writable master
    for (int r : {1, 2, 3}) {
      if (r == master) continue;
      // The frozen one, if not promoted, was either moved before it froze or given up (lost:
      // read-only, still pointing at the dead master), never half-moved.
      if (r == 1)
        CHECK_MESSAGE((f.replicates_from(1, master) || f.downtime_reason(1) == "lost-in-recovery"),
                      steps);
      else
        CHECK_MESSAGE(wait_until([&] { return f.replicates_from(r, master); }, 10s), steps);
    }
    if (freeze_first) CHECK_MESSAGE(master != 1, steps);  // undrainable: never promoted
  } else {
    for (int r : {1, 2, 3}) {  // aborted: every replica as the failure left it
      auto s = f.replication(r);
      CHECK(s.read_only);
      CHECK(s.master_port == f.port(0));
      CHECK(s.io_running != "No");
    }
  }
  MESSAGE("recovery " << std::string(row.successful ? "succeeded" : "aborted") << ": " << steps);
}
