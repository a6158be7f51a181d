#pragma once
// The text form of the failure analysis printed by `orchestrator -c replication-analysis`
// (upstream's "%s (cluster %s): %s" with ReplicationAnalysis.AnalysisString()).

#include <string>
#include <vector>

#include "model/analysis.hpp"

namespace orc::model {

/// The code (left out when NoProblem) followed by the structure warnings, joined with ", ";
/// "" when there is neither. Upstream's AnalysisString.
std::string analysis_text(const ReplicationAnalysis& row);

/// "host:port (cluster CLUSTER): TEXT", without a trailing newline.
std::string analysis_line(const ReplicationAnalysis& row);

/// One analysis_line per row, each ending in "\n", skipping rows whose analysis_text is empty
/// (NoProblem without warnings, present only when the caller asked for them).
std::string analysis_lines(const std::vector<ReplicationAnalysis>& rows);

}  // namespace orc::model
