#include "actors/manual_recovery.hpp"

#include <algorithm>
#include <mutex>
#include <regex>

#include <soci/soci.h>

#include "actors/recovery_run.hpp"
#include "model/recovery_settings.hpp"
#include "model/replica_position.hpp"
#include "model/replication_rules.hpp"
#include "model/text.hpp"
#include "storage/instance_probe.hpp"
#include "storage/topology_actions.hpp"

namespace orc::actors {

namespace {

const model::Instance* cluster_master(const std::vector<model::Instance>& all,
                                      const std::string& cluster_name) {
  const model::Instance* found = nullptr;
  int masters = 0;
  for (const auto& i : all) {
    if (i.cluster_name != cluster_name || i.is_replica()) continue;
    ++masters;
    found = &i;
  }
  if (!found)
    for (const auto& i : all)
      if (i.key.str() == cluster_name) return &i;  // co-masters: the one the cluster is named after
  if (masters > 1)
    throw RecoveryRefused("cluster " + cluster_name + " has " + std::to_string(masters) +
                          " masters; refusing to guess");
  if (!found) throw RecoveryRefused("cannot find the master of cluster " + cluster_name);
  return found;
}

std::vector<model::InstanceKey> replicas_of(const std::vector<model::Instance>& all,
                                            const model::InstanceKey& master) {
  std::vector<model::InstanceKey> out;
  for (const auto& i : all)
    if (i.master_key == master) out.push_back(i.key);
  std::sort(out.begin(), out.end());
  return out;
}

model::ReplicationAnalysis synthesized_dead_master(const std::vector<model::Instance>& all,
                                                   const model::Instance& master,
                                                   const std::string& command) {
  model::ReplicationAnalysis a;
  a.analyzed_instance_key = master.key;
  a.analyzed_instance_master_key = master.master_key;
  a.cluster_details.cluster_name = master.cluster_name;
  a.cluster_details.cluster_alias = master.suggested_cluster_alias;
  a.analyzed_instance_data_center = master.data_center;
  a.analyzed_instance_region = master.region;
  a.analyzed_instance_physical_environment = master.physical_environment;
  a.is_master = true;
  a.is_co_master = master.is_co_master;
  a.last_check_valid = master.is_last_check_valid;
  a.analysis = model::AnalysisCode::DeadMaster;
  a.description = "Forced by " + command;
  a.command_hint = command;
  a.replicas = replicas_of(all, master.key);
  a.count_replicas = static_cast<int>(a.replicas.size());
  a.is_actionable_recovery = true;
  return a;
}

/// Fresh state of `keys` (read-only probes, in parallel); unreachable ones are left out.
std::vector<model::Instance> probe_fresh(const RecoveryEnv& env,
                                         const std::vector<model::InstanceKey>& keys,
                                         const std::vector<model::Instance>& known) {
  std::vector<std::optional<model::Instance>> fresh(keys.size());
  for_each_parallel(keys.size(), std::max<int>(keys.size(), 1), [&](std::size_t i) {
    try {
      auto session = storage::open_instance_session(env.topology, keys[i]);
      auto probe = storage::probe_instance(*session, keys[i], env.probe_options);
      if (!probe.ok) return;
      fresh[i] = probe.instance;
      fresh[i]->is_last_check_valid = true;
      for (const auto& k : known)
        if (k.key == keys[i]) {
          fresh[i]->promotion_rule = k.promotion_rule;
          fresh[i]->is_downtimed = k.is_downtimed;
        }
    } catch (const std::exception&) {
    }
  });
  std::vector<model::Instance> out;
  for (auto& f : fresh)
    if (f) out.push_back(std::move(*f));
  return out;
}

/// The replication account the old master will use, or a refusal.
RecoveryRequest::Graceful takeover_credentials(const RecoveryEnv& env,
                                               const model::InstanceKey& designated) {
  const auto& cfg = *env.config;
  RecoveryRequest::Graceful g;
  if (!cfg.MySQLReplicationUser.empty()) {
    g.replication_user = cfg.MySQLReplicationUser;
    g.replication_password = cfg.MySQLReplicationPassword;
    return g;
  }
  auto conn = connect_server(env, designated);
  if (!cfg.ReplicationCredentialsQuery.empty()) {
    std::string user, password;
    soci::indicator user_ind = soci::i_null, password_ind = soci::i_null;
    *conn.session << cfg.ReplicationCredentialsQuery, soci::into(user, user_ind),
        soci::into(password, password_ind);
    if (conn.session->got_data() && user_ind == soci::i_ok && !user.empty()) {
      g.replication_user = user;
      g.replication_password = password_ind == soci::i_ok ? password : "";
      return g;
    }
    throw RecoveryRefused("ReplicationCredentialsQuery returned no user on " + designated.str());
  }
  if (auto creds = storage::read_replication_credentials(*conn.session, *conn.dialect)) {
    g.replication_user = creds->user;
    g.replication_password = creds->password;
    return g;
  }
  throw RecoveryRefused("no replication credentials for the old master to replicate from " +
                        designated.str() +
                        (conn.dialect->is_mariadb()
                             ? ": MariaDB does not expose them (no mysql.slave_master_info); set "
                               "MySQLReplicationUser and MySQLReplicationPassword"
                             : ": mysql.slave_master_info has none; set MySQLReplicationUser and "
                               "MySQLReplicationPassword or ReplicationCredentialsQuery"));
}

void check_designated(const model::Config& cfg, const model::Instance& d) {
  auto refuse = [&](const std::string& why) {
    throw RecoveryRefused("cannot promote " + d.key.str() + ": " + why);
  };
  if (!d.is_last_check_valid) refuse("unreachable");
  if (!d.is_replicating()) refuse("replication is not running");
  if (!d.log_bin_enabled) refuse("binary logging is off");
  if (!d.log_slave_updates_enabled) refuse("log_slave_updates is off");
  if (!d.using_gtid()) refuse("it does not replicate with GTID");
  if (d.promotion_rule == "must_not") refuse("its promotion rule is must_not");
  if (model::hostname_matches_any(d.key.hostname, cfg.PromotionIgnoreHostnameFilters))
    refuse("it matches PromotionIgnoreHostnameFilters");
  if (d.replication_lag_seconds &&
      *d.replication_lag_seconds > cfg.ReasonableMaintenanceReplicationLagSeconds)
    refuse("it lags " + std::to_string(*d.replication_lag_seconds) +
           " s (ReasonableMaintenanceReplicationLagSeconds is " +
           std::to_string(cfg.ReasonableMaintenanceReplicationLagSeconds) + ")");
}

}  // namespace

RecoveryOutcome recover_instance(const RecoveryEnv& env,
                                 const std::vector<model::ReplicationAnalysis>& analysis,
                                 const model::InstanceKey& key,
                                 const std::optional<model::InstanceKey>& candidate,
                                 bool run_hooks) {
  for (const auto& row : analysis) {
    if (row.analyzed_instance_key != key) continue;
    if (recovery_kind(row.analysis) == RecoveryKind::None) continue;
    RecoveryRequest req;
    req.analysis = row;
    req.automated = false;
    req.command = "recover";
    req.designated = candidate;
    req.run_hooks = run_hooks;
    return execute_recovery(env, req);
  }
  throw RecoveryRefused("no actionable failure on " + key.str() +
                        " in the current analysis; nothing to recover");
}

RecoveryOutcome force_master_failover(const RecoveryEnv& env, const std::string& cluster_name,
                                      const std::optional<model::InstanceKey>& designated) {
  auto all = env.instances();
  const auto* master = cluster_master(all, cluster_name);
  std::string command = designated ? "force-master-takeover" : "force-master-failover";
  RecoveryRequest req;
  req.analysis = synthesized_dead_master(all, *master, command);
  req.automated = false;
  req.command = command;
  req.designated = designated;
  if (designated && std::find(req.analysis.replicas.begin(), req.analysis.replicas.end(),
                              *designated) == req.analysis.replicas.end())
    throw RecoveryRefused(designated->str() + " is not a direct replica of the master " +
                          master->key.str());
  if (req.analysis.replicas.empty())
    throw RecoveryRefused("the master " + master->key.str() + " has no replicas");
  return execute_recovery(env, req);
}

RecoveryOutcome graceful_master_takeover(const RecoveryEnv& env, const std::string& cluster_name,
                                         const std::optional<model::InstanceKey>& designated,
                                         bool auto_variant) {
  const auto& cfg = *env.config;
  auto all = env.instances();
  const auto* master_known = cluster_master(all, cluster_name);
  if (master_known->is_co_master)
    throw RecoveryRefused("the master " + master_known->key.str() +
                          " is a co-master; graceful takeover needs a single master");
  auto replica_keys = replicas_of(all, master_known->key);
  if (replica_keys.empty())
    throw RecoveryRefused("the master " + master_known->key.str() + " has no replicas");
  auto fresh_master = probe_fresh(env, {master_known->key}, all);
  if (fresh_master.empty())
    throw RecoveryRefused("the master " + master_known->key.str() + " is unreachable");
  const auto& master = fresh_master.front();
  auto replicas = probe_fresh(env, replica_keys, all);

  std::optional<model::InstanceKey> chosen = designated;
  if (chosen) {
    if (std::find(replica_keys.begin(), replica_keys.end(), *chosen) == replica_keys.end())
      throw RecoveryRefused(chosen->str() + " is not a direct replica of the master " +
                            master.key.str());
  } else if (replica_keys.size() == 1) {
    chosen = replica_keys.front();
  } else if (auto_variant) {
    auto choice = model::choose_candidate(master, replicas, model::candidate_settings(cfg));
    if (!choice.promoted) throw RecoveryRefused("no replica can be promoted: " + choice.error);
    chosen = choice.promoted;
  } else {
    throw RecoveryRefused("the master " + master.key.str() + " has " +
                          std::to_string(replica_keys.size()) +
                          " replicas; designate the one to promote (-d)");
  }
  const model::Instance* target = nullptr;
  for (const auto& r : replicas)
    if (r.key == *chosen) target = &r;
  if (!target) throw RecoveryRefused(chosen->str() + " is unreachable");
  check_designated(cfg, *target);
  if (!master.using_gtid() && !master.log_bin_enabled)
    throw RecoveryRefused("the master " + master.key.str() + " has no binary log");
  for (const auto& r : replicas) {
    if (r.key == target->key || r.is_downtimed) continue;
    if (!r.using_gtid())
      throw RecoveryRefused(r.key.str() + " does not replicate with GTID; it could not move");
    auto verdict =
        model::can_replicate_from(r, *target, cfg.ReasonableMaintenanceReplicationLagSeconds);
    if (!verdict.ok)
      throw RecoveryRefused(r.key.str() + " cannot replicate from " + target->key.str() + ": " +
                            verdict.reason);
  }
  if (replicas.size() != replica_keys.size())
    throw RecoveryRefused("some replicas of " + master.key.str() + " are unreachable");
  auto verdict =
      model::can_replicate_from(master, *target, cfg.ReasonableMaintenanceReplicationLagSeconds);
  if (!verdict.ok)
    throw RecoveryRefused("the old master " + master.key.str() + " could not replicate from " +
                          target->key.str() + ": " + verdict.reason);
  auto graceful = takeover_credentials(env, target->key);
  graceful.start_replication = auto_variant;

  RecoveryRequest req;
  req.analysis = synthesized_dead_master(all, *master_known, "graceful-master-takeover");
  req.automated = false;
  req.command = "graceful-master-takeover";
  req.designated = target->key;
  req.graceful = graceful;
  return execute_recovery(env, req);
}

model::CandidateChoice candidate_replica(const RecoveryEnv& env, const model::InstanceKey& master) {
  auto all = env.instances();
  model::Instance failed;
  failed.key = master;
  for (const auto& i : all)
    if (i.key == master) failed = i;
  auto replicas = probe_fresh(env, replicas_of(all, master), all);
  return model::choose_candidate(failed, replicas, model::candidate_settings(*env.config));
}

model::ReplacementSuggestion suggest_promoted_replacement(const RecoveryEnv& env,
                                                          const model::InstanceKey& dead_master,
                                                          const model::InstanceKey& promoted) {
  auto all = env.instances();
  model::Instance dead;
  dead.key = dead_master;
  for (const auto& i : all)
    if (i.key == dead_master) dead = i;
  auto fresh_promoted = probe_fresh(env, {promoted}, all);
  if (fresh_promoted.empty()) throw RecoveryRefused(promoted.str() + " is unreachable");
  std::vector<model::InstanceKey> keys;
  for (const auto& i : all)
    if ((i.master_key == promoted || i.master_key == dead_master) && i.key != promoted)
      keys.push_back(i.key);
  auto candidates = probe_fresh(env, keys, all);
  // Replicas of the dead master are judged as they would be after the failover: replicas of
  // the promoted one.
  for (auto& c : candidates) c.master_key = promoted;
  return model::suggest_replacement(dead, fresh_promoted.front(), candidates,
                                    model::replacement_settings(*env.config));
}

}  // namespace orc::actors
