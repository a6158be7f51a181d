#pragma once
// What a recovery hook (OnFailureDetectionProcesses, PreFailoverProcesses, Post*Processes, ...)
// is told about the failure: upstream's `{placeholder}` substitution in the command text and
// the ORC_* environment variables (contract §F.4, go/logic/topology_recovery.go prepareCommand
// and applyEnvironmentVariables). Pure: running the commands is actors/hook_runner.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/analysis.hpp"
#include "model/instance_key.hpp"

namespace orc::model {

/// The facts of one failure and its recovery, as the hooks see them. Booleans are rendered
/// "true"/"false" and numbers in decimal, as Go's fmt does for upstream.
struct HookContext {
  std::string failure_type;   ///< analysis code, e.g. DeadMaster
  std::string instance_type;  ///< "master", "co-master" or "intermediate-master"
  bool is_master = false;
  bool is_co_master = false;
  std::string failure_description;
  std::string command;  ///< command hint: graceful-master-takeover, force-master-failover, ...
  std::string failed_host;
  int failed_port = 0;
  std::string failure_cluster;
  std::string failure_cluster_alias;
  std::string failure_cluster_domain;
  int count_replicas = 0;
  bool is_downtimed = false;
  bool auto_master_recovery = false;
  bool auto_intermediate_master_recovery = false;
  std::string orchestrator_host;  ///< this node's hostname
  std::string recovery_uid;
  /// Upstream derives it from "a successor was chosen"; callers set it the same way.
  bool is_successful = false;
  /// Empty when there is no successor: the successor placeholders then expand to "" and the
  /// ORC_SUCCESSOR_* variables are left out, as upstream leaves them out.
  std::string successor_host;
  int successor_port = 0;
  std::string successor_binlog_coordinates;  ///< "file:pos"; "" when unknown
  std::string successor_alias;
  std::vector<InstanceKey> lost_replicas;
  std::vector<InstanceKey> replica_hosts;  ///< replicas of the failed instance
};

/// The facts of an analysed failure (code, instance type, cluster, replicas, downtime, the
/// cluster's automated-recovery flags) as detection and recovery hooks both start from;
/// `orchestrator_host` is this node. Recovery fields (uid, successor, lost) stay empty.
HookContext failure_hook_context(const ReplicationAnalysis& analysis,
                                 const std::string& orchestrator_host);

/// Where a placeholder stands in the shell command, as far as quoting is concerned.
enum class ShellContext {
  Unquoted,      ///< a plain word: the value is wrapped in '...'
  SingleQuoted,  ///< inside '...': each ' of the value becomes '\''
  DoubleQuoted,  ///< inside "...": $ ` " \ are backslash-escaped, ! becomes "'!'"
  AnsiC,         ///< inside $'...': \ and ' are backslash-escaped
  /// Inside `...`, a comment, a here-document, or right after a backslash: contexts whose
  /// quoting is not tracked, where every byte outside the inert set becomes '_'.
  Opaque,
};

/// `value` as it must be written in `ctx` so the shell reads it back verbatim and runs
/// nothing from it. A value made only of bytes that are inert in every context (letters,
/// digits, `. _ : , / @ % + = -`; host names, ports, counts, "host:port" lists) is returned
/// unchanged in every context, so templates render exactly as upstream's for such values.
std::string quote_for_shell(std::string_view value, ShellContext ctx);

/// Replaces every placeholder of contract §F.4 in `command`: {failureType} {instanceType}
/// {isMaster} {isCoMaster} {failureDescription} {command} {failedHost} {failedPort}
/// {failureCluster} {failureClusterAlias} {failureClusterDomain} {countSlaves} {countReplicas}
/// {isDowntimed} {autoMasterRecovery} {autoIntermediateMasterRecovery} {orchestratorHost}
/// {recoveryUID} {isSuccessful} {successorHost} {successorPort} {successorBinlogCoordinates}
/// {successorAlias} {lostSlaves} {lostReplicas} {countLostReplicas} {slaveHosts}
/// {replicaHosts}. Key lists are comma-joined host:port.
///
/// Unlike upstream, which pastes values verbatim, each value is quoted for the shell context
/// its placeholder stands in (quote_for_shell; the command runs under `bash -c`), because the
/// values come from what servers report about themselves: a replica's report_host of
/// "x;touch /f" must not run anything on this host. Common values render exactly as upstream
/// (see quote_for_shell). The substitution is a single pass: text coming from a value (an
/// alias containing "{failedHost}") is not expanded again. Unknown `{names}` are left as
/// they are.
std::string expand_hook_placeholders(const std::string& command, const HookContext& ctx);

/// The ORC_* variables of contract §F.4, in upstream's order: ORC_FAILURE_TYPE,
/// ORC_INSTANCE_TYPE, ORC_IS_MASTER, ORC_IS_CO_MASTER, ORC_FAILURE_DESCRIPTION, ORC_COMMAND,
/// ORC_FAILED_HOST, ORC_FAILED_PORT, ORC_FAILURE_CLUSTER, ORC_FAILURE_CLUSTER_ALIAS,
/// ORC_FAILURE_CLUSTER_DOMAIN, ORC_COUNT_REPLICAS, ORC_IS_DOWNTIMED, ORC_AUTO_MASTER_RECOVERY,
/// ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY, ORC_ORCHESTRATOR_HOST, ORC_IS_SUCCESSFUL,
/// ORC_LOST_REPLICAS, ORC_REPLICA_HOSTS, ORC_RECOVERY_UID and, only when there is a successor,
/// ORC_SUCCESSOR_HOST, ORC_SUCCESSOR_PORT, ORC_SUCCESSOR_BINLOG_COORDINATES (only when known)
/// and ORC_SUCCESSOR_ALIAS. The hook process gets these on top of the service's environment.
/// Values are raw: the environment is not parsed by the shell, so a hook that reads
/// "$ORC_FAILED_HOST" (quoted) gets the exact value.
std::vector<std::pair<std::string, std::string>> hook_environment(const HookContext& ctx);

}  // namespace orc::model
