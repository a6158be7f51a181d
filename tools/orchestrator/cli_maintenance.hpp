#pragma once
// Downtime and maintenance commands of the CLI (cli.md): begin-downtime, end-downtime,
// which-downtimed-instances (alias downtimed), begin-maintenance, end-maintenance,
// in-maintenance. They take the same backend lock rows as the service's API, so a CLI run and
// the service nodes never hold one instance's maintenance lock at once.

#include "tools/orchestrator/cli_commands.hpp"

namespace orc::app {

/// Adds the commands above to `table`. Owner is --owner, else the OS user running the
/// command, else "orchestrator"; --reason is required to begin; --duration is optional
/// (30s, 10m, 1h, 2d, 1w; default 10 minutes).
void add_maintenance_commands(CliCommandTable& table);

}  // namespace orc::app
