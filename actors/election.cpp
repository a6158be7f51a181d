#include "actors/election.hpp"

#include <spdlog/spdlog.h>

#include <soci/soci.h>

#include "storage/election_dao.hpp"

namespace orc::actors {

std::chrono::milliseconds lease_safety_margin(std::chrono::milliseconds lease) {
  return std::max(std::chrono::milliseconds(100), lease / 10);
}

namespace {

using Clock = std::chrono::steady_clock;

struct election_state {
  static inline const char* name = "election";
  ElectionSettings settings;
  std::unique_ptr<soci::session> session;
  bool announced_leader = false;  ///< what discovery was last told
  Clock::time_point next_health{};

  soci::session& db() {
    if (!session) session = storage::open_session(settings.endpoint);
    return *session;
  }
  void on_error(const std::exception& e) {
    session.reset();  // reconnect next tick; a broken session must not stick
    settings.health->publish_error(e.what());
  }
  void extend_from(Clock::time_point started, uint64_t epoch) {
    settings.leadership->extend(started + settings.lease - lease_safety_margin(settings.lease),
                                epoch);
  }
};

using self_ptr = election_actor::stateful_pointer<election_state>;

/// Tells discovery when leadership changed (including a deadline that passed silently).
void announce(self_ptr self) {
  auto& st = self->state;
  bool ready = !st.settings.duties_ready || st.settings.duties_ready->load();
  bool leader = ready && st.settings.leadership->is_leader();
  if (leader == st.announced_leader) return;
  st.announced_leader = leader;
  if (leader)
    spdlog::info("elected leader (epoch {})", st.settings.leadership->epoch());
  else
    spdlog::warn("no longer leader");
  self->send(st.settings.discovery, active_atom::value, leader);
}

void renew(election_state& st) {
  auto started = Clock::now();
  try {
    if (st.settings.grab_at_start) {
      auto epoch = storage::grab_lease(st.db(), st.settings.node,
                                       static_cast<int>(st.settings.lease.count()));
      st.settings.grab_at_start = false;
      st.extend_from(started, epoch);
      return;
    }
    bool holding = st.settings.leadership->is_leader();
    auto outcome = storage::acquire_or_renew_lease(
        st.db(), st.settings.node, static_cast<int>(st.settings.lease.count()), holding);
    st.settings.health->clear_error();
    if (outcome.leader) {
      st.extend_from(started, outcome.epoch);
    } else if (holding) {
      st.settings.leadership->drop();  // someone else holds a live lease: we lost ours
    }
  } catch (const std::exception& e) {
    spdlog::debug("lease renewal failed: {}", e.what());
    st.on_error(e);
  }
}

void register_health(election_state& st) {
  auto now = Clock::now();
  if (now < st.next_health) return;
  try {
    auto& s = st.db();
    storage::register_node_health(s, st.settings.node, "HttpMode", "", st.settings.app_version,
                                  st.settings.db_backend);
    auto active = storage::read_active_node(s);
    auto available = storage::read_available_nodes(s, 2, true);
    st.settings.health->publish_success(std::move(active), std::move(available));
    st.next_health = now + std::chrono::seconds(1);  // a failure retries at the next tick
  } catch (const std::exception& e) {
    st.on_error(e);
  }
}

election_actor::behavior_type election_behavior(self_ptr self, ElectionSettings settings) {
  self->state.settings = std::move(settings);
  self->send(self, caf::tick_atom_v);
  return {
      [=](caf::tick_atom) {
        auto& st = self->state;
        renew(st);
        announce(self);
        register_health(st);
        // The next renewal starts one interval after this one started, minus the time spent.
        self->delayed_send(self, st.settings.renew_interval, caf::tick_atom_v);
      },
      [=](reelect_atom) -> std::string {
        auto& st = self->state;
        try {
          storage::expire_lease(st.db());
          st.settings.leadership->drop();
          announce(self);
          return {};
        } catch (const std::exception& e) {
          st.on_error(e);
          return e.what();
        }
      },
      [=](grab_atom) -> std::string {
        auto& st = self->state;
        auto started = Clock::now();
        try {
          auto epoch = storage::grab_lease(st.db(), st.settings.node,
                                           static_cast<int>(st.settings.lease.count()));
          st.extend_from(started, epoch);
          announce(self);
          return {};
        } catch (const std::exception& e) {
          st.on_error(e);
          return e.what();
        }
      },
      [=](ready_atom) { announce(self); },
      [=](release_atom) {
        auto& st = self->state;
        if (st.settings.leadership->is_leader()) {
          st.settings.leadership->drop();
          announce(self);
          try {
            storage::release_lease(st.db(), st.settings.node);
          } catch (const std::exception& e) {
            spdlog::warn("could not release the lease: {}", e.what());
          }
        }
        return true;
      },
  };
}

}  // namespace

election_actor spawn_election(caf::actor_system& sys, ElectionSettings settings) {
  return sys.spawn<caf::detached>(election_behavior, std::move(settings));
}

}  // namespace orc::actors
