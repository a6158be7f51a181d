// RecoverDeadIntermediateMaster (contract §F.6) for GTID topologies: the orphans of a dead
// intermediate master are drained, then move under a sibling that holds everything they have,
// or under the intermediate master's own master; moves go through the plan executor, so a
// node fenced out half-way restarts the IO threads of the orphans it had not moved yet.

#include <set>

#include "actors/recovery_executor.hpp"
#include "actors/recovery_servers.hpp"
#include "model/recovery_settings.hpp"

namespace orc::actors {

void recover_dead_intermediate_master(RecoveryRun& run) {
  const auto& cfg = run.config();
  const auto& req = run.request();
  const auto& failed_key = req.analysis.analyzed_instance_key;
  auto& out = run.outcome();

  if (!run.pre_failover_hooks()) return;
  auto all = run.env().instances();
  model::Instance failed;
  failed.key = failed_key;
  std::map<model::InstanceKey, const model::Instance*> known;
  for (const auto& i : all) known[i.key] = &i;
  if (known.count(failed_key)) failed = *known[failed_key];
  if (!failed.master_key.valid()) {
    run.error("the master of " + failed_key.str() + " is unknown");
    return;
  }
  std::optional<model::Instance> master;
  if (known.count(failed.master_key) && known[failed.master_key]->is_last_check_valid)
    master = *known[failed.master_key];

  std::set<model::InstanceKey> orphan_keys(req.analysis.replicas.begin(),
                                           req.analysis.replicas.end());
  std::vector<model::Instance> siblings;
  for (const auto& i : all) {
    if (i.master_key == failed_key) orphan_keys.insert(i.key);
    if (i.master_key == failed.master_key && i.key != failed_key) siblings.push_back(i);
  }
  std::vector<model::InstanceKey> keys(orphan_keys.begin(), orphan_keys.end());
  ConnectedServers servers(run.env(), all, fence_check(run));
  auto ctx = recovery_execution_context(run, servers);
  auto drain = drain_replicas(
      servers, keys, std::chrono::seconds(cfg.InstanceBulkOperationsWaitTimeoutSeconds), ctx);
  auto plan = model::plan_intermediate_recovery(failed, drain.drained, siblings, master,
                                                model::intermediate_recovery_settings(cfg));
  for (const auto& reason : plan.reasons) run.step(reason);
  std::vector<model::PlannedAction> moves;
  if (plan.kind != model::IntermediateRecoveryPlan::Kind::None && plan.target) {
    run.step("relocating " + std::to_string(plan.movable.size()) + " replicas of " +
             failed_key.str() + " under " + plan.target->str());
    for (const auto& k : plan.movable) {
      model::PlannedAction move;
      move.action.kind = model::ServerAction::Kind::PointAt;
      move.action.target = k;
      move.action.source = *plan.target;
      move.settles = {k};
      move.critical = false;
      move.parallel_group = 1;
      moves.push_back(move);
    }
  }
  model::PlanRun moving(moves, drain.undos);
  if (moves.empty()) moving.abandon("no server can take over the replicas");
  bool fenced = execute_plan(moving, servers, ctx);
  if (moves.empty()) {
    run.error("no server can take over the replicas of " + failed_key.str());
    return;
  }
  out.timings.repointed_ms = run.elapsed_ms();
  std::vector<model::InstanceKey> lost = plan.lost;
  lost.insert(lost.end(), moving.lost().begin(), moving.lost().end());
  lost.insert(lost.end(), drain.undrained.begin(), drain.undrained.end());
  for (const auto& e : moving.errors()) out.errors.push_back(e);
  out.lost = lost;
  out.successor = plan.target;
  if (fenced) throw FencedOut("fenced out while relocating the replicas of " + failed_key.str());
  for (const auto& k : lost) downtime_lost(run, k);
}

}  // namespace orc::actors
