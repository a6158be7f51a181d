#include <iostream>

#include "actors/prober.hpp"
#include "model/topology.hpp"
#include "storage/election_dao.hpp"
#include "storage/instance_dao.hpp"
#include "storage/schema_deploy.hpp"
#include "tools/orchestrator/app.hpp"
#include "tools/orchestrator/cli_commands.hpp"
#include "tools/orchestrator/cli_maintenance.hpp"
#include "tools/orchestrator/cli_operations.hpp"
#include "tools/orchestrator/cli_recovery.hpp"
#include "tools/orchestrator/cli_recovery_admin.hpp"

namespace orc::app {

void add_meta_commands(CliCommandTable& t) {
  t["discover"] = {[](CliContext& ctx) {
                     auto key = ctx.key_arg();
                     actors::ProberSettings settings;
                     settings.endpoint = topology_endpoint(ctx.cfg);
                     settings.probe_options.discover_by_show_slave_hosts =
                         ctx.cfg.DiscoverByShowSlaveHosts;
                     auto result = actors::probe_once(key, settings);
                     if (!result.ok)
                       throw CliError("cannot discover " + key.str() + ": " + result.error);
                     auto inst = result.instance;
                     model::inherit_cluster_attributes(inst, ctx.snapshot().find(inst.master_key));
                     storage::write_instances(ctx.db(), {inst});
                     std::cout << inst.key.str() << "\n";
                     return 0;
                   },
                   "probe -i and record it in the backend"};
  t["forget"] = {[](CliContext& ctx) {
                   auto key = ctx.key_arg();
                   if (!storage::forget_instance(ctx.db(), key))
                     throw CliError("instance not found: " + key.str());
                   std::cout << key.str() << "\n";
                   return 0;
                 },
                 "remove -i from the backend"};
  t["redeploy-internal-db"] = {[](CliContext& ctx) {
                                 auto report =
                                     storage::deploy_schema(ctx.db(), app_version(), true);
                                 std::cout << "deployed backend schema " << report.version << " ("
                                           << report.statements_run << " statements)\n";
                                 return 0;
                               },
                               "create or upgrade the backend schema"};
  t["active-nodes"] = {[](CliContext& ctx) {
                         for (const auto& n : storage::read_available_nodes(ctx.db(), 2, true))
                           std::cout << n.hostname << ";" << n.token << ";" << n.app_version
                                     << "\n";
                         return 0;
                       },
                       "service nodes seen in the last 2 s (hostname;token;version)"};
  t["dump-config"] = {[](CliContext& ctx) {
                        std::cout << model::dump_config_json(ctx.cfg) << "\n";
                        return 0;
                      },
                      "print the effective configuration, secrets redacted"};
}

int run_cli_command(const model::Config& cfg, const model::CliArgs& args) {
  CliCommandTable table;
  add_information_commands(table);
  add_tag_commands(table);
  add_meta_commands(table);
  add_maintenance_commands(table);
  add_operation_commands(table);
  add_recovery_admin_commands(table);
  add_recovery_commands(table);
  auto name = args.get("c");
  if (name == "help") {
    for (const auto& [cmd, c] : table) std::cout << cmd << "\t" << c.help << "\n";
    return 0;
  }
  auto it = table.find(name);
  if (it == table.end()) {
    std::cerr << "orchestrator: unknown command '" << name << "' (see -c help)\n";
    return 2;
  }
  CliContext ctx(cfg, args);
  try {
    return it->second.run(ctx);
  } catch (const CliError& e) {
    std::cerr << "orchestrator: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "orchestrator: " << name << " failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace orc::app
