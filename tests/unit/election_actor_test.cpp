// The election actor on CAF's deterministic test scheduler, against an in-memory lease row
// and a hand-moved clock: one renewal timer whatever arrives, and grabbed or re-elected terms
// that never overlap.

#include <doctest/doctest.h>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/election.hpp"

using namespace orc;
using namespace orc::actors;
using Clock = Leadership::Clock;
using std::chrono::milliseconds;

namespace {

/// The active_node row with the semantics of storage/election_dao, on the test's clock.
struct FakeLease {
  std::shared_ptr<Clock::time_point> now;
  std::string holder;  ///< token of the holder ("" after a reelect)
  uint64_t epoch = 0;
  std::optional<Clock::time_point> expires;
  int renewals = 0;

  bool live() const { return expires && *expires >= *now; }
};

class FakeStore : public ElectionStore {
 public:
  FakeStore(std::shared_ptr<FakeLease> lease, std::string me, milliseconds length)
      : lease_(std::move(lease)), me_(std::move(me)), length_(length) {}
  storage::LeaseOutcome renew(bool) override {
    auto& l = *lease_;
    ++l.renewals;
    bool own = l.holder == me_ && l.live();
    if (!own && !l.live()) {  // an expired lease: a new term
      ++l.epoch;
      l.holder = me_;
    }
    if (l.holder == me_) l.expires = *l.now + length_;
    storage::LeaseOutcome out;
    out.leader = l.holder == me_ && l.live();
    out.epoch = l.epoch;
    return out;
  }
  storage::GrabOutcome grab() override {
    auto& l = *lease_;
    storage::GrabOutcome out;
    out.renewed = l.holder == me_ && l.live();
    if (!out.renewed) {
      if (l.live())
        out.previous_lease_left_us =
            std::chrono::duration_cast<std::chrono::microseconds>(*l.expires - *l.now).count();
      ++l.epoch;
      l.holder = me_;
    }
    l.expires = *l.now + length_;
    out.epoch = l.epoch;
    return out;
  }
  void expire() override { lease_->holder.clear(); }
  void release() override {
    if (lease_->holder == me_) lease_->expires.reset();
  }
  NodeFacts register_health() override { return {}; }

 private:
  std::shared_ptr<FakeLease> lease_;
  std::string me_;
  milliseconds length_;
};

/// Stands in for discovery: remembers the last active(...) it was told.
discovery_actor::behavior_type fake_discovery(discovery_actor::pointer,
                                              std::shared_ptr<bool> active) {
  return {
      [](probed_atom, const ProbeResultPtr&) {},
      [](discover_atom, const model::InstanceKey&) { return ProbeResultPtr(); },
      [](forget_atom, const model::InstanceKey&) { return true; },
      [active](active_atom, bool on) { *active = on; },
      [](reconcile_atom) {},
      [](stats_atom) { return DiscoveryStatsPtr(); },
      [](caf::tick_atom) {},
      [](reprobe_atom, const KeysPtr&) {},
  };
}

struct Node {
  std::shared_ptr<Leadership> leadership;
  std::shared_ptr<bool> announced = std::make_shared<bool>(false);
  election_actor election;
};

struct Fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::shared_ptr<Clock::time_point> now = std::make_shared<Clock::time_point>(Clock::now());
  std::shared_ptr<FakeLease> lease = std::make_shared<FakeLease>();
  milliseconds renew_interval{250};
  milliseconds lease_length{1200};
  std::vector<Node> nodes;

  explicit Fixture(int count) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.console", caf::atom("none"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    lease->now = now;
    for (int i = 0; i < count; ++i) nodes.push_back(spawn("node" + std::to_string(i)));
    sched->run();
  }
  ~Fixture() {
    for (auto& n : nodes) caf::anon_send_exit(n.election, caf::exit_reason::user_shutdown);
    sched->run();
  }
  Node spawn(const std::string& token, bool grab_at_start = false) {
    Node n;
    auto clock = now;
    n.leadership = std::make_shared<Leadership>([clock] { return *clock; });
    ElectionSettings s;
    s.node = {"host", token};
    s.renew_interval = renew_interval;
    s.lease = lease_length;
    s.leadership = n.leadership;
    s.health = std::make_shared<HealthBoard>();
    s.discovery = sys->spawn(fake_discovery, n.announced);
    s.store = std::make_shared<FakeStore>(lease, token, lease_length);
    s.detached = false;
    s.grab_at_start = grab_at_start;
    n.election = spawn_election(*sys, s);
    return n;
  }
  /// Moves both clocks (ours and CAF's timers) and runs whatever became due.
  void step(milliseconds d) {
    *now += d;
    sched->clock().advance_time(d);
    sched->run();
  }
  size_t pending_timers() const { return sched->clock().schedule().size(); }
  std::vector<int> leaders() const {
    std::vector<int> out;
    for (size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i].leadership->is_leader()) out.push_back(static_cast<int>(i));
    return out;
  }
  /// Sends `atom` from a helper actor (no request timeout, so no extra timer); the reply
  /// lands in the returned slot when it comes.
  template <class Atom>
  std::shared_ptr<std::optional<std::string>> ask(int node, Atom atom) {
    auto reply = std::make_shared<std::optional<std::string>>();
    auto target = nodes[node].election;
    sys->spawn([reply, target, atom](caf::event_based_actor* self) {
      self->request(target, caf::infinite, atom)
          .then([reply](const std::string& r) { *reply = r; },
                [reply](caf::error& e) { *reply = "error: " + caf::to_string(e); });
    });
    sched->run();
    return reply;
  }
  /// Steps in 10 ms until `pred` holds (at most `limit`), checking at every step that never
  /// two nodes lead. Returns whether `pred` came true.
  template <class Pred>
  bool run_until(Pred pred, milliseconds limit, int* overlaps) {
    for (milliseconds t{0}; t < limit; t += milliseconds(10)) {
      if (pred()) return true;
      step(milliseconds(10));
      if (leaders().size() > 1) ++*overlaps;
    }
    return pred();
  }
};

}  // namespace

TEST_CASE("the renewal timer is armed once whatever grab, reelect, ready or a stray tick do") {
  Fixture f(1);
  CHECK(f.pending_timers() == 1);
  auto grab = f.ask(0, grab_atom::value);
  caf::anon_send(f.nodes[0].election, ready_atom::value);
  auto reelect = f.ask(0, reelect_atom::value);
  caf::anon_send(f.nodes[0].election, caf::tick_atom_v, uint64_t{0});
  caf::anon_send(f.nodes[0].election, caf::tick_atom_v, uint64_t{12345});
  f.sched->run();
  CHECK(grab->has_value());
  CHECK(reelect->has_value());
  CHECK(f.pending_timers() == 1);
  // Over 5 s of 250 ms renewals: one chain renews 20 times (two would renew 40 times).
  int before = f.lease->renewals;
  for (int i = 0; i < 100; ++i) {
    f.step(milliseconds(50));
    if (i % 10 == 0) caf::anon_send(f.nodes[0].election, ready_atom::value);
    if (i % 25 == 0) f.ask(0, grab_atom::value);
    REQUIRE(f.pending_timers() == 1);
  }
  int renewals = f.lease->renewals - before;
  MESSAGE(renewals << " renewals in 5 s");
  CHECK(renewals >= 19);
  CHECK(renewals <= 21);
}

TEST_CASE("a grab leads only after the previous holder's lease ran out, never alongside it") {
  Fixture f(2);
  int overlaps = 0;
  REQUIRE(f.run_until([&] { return f.leaders().size() == 1; }, milliseconds(2000), &overlaps));
  int old_leader = f.leaders()[0];
  int grabber = 1 - old_leader;
  f.step(milliseconds(100));  // the holder renewed 100 ms ago: its lease runs ~1.1 s more
  auto old_lease_end = *f.lease->expires;
  auto old_deadline = f.nodes[old_leader].leadership->until();
  CHECK(old_deadline < old_lease_end);

  auto reply = f.ask(grabber, grab_atom::value);
  CHECK_FALSE(reply->has_value());  // the answer waits for the term
  CHECK_FALSE(f.nodes[grabber].leadership->is_leader());
  CHECK(f.nodes[grabber].leadership->start() >= old_lease_end);
  bool led = f.run_until([&] { return f.nodes[grabber].leadership->is_leader(); },
                         milliseconds(3000), &overlaps);
  CHECK(led);
  CHECK(*f.now >= old_lease_end);
  CHECK_FALSE(f.nodes[old_leader].leadership->is_leader());
  REQUIRE(f.run_until([&] { return reply->has_value(); }, milliseconds(1000), &overlaps));
  CHECK(**reply == "");
  CHECK(*f.nodes[grabber].announced);
  CHECK_FALSE(*f.nodes[old_leader].announced);
  CHECK(overlaps == 0);
}

TEST_CASE("grabs back and forth and reelects never produce two leaders") {
  Fixture f(3);
  int overlaps = 0;
  REQUIRE(f.run_until([&] { return f.leaders().size() == 1; }, milliseconds(2000), &overlaps));
  uint64_t last_epoch = f.lease->epoch;
  for (int round = 0; round < 12; ++round) {
    int leader = f.leaders().empty() ? -1 : f.leaders()[0];
    int asker = (std::max(leader, 0) + 1 + round % 2) % 3;
    if (round % 4 == 3) {
      auto r = f.ask(asker, reelect_atom::value);
      CHECK(**r == "");
      CHECK(f.run_until([&] { return f.lease->epoch > last_epoch && f.leaders().size() == 1; },
                        milliseconds(3000), &overlaps));
    } else {
      auto r = f.ask(asker, grab_atom::value);
      CHECK(f.run_until([&] { return r->has_value(); }, milliseconds(3000), &overlaps));
      CHECK(**r == "");
      CHECK(f.leaders() == std::vector<int>{asker});
    }
    CHECK(f.lease->epoch > last_epoch);
    last_epoch = f.lease->epoch;
    f.step(milliseconds(10 * round));  // vary the phase against the renewals
  }
  CHECK(overlaps == 0);
}

TEST_CASE("a leader grabbing again keeps its term and epoch") {
  Fixture f(1);
  int overlaps = 0;
  REQUIRE(f.run_until([&] { return f.leaders().size() == 1; }, milliseconds(2000), &overlaps));
  auto epoch = f.nodes[0].leadership->epoch();
  auto reply = f.ask(0, grab_atom::value);
  REQUIRE(reply->has_value());
  CHECK(**reply == "");
  CHECK(f.nodes[0].leadership->is_leader());
  CHECK(f.nodes[0].leadership->epoch() == epoch);
}

TEST_CASE("a grab whose term is ended by a reelect before it began answers an error") {
  Fixture f(2);
  int overlaps = 0;
  REQUIRE(f.run_until([&] { return f.leaders().size() == 1; }, milliseconds(2000), &overlaps));
  int grabber = 1 - f.leaders()[0];
  auto reply = f.ask(grabber, grab_atom::value);
  CHECK_FALSE(reply->has_value());
  f.ask(grabber, reelect_atom::value);
  REQUIRE(reply->has_value());
  CHECK(**reply != "");
  CHECK(f.run_until([&] { return f.leaders().size() == 1; }, milliseconds(3000), &overlaps));
  CHECK(overlaps == 0);
}

TEST_CASE("a node started with --grab-election leads only after the holder's lease ran out") {
  Fixture f(1);
  int overlaps = 0;
  REQUIRE(f.run_until([&] { return f.leaders().size() == 1; }, milliseconds(2000), &overlaps));
  f.step(milliseconds(50));
  auto old_lease_end = *f.lease->expires;
  f.nodes.push_back(f.spawn("grabber", true));
  f.sched->run();
  CHECK(f.lease->holder == "grabber");
  CHECK_FALSE(f.nodes[1].leadership->is_leader());
  CHECK(f.run_until([&] { return f.leaders() == std::vector<int>{1}; }, milliseconds(3000),
                    &overlaps));
  CHECK(*f.now >= old_lease_end);
  CHECK(overlaps == 0);
}
