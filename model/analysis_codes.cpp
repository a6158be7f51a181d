// Names, descriptions and recovery flags of the analysis codes, and the connect-error match.

#include <algorithm>
#include <cctype>

#include "model/analysis.hpp"
#include "model/text.hpp"

namespace orc::model {

namespace {

struct CodeInfo {
  AnalysisCode code;
  const char* name;
  const char* description;  ///< upstream's text, copy-paste duplicates included
  bool actionable;
};

constexpr const char* kMasterDeadNoneReplicating =
    "Master cannot be reached by orchestrator and none of its replicas is replicating";
constexpr const char* kUnreachableMaster =
    "Master cannot be reached by orchestrator but it has replicating replicas; possibly a "
    "network/host issue";
constexpr const char* kMasterReachableNoneReplicating =
    "Master is reachable but none of its replicas is replicating";

const CodeInfo kCodes[] = {
    {AnalysisCode::NoProblem, "NoProblem", "", false},
    {AnalysisCode::DeadReplicationGroupMemberWithReplicas, "DeadReplicationGroupMemberWithReplicas",
     "Group member is unreachable and all its reachable replicas are not replicating", true},
    {AnalysisCode::DeadMasterWithoutReplicas, "DeadMasterWithoutReplicas",
     "Master cannot be reached by orchestrator and has no replica", false},
    {AnalysisCode::DeadMaster, "DeadMaster", kMasterDeadNoneReplicating, true},
    {AnalysisCode::DeadMasterAndReplicas, "DeadMasterAndReplicas", kMasterDeadNoneReplicating,
     false},
    {AnalysisCode::DeadMasterAndSomeReplicas, "DeadMasterAndSomeReplicas",
     "Master cannot be reached by orchestrator; some of its replicas are unreachable and none "
     "of its reachable replicas is replicating",
     true},
    {AnalysisCode::UnreachableMasterWithLaggingReplicas, "UnreachableMasterWithLaggingReplicas",
     "Master cannot be reached by orchestrator and all of its replicas are lagging", false},
    {AnalysisCode::UnreachableMaster, "UnreachableMaster", kUnreachableMaster, false},
    {AnalysisCode::LockedSemiSyncMaster, "LockedSemiSyncMaster",
     "Semi sync master is locked since it doesn't get enough replica acknowledgements", true},
    {AnalysisCode::LockedSemiSyncMasterHypothesis, "LockedSemiSyncMasterHypothesis",
     "Semi sync master seems to be locked, more samplings needed to validate", false},
    {AnalysisCode::MasterWithTooManySemiSyncReplicas, "MasterWithTooManySemiSyncReplicas",
     "Semi sync master has more semi sync replicas than configured", true},
    {AnalysisCode::NoWriteableMasterStructureWarning, "NoWriteableMasterStructureWarning",
     "Master with replicas is read_only", true},
    {AnalysisCode::MasterSingleReplicaNotReplicating, "MasterSingleReplicaNotReplicating",
     "Master is reachable but its single replica is not replicating", false},
    {AnalysisCode::MasterSingleReplicaDead, "MasterSingleReplicaDead",
     "Master is reachable but its single replica is dead", false},
    {AnalysisCode::AllMasterReplicasNotReplicating, "AllMasterReplicasNotReplicating",
     kMasterReachableNoneReplicating, false},
    {AnalysisCode::AllMasterReplicasNotReplicatingOrDead, "AllMasterReplicasNotReplicatingOrDead",
     kMasterReachableNoneReplicating, false},
    {AnalysisCode::DeadCoMaster, "DeadCoMaster",
     "Co-master cannot be reached by orchestrator and none of its replicas is replicating", true},
    {AnalysisCode::DeadCoMasterAndSomeReplicas, "DeadCoMasterAndSomeReplicas",
     "Co-master cannot be reached by orchestrator; some of its replicas are unreachable and "
     "none of its reachable replicas is replicating",
     true},
    {AnalysisCode::UnreachableCoMaster, "UnreachableCoMaster",
     "Co-master cannot be reached by orchestrator but it has replicating replicas; possibly a "
     "network/host issue",
     false},
    {AnalysisCode::AllCoMasterReplicasNotReplicating, "AllCoMasterReplicasNotReplicating",
     "Co-master is reachable but none of its replicas is replicating", false},
    {AnalysisCode::DeadIntermediateMasterWithSingleReplicaFailingToConnect,
     "DeadIntermediateMasterWithSingleReplicaFailingToConnect",
     "Intermediate master cannot be reached by orchestrator and its (single) replica is failing "
     "to connect",
     true},
    {AnalysisCode::DeadIntermediateMasterWithSingleReplica,
     "DeadIntermediateMasterWithSingleReplica",
     "Intermediate master cannot be reached by orchestrator and its (single) replica is not "
     "replicating",
     false},
    {AnalysisCode::DeadIntermediateMaster, "DeadIntermediateMaster",
     "Intermediate master cannot be reached by orchestrator and none of its replicas is "
     "replicating",
     true},
    {AnalysisCode::DeadIntermediateMasterAndSomeReplicas, "DeadIntermediateMasterAndSomeReplicas",
     "Intermediate master cannot be reached by orchestrator; some of its replicas are "
     "unreachable and none of its reachable replicas is replicating",
     true},
    {AnalysisCode::DeadIntermediateMasterAndReplicas, "DeadIntermediateMasterAndReplicas",
     "Intermediate master cannot be reached by orchestrator and all of its replicas are "
     "unreachable",
     false},
    {AnalysisCode::UnreachableIntermediateMasterWithLaggingReplicas,
     "UnreachableIntermediateMasterWithLaggingReplicas",
     "Intermediate master cannot be reached by orchestrator and all of its replicas are lagging",
     false},
    {AnalysisCode::UnreachableIntermediateMaster, "UnreachableIntermediateMaster",
     "Intermediate master cannot be reached by orchestrator but it has replicating replicas; "
     "possibly a network/host issue",
     false},
    {AnalysisCode::AllIntermediateMasterReplicasFailingToConnectOrDead,
     "AllIntermediateMasterReplicasFailingToConnectOrDead",
     "Intermediate master is reachable but all of its replicas are failing to connect", true},
    {AnalysisCode::AllIntermediateMasterReplicasNotReplicating,
     "AllIntermediateMasterReplicasNotReplicating",
     "Intermediate master is reachable but none of its replicas is replicating", false},
    {AnalysisCode::BinlogServerFailingToConnectToMaster, "BinlogServerFailingToConnectToMaster",
     "Binlog server is unable to connect to its master", false},
    {AnalysisCode::FirstTierReplicaFailingToConnectToMaster,
     "FirstTierReplicaFailingToConnectToMaster",
     "1st tier replica (directly replicating from topology master) is unable to connect to the "
     "master",
     false},
};

const CodeInfo& info(AnalysisCode code) {
  for (const auto& c : kCodes) {
    if (c.code == code) return c;
  }
  return kCodes[0];  // unreachable: kCodes lists every enumerator (checked by the unit tests)
}

}  // namespace

const std::vector<AnalysisCode>& all_analysis_codes() {
  static const std::vector<AnalysisCode> codes = [] {
    std::vector<AnalysisCode> out;
    for (const auto& c : kCodes) out.push_back(c.code);
    return out;
  }();
  return codes;
}

const char* analysis_code_name(AnalysisCode code) {
  return info(code).name;
}

std::optional<AnalysisCode> analysis_code_from_name(std::string_view name) {
  for (const auto& c : kCodes) {
    if (name == c.name) return c.code;
  }
  return std::nullopt;
}

const char* analysis_description(AnalysisCode code) {
  return info(code).description;
}

bool is_actionable(AnalysisCode code) {
  return info(code).actionable;
}

const char* structure_warning_name(StructureWarning warning) {
  switch (warning) {
    case StructureWarning::NoLoggingReplicasStructureWarning:
      return "NoLoggingReplicasStructureWarning";
    case StructureWarning::NoFailoverSupportStructureWarning:
      return "NoFailoverSupportStructureWarning";
    case StructureWarning::StatementAndMixedLoggingReplicasStructureWarning:
      return "StatementAndMixedLoggingReplicasStructureWarning";
    case StructureWarning::StatementAndRowLoggingReplicasStructureWarning:
      return "StatementAndRowLoggingReplicasStructureWarning";
    case StructureWarning::MixedAndRowLoggingReplicasStructureWarning:
      return "MixedAndRowLoggingReplicasStructureWarning";
    case StructureWarning::MultipleMajorVersionsLoggingReplicasStructureWarning:
      return "MultipleMajorVersionsLoggingReplicasStructureWarning";
    case StructureWarning::DifferentGTIDModesStructureWarning:
      return "DifferentGTIDModesStructureWarning";
    case StructureWarning::ErrantGTIDStructureWarning:
      return "ErrantGTIDStructureWarning";
    case StructureWarning::NoWriteableMasterStructureWarning:
      return "NoWriteableMasterStructureWarning";
    case StructureWarning::NotEnoughValidSemiSyncReplicasStructureWarning:
      return "NotEnoughValidSemiSyncReplicasStructureWarning";
  }
  return "";
}

bool is_connect_failure_error(std::string_view last_io_error) {
  const std::string text = to_lower(last_io_error);
  const auto error = text.find("error ");
  if (error == std::string::npos) return false;
  const auto rest = error + 6;
  return text.find("connecting to master", rest) != std::string::npos ||
         text.find("connecting to source", rest) != std::string::npos;
}

}  // namespace orc::model
