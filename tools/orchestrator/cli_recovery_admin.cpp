#include "tools/orchestrator/cli_recovery_admin.hpp"

#include <iostream>
#include <stdexcept>

#include "storage/candidate_dao.hpp"
#include "storage/recovery_dao.hpp"

namespace orc::app {

namespace {

std::string ack_reason(const CliContext& ctx) {
  auto reason = ctx.args.get("reason");
  if (reason.empty()) throw CliError("--reason option required (comment your ack)");
  return reason;
}

int acknowledge(CliContext& ctx, const storage::RecoveryScope& scope, const std::string& reason) {
  std::cout << storage::acknowledge_recoveries(ctx.db(), scope, ctx.owner(), reason) << "\n";
  return 0;
}

int set_global(CliContext& ctx, bool disabled) {
  storage::set_global_recovery_disabled(ctx.db(), disabled);
  std::cout << (disabled ? "disabled" : "enabled") << "\n";
  return 0;
}

}  // namespace

void add_recovery_admin_commands(CliCommandTable& t) {
  t["ack-all-recoveries"] = {[](CliContext& ctx) {
                               auto reason = ack_reason(ctx);
                               return acknowledge(ctx, storage::RecoveryScope{}, reason);
                             },
                             "acknowledge every recovery, unblocking future ones (--reason)"};
  t["ack-cluster-recoveries"] = {
      [](CliContext& ctx) {
        auto reason = ack_reason(ctx);
        auto cluster = ctx.cluster_arg();
        return acknowledge(ctx, storage::cluster_recovery_scope(ctx.db(), cluster), reason);
      },
      "acknowledge the recoveries of the cluster of -i or -alias (--reason)"};
  t["ack-instance-recoveries"] = {
      [](CliContext& ctx) {
        auto reason = ack_reason(ctx);
        storage::RecoveryScope scope;
        scope.key = ctx.key_arg();
        return acknowledge(ctx, scope, reason);
      },
      "acknowledge the recoveries of the failed instance -i (--reason)"};
  t["disable-global-recoveries"] = {[](CliContext& ctx) { return set_global(ctx, true); },
                                    "disallow automated recoveries on every node"};
  t["enable-global-recoveries"] = {[](CliContext& ctx) { return set_global(ctx, false); },
                                   "allow automated recoveries again"};
  t["check-global-recoveries"] = {
      [](CliContext& ctx) {
        std::cout << (storage::is_global_recovery_disabled(ctx.db()) ? "disabled" : "enabled")
                  << "\n";
        return 0;
      },
      "prints whether automated recoveries are enabled or disabled"};
  t["register-candidate"] = {
      [](CliContext& ctx) {
        auto key = ctx.key_arg();
        try {
          storage::register_candidate(ctx.db(), key, ctx.args.get("promotion-rule", "prefer"));
        } catch (const std::invalid_argument& e) {
          throw CliError(e.what());
        }
        std::cout << key.str() << "\n";
        return 0;
      },
      "register -i as a promotion candidate (--promotion-rule prefer|neutral|prefer_not|"
      "must_not, default prefer)"};
}

}  // namespace orc::app
