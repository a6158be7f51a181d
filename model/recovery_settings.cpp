#include "model/recovery_settings.hpp"

namespace orc::model {

CandidateSettings candidate_settings(const Config& cfg) {
  CandidateSettings s;
  s.promotion_ignore_hostname_filters = cfg.PromotionIgnoreHostnameFilters;
  s.prevent_cross_data_center = cfg.PreventCrossDataCenterMasterFailover;
  s.prevent_cross_region = cfg.PreventCrossRegionMasterFailover;
  s.fail_on_lag_minutes = cfg.FailMasterPromotionOnLagMinutes;
  s.reasonable_maintenance_lag_seconds = cfg.ReasonableMaintenanceReplicationLagSeconds;
  return s;
}

ReplacementSettings replacement_settings(const Config& cfg) {
  ReplacementSettings s;
  s.prevent_cross_data_center = cfg.PreventCrossDataCenterMasterFailover;
  s.prevent_cross_region = cfg.PreventCrossRegionMasterFailover;
  s.promotion_ignore_hostname_filters = cfg.PromotionIgnoreHostnameFilters;
  s.reasonable_maintenance_lag_seconds = cfg.ReasonableMaintenanceReplicationLagSeconds;
  return s;
}

IntermediateRecoverySettings intermediate_recovery_settings(const Config& cfg) {
  IntermediateRecoverySettings s;
  s.promotion_ignore_hostname_filters = cfg.PromotionIgnoreHostnameFilters;
  s.reasonable_maintenance_lag_seconds = cfg.ReasonableMaintenanceReplicationLagSeconds;
  return s;
}

}  // namespace orc::model
