#pragma once
// Failure analysis (upstream go/inst/analysis_dao.go + analysis.go) as a pure function of a
// topology snapshot. Upstream runs one SQL statement that self-joins database_instance and
// groups by master, then classifies each row with an ordered if/else chain. Here the same
// aggregation runs over a vector of instances, so the leader (live prober state, no backend
// round trip) and the CLI (backend rows) share one code path and the rules are unit-testable.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/cluster_info.hpp"
#include "model/instance.hpp"
#include "model/instance_key.hpp"

namespace orc::model {

/// Upstream's AnalysisCode values that the classification can produce. Declared in the order
/// of the classification chain (see classify) after NoProblem; the names are upstream's.
enum class AnalysisCode {
  NoProblem,
  DeadReplicationGroupMemberWithReplicas,
  DeadMasterWithoutReplicas,
  DeadMaster,
  DeadMasterAndReplicas,
  DeadMasterAndSomeReplicas,
  UnreachableMasterWithLaggingReplicas,
  UnreachableMaster,
  LockedSemiSyncMaster,
  LockedSemiSyncMasterHypothesis,
  MasterWithTooManySemiSyncReplicas,
  NoWriteableMasterStructureWarning,
  MasterSingleReplicaNotReplicating,
  MasterSingleReplicaDead,
  AllMasterReplicasNotReplicating,
  AllMasterReplicasNotReplicatingOrDead,
  DeadCoMaster,
  DeadCoMasterAndSomeReplicas,
  UnreachableCoMaster,
  AllCoMasterReplicasNotReplicating,
  DeadIntermediateMasterWithSingleReplicaFailingToConnect,
  DeadIntermediateMasterWithSingleReplica,
  DeadIntermediateMaster,
  DeadIntermediateMasterAndSomeReplicas,
  DeadIntermediateMasterAndReplicas,
  UnreachableIntermediateMasterWithLaggingReplicas,
  UnreachableIntermediateMaster,
  AllIntermediateMasterReplicasFailingToConnectOrDead,
  AllIntermediateMasterReplicasNotReplicating,
  BinlogServerFailingToConnectToMaster,
  FirstTierReplicaFailingToConnectToMaster,
};

/// Every AnalysisCode, NoProblem first: lets callers (name parsing, API validation, tests)
/// enumerate the codes without depending on the enum's numeric values.
const std::vector<AnalysisCode>& all_analysis_codes();
/// Upstream spelling, e.g. "DeadMaster": what the API, the CLI and topology_recovery carry.
const char* analysis_code_name(AnalysisCode code);
/// Inverse of analysis_code_name (exact, case-sensitive like upstream's string constants).
std::optional<AnalysisCode> analysis_code_from_name(std::string_view name);
/// Upstream's Description text for the code ("" for NoProblem).
const char* analysis_description(AnalysisCode code);
/// True when upstream has a recovery function for the code (getCheckAndRecoverFunction
/// returns isActionableRecovery = true): the codes that can change the topology.
bool is_actionable(AnalysisCode code);

/// Upstream's StructureAnalysisCode: informational warnings about a master's replicas.
enum class StructureWarning {
  NoLoggingReplicasStructureWarning,
  NoFailoverSupportStructureWarning,
  StatementAndMixedLoggingReplicasStructureWarning,
  StatementAndRowLoggingReplicasStructureWarning,
  MixedAndRowLoggingReplicasStructureWarning,
  MultipleMajorVersionsLoggingReplicasStructureWarning,
  DifferentGTIDModesStructureWarning,
  ErrantGTIDStructureWarning,
  NoWriteableMasterStructureWarning,
  NotEnoughValidSemiSyncReplicasStructureWarning,
};
const char* structure_warning_name(StructureWarning warning);

/// True when a replica's Last_IO_Error says it cannot (re)connect to its source. Upstream
/// matches LIKE '%error %connecting to master%' (case-insensitive collation); MySQL 8.0.33+
/// says "Error connecting to source" instead, so both words are accepted:
/// "error " followed (anywhere later) by "connecting to master" or "connecting to source",
/// which covers "error reconnecting to ..." as the SQL wildcard does.
bool is_connect_failure_error(std::string_view last_io_error);

/// What the analysis reads. Instances carry their check bookkeeping (is_last_check_valid,
/// last_check_partial_success), downtime (is_downtimed, downtime_end_timestamp), replication,
/// semi-sync and GTID state, cluster_name and replication_depth. Keys are unique; when a key
/// appears twice only its first occurrence is used.
struct AnalysisInput {
  std::vector<Instance> instances;
  /// Instances with an active maintenance row (maintenance_active = 1, whatever its end
  /// timestamp, schema S7): never analysed as masters, still counted as replicas.
  std::set<InstanceKey> in_maintenance;
  /// Schema S2's stricter rule for the analysed row: true when last_attempted_check is more
  /// than InstancePollSeconds + ReasonableInstanceCheckSeconds past last_seen (a hanging
  /// probe), which makes the row's check invalid. Replicas are not affected.
  std::map<InstanceKey, bool> master_check_hung;
  /// Seconds the master's binlog coordinates have stayed unchanged
  /// (database_instance_stale_binlog_coordinates); absent = not frozen.
  std::map<InstanceKey, int64_t> stale_binlog_seconds;
  /// Alias and domain per cluster name (cluster_alias, cluster_domain_name). May be empty.
  std::map<std::string, ClusterInfo> clusters;
  /// Seconds left of each downtimed instance's downtime (absent = 0).
  std::map<InstanceKey, int64_t> downtime_remaining_seconds;
};

/// The configuration keys the analysis depends on (same names as upstream's config).
struct AnalysisSettings {
  int reasonable_replication_lag_seconds = 10;
  int reasonable_locked_semi_sync_master_seconds = 10;
  bool enforce_exact_semi_sync_replicas = false;
  bool recover_non_writeable_master = false;
  /// Regexes (searched in the hostname, like Go's regexp.MatchString); a matching analysed
  /// instance is dropped from the result. An invalid regex matches nothing, as upstream.
  std::vector<std::string> recovery_ignore_hostname_filters;
  /// Upstream's HAVING clause: leave out rows whose check is valid, that have no replicas
  /// and do not fail to connect to their master (healthy leaves).
  bool reduce_replication_analysis_count = true;
  /// Upstream cluster filters ("*", exact name or alias, "alias=NAME", "alias~=REGEX", else
  /// a regex searched in the cluster name) for ClusterDetails.HasAutomated*Recovery.
  std::vector<std::string> recover_master_cluster_filters;
  std::vector<std::string> recover_intermediate_master_cluster_filters;
};

/// Upstream's ReplicationAnalysisHints: what the caller wants back.
struct AnalysisHints {
  /// Keep rows that are SkippableDueToDowntime. The API and the recovery loop keep them
  /// (upstream passes IncludeDowntimed: true); upstream's CLI replication-analysis does not.
  bool include_downtimed = true;
  /// Keep NoProblem rows without structure warnings (the leader's analysis changelog).
  bool include_no_problem = false;
};

/// One analysed instance: upstream's ReplicationAnalysis, field for field.
struct ReplicationAnalysis {
  InstanceKey analyzed_instance_key;
  InstanceKey analyzed_instance_master_key;  ///< as stored, "" / 0 for a master
  /// ClusterName, ClusterAlias / ClusterDomain (the cluster name when none is set, as
  /// upstream's IFNULL), HasAutomated*Recovery from the settings' filters.
  ClusterInfo cluster_details;
  std::string analyzed_instance_data_center;
  std::string analyzed_instance_region;
  std::string analyzed_instance_physical_environment;
  BinlogCoordinates analyzed_instance_binlog_coordinates;
  /// No master (master_host '' or '_', port 0, or detached "//"), and not a Group
  /// Replication secondary.
  bool is_master = false;
  /// In a replication group and not OFFLINE there.
  bool is_replication_group_member = false;
  /// The instance is a co-master, or one of its replicas is.
  bool is_co_master = false;
  /// is_last_check_valid, and not a hanging probe (AnalysisInput::master_check_hung).
  bool last_check_valid = false;
  bool last_check_partial_success = false;
  int count_replicas = 0;
  int count_valid_replicas = 0;
  int count_valid_replicating_replicas = 0;             ///< valid, IO and SQL threads both running
  int count_replicas_failing_to_connect_to_master = 0;  ///< valid, IO down, SQL up, error
  int count_downtimed_replicas = 0;
  int replication_depth = 0;
  std::vector<InstanceKey> replicas;  ///< sorted by key
  /// The instance itself: SQL thread running, IO thread not, connect error (no validity
  /// requirement, as upstream).
  bool is_failing_to_connect_to_master = false;
  AnalysisCode analysis = AnalysisCode::NoProblem;
  std::string description;
  std::vector<StructureWarning> structure_analysis;
  bool is_downtimed = false;
  /// Every replica is downtimed and the code is about the replicas.
  bool is_replicas_downtimed = false;
  std::string downtime_end_timestamp;
  int64_t downtime_remaining_seconds = 0;
  bool is_binlog_server = false;
  bool pseudo_gtid_immediate_topology = false;  ///< the instance itself uses Pseudo-GTID
  /// Every valid replica uses Oracle GTID (auto-position) / MariaDB GTID / is a binlog
  /// server, and there is at least one valid replica.
  bool oracle_gtid_immediate_topology = false;
  bool mariadb_gtid_immediate_topology = false;
  bool binlog_server_immediate_topology = false;
  bool semi_sync_master_enabled = false;
  bool semi_sync_master_status = false;
  int semi_sync_master_wait_for_replica_count = 0;
  int semi_sync_master_clients = 0;
  int count_semi_sync_replicas_enabled = 0;
  int count_logging_replicas = 0;  ///< log_bin and log_slave_updates
  int count_statement_based_logging_replicas = 0;
  int count_mixed_based_logging_replicas = 0;
  int count_row_based_logging_replicas = 0;
  int count_distinct_major_versions_logging_replicas = 0;
  int count_delayed_replicas = 0;       ///< sql_delay > 0
  int count_lagging_replicas = 0;       ///< replication lag known and above the threshold
  bool is_actionable_recovery = false;  ///< is_actionable(analysis)
  /// Set by the recovery machinery (the node and the period that registered it), not here.
  std::string processing_node_hostname;
  std::string processing_node_token;
  std::string start_active_period;
  bool skippable_due_to_downtime = false;
  std::string gtid_mode;
  std::string min_replica_gtid_mode;  ///< "" without replicas
  std::string max_replica_gtid_mode;
  std::string max_replica_gtid_errant;  ///< largest gtid_errant of the non-downtimed replicas
  std::string command_hint;             ///< set by the recovery machinery
  bool is_read_only = false;
  /// Not in upstream's JSON: the binlog position has been frozen longer than
  /// reasonable_locked_semi_sync_master_seconds (LockedSemiSyncMaster vs ...Hypothesis).
  bool is_stale_binlog_coordinates = false;
};

/// Analyses every instance (except those in maintenance), classifies each row, adds the
/// structure warnings and applies the filters, in upstream's order. Result sorted by key.
std::vector<ReplicationAnalysis> analyze(const AnalysisInput& input,
                                         const AnalysisSettings& settings,
                                         const AnalysisHints& hints = {});

/// The ordered, first-match-wins classification of an aggregated row (upstream's if/else
/// chain). One deliberate change: DeadReplicationGroupMemberWithReplicas is tested first,
/// because in upstream's table position every row it describes is claimed by an earlier
/// DeadMaster*/DeadIntermediateMaster* rule, and a dead group member's replicas must be
/// moved to another member rather than trigger a master failover.
AnalysisCode classify(const ReplicationAnalysis& row, const AnalysisSettings& settings);

/// The structure warnings of an aggregated row, in upstream's order.
std::vector<StructureWarning> structure_warnings(const ReplicationAnalysis& row);

/// Sets skippable_due_to_downtime (the instance is downtimed, or all its replicas are and
/// the code is about the replicas) and is_replicas_downtimed.
void apply_downtime(ReplicationAnalysis& row);

/// Rows of one cluster (name compared case-insensitively), for
/// /api/replication-analysis/:clusterName.
std::vector<ReplicationAnalysis> filter_by_cluster(const std::vector<ReplicationAnalysis>& rows,
                                                   std::string_view cluster_name);
/// Rows about one instance, for /api/replication-analysis/instance/:host/:port.
std::vector<ReplicationAnalysis> filter_by_instance(const std::vector<ReplicationAnalysis>& rows,
                                                    const InstanceKey& key);

}  // namespace orc::model
