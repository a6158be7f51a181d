#pragma once
// Builds the analysis input and settings from what the API and the CLI both have (a topology
// snapshot, the active maintenance rows, the configuration), so both give the same answer.

#include <set>

#include "model/analysis.hpp"
#include "model/config.hpp"
#include "model/snapshot.hpp"

namespace orc::model {

AnalysisSettings analysis_settings(const Config& cfg);

AnalysisInput analysis_input(const TopologySnapshot& snapshot,
                             const std::set<InstanceKey>& in_maintenance);

}  // namespace orc::model
