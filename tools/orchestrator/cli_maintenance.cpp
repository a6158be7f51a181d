#include "tools/orchestrator/cli_maintenance.hpp"

#include <spdlog/spdlog.h>

#include <climits>
#include <iostream>

#include "model/duration.hpp"
#include "model/node_identity.hpp"
#include "storage/downtime_dao.hpp"
#include "storage/maintenance_dao.hpp"

namespace orc::app {

namespace {

std::string reason_arg(const CliContext& ctx) {
  auto reason = ctx.args.get("reason");
  if (reason.empty()) throw CliError("--reason option required");
  return reason;
}

/// --duration in seconds; 0 (the DAO's 10-minute default) when absent.
int duration_arg(const CliContext& ctx) {
  auto text = ctx.args.get("duration");
  if (text.empty()) return 0;
  auto d = model::parse_duration(text);
  if (!d) throw CliError("invalid --duration '" + text + "' (expected e.g. 30s, 10m, 1h, 2d, 1w)");
  return static_cast<int>(std::min<long long>(d->count(), INT_MAX));
}

}  // namespace

void add_maintenance_commands(CliCommandTable& t) {
  t["begin-downtime"] = {[](CliContext& ctx) {
                           auto key = ctx.key_arg();
                           auto reason = reason_arg(ctx);
                           auto seconds = duration_arg(ctx);
                           storage::begin_downtime(ctx.db(), key, ctx.owner(), reason, seconds);
                           std::cout << key.str() << "\n";
                           return 0;
                         },
                         "downtime -i (--reason required, --owner, --duration default 10m)"};
  t["end-downtime"] = {[](CliContext& ctx) {
                         auto key = ctx.key_arg();
                         storage::end_downtime(ctx.db(), key);
                         std::cout << key.str() << "\n";
                         return 0;
                       },
                       "end the downtime of -i"};
  CliCommand downtimed{[](CliContext& ctx) {
                         std::optional<std::string> cluster;
                         if (ctx.args.has("i") || ctx.args.has("alias"))
                           cluster = ctx.cluster_arg();
                         for (const auto& d : storage::read_downtimed(ctx.db(), cluster))
                           std::cout << d.key.str() << "\n";
                         return 0;
                       },
                       "downtimed instances, of the cluster of -i or -alias when given"};
  t["which-downtimed-instances"] = downtimed;
  t["downtimed"] = downtimed;
  t["begin-maintenance"] = {
      [](CliContext& ctx) {
        auto key = ctx.key_arg();
        auto reason = reason_arg(ctx);
        auto seconds = duration_arg(ctx);
        auto result =
            storage::begin_maintenance(ctx.db(), key, ctx.owner(), reason, seconds, ctx.node, true);
        if (!result.acquired) throw CliError(result.refusal_message(key));
        spdlog::info("maintenance key: {}", result.token);
        std::cout << key.str() << "\n";
        return 0;
      },
      "take the maintenance lock on -i (--reason required, --owner, --duration default 10m)"};
  t["end-maintenance"] = {[](CliContext& ctx) {
                            auto key = ctx.key_arg();
                            storage::end_maintenance(ctx.db(), key);
                            std::cout << key.str() << "\n";
                            return 0;
                          },
                          "release the maintenance lock on -i"};
  t["in-maintenance"] = {[](CliContext& ctx) {
                           auto key = ctx.key_arg();
                           if (storage::active_maintenance(ctx.db(), key))
                             std::cout << key.str() << "\n";
                           return 0;
                         },
                         "prints -i when it is under maintenance"};
}

}  // namespace orc::app
