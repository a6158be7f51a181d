#pragma once
// The settings of the recovery's pure decisions, read from the configuration in one place so
// that automated recovery, manual commands and the CLI judge candidates by the same rules.

#include "model/candidate.hpp"
#include "model/config.hpp"
#include "model/promotion.hpp"

namespace orc::model {

/// Promotion filters, geo rules, lag limit (choose_candidate).
CandidateSettings candidate_settings(const Config& cfg);
/// Promotion filters, geo rules (suggest_replacement, the second phase).
ReplacementSettings replacement_settings(const Config& cfg);
/// Promotion filters (plan_intermediate_recovery).
IntermediateRecoverySettings intermediate_recovery_settings(const Config& cfg);

}  // namespace orc::model
