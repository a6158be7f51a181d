// The master recovery flow against a simulated topology (no MariaDB): whatever fails half-way,
// the replicas end as they were or as planned, never in between.

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>

#include "actors/recovery_executor.hpp"
#include "tests/unit/fake_topology.hpp"

using orc::actors::ExecutionContext;
using orc::actors::GracefulTakeoverRequest;
using orc::actors::MasterRecoveryRequest;
using orc::actors::recover_master;
using orc::model::ServerAction;
using orc::test::FakeTopology;
using Kind = orc::model::ServerAction::Kind;

namespace {

auto key(int i) {
  return FakeTopology::key(i);
}

MasterRecoveryRequest request(const FakeTopology& topo) {
  MasterRecoveryRequest rq;
  rq.input.failed_master.key = key(0);
  for (const auto& [k, s] : topo.servers)
    if (s.master == key(0)) rq.replicas.push_back(k);
  return rq;
}

/// A graceful takeover of server 0 (alive) onto server 1.
GracefulTakeoverRequest takeover(const FakeTopology& topo) {
  GracefulTakeoverRequest g;
  g.old_master = key(0);
  g.designated = key(1);
  g.master = request(topo);
  return g;
}

/// A context whose node is fenced out once `fenced` is set.
ExecutionContext context(std::atomic<bool>& fenced, std::vector<std::string>* audit = nullptr) {
  ExecutionContext ctx;
  ctx.may_act = [&fenced] { return !fenced.load(); };
  ctx.audit = [audit](const std::string& line) {
    if (audit) audit->push_back(line);
  };
  ctx.parallelism = 2;
  return ctx;
}

bool as_before(const FakeTopology& t, std::initializer_list<int> replicas) {
  for (int r : replicas)
    if (!t.under(r, 0) || !t.servers.at(key(r)).read_only) return false;
  return true;
}

}  // namespace

TEST_CASE("a plain failover promotes the most advanced replica and moves the others under it") {
  FakeTopology t({10, 12, 11});
  std::atomic<bool> fenced{false};
  auto result = recover_master(t, request(t), context(fenced));
  REQUIRE(result.successor);
  CHECK(*result.successor == key(2));
  CHECK(t.writable_master(2));
  CHECK(t.under(1, 2));
  CHECK(t.under(3, 2));
  CHECK(result.lost.empty());
  CHECK_FALSE(result.fenced_out);
}

TEST_CASE("a failed promotion leaves every replica under the old master with its IO thread on") {
  FakeTopology t({10, 12, 11});
  t.fail(Kind::Promote, key(2));
  std::atomic<bool> fenced{false};
  auto result = recover_master(t, request(t), context(fenced));
  CHECK_FALSE(result.successor);
  CHECK(as_before(t, {1, 2, 3}));
  CHECK_FALSE(result.errors.empty());
  // Repointing never started: nothing was ever pointed at the replica that was not promoted.
  for (const auto& line : t.log) CHECK(line.find("at " + key(2).str()) == std::string::npos);
}

TEST_CASE("fenced out right after the drain: IO threads restarted, nobody promoted") {
  FakeTopology t({10, 12, 11});
  std::atomic<bool> fenced{false};
  std::atomic<int> drained{0};
  t.on_event = [&](const std::string& what) {
    if (what.rfind("drain", 0) == 0 && ++drained == 3) fenced = true;
  };
  auto result = recover_master(t, request(t), context(fenced));
  CHECK(result.fenced_out);
  CHECK_FALSE(result.successor);
  CHECK(as_before(t, {1, 2, 3}));
}

TEST_CASE("fenced out after the promotion: followers not yet moved get their IO thread back") {
  FakeTopology t({10, 12, 11});
  std::atomic<bool> fenced{false};
  t.on_event = [&](const std::string& what) {
    if (what.rfind("promote", 0) == 0) fenced = true;
  };
  auto result = recover_master(t, request(t), context(fenced));
  CHECK(result.fenced_out);
  REQUIRE(result.successor);  // the promotion happened and is never undone
  CHECK(t.writable_master(2));
  CHECK(t.under(1, 0));
  CHECK(t.under(3, 0));
}

TEST_CASE("a frozen replica is given up by the drain and the failover goes on without it") {
  FakeTopology t({10, 12, 11});
  t.servers[key(2)].frozen = true;
  std::atomic<bool> fenced{false};
  auto result = recover_master(t, request(t), context(fenced));
  REQUIRE(result.successor);
  CHECK(*result.successor == key(3));
  CHECK(t.writable_master(3));
  CHECK(t.under(1, 3));
  CHECK(result.lost == std::vector<orc::model::InstanceKey>{key(2)});
}

TEST_CASE("a must_not replica ahead is caught up from - nothing is lost") {
  FakeTopology t({12, 10, 10});
  t.servers[key(1)].rule = "must_not";
  std::atomic<bool> fenced{false};
  auto result = recover_master(t, request(t), context(fenced));
  REQUIRE(result.successor);
  CHECK(*result.successor == key(2));
  CHECK(t.servers.at(key(2)).seq == 12);
  CHECK(t.writable_master(2));
  CHECK(t.under(1, 2));
  CHECK(t.under(3, 2));
  CHECK(result.lost.empty());
}

TEST_CASE("a catch-up that fails is undone and the failover retried without it") {
  FakeTopology t({12, 10, 10});
  t.servers[key(1)].rule = "must_not";
  t.fail(Kind::CatchUp, key(2));
  std::atomic<bool> fenced{false};
  std::vector<std::string> audit;
  auto result = recover_master(t, request(t), context(fenced, &audit));
  REQUIRE(result.successor);
  CHECK(*result.successor == key(2));
  CHECK(t.writable_master(2));
  CHECK(t.under(3, 2));
  // must_not and ahead, the catch-up impossible: knowingly given up, left as the drain left it.
  CHECK(result.lost == std::vector<orc::model::InstanceKey>{key(1)});
  CHECK(t.servers.at(key(1)).master == key(0));
  CHECK(std::find(audit.begin(), audit.end(), "trying again without catch-up or hand-over") !=
        audit.end());
}

TEST_CASE("nobody promotable: the drained replicas replicate from the old master again") {
  FakeTopology t({10, 12, 11});
  for (int i : {1, 2, 3}) t.servers[key(i)].rule = "must_not";
  std::atomic<bool> fenced{false};
  auto result = recover_master(t, request(t), context(fenced));
  CHECK_FALSE(result.successor);
  REQUIRE_FALSE(result.errors.empty());
  CHECK(result.errors[0].find("no replica can be promoted") != std::string::npos);
  CHECK(as_before(t, {1, 2, 3}));
}

TEST_CASE("a follower that cannot be repointed is lost - the others follow the new master") {
  FakeTopology t({10, 12, 11});
  t.fail(Kind::PointAt, key(3));
  std::atomic<bool> fenced{false};
  auto result = recover_master(t, request(t), context(fenced));
  REQUIRE(result.successor);
  CHECK(t.under(1, 2));
  CHECK(result.lost == std::vector<orc::model::InstanceKey>{key(3)});
}

TEST_CASE("a graceful takeover that fails at any step leaves the old master writable over all") {
  struct Case {
    const char* name;
    Kind kind;
    int target;
  };
  for (const auto& c : {Case{"read_only", Kind::SetReadOnly, 0}, Case{"catch-up", Kind::CatchUp, 1},
                        Case{"promotion", Kind::Promote, 1}}) {
    CAPTURE(c.name);
    FakeTopology t({10, 10, 10});
    t.servers[key(0)].io = false;  // alive, the master
    t.fail(c.kind, key(c.target));
    auto g = takeover(t);
    std::atomic<bool> fenced{false};
    auto result = orc::actors::graceful_takeover(t, g, context(fenced));
    CHECK_FALSE(result.successor);
    CHECK_FALSE(t.servers.at(key(0)).read_only);
    CHECK_FALSE(t.servers.at(key(0)).master.valid());
    CHECK(as_before(t, {1, 2, 3}));
  }
}

TEST_CASE("a graceful takeover whose pre-failover hook fails undoes the old master's read_only") {
  FakeTopology t({10, 10, 10});
  auto g = takeover(t);
  g.before_failover = [] { return false; };
  std::atomic<bool> fenced{false};
  auto result = orc::actors::graceful_takeover(t, g, context(fenced));
  CHECK_FALSE(result.successor);
  CHECK_FALSE(t.servers.at(key(0)).read_only);
  CHECK(as_before(t, {1, 2, 3}));
}

TEST_CASE("a graceful takeover swaps the roles: the old master ends under the new one") {
  FakeTopology t({10, 10, 10});
  auto g = takeover(t);
  g.master.input.start_old_master = true;
  std::atomic<bool> fenced{false};
  auto result = orc::actors::graceful_takeover(t, g, context(fenced));
  REQUIRE(result.successor);
  CHECK(*result.successor == key(1));
  CHECK(t.writable_master(1));
  CHECK(t.under(0, 1));
  CHECK(t.servers.at(key(0)).read_only);
  CHECK(t.under(2, 1));
  CHECK(t.under(3, 1));
}
