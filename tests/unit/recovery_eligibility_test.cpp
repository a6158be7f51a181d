// Which analysed failures the leader may recover on its own (actors/recovery.hpp).

#include <doctest/doctest.h>

#include "actors/recovery.hpp"

using orc::actors::automated_skip_reason;
using orc::actors::recovery_kind;
using orc::actors::RecoveryKind;
using orc::model::AnalysisCode;

namespace {

orc::model::ReplicationAnalysis failure(AnalysisCode code) {
  orc::model::ReplicationAnalysis a;
  a.analyzed_instance_key = {"db1", 3306};
  a.cluster_details.cluster_name = "db1:3306";
  a.cluster_details.has_automated_master_recovery = true;
  a.cluster_details.has_automated_intermediate_master_recovery = true;
  a.analysis = code;
  return a;
}

}  // namespace

TEST_CASE("every actionable code of the contract maps to its recovery and the others to none") {
  CHECK(recovery_kind(AnalysisCode::DeadMaster) == RecoveryKind::DeadMaster);
  CHECK(recovery_kind(AnalysisCode::DeadMasterAndSomeReplicas) == RecoveryKind::DeadMaster);
  CHECK(recovery_kind(AnalysisCode::DeadCoMaster) == RecoveryKind::DeadCoMaster);
  CHECK(recovery_kind(AnalysisCode::DeadCoMasterAndSomeReplicas) == RecoveryKind::DeadCoMaster);
  for (auto code :
       {AnalysisCode::DeadIntermediateMaster, AnalysisCode::DeadIntermediateMasterAndSomeReplicas,
        AnalysisCode::DeadIntermediateMasterWithSingleReplicaFailingToConnect,
        AnalysisCode::AllIntermediateMasterReplicasFailingToConnectOrDead})
    CHECK(recovery_kind(code) == RecoveryKind::DeadIntermediateMaster);
  CHECK(recovery_kind(AnalysisCode::NoWriteableMasterStructureWarning) ==
        RecoveryKind::NonWriteableMaster);
  for (auto code : {AnalysisCode::NoProblem, AnalysisCode::DeadMasterWithoutReplicas,
                    AnalysisCode::DeadMasterAndReplicas, AnalysisCode::UnreachableMaster,
                    AnalysisCode::DeadIntermediateMasterWithSingleReplica,
                    AnalysisCode::DeadIntermediateMasterAndReplicas,
                    AnalysisCode::AllMasterReplicasNotReplicating})
    CHECK(recovery_kind(code) == RecoveryKind::None);
}

TEST_CASE("an automated recovery needs an actionable code, no downtime and a matching filter") {
  CHECK(automated_skip_reason(failure(AnalysisCode::DeadMaster)).empty());
  CHECK(automated_skip_reason(failure(AnalysisCode::DeadIntermediateMaster)).empty());

  CHECK(automated_skip_reason(failure(AnalysisCode::UnreachableMaster)).find("no recovery") !=
        std::string::npos);

  auto downtimed = failure(AnalysisCode::DeadMaster);
  downtimed.skippable_due_to_downtime = true;
  CHECK(automated_skip_reason(downtimed).find("downtimed") != std::string::npos);

  auto master_not_enabled = failure(AnalysisCode::DeadMaster);
  master_not_enabled.cluster_details.has_automated_master_recovery = false;
  CHECK(automated_skip_reason(master_not_enabled).find("RecoverMasterClusterFilters") !=
        std::string::npos);
  // The intermediate-master filter is a separate switch.
  auto im = failure(AnalysisCode::DeadIntermediateMaster);
  im.cluster_details.has_automated_master_recovery = false;
  CHECK(automated_skip_reason(im).empty());
  im.cluster_details.has_automated_intermediate_master_recovery = false;
  CHECK(automated_skip_reason(im).find("RecoverIntermediateMasterClusterFilters") !=
        std::string::npos);
  // Co-masters are master recoveries.
  auto co = failure(AnalysisCode::DeadCoMaster);
  co.cluster_details.has_automated_master_recovery = false;
  CHECK_FALSE(automated_skip_reason(co).empty());
}
