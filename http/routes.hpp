#pragma once
// Route tables, one function per resource family. Paths follow upstream's API
// (go/http/api.go); every handler answers bad input with the ERROR envelope.

#include <httplib.h>

#include <string>

#include "http/api_context.hpp"

namespace orc::http {

/// discover, async-discover, forget, refresh, instance, instance-replicas, search.
void register_instance_routes(httplib::Server& srv, const ApiContext& ctx, const std::string& api);
/// cluster, cluster/alias, cluster-info, clusters, clusters-info, masters, master,
/// all-instances, topology, topology-tabulated, topology-tags.
void register_cluster_routes(httplib::Server& srv, const ApiContext& ctx, const std::string& api);
/// lb-check, _ping and the catch-all for unknown API paths.
void register_misc_routes(httplib::Server& srv, const ApiContext& ctx, const std::string& api);

/// health, status, leader-check[/:code], routed-leader-check, reelect, grab-election.
void register_health_routes(httplib::Server& srv, const ApiContext& ctx, const std::string& api);
/// replication-analysis[/:cluster|/instance/H/P], problems[/:cluster].
void register_analysis_routes(httplib::Server& srv, const ApiContext& ctx, const std::string& api);
/// audit-failure-detection[/:page|/cluster/:c|/alias/:a].
void register_detection_routes(httplib::Server& srv, const ApiContext& ctx, const std::string& api);
/// Prometheus text-format counters at URLPrefix/metrics.
void register_metrics_routes(httplib::Server& srv, const ApiContext& ctx);

/// Regex fragment for one path segment (anything but '/'); validated by the handler.
inline const char* kSegment = "([^/]+)";

}  // namespace orc::http
