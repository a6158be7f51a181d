#include "http/route_access.hpp"

#include <algorithm>

namespace orc::http {

namespace {

using Table = std::vector<std::pair<std::string, Access>>;

void add(Table& t, Access access, std::initializer_list<const char*> names) {
  for (const char* n : names) t.emplace_back(n, access);
}

Table build_table() {
  Table t;
  add(t, Access::Health,
      {"health", "status", "leader-check", "routed-leader-check", "lb-check", "_ping"});
  add(t, Access::Read,
      {// instances and clusters
       "instance", "instance-replicas", "instance-slaves", "search", "cluster", "cluster-info",
       "clusters", "clusters-info", "masters", "master", "all-instances", "topology",
       "topology-tabulated", "topology-tags",
       // analysis and audit
       "replication-analysis", "problems", "audit-failure-detection", "audit-recovery",
       "audit-recovery-steps", "active-cluster-recovery", "recently-active-cluster-recovery",
       "recently-active-instance-recovery", "blocked-recoveries", "check-global-recoveries",
       "automated-recovery-filters",
       // maintenance and downtime listings
       "downtimed", "maintenance", "in-maintenance",
       // Prometheus metrics (outside /api)
       "metrics",
       // the catch-all that answers unknown API paths with an error
       ".*"});
  add(t, Access::Mutation,
      {// discovery
       "discover", "async-discover", "refresh", "forget",
       // maintenance and downtime
       "begin-downtime", "end-downtime", "begin-maintenance", "end-maintenance",
       // election
       "reelect", "grab-election",
       // recoveries
       "recover", "recover-lite", "force-master-failover", "force-master-takeover",
       "graceful-master-takeover", "graceful-master-takeover-auto", "ack-recovery",
       "ack-all-recoveries", "disable-global-recoveries", "enable-global-recoveries",
       "register-candidate",
       // replication control on one server
       "stop-replica", "stop-slave", "start-replica", "start-slave", "restart-replica",
       "restart-slave", "reset-replica", "reset-slave", "detach-replica-master-host",
       "detach-slave-master-host", "detach-replica", "detach-slave", "reattach-replica-master-host",
       "reattach-slave-master-host", "reattach-replica", "reattach-slave", "set-read-only",
       "set-writeable", "flush-binary-logs"});
  return t;
}

}  // namespace

const char* to_string(Access access) {
  switch (access) {
    case Access::Health:
      return "health";
    case Access::Read:
      return "read";
    case Access::Mutation:
      return "mutation";
  }
  return "mutation";
}

const std::vector<std::pair<std::string, Access>>& route_access_table() {
  static const Table table = build_table();
  return table;
}

std::optional<Access> route_access(std::string_view name) {
  for (const auto& [n, access] : route_access_table())
    if (n == name) return access;
  return std::nullopt;
}

std::string_view route_name(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  constexpr std::string_view api = "api/";
  if (path.substr(0, api.size()) == api) path.remove_prefix(api.size());
  return path.substr(0, std::min(path.find('/'), path.size()));
}

}  // namespace orc::http
