// Classification of one aggregated analysis row: upstream's ordered if/else chain
// (GetReplicationAnalysis in go/inst/analysis_dao.go), its structure checks and its downtime
// rules. The conditions are transcribed term by term so they can be compared with upstream.

#include "model/analysis.hpp"

namespace orc::model {

namespace {

using C = AnalysisCode;

AnalysisCode classify_master(const ReplicationAnalysis& a, const AnalysisSettings& settings) {
  const int n = a.count_replicas;
  const int valid = a.count_valid_replicas;
  const int replicating = a.count_valid_replicating_replicas;
  if (!a.last_check_valid) {
    if (n == 0) return C::DeadMasterWithoutReplicas;
    if (valid == n && replicating == 0) return C::DeadMaster;
    if (n > 0 && valid == 0 && replicating == 0) return C::DeadMasterAndReplicas;
    if (valid < n && valid > 0 && replicating == 0) return C::DeadMasterAndSomeReplicas;
    if (a.count_lagging_replicas == n && a.count_delayed_replicas < n && replicating > 0)
      return C::UnreachableMasterWithLaggingReplicas;
    if (!a.last_check_partial_success && valid > 0 && replicating > 0) return C::UnreachableMaster;
    // Partial success (the server answered its first query) is noise unless a replica
    // confirms it cannot connect either.
    if (a.last_check_partial_success && a.count_replicas_failing_to_connect_to_master > 0 &&
        valid > 0 && replicating > 0)
      return C::UnreachableMaster;
  }
  const bool semi_sync_on = a.semi_sync_master_enabled && a.semi_sync_master_status &&
                            a.semi_sync_master_wait_for_replica_count > 0;
  if (semi_sync_on && a.semi_sync_master_clients < a.semi_sync_master_wait_for_replica_count) {
    return a.is_stale_binlog_coordinates ? C::LockedSemiSyncMaster
                                         : C::LockedSemiSyncMasterHypothesis;
  }
  if (settings.enforce_exact_semi_sync_replicas && semi_sync_on &&
      a.semi_sync_master_clients > a.semi_sync_master_wait_for_replica_count)
    return C::MasterWithTooManySemiSyncReplicas;
  if (!a.last_check_valid) return C::NoProblem;
  if (a.is_read_only && replicating > 0 && settings.recover_non_writeable_master)
    return C::NoWriteableMasterStructureWarning;
  if (n == 1 && valid == n && replicating == 0) return C::MasterSingleReplicaNotReplicating;
  if (n == 1 && valid == 0) return C::MasterSingleReplicaDead;
  if (n > 1 && valid == n && replicating == 0) return C::AllMasterReplicasNotReplicating;
  if (n > 1 && valid < n && valid > 0 && replicating == 0)
    return C::AllMasterReplicasNotReplicatingOrDead;
  return C::NoProblem;
}

AnalysisCode classify_co_master(const ReplicationAnalysis& a) {
  const int n = a.count_replicas;
  const int valid = a.count_valid_replicas;
  const int replicating = a.count_valid_replicating_replicas;
  if (!a.last_check_valid) {
    if (n > 0 && valid == n && replicating == 0) return C::DeadCoMaster;
    if (n > 0 && valid < n && valid > 0 && replicating == 0) return C::DeadCoMasterAndSomeReplicas;
    if (!a.last_check_partial_success && valid > 0 && replicating > 0)
      return C::UnreachableCoMaster;
  } else if (n > 0 && replicating == 0) {
    return C::AllCoMasterReplicasNotReplicating;
  }
  return C::NoProblem;
}

AnalysisCode classify_intermediate_master(const ReplicationAnalysis& a) {
  const int n = a.count_replicas;
  const int valid = a.count_valid_replicas;
  const int replicating = a.count_valid_replicating_replicas;
  const int failing = a.count_replicas_failing_to_connect_to_master;
  if (!a.last_check_valid) {
    if (n == 1 && valid == n && failing == n && replicating == 0)
      return C::DeadIntermediateMasterWithSingleReplicaFailingToConnect;
    if (n == 1 && valid == n && replicating == 0) return C::DeadIntermediateMasterWithSingleReplica;
    if (n > 1 && valid == n && replicating == 0) return C::DeadIntermediateMaster;
    if (valid < n && valid > 0 && replicating == 0) return C::DeadIntermediateMasterAndSomeReplicas;
    if (n > 0 && valid == 0) return C::DeadIntermediateMasterAndReplicas;
    if (a.count_lagging_replicas == n && a.count_delayed_replicas < n && replicating > 0)
      return C::UnreachableIntermediateMasterWithLaggingReplicas;
    if (!a.last_check_partial_success && valid > 0 && replicating > 0)
      return C::UnreachableIntermediateMaster;
    return C::NoProblem;
  }
  // Reachable intermediate master: the verdict rests on its replicas alone, so at least two
  // must agree, every valid one failing to connect (the others are dead).
  if (n > 1 && replicating == 0 && failing > 0 && failing == valid)
    return C::AllIntermediateMasterReplicasFailingToConnectOrDead;
  if (n > 0 && replicating == 0) return C::AllIntermediateMasterReplicasNotReplicating;
  return C::NoProblem;
}

}  // namespace

AnalysisCode classify(const ReplicationAnalysis& a, const AnalysisSettings& settings) {
  if (a.is_replication_group_member && !a.last_check_valid && a.count_replicas > 0 &&
      a.count_valid_replicating_replicas == 0)
    return C::DeadReplicationGroupMemberWithReplicas;
  // Upstream's chain is flat; each group below only ever matches rows of its own kind, and a
  // row that no rule of its group claims falls through to the later groups, as in upstream.
  AnalysisCode code = C::NoProblem;
  if (a.is_master) code = classify_master(a, settings);
  if (code == C::NoProblem && a.is_co_master) code = classify_co_master(a);
  if (code == C::NoProblem && !a.is_master) code = classify_intermediate_master(a);
  if (code != C::NoProblem) return code;
  if (a.is_binlog_server && a.is_failing_to_connect_to_master)
    return C::BinlogServerFailingToConnectToMaster;
  if (a.replication_depth == 1 && a.is_failing_to_connect_to_master)
    return C::FirstTierReplicaFailingToConnectToMaster;
  return C::NoProblem;
}

std::vector<StructureWarning> structure_warnings(const ReplicationAnalysis& a) {
  using W = StructureWarning;
  std::vector<W> out;
  const int n = a.count_replicas;
  if (a.is_master && a.count_logging_replicas == 0 && n > 1)
    out.push_back(W::NoLoggingReplicasStructureWarning);
  if (a.is_master && n > 1 && !a.oracle_gtid_immediate_topology &&
      !a.mariadb_gtid_immediate_topology && !a.binlog_server_immediate_topology &&
      !a.pseudo_gtid_immediate_topology)
    out.push_back(W::NoFailoverSupportStructureWarning);
  const int statement = a.count_statement_based_logging_replicas;
  const int mixed = a.count_mixed_based_logging_replicas;
  const int row = a.count_row_based_logging_replicas;
  if (a.is_master && statement > 0 && mixed > 0)
    out.push_back(W::StatementAndMixedLoggingReplicasStructureWarning);
  if (a.is_master && statement > 0 && row > 0)
    out.push_back(W::StatementAndRowLoggingReplicasStructureWarning);
  if (a.is_master && mixed > 0 && row > 0)
    out.push_back(W::MixedAndRowLoggingReplicasStructureWarning);
  if (a.is_master && a.count_distinct_major_versions_logging_replicas > 1)
    out.push_back(W::MultipleMajorVersionsLoggingReplicasStructureWarning);
  if (n > 0 && (a.gtid_mode != a.min_replica_gtid_mode || a.gtid_mode != a.max_replica_gtid_mode))
    out.push_back(W::DifferentGTIDModesStructureWarning);
  if (!a.max_replica_gtid_errant.empty()) out.push_back(W::ErrantGTIDStructureWarning);
  if (a.is_master && a.is_read_only) out.push_back(W::NoWriteableMasterStructureWarning);
  if (a.is_master && a.semi_sync_master_enabled && !a.semi_sync_master_status &&
      a.semi_sync_master_wait_for_replica_count > 0 &&
      a.semi_sync_master_clients < a.semi_sync_master_wait_for_replica_count)
    out.push_back(W::NotEnoughValidSemiSyncReplicasStructureWarning);
  return out;
}

void apply_downtime(ReplicationAnalysis& a) {
  if (a.is_downtimed) a.skippable_due_to_downtime = true;
  if (a.count_replicas != a.count_downtimed_replicas) return;
  switch (a.analysis) {
    case C::AllMasterReplicasNotReplicating:
    case C::AllMasterReplicasNotReplicatingOrDead:
    case C::MasterSingleReplicaDead:
    case C::AllCoMasterReplicasNotReplicating:
    case C::DeadIntermediateMasterWithSingleReplica:
    case C::DeadIntermediateMasterWithSingleReplicaFailingToConnect:
    case C::DeadIntermediateMasterAndReplicas:
    case C::DeadIntermediateMasterAndSomeReplicas:
    case C::AllIntermediateMasterReplicasFailingToConnectOrDead:
    case C::AllIntermediateMasterReplicasNotReplicating:
      a.is_replicas_downtimed = true;
      a.skippable_due_to_downtime = true;
      break;
    default:
      break;
  }
}

}  // namespace orc::model
