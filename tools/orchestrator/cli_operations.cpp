#include "tools/orchestrator/cli_operations.hpp"

#include <iostream>

#include "actors/operation_lock.hpp"
#include "actors/prober.hpp"
#include "model/node_identity.hpp"
#include "model/topology.hpp"
#include "storage/instance_dao.hpp"
#include "storage/instance_operations.hpp"
#include "tools/orchestrator/app.hpp"

namespace orc::app {

namespace {

int run_operation(CliContext& ctx, const storage::OperationSpec& spec) {
  const auto key = ctx.key_arg();
  const auto endpoint = topology_endpoint(ctx.cfg);
  storage::OperationSettings settings;
  settings.use_super_read_only = ctx.cfg.UseSuperReadOnly;
  try {
    actors::run_locked(ctx.db(), key, ctx.node, spec.names.front(),
                       [&] { storage::run_operation_on(endpoint, key, spec, settings); });
  } catch (const actors::OperationRefused& e) {
    throw CliError(e.what());
  } catch (const storage::OperationError& e) {
    throw CliError(spec.names.front() + " " + key.str() + ": " + e.what());
  }

  actors::ProberSettings prober;
  prober.endpoint = endpoint;
  prober.probe_options.discover_by_show_slave_hosts = ctx.cfg.DiscoverByShowSlaveHosts;
  prober.probe_options.lag_query = ctx.cfg.ReplicationLagQuery;
  auto probe = actors::probe_once(key, prober);
  if (!probe.ok)
    throw CliError(spec.done + ": " + key.str() +
                   ", but the instance cannot be read: " + probe.error);
  auto inst = probe.instance;
  model::inherit_cluster_attributes(inst, ctx.snapshot().find(inst.master_key));
  storage::write_instances(ctx.db(), {inst});
  ctx.invalidate();
  std::cout << key.str() << "\n";
  return 0;
}

}  // namespace

void add_operation_commands(CliCommandTable& t) {
  for (const auto& spec : storage::replication_operations()) {
    const auto* s = &spec;
    for (const auto& name : spec.names)
      t[name] = {[s](CliContext& ctx) { return run_operation(ctx, *s); },
                 s->done + " on -i (takes the instance's operation lock)"};
  }
}

}  // namespace orc::app
