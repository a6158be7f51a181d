// The recovery half of a graceful master takeover (contract §F.7). The preconditions were
// checked before the recovery was registered (actors/manual_recovery.cpp), so nothing here
// starts unless every step can be carried out; the steps and their ways back are
// actors::graceful_takeover's (recovery_executor.hpp).

#include "actors/recovery_executor.hpp"
#include "actors/recovery_servers.hpp"

namespace orc::actors {

void recover_graceful_takeover(RecoveryRun& run) {
  const auto& cfg = run.config();
  const auto& req = run.request();
  if (!req.designated || !req.graceful) {
    run.error("graceful takeover without a designated replica");
    return;
  }
  if (!run.run_hook_list("PreGracefulTakeoverProcesses", cfg.PreGracefulTakeoverProcesses, true)) {
    run.error("PreGracefulTakeoverProcesses failed: takeover aborted before any change");
    return;
  }
  auto all = run.env().instances();
  ConnectedServers servers(run.env(), all, fence_check(run));
  servers.set_old_master(req.analysis.analyzed_instance_key, req.graceful->replication_user,
                         req.graceful->replication_password);
  GracefulTakeoverRequest g;
  g.old_master = req.analysis.analyzed_instance_key;
  g.designated = *req.designated;
  g.catch_up_wait_seconds = cfg.ReasonableMaintenanceReplicationLagSeconds;
  g.master = master_recovery_request(run, all);
  g.before_failover = [&run] { return run.pre_failover_hooks(); };
  auto result = graceful_takeover(servers, std::move(g), recovery_execution_context(run, servers));
  finish_master_recovery(run, std::move(result));
}

}  // namespace orc::actors
