#include "tools/orchestrator/cli_recovery.hpp"

#include <atomic>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "actors/manual_recovery.hpp"
#include "model/analysis_setup.hpp"
#include "storage/election_dao.hpp"
#include "storage/maintenance_dao.hpp"
#include "tools/orchestrator/app.hpp"

namespace orc::app {

namespace {

/// The recovery environment of a CLI run: one backend session shared under a mutex (the
/// recovery audits from parallel threads), and a heartbeat that keeps this process's
/// node_health row fresh, so that the leader does not take a long recovery for one whose
/// node crashed (contract §F.5) and acknowledge it half-way.
class CliRecovery {
 public:
  explicit CliRecovery(CliContext& ctx) : ctx_(ctx) {
    ctx_.db();  // connect and register before the recovery starts
    env_.config = std::make_shared<const model::Config>(ctx.cfg);
    env_.node = ctx.node;
    env_.topology = operation_endpoint(ctx.cfg);
    env_.probe_options = probe_options(ctx.cfg);
    env_.backend = [this](const std::function<void(soci::session&)>& fn) {
      std::lock_guard<std::mutex> lock(mutex_);
      fn(ctx_.db());
    };
    env_.instances = [this] {
      std::lock_guard<std::mutex> lock(mutex_);
      return ctx_.snapshot().instances;
    };
    heartbeat_ = std::thread([this] { beat(); });
  }
  ~CliRecovery() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    heartbeat_.join();
  }
  const actors::RecoveryEnv& env() const { return env_; }

 private:
  void beat() {
    auto ep = backend_endpoint(ctx_.cfg);
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) {
      try {
        storage::register_node_health(ctx_.db(), ctx_.node, "CLIMode", ctx_.args.get("c"),
                                      app_version(), ep.host + ":" + std::to_string(ep.port));
      } catch (const std::exception&) {
      }
    }
  }

  CliContext& ctx_;
  actors::RecoveryEnv env_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread heartbeat_;
};

int print_outcome(const std::string& what, const actors::RecoveryOutcome& out) {
  if (!out.attempted) throw CliError(what + ": not attempted: " + out.message);
  if (!out.successful) throw CliError(what + ": " + out.message);
  std::cout << out.successor->str() << "\n";
  return 0;
}

template <typename Fn>
int guarded(const std::string& what, Fn fn) {
  try {
    return fn();
  } catch (const actors::RecoveryRefused& e) {
    throw CliError(what + ": " + e.what());
  }
}

std::optional<model::InstanceKey> optional_key(CliContext& ctx, const std::string& flag) {
  if (!ctx.args.has(flag)) return std::nullopt;
  return ctx.key_arg(flag);
}

int recover(CliContext& ctx, bool lite) {
  auto key = ctx.key_arg();
  auto candidate = optional_key(ctx, "d");
  std::set<model::InstanceKey> maintenance;
  for (const auto& lock : storage::read_active_maintenance(ctx.db())) maintenance.insert(lock.key);
  auto rows = model::analyze(model::analysis_input(ctx.snapshot(), maintenance),
                             model::analysis_settings(ctx.cfg));
  CliRecovery run(ctx);
  return guarded("recover", [&] {
    return print_outcome("recover",
                         actors::recover_instance(run.env(), rows, key, candidate, !lite));
  });
}

}  // namespace

void add_recovery_commands(CliCommandTable& t) {
  t["recover"] = {[](CliContext& ctx) { return recover(ctx, false); },
                  "recover the failed instance -i (optionally promoting -d); prints the successor"};
  t["recover-lite"] = {[](CliContext& ctx) { return recover(ctx, true); },
                       "as recover, without running hooks"};
  t["force-master-failover"] = {
      [](CliContext& ctx) {
        auto cluster = ctx.cluster_arg();
        CliRecovery run(ctx);
        return guarded("force-master-failover", [&] {
          return print_outcome("force-master-failover",
                               actors::force_master_failover(run.env(), cluster, std::nullopt));
        });
      },
      "fail over the master of the cluster of -i/-alias, dead or not; prints the successor"};
  t["force-master-takeover"] = {
      [](CliContext& ctx) {
        auto cluster = ctx.cluster_arg();
        auto designated = ctx.key_arg("d");
        CliRecovery run(ctx);
        return guarded("force-master-takeover", [&] {
          return print_outcome("force-master-takeover",
                               actors::force_master_failover(run.env(), cluster, designated));
        });
      },
      "fail over the master of the cluster of -i/-alias to its replica -d"};
  for (bool auto_variant : {false, true}) {
    std::string name = auto_variant ? "graceful-master-takeover-auto" : "graceful-master-takeover";
    t[name] = {[name, auto_variant](CliContext& ctx) {
                 auto cluster = ctx.cluster_arg();
                 auto designated = optional_key(ctx, "d");
                 CliRecovery run(ctx);
                 return guarded(name, [&] {
                   return print_outcome(name, actors::graceful_master_takeover(
                                                  run.env(), cluster, designated, auto_variant));
                 });
               },
               auto_variant ? "promote -d (or the best replica) in place of the live master; "
                              "the old master then replicates from it"
                            : "promote -d (or the only replica) in place of the live master; the "
                              "old master is set up to replicate from it, not started"};
  }
  t["get-candidate-replica"] = {
      [](CliContext& ctx) {
        auto key = ctx.key_arg();
        CliRecovery run(ctx);
        auto choice = actors::candidate_replica(run.env(), key);
        if (!choice.promoted) throw CliError("get-candidate-replica: " + choice.error);
        std::cout << choice.promoted->str() << "\n";
        return 0;
      },
      "the replica of -i that a failover would promote now (nothing is changed)"};
  t["internal-suggest-promoted-replacement"] = {
      [](CliContext& ctx) {
        auto dead = ctx.key_arg();
        auto promoted = ctx.key_arg("d");
        CliRecovery run(ctx);
        return guarded("internal-suggest-promoted-replacement", [&] {
          auto s = actors::suggest_promoted_replacement(run.env(), dead, promoted);
          std::cout << (s.replacement ? *s.replacement : promoted).str() << "\n";
          return 0;
        });
      },
      "given the failed master -i and the promoted replica -d, the instance that should end "
      "up master"};
}

}  // namespace orc::app
