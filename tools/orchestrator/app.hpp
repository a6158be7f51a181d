#pragma once
// Entry points of the two modes of the one `orchestrator` executable.

#include <string>

#include "model/cli_args.hpp"
#include "model/config.hpp"
#include "storage/backend.hpp"
#include "storage/instance_probe.hpp"

namespace orc::app {

/// The application version recorded in orchestrator_db_deployments.
const char* app_version();

/// Backend endpoint from the configuration (user, password, timeouts).
storage::MysqlEndpoint backend_endpoint(const model::Config& cfg);
/// Topology endpoint template (credentials and timeouts; host and port set per instance).
storage::MysqlEndpoint topology_endpoint(const model::Config& cfg);
/// The same with MySQLTopologyReadTimeoutSeconds: for operations and recoveries, which may
/// legitimately wait longer than a discovery probe.
storage::MysqlEndpoint operation_endpoint(const model::Config& cfg);
/// Probe options from the configuration (detect queries, patterns, lag query).
storage::ProbeOptions probe_options(const model::Config& cfg);

/// `orchestrator http`: runs a service node until SIGINT/SIGTERM. Returns the exit code.
int run_service(const model::Config& cfg, const model::CliArgs& args);

/// `orchestrator -c COMMAND`: runs one command against the backend. Returns the exit code.
int run_cli_command(const model::Config& cfg, const model::CliArgs& args);

}  // namespace orc::app
