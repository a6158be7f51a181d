#include "model/emergent_operations.hpp"

namespace orc::model {

std::vector<InstanceKey> replicas_to_restart(const ReplicationAnalysis& row,
                                             const std::vector<Instance>& view) {
  std::vector<InstanceKey> out;
  if (row.analysis != AnalysisCode::UnreachableMasterWithLaggingReplicas &&
      row.analysis != AnalysisCode::UnreachableIntermediateMasterWithLaggingReplicas)
    return out;
  for (const auto& inst : view) {
    if (!(inst.master_key == row.analyzed_instance_key)) continue;
    if (!inst.is_last_check_valid || inst.using_mariadb_gtid) continue;
    out.push_back(inst.key);
  }
  return out;
}

}  // namespace orc::model
