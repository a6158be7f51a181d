// RecoverDeadMaster (contract §F.2) for GTID topologies (MariaDB GTID and MySQL
// auto-position): freeze and drain every replica, choose the most advanced one by GTID
// position, promote it and repoint the others in parallel, downtime what is lost.

#include <spdlog/spdlog.h>

#include <thread>

#include "actors/recovery_run.hpp"
#include "model/recovery_settings.hpp"
#include "model/replica_position.hpp"
#include "storage/cluster_dao.hpp"
#include "storage/instance_operations.hpp"
#include "storage/topology_actions.hpp"

namespace orc::actors {

namespace {

/// A replica of the failed master, connected and drained.
struct Replica {
  model::InstanceKey key;
  std::optional<ServerConnection> conn;
  std::optional<model::Instance> fresh;  ///< probed after its relay log was applied
  bool applied = false;                  ///< relay log fully applied within the wait
  std::string problem;
};

const model::Instance* find(const std::vector<model::Instance>& all, const model::InstanceKey& k) {
  for (const auto& i : all)
    if (i.key == k) return &i;
  return nullptr;
}

/// Stops the IO thread (nothing more may arrive from the old master, dead or not), waits for
/// the SQL thread to apply what was received, then probes the replica. Backend-only facts
/// (promotion rule, downtime) come from `known`.
void prepare(RecoveryRun& run, Replica& r, const model::Instance* known) {
  const auto& cfg = run.config();
  try {
    run.check_fence();
    r.conn = connect_server(run.env(), r.key);
    auto& s = *r.conn->session;
    const auto& d = *r.conn->dialect;
    storage::stop_io_thread(s, d);
    try {
      r.applied = storage::wait_relay_log_applied(
          s, d, std::chrono::seconds(cfg.InstanceBulkOperationsWaitTimeoutSeconds));
      if (!r.applied)
        r.problem = "relay log not applied within InstanceBulkOperationsWaitTimeoutSeconds";
    } catch (const std::exception& e) {
      r.problem = e.what();
    }
    auto probe = storage::probe_instance(s, r.key, run.env().probe_options);
    if (!probe.ok) {
      r.problem = probe.error;
      return;
    }
    r.fresh = probe.instance;
    r.fresh->is_last_check_valid = true;
    if (!probe.detected_promotion_rule.empty())
      r.fresh->promotion_rule = probe.detected_promotion_rule;
    else if (known)
      r.fresh->promotion_rule = known->promotion_rule;
    if (known) {
      r.fresh->is_candidate = known->is_candidate;
      r.fresh->is_downtimed = known->is_downtimed;
      r.fresh->downtime_reason = known->downtime_reason;
    }
  } catch (const FencedOut&) {
    throw;
  } catch (const std::exception& e) {
    r.problem = e.what();
  }
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

void promote(RecoveryRun& run, Replica& r) {
  const auto& cfg = run.config();
  run.check_fence();
  storage::promote_to_master(*r.conn->session, *r.conn->dialect, true, cfg.UseSuperReadOnly);
  run.outcome().timings.promoted_ms = run.elapsed_ms();
  std::string at;
  try {
    if (auto pos = storage::read_binlog_position(*r.conn->session, *r.conn->dialect)) {
      run.outcome().successor_binlog_coordinates = pos->str();
      at = " at " + pos->str();
    }
  } catch (const std::exception&) {
    // Only informative ({successorBinlogCoordinates}); the promotion itself succeeded.
  }
  run.step("promoted " + r.key.str() + ": replication reset, read_only=0" + at);
}

void repoint(RecoveryRun& run, Replica& r, const model::InstanceKey& master) {
  run.check_fence();
  storage::RepointRequest rq;
  rq.master = master;
  rq.start = storage::GtidStart::ReplicaPosition;
  storage::repoint_replica(*r.conn->session, *r.conn->dialect, rq);
  run.step("repointed " + r.key.str() + " under " + master.str());
}

/// Promotes `master` and repoints `followers` under it, all at once.
void promote_and_repoint(RecoveryRun& run, Replica& master, std::vector<Replica*> followers,
                         std::vector<model::InstanceKey>& lost) {
  std::mutex mutex;
  std::vector<Replica*> tasks{&master};
  tasks.insert(tasks.end(), followers.begin(), followers.end());
  std::exception_ptr fenced;
  for_each_parallel(
      tasks.size(), run.config().MaxConcurrentReplicaOperations + 1, [&](std::size_t i) {
        try {
          if (i == 0)
            promote(run, master);
          else
            repoint(run, *tasks[i], master.key);
        } catch (const FencedOut&) {
          std::lock_guard<std::mutex> lock(mutex);
          fenced = std::current_exception();
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(mutex);
          if (i == 0) {
            fenced = std::make_exception_ptr(
                std::runtime_error("cannot promote " + master.key.str() + ": " + e.what()));
          } else {
            lost.push_back(tasks[i]->key);
            run.outcome().errors.push_back("cannot repoint " + tasks[i]->key.str() + ": " +
                                           e.what());
          }
        }
      });
  if (fenced) std::rethrow_exception(fenced);
  run.outcome().timings.repointed_ms = run.elapsed_ms();
}

/// Restarts replication where the recovery stopped it and then gave up.
void restart_io_threads(std::vector<Replica>& replicas) {
  for (auto& r : replicas) {
    if (!r.conn) continue;
    try {
      *r.conn->session << r.conn->dialect->start_replica_io_thread();
    } catch (const std::exception&) {
    }
  }
}

/// For an explicit candidate: who can follow it (not ahead of it) and who is lost.
model::CandidateChoice designated_choice(const model::InstanceKey& designated,
                                         const std::vector<model::Instance>& fresh) {
  model::CandidateChoice c;
  const model::Instance* target = nullptr;
  for (const auto& i : fresh)
    if (i.key == designated) target = &i;
  if (!target) {
    c.error = "designated replica " + designated.str() +
              " is not a reachable replica of the failed master";
    return c;
  }
  auto target_pos = model::replica_position(*target);
  c.promoted = designated;
  for (const auto& i : fresh) {
    if (i.key == designated) continue;
    auto pos = model::replica_position(i);
    auto order = target_pos && pos ? model::compare_positions(*pos, *target_pos)
                                   : model::GtidOrder::Incomparable;
    if (order == model::GtidOrder::Behind || order == model::GtidOrder::Equal) {
      c.followers.push_back(i.key);
    } else {
      c.lost.push_back(i.key);
      c.reasons.push_back(i.key.str() + ": lost: " +
                          (pos ? std::string("position ") + model::gtid_order_name(order) +
                                     " relative to the designated replica"
                               : std::string("position unknown")));
    }
  }
  return c;
}

}  // namespace

void recover_dead_master(RecoveryRun& run) {
  const auto& cfg = run.config();
  const auto& req = run.request();
  const auto& failed_key = req.analysis.analyzed_instance_key;
  auto& out = run.outcome();

  if (!run.pre_failover_hooks()) return;
  auto all = run.env().instances();
  model::Instance failed;
  failed.key = failed_key;
  if (const auto* known = find(all, failed_key)) failed = *known;

  std::set<model::InstanceKey> replica_keys(req.analysis.replicas.begin(),
                                            req.analysis.replicas.end());
  for (const auto& i : all)
    if (i.master_key == failed_key) replica_keys.insert(i.key);
  std::vector<Replica> replicas;
  for (const auto& k : replica_keys) replicas.push_back(Replica{k, {}, {}, false, {}});
  if (replicas.empty()) {
    run.error("no replicas of " + failed_key.str() + " to promote");
    return;
  }
  if (!req.graceful) set_old_master_read_only(run.env(), failed_key);

  run.step("draining " + std::to_string(replicas.size()) + " replicas (IO threads stopped)");
  for_each_parallel(replicas.size(), std::max<int>(replicas.size(), 1),
                    [&](std::size_t i) { prepare(run, replicas[i], find(all, replicas[i].key)); });
  std::vector<model::Instance> fresh;
  for (auto& r : replicas) {
    if (!r.problem.empty()) run.step(r.key.str() + ": " + r.problem);
    if (r.fresh) fresh.push_back(*r.fresh);
  }

  std::optional<model::InstanceKey> designated = req.designated;
  if (!designated && req.analysis.is_co_master && cfg.CoMasterRecoveryMustPromoteOtherCoMaster &&
      failed.master_key.valid())
    designated = failed.master_key;
  auto choice = designated ? designated_choice(*designated, fresh)
                           : model::choose_candidate(failed, fresh, model::candidate_settings(cfg));
  for (const auto& reason : choice.reasons) run.step(reason);
  if (!choice.promoted) {
    run.error("no replica can be promoted: " + choice.error);
    restart_io_threads(replicas);
    return;
  }
  std::map<model::InstanceKey, Replica*> by_key;
  for (auto& r : replicas) by_key[r.key] = &r;
  for (auto& r : replicas)
    if (!r.fresh) choice.lost.push_back(r.key);
  Replica& promoted = *by_key.at(*choice.promoted);
  run.step("chose " + promoted.key.str() + " to replace " + failed_key.str());

  if (!promoted.applied) {
    if (cfg.FailMasterPromotionIfSQLThreadNotUpToDate) {
      run.error(promoted.key.str() +
                " has not applied its relay log (FailMasterPromotionIfSQLThreadNotUpToDate)");
      restart_io_threads(replicas);
      return;
    }
    if (cfg.DelayMasterPromotionIfSQLThreadNotUpToDate) {
      run.step("waiting for " + promoted.key.str() + " to apply its relay log");
      if (!storage::wait_relay_log_applied(
              *promoted.conn->session, *promoted.conn->dialect,
              std::chrono::seconds(cfg.MySQLTopologyReadTimeoutSeconds)))
        run.error(promoted.key.str() + " still has not applied its relay log");
    } else {
      run.error("promoting " + promoted.key.str() + " before its relay log was applied");
    }
  }

  std::vector<Replica*> followers;
  for (const auto& k : choice.followers) followers.push_back(by_key.at(k));
  std::vector<model::InstanceKey> lost = choice.lost;

  // Second phase (upstream's replacePromotedReplicaWithCandidate), done before anyone is
  // made writable: the better candidate first catches up from the most advanced replica.
  Replica* master = &promoted;
  if (!designated) {
    // The followers as they will be: replicas of the promoted one.
    std::vector<model::Instance> others;
    for (auto* f : followers) {
      others.push_back(*f->fresh);
      others.back().master_key = promoted.key;
    }
    auto suggestion = model::suggest_replacement(failed, *promoted.fresh, others,
                                                 model::replacement_settings(cfg));
    if (suggestion.replacement) {
      Replica& better = *by_key.at(*suggestion.replacement);
      run.step("replacing " + promoted.key.str() + " with " + better.key.str() + ": " +
               suggestion.reason);
      try {
        repoint(run, better, promoted.key);
        auto target = storage::read_executed_gtid(*promoted.conn->session, *promoted.conn->dialect);
        if (storage::wait_for_executed_gtid(
                *better.conn->session, *better.conn->dialect, target,
                std::chrono::seconds(cfg.InstanceBulkOperationsWaitTimeoutSeconds))) {
          followers.erase(std::remove(followers.begin(), followers.end(), &better),
                          followers.end());
          followers.push_back(&promoted);
          master = &better;
        } else {
          run.error(better.key.str() + " did not catch up with " + promoted.key.str() +
                    "; keeping " + promoted.key.str());
        }
      } catch (const FencedOut&) {
        throw;
      } catch (const std::exception& e) {
        run.error("cannot prepare " + better.key.str() + " as master: " + e.what());
      }
    }
  }

  if (!cfg.ApplyMySQLPromotionAfterMasterFailover && !req.graceful) {
    run.step("ApplyMySQLPromotionAfterMasterFailover is false: " + master->key.str() +
             " keeps its replication settings and read_only");
    for (auto* f : followers) repoint(run, *f, master->key);
  } else {
    promote_and_repoint(run, *master, followers, lost);
  }
  out.successor = master->key;

  for (const auto& k : lost) {
    downtime_lost(run, k);
    auto it = by_key.find(k);
    if (!cfg.DetachLostReplicasAfterMasterFailover || it == by_key.end() || !it->second->conn)
      continue;
    try {
      storage::detach_master_host(*it->second->conn->session, *it->second->conn->dialect);
      run.step("detached lost replica " + k.str());
    } catch (const std::exception& e) {
      run.step("could not detach lost replica " + k.str() + ": " + e.what());
    }
  }
  out.lost = lost;
  if (!req.graceful) downtime_lost(run, failed_key);

  const auto& old_cluster = req.analysis.cluster_details.cluster_name;
  auto new_cluster = master->key.str();
  try {
    run.env().backend(
        [&](soci::session& s) { storage::move_cluster_alias(s, old_cluster, new_cluster); });
    const auto& alias = req.analysis.cluster_details.cluster_alias;
    if (!alias.empty() && alias != old_cluster)
      run.step("cluster alias " + req.analysis.cluster_details.cluster_alias + " moved to " +
               new_cluster);
  } catch (const std::exception& e) {
    run.error("cannot move the cluster alias: " + std::string(e.what()));
  }
}

}  // namespace orc::actors
