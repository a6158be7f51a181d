// RecoverDeadMaster (contract §F.2) for GTID topologies (MariaDB GTID and MySQL
// auto-position): the failed master's replicas are drained, a plan is made
// (model::plan_master_recovery) and carried out step by step with its ways back
// (actors/recovery_executor.hpp); then what is lost is downtimed and the cluster renamed.

#include <spdlog/spdlog.h>

#include <set>
#include <thread>

#include "actors/recovery_executor.hpp"
#include "actors/recovery_servers.hpp"
#include "model/recovery_settings.hpp"
#include "storage/cluster_dao.hpp"
#include "storage/instance_operations.hpp"

namespace orc::actors {

namespace {

const model::Instance* find(const std::vector<model::Instance>& all, const model::InstanceKey& k) {
  for (const auto& i : all)
    if (i.key == k) return &i;
  return nullptr;
}

/// Best effort, on a thread of its own: the old master may be dead (connect timeout) or a
/// zombie that must stop taking writes.
void set_old_master_read_only(const RecoveryEnv& env, const model::InstanceKey& key) {
  auto endpoint = env.topology;
  endpoint.connect_timeout_s = 1;
  bool super = env.config->UseSuperReadOnly;
  std::thread([endpoint, key, super] {
    try {
      auto session = storage::open_instance_session(endpoint, key);
      storage::Dialect d(storage::read_server_version(*session));
      storage::set_read_only(*session, d, true, super);
      spdlog::info("old master {} set read-only", key.str());
    } catch (const std::exception&) {
      // Dead, as expected.
    }
  }).detach();
}

}  // namespace

MasterRecoveryRequest master_recovery_request(RecoveryRun& run,
                                              const std::vector<model::Instance>& all) {
  const auto& cfg = run.config();
  const auto& req = run.request();
  const auto& failed_key = req.analysis.analyzed_instance_key;
  MasterRecoveryRequest rq;
  auto& in = rq.input;
  in.failed_master.key = failed_key;
  if (const auto* known = find(all, failed_key)) in.failed_master = *known;
  std::set<model::InstanceKey> keys(req.analysis.replicas.begin(), req.analysis.replicas.end());
  for (const auto& i : all)
    if (i.master_key == failed_key) keys.insert(i.key);
  rq.replicas.assign(keys.begin(), keys.end());
  in.designated = req.designated;
  if (!in.designated && req.analysis.is_co_master && cfg.CoMasterRecoveryMustPromoteOtherCoMaster &&
      in.failed_master.master_key.valid())
    in.designated = in.failed_master.master_key;
  in.candidate = model::candidate_settings(cfg);
  in.replacement = model::replacement_settings(cfg);
  in.apply_promotion = cfg.ApplyMySQLPromotionAfterMasterFailover;
  in.detach_lost = cfg.DetachLostReplicasAfterMasterFailover;
  in.detach_new_master = cfg.MasterFailoverDetachReplicaMasterHost;
  in.postpone_lag_minutes = cfg.PostponeReplicaRecoveryOnLagMinutes;
  in.graceful = req.graceful.has_value();
  in.start_old_master = req.graceful && req.graceful->start_replication;
  rq.drain_wait = std::chrono::seconds(cfg.InstanceBulkOperationsWaitTimeoutSeconds);
  rq.fail_if_relay_log_pending = cfg.FailMasterPromotionIfSQLThreadNotUpToDate;
  rq.delay_if_relay_log_pending = cfg.DelayMasterPromotionIfSQLThreadNotUpToDate;
  rq.delay_wait = std::chrono::seconds(cfg.MySQLTopologyReadTimeoutSeconds);
  return rq;
}

namespace {

/// After the promotion: lost replicas and the old master downtimed, the cluster renamed.
void settle_cluster(RecoveryRun& run, const model::InstanceKey& successor) {
  const auto& req = run.request();
  for (const auto& k : run.outcome().lost) downtime_lost(run, k);
  if (!req.graceful) downtime_lost(run, req.analysis.analyzed_instance_key);
  const auto& old_cluster = req.analysis.cluster_details.cluster_name;
  auto new_cluster = successor.str();
  try {
    run.env().backend(
        [&](soci::session& s) { storage::move_cluster_alias(s, old_cluster, new_cluster); });
    const auto& alias = req.analysis.cluster_details.cluster_alias;
    if (!alias.empty() && alias != old_cluster)
      run.step("cluster alias " + alias + " moved to " + new_cluster);
  } catch (const FencedOut&) {
    throw;
  } catch (const std::exception& e) {
    run.error("cannot move the cluster alias: " + std::string(e.what()));
  }
}

}  // namespace

void finish_master_recovery(RecoveryRun& run, MasterRecoveryResult result) {
  auto& out = run.outcome();
  // Already audited step by step; only recorded for all_errors here.
  out.errors.insert(out.errors.end(), result.errors.begin(), result.errors.end());
  if (result.successor) {  // set before a fenced-out throw: a promotion is never undone
    out.successor = result.successor;
    out.lost = result.lost;
  }
  if (result.fenced_out)
    throw FencedOut("fenced out during the recovery; replication restored where not yet moved");
  if (!result.successor) return;
  out.timings.repointed_ms = run.elapsed_ms();
  settle_cluster(run, *result.successor);
}

void recover_dead_master(RecoveryRun& run) {
  if (!run.pre_failover_hooks()) return;
  auto all = run.env().instances();
  auto rq = master_recovery_request(run, all);
  if (rq.replicas.empty()) {
    run.error("no replicas of " + rq.input.failed_master.key.str() + " to promote");
    return;
  }
  set_old_master_read_only(run.env(), rq.input.failed_master.key);
  ConnectedServers servers(run.env(), all, fence_check(run));
  auto result = recover_master(servers, std::move(rq), recovery_execution_context(run, servers));
  finish_master_recovery(run, std::move(result));
}

}  // namespace orc::actors
