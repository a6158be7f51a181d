// RecoverDeadIntermediateMaster (contract §F.6) for GTID topologies: the orphans of a dead
// intermediate master move under a sibling that holds everything they have, or under the
// intermediate master's own master.

#include <set>

#include "actors/recovery_run.hpp"
#include "model/recovery_settings.hpp"
#include "storage/instance_probe.hpp"
#include "storage/topology_actions.hpp"

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
  std::vector<std::optional<ServerConnection>> conns(keys.size());
  std::vector<std::optional<model::Instance>> fresh(keys.size());
  std::vector<std::string> problems(keys.size());
  for_each_parallel(keys.size(), std::max<int>(keys.size(), 1), [&](std::size_t i) {
    try {
      conns[i] = connect_server(run.env(), keys[i]);
      auto probe = storage::probe_instance(*conns[i]->session, keys[i], run.env().probe_options);
      if (!probe.ok) throw std::runtime_error(probe.error);
      fresh[i] = probe.instance;
      fresh[i]->is_last_check_valid = true;
      if (known.count(keys[i])) fresh[i]->promotion_rule = known[keys[i]]->promotion_rule;
    } catch (const std::exception& e) {
      problems[i] = e.what();
    }
  });
  std::vector<model::Instance> orphans;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (fresh[i])
      orphans.push_back(*fresh[i]);
    else
      run.step(keys[i].str() + ": unreachable: " + problems[i]);
  }
  auto plan = model::plan_intermediate_recovery(failed, orphans, siblings, master,
                                                model::intermediate_recovery_settings(cfg));
  for (const auto& reason : plan.reasons) run.step(reason);
  if (plan.kind == model::IntermediateRecoveryPlan::Kind::None || !plan.target) {
    run.error("no server can take over the replicas of " + failed_key.str());
    return;
  }
  run.step("relocating " + std::to_string(plan.movable.size()) + " replicas of " +
           failed_key.str() + " under " + plan.target->str());
  std::vector<model::InstanceKey> lost = plan.lost;
  std::mutex mutex;
  for_each_parallel(plan.movable.size(), cfg.MaxConcurrentReplicaOperations, [&](std::size_t m) {
    const auto& key = plan.movable[m];
    std::size_t i = std::find(keys.begin(), keys.end(), key) - keys.begin();
    try {
      if (i == keys.size() || !conns[i]) throw std::runtime_error("not connected");
      run.check_fence();
      storage::RepointRequest rq;
      rq.master = *plan.target;
      rq.start = storage::GtidStart::ReplicaPosition;
      storage::repoint_replica(*conns[i]->session, *conns[i]->dialect, rq);
      run.step("relocated " + key.str() + " under " + plan.target->str());
    } catch (const FencedOut&) {
      throw;
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mutex);
      lost.push_back(key);
      out.errors.push_back("cannot relocate " + key.str() + ": " + e.what());
    }
  });
  out.timings.repointed_ms = run.elapsed_ms();
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (!fresh[i]) lost.push_back(keys[i]);
  for (const auto& k : lost) downtime_lost(run, k);
  out.lost = lost;
  out.successor = plan.target;
}

}  // namespace orc::actors
