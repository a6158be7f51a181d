#include "actors/election.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

namespace orc::actors {

std::chrono::milliseconds lease_safety_margin(std::chrono::milliseconds lease) {
  return std::max(std::chrono::milliseconds(100), lease / 10);
}

namespace {

using Clock = Leadership::Clock;

struct election_state {
  static inline const char* name = "election";
  ElectionSettings settings;
  std::shared_ptr<ElectionStore> store;
  bool announced_leader = false;  ///< what discovery was last told
  Clock::time_point next_health{};
  /// The one timer chain: only the tick carrying this number re-arms (and renews).
  uint64_t tick_generation = 0;
  /// We hold or await a term of this epoch (the lease row is ours as far as we know).
  bool in_term = false;
  uint64_t term_epoch = 0;
  /// No term of ours may start before this: set when a grab failed without telling whether
  /// it committed, since it may then have taken a live lease from another node.
  Clock::time_point no_term_before{};
  /// Grab requests waiting for the grabbed term to begin, and when to give up on it.
  std::vector<caf::typed_response_promise<std::string>> grab_replies;
  uint64_t grab_epoch = 0;
  Clock::time_point grab_give_up{};

  Leadership& leadership() { return *settings.leadership; }
  Clock::time_point now() const { return settings.leadership->now(); }
  void on_error(const std::exception& e) {
    store->reset();
    settings.health->publish_error(e.what());
  }
  Clock::time_point deadline_from(Clock::time_point started) const {
    return started + settings.lease - lease_safety_margin(settings.lease);
  }
  /// Starts (or schedules) a term of `epoch`; extends it if it is the one we hold.
  void hold(Clock::time_point started, Clock::time_point from, uint64_t epoch) {
    if (in_term && epoch == term_epoch) return leadership().extend(deadline_from(started), epoch);
    in_term = true;
    term_epoch = epoch;
    leadership().begin(std::max(from, no_term_before), deadline_from(started), epoch);
  }
  void reply_grabs(const std::string& error) {
    for (auto& rp : grab_replies) rp.deliver(error);
    grab_replies.clear();
  }
  void lose(const char* why) {
    leadership().drop();
    in_term = false;
    if (!grab_replies.empty()) reply_grabs(why);
  }
};

using self_ptr = election_actor::stateful_pointer<election_state>;

/// Tells discovery when leadership changed (including a deadline that passed silently).
void announce(self_ptr self) {
  auto& st = self->state;
  bool ready = !st.settings.duties_ready || st.settings.duties_ready->load();
  bool leader = ready && st.leadership().is_leader();
  if (leader == st.announced_leader) return;
  st.announced_leader = leader;
  if (leader)
    spdlog::info("elected leader (epoch {})", st.leadership().epoch());
  else
    spdlog::warn("no longer leader");
  self->send(st.settings.discovery, active_atom::value, leader);
}

/// Takes the lease row now; the term starts when the previous holder's lease has run out by
/// our clock: the end of the grab plus what the backend said was left (the statement ran
/// before the end, so this is never early). The holder's own deadline is before that.
void grab(election_state& st) {
  auto started = st.now();
  try {
    auto g = st.store->grab();
    auto done = st.now();
    st.hold(started, done + std::chrono::microseconds(g.previous_lease_left_us), g.epoch);
    spdlog::info("grabbed the lease (epoch {}), leading in {} ms", g.epoch,
                 std::max<long long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(
                                            st.leadership().start() - done)
                                            .count()));
  } catch (...) {
    // It may have committed: then the previous holder may lead for up to a lease more.
    st.no_term_before = st.now() + st.settings.lease + st.settings.renew_interval;
    throw;
  }
}

void renew(election_state& st) {
  auto started = st.now();
  try {
    if (st.settings.grab_at_start) {
      st.settings.grab_at_start = false;
      grab(st);
    } else {
      auto outcome = st.store->renew(st.in_term);
      // Ours: a renewal of our term (scheduled or begun), or a term won on an expired lease,
      // which no one else can hold any more, so it may begin now.
      if (outcome.leader)
        st.hold(started, st.now(), outcome.epoch);
      else if (st.in_term)
        st.lose("another node took the lease before the grabbed term began");
      else
        st.leadership().drop();
    }
    st.settings.health->clear_error();
  } catch (const std::exception& e) {
    spdlog::debug("lease renewal failed: {}", e.what());
    st.on_error(e);
  }
}

void register_health(election_state& st) {
  auto now = st.now();
  if (now < st.next_health) return;
  try {
    auto facts = st.store->register_health();
    st.settings.health->publish_success(std::move(facts.active), std::move(facts.available));
    st.next_health = now + std::chrono::seconds(1);  // a failure retries at the next tick
  } catch (const std::exception& e) {
    st.on_error(e);
  }
}

/// Answers grab requests once their term began, or failed to.
void settle_grabs(election_state& st) {
  if (st.grab_replies.empty()) return;
  if (st.in_term && st.term_epoch == st.grab_epoch && st.leadership().is_leader())
    st.reply_grabs("");
  else if (!st.in_term || st.term_epoch != st.grab_epoch)
    st.reply_grabs("the lease was lost before the grabbed term began");
  else if (st.now() >= st.grab_give_up)
    st.reply_grabs("the grabbed term has not begun (backend unreachable?)");
}

caf::result<std::string> on_grab(self_ptr self) {
  auto& st = self->state;
  try {
    grab(st);
  } catch (const std::exception& e) {
    st.on_error(e);
    announce(self);
    return std::string(e.what());
  }
  announce(self);
  if (st.leadership().is_leader()) return std::string();
  st.grab_epoch = st.term_epoch;
  st.grab_give_up = st.leadership().start() + st.settings.lease + st.settings.renew_interval;
  st.grab_replies.push_back(self->make_response_promise<std::string>());
  return st.grab_replies.back();
}

std::string on_reelect(self_ptr self) {
  auto& st = self->state;
  try {
    st.store->expire();
    st.lose("reelect ended the term before it began");
    announce(self);
    return {};
  } catch (const std::exception& e) {
    st.on_error(e);
    return e.what();
  }
}

bool on_release(self_ptr self) {
  auto& st = self->state;
  // Only a term that has begun may be handed on early: a grabbed one still waiting must let
  // its predecessor's lease run out.
  bool led = st.leadership().is_leader();
  st.lose("shutting down");
  announce(self);
  if (led) {
    try {
      st.store->release();
    } catch (const std::exception& e) {
      spdlog::warn("could not release the lease: {}", e.what());
    }
  }
  return true;
}

election_actor::behavior_type election_behavior(self_ptr self, ElectionSettings settings) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.store = st.settings.store ? st.settings.store : make_backend_election_store(st.settings);
  // The only place besides the tick handler that arms the timer: one chain for the actor's
  // life, whatever other messages arrive.
  self->send(self, caf::tick_atom_v, st.tick_generation);
  return {
      [=](caf::tick_atom, uint64_t generation) {
        auto& st = self->state;
        if (generation != st.tick_generation) return;  // a stray tick must not fork the chain
        auto started = st.now();
        renew(st);
        announce(self);
        register_health(st);
        settle_grabs(st);
        // The next renewal starts one interval after this one started.
        auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(st.now() - started);
        auto delay = std::max(std::chrono::milliseconds(0), st.settings.renew_interval - spent);
        self->delayed_send(self, delay, caf::tick_atom_v, ++st.tick_generation);
      },
      [=](reelect_atom) { return on_reelect(self); },
      [=](grab_atom) { return on_grab(self); },
      [=](ready_atom) { announce(self); },
      [=](release_atom) { return on_release(self); },
  };
}

}  // namespace

election_actor spawn_election(caf::actor_system& sys, ElectionSettings settings) {
  if (!settings.detached) return sys.spawn(election_behavior, std::move(settings));
  return sys.spawn<caf::detached>(election_behavior, std::move(settings));
}

}  // namespace orc::actors
