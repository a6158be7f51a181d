// The recovery half of a graceful master takeover (contract §F.7). The preconditions were
// checked before the recovery was registered (actors/manual_recovery.cpp), so nothing here
// starts unless every step can be carried out; the only change made before the promotion is
// read_only on the old master, and it is undone if the promotion does not happen.

#include "actors/recovery_run.hpp"
#include "storage/instance_operations.hpp"
#include "storage/topology_actions.hpp"

namespace orc::actors {

namespace {

void restore_writable(RecoveryRun& run, ServerConnection& master) {
  try {
    storage::set_read_only(*master.session, *master.dialect, false, run.config().UseSuperReadOnly);
    run.step("old master " + master.key.str() + " set writable again");
  } catch (const std::exception& e) {
    run.error("cannot set " + master.key.str() + " writable again: " + e.what());
  }
}

}  // namespace

void recover_graceful_takeover(RecoveryRun& run) {
  const auto& cfg = run.config();
  const auto& req = run.request();
  const auto& old_key = req.analysis.analyzed_instance_key;
  auto& out = run.outcome();
  if (!req.designated) {
    run.error("graceful takeover without a designated replica");
    return;
  }
  if (!run.run_hook_list("PreGracefulTakeoverProcesses", cfg.PreGracefulTakeoverProcesses, true)) {
    run.error("PreGracefulTakeoverProcesses failed: takeover aborted before any change");
    return;
  }
  auto master = connect_server(run.env(), old_key);
  auto designated = connect_server(run.env(), *req.designated);
  run.check_fence();
  storage::set_read_only(*master.session, *master.dialect, true, cfg.UseSuperReadOnly);
  auto target = storage::read_executed_gtid(*master.session, *master.dialect);
  run.step("old master " + old_key.str() + " set read-only at GTID position " + target);
  auto wait = std::chrono::seconds(cfg.ReasonableMaintenanceReplicationLagSeconds);
  bool caught_up = false;
  try {
    caught_up =
        storage::wait_for_executed_gtid(*designated.session, *designated.dialect, target, wait);
  } catch (const std::exception& e) {
    run.error("cannot wait for " + req.designated->str() + ": " + e.what());
  }
  if (!caught_up) {
    run.error(req.designated->str() + " did not catch up with " + old_key.str() + " within " +
              std::to_string(cfg.ReasonableMaintenanceReplicationLagSeconds) + " s");
    restore_writable(run, master);
    return;
  }
  run.step(req.designated->str() + " caught up with " + old_key.str());

  recover_dead_master(run);
  if (!out.successor) {
    restore_writable(run, master);
    return;
  }
  run.check_fence();
  storage::RepointRequest rq;
  rq.master = *out.successor;
  rq.start = storage::GtidStart::CurrentPosition;
  rq.user = req.graceful->replication_user;
  rq.password = req.graceful->replication_password;
  rq.start_replication = req.graceful->start_replication;
  try {
    storage::repoint_replica(*master.session, *master.dialect, rq);
    run.step("old master " + old_key.str() + " now " +
             (rq.start_replication ? "replicates" : "is set to replicate (not started)") +
             " from " + out.successor->str());
  } catch (const std::exception& e) {
    run.error("cannot point the old master " + old_key.str() + " at " + out.successor->str() +
              ": " + e.what());
  }
}

}  // namespace orc::actors
