#include "model/analysis_setup.hpp"

namespace orc::model {

AnalysisSettings analysis_settings(const Config& cfg) {
  AnalysisSettings s;
  s.reasonable_replication_lag_seconds = cfg.ReasonableReplicationLagSeconds;
  s.reasonable_locked_semi_sync_master_seconds = cfg.ReasonableLockedSemiSyncMasterSeconds;
  s.enforce_exact_semi_sync_replicas = cfg.EnforceExactSemiSyncReplicas;
  s.recover_non_writeable_master = cfg.RecoverNonWriteableMaster;
  s.recovery_ignore_hostname_filters = cfg.RecoveryIgnoreHostnameFilters;
  s.recover_master_cluster_filters = cfg.RecoverMasterClusterFilters;
  s.recover_intermediate_master_cluster_filters = cfg.RecoverIntermediateMasterClusterFilters;
  return s;
}

AnalysisInput analysis_input(const TopologySnapshot& snapshot,
                             const std::set<InstanceKey>& in_maintenance) {
  AnalysisInput in;
  in.instances = snapshot.instances;
  in.in_maintenance = in_maintenance;
  for (const auto& c : snapshot.clusters) in.clusters[c.cluster_name] = c;
  return in;
}

}  // namespace orc::model
