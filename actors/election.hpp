#pragma once
// The election actor: renews this node's lease in the shared backend every renew interval,
// registers node health every second, and turns leadership on and off for the leader-only
// duties (discovery today; detection and recovery later).

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "actors/actors.hpp"
#include "actors/health_board.hpp"
#include "actors/leadership.hpp"
#include "model/node_identity.hpp"
#include "storage/backend.hpp"

namespace orc::actors {

using reelect_atom = caf::atom_constant<caf::atom("reelect")>;
using grab_atom = caf::atom_constant<caf::atom("grab")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;

/// Detached (blocks on SQL) and owns its own backend session, so a slow storage flush can
/// never delay a lease renewal.
using election_actor = caf::typed_actor<
    // Renew or take the lease; once a second also register node health.
    caf::reacts_to<caf::tick_atom>,
    // End the current term so any node may win (reply "" or error).
    caf::replies_to<reelect_atom>::with<std::string>,
    // Take the lease now (reply "" or error).
    caf::replies_to<grab_atom>::with<std::string>,
    // Shutdown: give up the lease so a successor need not wait (reply when done).
    caf::replies_to<release_atom>::with<bool>,
    // duties_ready was just set: start leader duties now if we lead, not at the next tick.
    caf::reacts_to<ready_atom>>;

struct ElectionSettings {
  storage::MysqlEndpoint endpoint;
  model::NodeIdentity node;
  std::chrono::milliseconds renew_interval{250};
  std::chrono::milliseconds lease{1200};
  bool grab_at_start = false;
  std::string app_version;
  std::string db_backend;  ///< "host:port" of the backend, for node_health
  std::shared_ptr<Leadership> leadership;
  std::shared_ptr<HealthBoard> health;
  discovery_actor discovery;  ///< told active(true/false) as leadership changes
  /// Leader duties start only once this is set (the schema is deployed); the lease itself
  /// may be won earlier, so an empty backend gets a leader within one renewal.
  std::shared_ptr<const std::atomic<bool>> duties_ready;
};

election_actor spawn_election(caf::actor_system& sys, ElectionSettings settings);

/// The local deadline margin: a term ends this long before the backend lease does.
std::chrono::milliseconds lease_safety_margin(std::chrono::milliseconds lease);

}  // namespace orc::actors
