#pragma once
// Replication control commands of the CLI (cli.md): stop-replica/stop-slave,
// start-replica/start-slave, restart-replica/restart-slave, reset-replica/reset-slave,
// detach-replica-master-host, reattach-replica-master-host (and their -slave/short synonyms),
// set-read-only, set-writeable, flush-binary-logs. Each takes the instance's operation lock in
// the shared backend first, exactly as the service's API does, so a CLI run refuses while a
// node or an operator holds it (and vice versa).

#include "tools/orchestrator/cli_commands.hpp"

namespace orc::app {

/// Adds the commands above to `table`. They act on -i, record the instance as re-probed and
/// print its key; a refusal or failure is one line on stderr with exit code 1.
void add_operation_commands(CliCommandTable& table);

}  // namespace orc::app
