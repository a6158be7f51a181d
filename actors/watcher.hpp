#pragma once
// The watcher: a connection held open to a server that has replicas, blocked in a short
// SELECT SLEEP. When the server dies the read fails at once (the socket closes), so the
// leader re-probes the server and its replicas immediately instead of at the next poll.

#include <memory>

#include "actors/actors.hpp"
#include "storage/backend.hpp"

namespace orc::actors {

using watch_atom = caf::atom_constant<caf::atom("watch")>;

/// Detached; loops on `SELECT SLEEP(1)` so that it can still be stopped within a second.
using watcher_actor = caf::typed_actor<caf::reacts_to<watch_atom>>;

/// Spawns a watcher on `key` that sends `reprobe(key)` to `discovery` when its connection
/// breaks (once per outage; it reconnects with a one-second back-off).
watcher_actor spawn_watcher(caf::actor_system& sys, const model::InstanceKey& key,
                            storage::MysqlEndpoint endpoint, caf::actor discovery);

}  // namespace orc::actors
