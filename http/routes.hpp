#pragma once
// Route tables, one function per resource family. Paths follow upstream's API
// (go/http/api.go); every handler answers bad input with the ERROR envelope.

#include <httplib.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/analysis.hpp"
#include "model/snapshot.hpp"

#include "http/api_context.hpp"
#include "http/router.hpp"

namespace orc::http {

/// discover, async-discover, forget, refresh, instance, instance-replicas, search.
void register_instance_routes(Router& srv, const ApiContext& ctx, const std::string& api);
/// cluster, cluster/alias, cluster-info, clusters, clusters-info, masters, master,
/// all-instances, topology, topology-tabulated, topology-tags.
void register_cluster_routes(Router& srv, const ApiContext& ctx, const std::string& api);
/// lb-check, _ping and the catch-all for unknown API paths.
void register_misc_routes(Router& srv, const ApiContext& ctx, const std::string& api);

/// health, status, leader-check[/:code], routed-leader-check, reelect, grab-election.
void register_health_routes(Router& srv, const ApiContext& ctx, const std::string& api);
/// replication-analysis[/:cluster|/instance/H/P], problems[/:cluster].
void register_analysis_routes(Router& srv, const ApiContext& ctx, const std::string& api);
/// recover, recover-lite, force-master-failover, force-master-takeover,
/// graceful-master-takeover[-auto], automated-recovery-filters.
void register_recovery_routes(Router& srv, const ApiContext& ctx, const std::string& api);
/// The failure analysis now: the leader's live one, else the snapshot's (with `snap_out`, always
/// the snapshot's, returned there). nullopt (error written) when the backend cannot be read.
std::optional<std::vector<model::ReplicationAnalysis>> current_analysis(
    const ApiContext& ctx, httplib::Response& res,
    std::shared_ptr<const model::TopologySnapshot>* snap_out = nullptr);
/// audit-failure-detection[/:page|/cluster/:c|/alias/:a].
void register_detection_routes(Router& srv, const ApiContext& ctx, const std::string& api);
void register_recovery_admin_routes(Router&, const ApiContext&, const std::string& api);
/// Prometheus text-format counters at URLPrefix/metrics.
void register_metrics_routes(Router& srv, const ApiContext& ctx);

/// Regex fragment for one path segment (anything but '/'); validated by the handler.
inline const char* kSegment = "([^/]+)";

}  // namespace orc::http
