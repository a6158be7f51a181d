#include <iostream>
#include <regex>

#include "model/analysis_format.hpp"
#include "model/analysis_setup.hpp"
#include "model/replication_rules.hpp"
#include "model/topology_render.hpp"
#include "storage/maintenance_dao.hpp"
#include "storage/tag_dao.hpp"
#include "tools/orchestrator/cli_commands.hpp"

namespace orc::app {

void print_keys(const std::vector<model::InstanceKey>& keys) {
  for (const auto& k : keys) std::cout << k.str() << "\n";
}

namespace {

std::vector<model::InstanceKey> keys_of(const std::vector<const model::Instance*>& in) {
  std::vector<model::InstanceKey> out;
  for (const auto* i : in) out.push_back(i->key);
  return out;
}

model::RenderOptions render_options(CliContext& ctx) {
  model::RenderOptions opt;
  opt.reasonable_maintenance_replication_lag_seconds =
      ctx.cfg.ReasonableMaintenanceReplicationLagSeconds;
  return opt;
}

int topology(CliContext& ctx, bool tabulated, bool tags) {
  auto cluster = ctx.cluster_arg();
  std::vector<model::Instance> members;
  for (const auto* i : ctx.snapshot().cluster_members(cluster)) members.push_back(*i);
  auto opt = render_options(ctx);
  opt.tabulated = tabulated;
  opt.with_tags = tags;
  if (tags)
    for (const auto& m : members)
      for (const auto& [name, value] : storage::read_tags(ctx.db(), m.key))
        opt.tags[m.key.str()].push_back(value.empty() ? name : name + "=" + value);
  std::cout << model::render_topology(members, opt) << "\n";
  return 0;
}

const model::Instance* cluster_master(CliContext& ctx, const std::string& cluster) {
  for (const auto* m : ctx.snapshot().cluster_masters())
    if (m->cluster_name == cluster) return m;
  return nullptr;
}

}  // namespace

void add_information_commands(CliCommandTable& t) {
  t["clusters"] = {[](CliContext& ctx) {
                     for (const auto& c : ctx.snapshot().clusters)
                       std::cout << c.cluster_name << "\n";
                     return 0;
                   },
                   "list cluster names"};
  t["clusters-alias"] = {[](CliContext& ctx) {
                           for (const auto& c : ctx.snapshot().clusters)
                             std::cout << c.cluster_name << "\t" << c.cluster_alias << "\n";
                           return 0;
                         },
                         "list clusters with their aliases (name TAB alias)"};
  t["all-clusters-masters"] = {[](CliContext& ctx) {
                                 print_keys(keys_of(ctx.snapshot().cluster_masters()));
                                 return 0;
                               },
                               "list the master of every cluster"};
  t["topology"] = {[](CliContext& ctx) { return topology(ctx, false, false); },
                   "show the cluster of -i (or -alias) as a tree"};
  t["topology-tabulated"] = {[](CliContext& ctx) { return topology(ctx, true, false); },
                             "topology in aligned columns"};
  t["topology-tags"] = {[](CliContext& ctx) { return topology(ctx, false, true); },
                        "topology with each instance's tags"};
  t["all-instances"] = {[](CliContext& ctx) {
                          for (const auto& i : ctx.snapshot().instances)
                            std::cout << i.key.str() << "\n";
                          return 0;
                        },
                        "list every known instance"};
  t["which-instance"] = {[](CliContext& ctx) {
                           std::cout << ctx.known_instance().key.str() << "\n";
                           return 0;
                         },
                         "print -i if it is known"};
  t["which-cluster"] = {[](CliContext& ctx) {
                          std::cout << ctx.cluster_arg() << "\n";
                          return 0;
                        },
                        "the cluster name of -i (or -alias)"};
  t["which-cluster-alias"] = {[](CliContext& ctx) {
                                auto cluster = ctx.cluster_arg();
                                const auto* info = ctx.snapshot().cluster_info(cluster);
                                std::cout << (info ? info->cluster_alias : cluster) << "\n";
                                return 0;
                              },
                              "the alias of the cluster of -i (or -alias)"};
  t["which-cluster-master"] = {[](CliContext& ctx) {
                                 auto cluster = ctx.cluster_arg();
                                 const auto* m = cluster_master(ctx, cluster);
                                 if (!m)
                                   throw CliError("cannot find the master of cluster " + cluster);
                                 std::cout << m->key.str() << "\n";
                                 return 0;
                               },
                               "the master of the cluster of -i (or -alias)"};
  t["which-cluster-instances"] = {
      [](CliContext& ctx) {
        print_keys(keys_of(ctx.snapshot().cluster_members(ctx.cluster_arg())));
        return 0;
      },
      "every instance of the cluster of -i (or -alias)"};
  t["which-master"] = {[](CliContext& ctx) {
                         const auto& inst = ctx.known_instance();
                         if (inst.master_key.valid()) std::cout << inst.master_key.str() << "\n";
                         return 0;
                       },
                       "the master of -i (nothing when it has none)"};
  t["which-replicas"] = {[](CliContext& ctx) {
                           const auto& inst = ctx.known_instance();
                           print_keys(keys_of(ctx.snapshot().replicas_of(inst.key)));
                           return 0;
                         },
                         "the direct replicas of -i"};
  t["instance-status"] = {
      [](CliContext& ctx) {
        std::cout << model::instance_status_line(ctx.known_instance(), render_options(ctx)) << "\n";
        return 0;
      },
      "the bracketed status of -i, as in topology"};
  t["search"] = {[](CliContext& ctx) {
                   auto pattern =
                       ctx.args.has("pattern") ? ctx.args.get("pattern") : ctx.args.get("i");
                   if (pattern.empty()) throw CliError("search needs -pattern TEXT");
                   print_keys(keys_of(ctx.snapshot().search(pattern)));
                   return 0;
                 },
                 "instances whose key, version, cluster or alias contains -pattern"};
  t["find"] = {[](CliContext& ctx) {
                 if (!ctx.args.has("pattern")) throw CliError("find needs -pattern REGEX");
                 std::regex re;
                 try {
                   re = std::regex(ctx.args.get("pattern"));
                 } catch (const std::regex_error& e) {
                   throw CliError("invalid -pattern regular expression: " + std::string(e.what()));
                 }
                 for (const auto& i : ctx.snapshot().instances)
                   if (std::regex_search(i.key.hostname, re)) std::cout << i.key.str() << "\n";
                 return 0;
               },
               "instances whose hostname matches the -pattern regular expression"};
  t["is-replicating"] = {[](CliContext& ctx) {
                           const auto& inst = ctx.known_instance();
                           if (inst.is_replicating()) std::cout << inst.key.str() << "\n";
                           return 0;
                         },
                         "print -i when both replication threads run"};
  t["is-replication-stopped"] = {[](CliContext& ctx) {
                                   const auto& inst = ctx.known_instance();
                                   if (inst.is_replication_stopped())
                                     std::cout << inst.key.str() << "\n";
                                   return 0;
                                 },
                                 "print -i when both replication threads are stopped"};
  t["can-replicate-from"] = {[](CliContext& ctx) {
                               const auto& replica = ctx.known_instance("i");
                               const auto& source = ctx.known_instance("d");
                               auto v = model::can_replicate_from(
                                   replica, source,
                                   ctx.cfg.ReasonableMaintenanceReplicationLagSeconds);
                               if (v.ok)
                                 std::cout << source.key.str() << "\n";
                               else
                                 std::cerr << v.reason << "\n";
                               return 0;
                             },
                             "print -d when -i can replicate from it"};
  t["replication-analysis"] = {[](CliContext& ctx) {
                                 std::set<model::InstanceKey> maintenance;
                                 for (const auto& lock : storage::read_active_maintenance(ctx.db()))
                                   maintenance.insert(lock.key);
                                 model::AnalysisHints hints;
                                 hints.include_downtimed = false;  // as upstream's CLI
                                 auto rows = model::analyze(
                                     model::analysis_input(ctx.snapshot(), maintenance),
                                     model::analysis_settings(ctx.cfg), hints);
                                 std::cout << model::analysis_lines(rows);
                                 return 0;
                               },
                               "problems and structure warnings of every cluster, one line each"};
  t["get-cluster-heuristic-lag"] = {[](CliContext& ctx) {
                                      auto cluster = ctx.cluster_arg();
                                      const auto* info = ctx.snapshot().cluster_info(cluster);
                                      std::cout << (info ? info->heuristic_lag : 0) << "\n";
                                      return 0;
                                    },
                                    "the largest replication lag in the cluster, in seconds"};
}

}  // namespace orc::app
