#pragma once
// Replication control endpoints with upstream's paths and envelopes (go/http/api.go):
// stop-replica, start-replica, restart-replica, reset-replica (and their -slave synonyms),
// detach-replica-master-host, reattach-replica-master-host (and detach-replica, ...),
// set-read-only, set-writeable, flush-binary-logs, each `/:host/:port`, GET as upstream.
// Each takes the instance's operation lock first (actors/operation_lock.hpp), so it refuses
// while anyone else, a node or the CLI or an operator's begin-maintenance, holds it.

#include <httplib.h>

#include <string>

#include "http/api_context.hpp"
#include "http/router.hpp"
#include "model/node_identity.hpp"
#include "storage/backend.hpp"

namespace orc::http {

/// Registers the routes under `api` (URLPrefix + "/api"). `node` is recorded as the lock's
/// processing node; `topology_endpoint` holds the credentials and timeouts for the managed
/// servers (host and port are taken from the path). The managed-server SQL runs in the
/// handler's thread on a short-lived session of its own, the lock rows and the instance write
/// go through ctx.run_storage_job. On success: {Code:OK, Message:"<done>: host:port",
/// Details:<instance probed afresh>}. `ctx` must outlive the server.
void register_operation_routes(Router& srv, const ApiContext& ctx, const std::string& api,
                               model::NodeIdentity node, storage::MysqlEndpoint topology_endpoint);

}  // namespace orc::http
