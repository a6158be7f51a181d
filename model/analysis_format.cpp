#include "model/analysis_format.hpp"

namespace orc::model {

std::string analysis_text(const ReplicationAnalysis& row) {
  std::string out;
  auto append = [&](const char* part) {
    if (!out.empty()) out += ", ";
    out += part;
  };
  if (row.analysis != AnalysisCode::NoProblem) append(analysis_code_name(row.analysis));
  for (auto w : row.structure_analysis) append(structure_warning_name(w));
  return out;
}

std::string analysis_line(const ReplicationAnalysis& row) {
  return row.analyzed_instance_key.str() + " (cluster " + row.cluster_details.cluster_name +
         "): " + analysis_text(row);
}

std::string analysis_lines(const std::vector<ReplicationAnalysis>& rows) {
  std::string out;
  for (const auto& row : rows) {
    if (row.analysis == AnalysisCode::NoProblem && row.structure_analysis.empty()) continue;
    out += analysis_line(row);
    out += '\n';
  }
  return out;
}

}  // namespace orc::model
