#pragma once
// Downtime and maintenance endpoints, with upstream's paths and envelopes (go/http/api.go):
// begin-downtime, end-downtime, downtimed, begin-maintenance, end-maintenance (by instance or
// by maintenance key), in-maintenance and maintenance. All are GET, as upstream.

#include <httplib.h>

#include <string>

#include "http/api_context.hpp"
#include "http/router.hpp"
#include "model/node_identity.hpp"

namespace orc::http {

/// Registers the routes under `api` (URLPrefix + "/api"). `node` is this process's identity,
/// recorded as the processing node of the maintenance locks it takes. `ctx` must outlive the
/// server.
void register_maintenance_routes(Router& srv, const ApiContext& ctx,
                                 const std::string& api, model::NodeIdentity node);

}  // namespace orc::http
