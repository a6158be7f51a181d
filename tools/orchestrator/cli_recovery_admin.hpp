#pragma once
// Recovery administration commands of the CLI (cli.md): ack-all-recoveries,
// ack-cluster-recoveries, ack-instance-recoveries, disable-global-recoveries,
// enable-global-recoveries, check-global-recoveries and register-candidate. They write the same
// backend rows as the service's API, so they take effect on every node at once.

#include "tools/orchestrator/cli_commands.hpp"

namespace orc::app {

/// Adds the commands above to `table`. The ack commands require --reason (the comment) and
/// print how many recoveries they acknowledged; the acknowledging owner is --owner, else the
/// OS user running the command, else "orchestrator" (upstream's GetMaintenanceOwner). The
/// global-recoveries commands print the resulting state, "enabled" or "disabled".
/// register-candidate takes -i and --promotion-rule (default prefer, as upstream) and prints
/// the key.
void add_recovery_admin_commands(CliCommandTable& table);

}  // namespace orc::app
