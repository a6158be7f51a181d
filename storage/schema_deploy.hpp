#pragma once
// Creates and upgrades the backend schema at startup, upstream-style (schema S15): the version
// string of the running binary is recorded in orchestrator_db_deployments, and the schema work
// only happens when that version is not recorded yet.

#include <string>

namespace soci {
class session;
}

namespace orc::storage {

struct SchemaDeployReport {
  /// False when the version was already recorded and nothing was done.
  bool deployed = false;
  std::string version;
  /// Statements that ran successfully: CREATE/ALTER TABLE, seed rows and the version record.
  int statements_run = 0;
};

/// Creates or upgrades the schema when `app_version` is not yet recorded in
/// orchestrator_db_deployments (or when force is true: redeploy-internal-db). Safe when several
/// nodes start at once.
///
/// The session must have a default database. Missing tables are created; on existing tables
/// (ours or upstream's) only missing columns and keys are added, so column types and data are
/// never changed. Deployers are serialized with GET_LOCK('orchestrator_schema_deploy', 30) and
/// the version is re-checked once the lock is held, so of several simultaneous starters only the
/// first does the work. The session's sql_mode is relaxed (NO_ZERO_DATE, NO_ZERO_IN_DATE,
/// ONLY_FULL_GROUP_BY removed) during the deployment and restored afterwards.
/// Throws soci::soci_error on SQL errors and std::runtime_error if the lock is not obtained.
SchemaDeployReport deploy_schema(soci::session& s, const std::string& app_version, bool force);

}  // namespace orc::storage
