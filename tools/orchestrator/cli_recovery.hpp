#pragma once
// Recovery commands of the CLI (cli.md): recover, recover-lite, force-master-failover,
// force-master-takeover, graceful-master-takeover, graceful-master-takeover-auto,
// get-candidate-replica, internal-suggest-promoted-replacement. They run the same code as the
// service's API (actors/manual_recovery.hpp) straight against the servers and the backend;
// the topology_recovery row keeps them from colliding with a service node's recovery.

#include "tools/orchestrator/cli_commands.hpp"

namespace orc::app {

/// Adds the commands above to `table`. Each prints the promoted (or suggested) instance's key.
void add_recovery_commands(CliCommandTable& table);

}  // namespace orc::app
