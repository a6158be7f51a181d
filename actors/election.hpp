#pragma once
// The election actor: renews this node's lease in the shared backend every renew interval,
// registers node health every second, and turns leadership on and off for the leader-only
// duties (discovery, detection, recovery). Terms never overlap: a grab takes the lease row at
// once but starts its term only when the previous holder's lease has run out (leadership.hpp).

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/actors.hpp"
#include "actors/health_board.hpp"
#include "actors/leadership.hpp"
#include "model/node_identity.hpp"
#include "storage/backend.hpp"
#include "storage/election_dao.hpp"

namespace orc::actors {

using reelect_atom = caf::atom_constant<caf::atom("reelect")>;
using grab_atom = caf::atom_constant<caf::atom("grab")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;

/// Detached (blocks on SQL) and owns its own backend session, so a slow storage flush can
/// never delay a lease renewal.
using election_actor = caf::typed_actor<
    // The renewal timer: renew or take the lease; once a second also register node health.
    // Only the tick of the current generation counts (and re-arms), so the actor runs one
    // timer chain for its whole life whatever else arrives.
    caf::reacts_to<caf::tick_atom, uint64_t>,
    // End the current term so any node may win (reply "" or error).
    caf::replies_to<reelect_atom>::with<std::string>,
    // Take the lease; reply "" once this node leads (after the previous holder's lease ran
    // out), or an error (backend error, or the lease was lost before the term began).
    caf::replies_to<grab_atom>::with<std::string>,
    // Shutdown: give up the lease so a successor need not wait (reply when done).
    caf::replies_to<release_atom>::with<bool>,
    // duties_ready was just set: start leader duties now if we lead, not at the next tick.
    caf::reacts_to<ready_atom>>;

/// The election's view of the shared backend. An interface so that the actor can be tested on
/// CAF's deterministic scheduler against an in-memory lease; the real one wraps
/// storage/election_dao on a backend session of its own. Calls may throw.
class ElectionStore {
 public:
  /// Who is alive and who leads, as node_health and active_node say.
  struct NodeFacts {
    std::optional<storage::NodeHealthRow> active;
    std::vector<storage::NodeHealthRow> available;
  };
  virtual ~ElectionStore() = default;
  /// storage::acquire_or_renew_lease for this node.
  virtual storage::LeaseOutcome renew(bool holding) = 0;
  /// storage::grab_lease for this node.
  virtual storage::GrabOutcome grab() = 0;
  /// storage::expire_lease (/api/reelect).
  virtual void expire() = 0;
  /// storage::release_lease for this node (shutdown).
  virtual void release() = 0;
  /// Registers this node in node_health, then reads the active and available nodes.
  virtual NodeFacts register_health() = 0;
  /// A call threw: the next one starts on a fresh connection (a broken one must not stick).
  virtual void reset() {}
};

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
  /// The backend as the election sees it; null means storage/election_dao at `endpoint`.
  std::shared_ptr<ElectionStore> store;
  /// False only for tests on CAF's deterministic scheduler (the real actor blocks on SQL).
  bool detached = true;
};

/// The real ElectionStore: storage/election_dao on a lazily (re)opened session to `endpoint`.
std::shared_ptr<ElectionStore> make_backend_election_store(const ElectionSettings& settings);

election_actor spawn_election(caf::actor_system& sys, ElectionSettings settings);

/// The local deadline margin: a term ends this long before the backend lease does.
std::chrono::milliseconds lease_safety_margin(std::chrono::milliseconds lease);

}  // namespace orc::actors
