// Recovery decisions a new user meets first (1 master + 3 GTID replicas): a prefer candidate
// wins, a must_not replica that is ahead is caught up from instead of blocking or being lost,
// and FailMasterPromotionOnLagMinutes is honoured. Each case stops the master both ways: a
// clean SHUTDOWN (what `mysqladmin shutdown` sends) and kill -9.

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/integration/recovery_fixture.hpp"

using namespace orc::test;
using namespace std::chrono_literals;

namespace {

enum class Stop { Shutdown, Kill };

void stop_master(RecoveryFixture& f, Stop how) {
  if (how == Stop::Kill) {
    f.topo.kill(0);
    return;
  }
  try {
    f.topo.sql(0, "SHUTDOWN");
  } catch (const std::runtime_error&) {
    // The connection may close before the reply.
  }
}

/// Runs `body` once per way of stopping the master, each on a fresh fixture.
template <typename Body>
void for_each_stop(Body&& body) {
  SUBCASE("clean shutdown") {
    body(Stop::Shutdown);
  }
  SUBCASE("kill -9") {
    body(Stop::Kill);
  }
}

bool recovery_ended(RecoveryFixture& f) {
  auto rows = f.recoveries();
  return !rows.empty() && rows.back().ended;
}

void register_rule(RecoveryFixture& f, int i, const std::string& rule) {
  auto d = f.api("register-candidate/" + f.key_path(i) + "/" + rule);
  REQUIRE_MESSAGE(
      (d.IsObject() && d.HasMember("Code") && std::string(d["Code"].GetString()) == "OK"),
      f.last_body);
}

/// The leader's view holds `rule` for instance i (the recovery reads rules from it).
bool leader_sees_rule(RecoveryFixture& f, int i, const std::string& rule) {
  auto d = f.api("instance/" + f.key_path(i));
  return d.IsObject() && d.HasMember("PromotionRule") &&
         std::string(d["PromotionRule"].GetString()) == rule;
}

int count_rows(RecoveryFixture& f, int i, const std::string& table) {
  try {
    return std::stoi(f.topo.sql(i, "SELECT COUNT(*) FROM " + table));
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

TEST_CASE("a prefer candidate among equal replicas becomes master") {
  for_each_stop([](Stop how) {
    RecoveryFixture f({"replicas", 3, 2});
    register_rule(f, 2, "prefer");
    REQUIRE(wait_until([&] { return leader_sees_rule(f, 2, "prefer"); }, 5s));
    stop_master(f, how);
    REQUIRE_MESSAGE(wait_until([&] { return recovery_ended(f); }, 20s), f.logs());
    auto rows = f.recoveries();
    REQUIRE(rows.size() == 1);
    CHECK_MESSAGE(rows[0].successful, f.steps(rows[0].uid));
    CHECK_MESSAGE(rows[0].successor_port == f.port(2), f.steps(rows[0].uid));
    CHECK(f.is_standalone_writable(2));
    CHECK(wait_until([&] { return f.replicates_from(1, 2) && f.replicates_from(3, 2); }, 5s));
  });
}

TEST_CASE("a must_not replica ahead of the others is caught up from: nothing lost") {
  for_each_stop([](Stop how) {
    RecoveryFixture f({"replicas", 3, 2});
    register_rule(f, 1, "must_not");
    REQUIRE(wait_until([&] { return leader_sees_rule(f, 1, "must_not"); }, 5s));
    f.topo.sql(2, "STOP SLAVE");
    f.topo.sql(3, "STOP SLAVE");
    f.topo.sql(0, "CREATE TABLE app.ahead (id INT PRIMARY KEY); INSERT INTO app.ahead VALUES (1)");
    REQUIRE(wait_until([&] { return count_rows(f, 1, "app.ahead") == 1; }, 5s));
    stop_master(f, how);

    REQUIRE_MESSAGE(wait_until([&] { return recovery_ended(f); }, 30s), f.logs());
    auto rows = f.recoveries();
    REQUIRE(rows.size() == 1);
    const auto steps = f.steps(rows[0].uid);
    CHECK_MESSAGE(rows[0].successful, steps);
    int promoted = f.index_of_port(rows[0].successor_port);
    REQUIRE_MESSAGE((promoted == 2 || promoted == 3), steps);
    CHECK(f.is_standalone_writable(promoted));
    CHECK(count_rows(f, promoted, "app.ahead") == 1);  // r1's transaction is kept
    int other = promoted == 2 ? 3 : 2;
    CHECK_MESSAGE(wait_until([&] { return f.replicates_from(1, promoted); }, 5s), steps);
    CHECK_MESSAGE(wait_until([&] { return f.replicates_from(other, promoted); }, 5s), steps);
    CHECK(f.downtime_reason(1).empty());  // not lost
    CHECK(f.write_reaches(promoted, {1, other}));
  });
}

TEST_CASE("FailMasterPromotionOnLagMinutes refuses to promote a replica lagging that much") {
  for_each_stop([](Stop how) {
    RecoverySetup setup;
    setup.extra["ReplicationLagQuery"] = "\"SELECT 61\"";
    setup.extra["FailMasterPromotionOnLagMinutes"] = "1";
    RecoveryFixture f(setup);
    stop_master(f, how);
    REQUIRE_MESSAGE(wait_until([&] { return recovery_ended(f); }, 20s), f.logs());
    auto rows = f.recoveries();
    REQUIRE(!rows.empty());
    CHECK_FALSE(rows[0].successful);
    CHECK(rows[0].successor_port == 0);
    CHECK_MESSAGE(rows[0].all_errors.find("FailMasterPromotionOnLagMinutes") != std::string::npos,
                  rows[0].all_errors);
    for (int r : {1, 2, 3}) {
      auto s = f.replication(r);
      CHECK(s.reachable);
      CHECK(s.read_only);  // nobody was made master
      CHECK(s.master_port == f.port(0));
    }
  });
}
