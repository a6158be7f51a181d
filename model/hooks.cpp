#include "model/hooks.hpp"

#include <string_view>

namespace orc::model {

namespace {

const char* go_bool(bool b) {
  return b ? "true" : "false";
}

bool has_successor(const HookContext& c) {
  return !c.successor_host.empty();
}

/// The value of placeholder `name` (without braces); false when `name` is not a placeholder.
bool placeholder_value(std::string_view name, const HookContext& c, std::string& out) {
  const bool succ = has_successor(c);
  if (name == "failureType") {
    out = c.failure_type;
  } else if (name == "instanceType") {
    out = c.instance_type;
  } else if (name == "isMaster") {
    out = go_bool(c.is_master);
  } else if (name == "isCoMaster") {
    out = go_bool(c.is_co_master);
  } else if (name == "failureDescription") {
    out = c.failure_description;
  } else if (name == "command") {
    out = c.command;
  } else if (name == "failedHost") {
    out = c.failed_host;
  } else if (name == "failedPort") {
    out = std::to_string(c.failed_port);
  } else if (name == "failureCluster") {
    out = c.failure_cluster;
  } else if (name == "failureClusterAlias") {
    out = c.failure_cluster_alias;
  } else if (name == "failureClusterDomain") {
    out = c.failure_cluster_domain;
  } else if (name == "countSlaves" || name == "countReplicas") {
    out = std::to_string(c.count_replicas);
  } else if (name == "isDowntimed") {
    out = go_bool(c.is_downtimed);
  } else if (name == "autoMasterRecovery") {
    out = go_bool(c.auto_master_recovery);
  } else if (name == "autoIntermediateMasterRecovery") {
    out = go_bool(c.auto_intermediate_master_recovery);
  } else if (name == "orchestratorHost") {
    out = c.orchestrator_host;
  } else if (name == "recoveryUID") {
    out = c.recovery_uid;
  } else if (name == "isSuccessful") {
    out = go_bool(c.is_successful);
  } else if (name == "successorHost") {
    out = c.successor_host;
  } else if (name == "successorPort") {
    out = succ ? std::to_string(c.successor_port) : "";
  } else if (name == "successorBinlogCoordinates") {
    out = succ ? c.successor_binlog_coordinates : "";
  } else if (name == "successorAlias") {
    out = succ ? c.successor_alias : "";
  } else if (name == "lostSlaves" || name == "lostReplicas") {
    out = join_keys(c.lost_replicas);
  } else if (name == "countLostReplicas") {
    out = std::to_string(c.lost_replicas.size());
  } else if (name == "slaveHosts" || name == "replicaHosts") {
    out = join_keys(c.replica_hosts);
  } else {
    return false;
  }
  return true;
}

}  // namespace

HookContext failure_hook_context(const ReplicationAnalysis& a,
                                 const std::string& orchestrator_host) {
  HookContext ctx;
  ctx.failure_type = analysis_code_name(a.analysis);
  ctx.instance_type =
      a.is_master ? (a.is_co_master ? "co-master" : "master") : "intermediate-master";
  ctx.is_master = a.is_master;
  ctx.is_co_master = a.is_co_master;
  ctx.failure_description = a.description;
  ctx.command = a.command_hint;
  ctx.failed_host = a.analyzed_instance_key.hostname;
  ctx.failed_port = a.analyzed_instance_key.port;
  ctx.failure_cluster = a.cluster_details.cluster_name;
  ctx.failure_cluster_alias = a.cluster_details.cluster_alias;
  ctx.failure_cluster_domain = a.cluster_details.cluster_domain;
  ctx.count_replicas = a.count_replicas;
  ctx.is_downtimed = a.is_downtimed;
  ctx.auto_master_recovery = a.cluster_details.has_automated_master_recovery;
  ctx.auto_intermediate_master_recovery =
      a.cluster_details.has_automated_intermediate_master_recovery;
  ctx.orchestrator_host = orchestrator_host;
  ctx.replica_hosts = a.replicas;
  return ctx;
}

std::string expand_hook_placeholders(const std::string& command, const HookContext& ctx) {
  std::string out;
  out.reserve(command.size());
  std::string value;
  std::size_t pos = 0;
  while (pos < command.size()) {
    auto open = command.find('{', pos);
    if (open == std::string::npos) break;
    auto close = command.find('}', open + 1);
    if (close == std::string::npos) break;
    // A nested '{' starts a new candidate: "{{failedHost}" keeps the first brace literally.
    auto inner_open = command.find('{', open + 1);
    if (inner_open != std::string::npos && inner_open < close) {
      out.append(command, pos, inner_open - pos);
      pos = inner_open;
      continue;
    }
    out.append(command, pos, open - pos);
    std::string_view name(command.data() + open + 1, close - open - 1);
    if (placeholder_value(name, ctx, value))
      out += value;
    else
      out.append(command, open, close - open + 1);
    pos = close + 1;
  }
  out.append(command, pos, std::string::npos);
  return out;
}

std::vector<std::pair<std::string, std::string>> hook_environment(const HookContext& c) {
  std::vector<std::pair<std::string, std::string>> env = {
      {"ORC_FAILURE_TYPE", c.failure_type},
      {"ORC_INSTANCE_TYPE", c.instance_type},
      {"ORC_IS_MASTER", go_bool(c.is_master)},
      {"ORC_IS_CO_MASTER", go_bool(c.is_co_master)},
      {"ORC_FAILURE_DESCRIPTION", c.failure_description},
      {"ORC_COMMAND", c.command},
      {"ORC_FAILED_HOST", c.failed_host},
      {"ORC_FAILED_PORT", std::to_string(c.failed_port)},
      {"ORC_FAILURE_CLUSTER", c.failure_cluster},
      {"ORC_FAILURE_CLUSTER_ALIAS", c.failure_cluster_alias},
      {"ORC_FAILURE_CLUSTER_DOMAIN", c.failure_cluster_domain},
      {"ORC_COUNT_REPLICAS", std::to_string(c.count_replicas)},
      {"ORC_IS_DOWNTIMED", go_bool(c.is_downtimed)},
      {"ORC_AUTO_MASTER_RECOVERY", go_bool(c.auto_master_recovery)},
      {"ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY", go_bool(c.auto_intermediate_master_recovery)},
      {"ORC_ORCHESTRATOR_HOST", c.orchestrator_host},
      {"ORC_IS_SUCCESSFUL", go_bool(c.is_successful)},
      {"ORC_LOST_REPLICAS", join_keys(c.lost_replicas)},
      {"ORC_REPLICA_HOSTS", join_keys(c.replica_hosts)},
      {"ORC_RECOVERY_UID", c.recovery_uid},
  };
  if (has_successor(c)) {
    env.emplace_back("ORC_SUCCESSOR_HOST", c.successor_host);
    env.emplace_back("ORC_SUCCESSOR_PORT", std::to_string(c.successor_port));
    if (!c.successor_binlog_coordinates.empty())
      env.emplace_back("ORC_SUCCESSOR_BINLOG_COORDINATES", c.successor_binlog_coordinates);
    env.emplace_back("ORC_SUCCESSOR_ALIAS", c.successor_alias);
  }
  return env;
}

}  // namespace orc::model
