#include "model/recovery_plan.hpp"

#include <algorithm>

namespace orc::model {

std::string ServerAction::describe() const {
  switch (kind) {
    case Kind::StartIoThread:
      return "start the IO thread of " + target.str();
    case Kind::PointAt:
      return "point " + target.str() + " at " + source.str() + (flag ? " (not started)" : "");
    case Kind::CatchUp:
      return "catch " + target.str() + " up with " + source.str();
    case Kind::Promote:
      return "promote " + target.str();
    case Kind::SetReadOnly:
      return "set " + target.str() + (flag ? " read-only" : " writable");
    case Kind::Detach:
      return "detach lost replica " + target.str();
  }
  return "?";
}

bool ServerAction::operator==(const ServerAction& o) const {
  return kind == o.kind && target == o.target && source == o.source && flag == o.flag;
}

namespace {

ServerAction point_at(const InstanceKey& target, const InstanceKey& source, bool stopped = false) {
  ServerAction a;
  a.kind = ServerAction::Kind::PointAt;
  a.target = target;
  a.source = source;
  a.flag = stopped;
  return a;
}

ServerAction action(ServerAction::Kind kind, const InstanceKey& target,
                    const InstanceKey& source = {}) {
  ServerAction a;
  a.kind = kind;
  a.target = target;
  a.source = source;
  return a;
}

const Instance* find(const std::vector<Instance>& all, const InstanceKey& key) {
  for (const auto& i : all)
    if (i.key == key) return &i;
  return nullptr;
}

/// `promoted` as it will be once it caught up from `source`: the same GTID position.
Instance with_position_of(Instance promoted, const Instance& source) {
  promoted.executed_gtid_set = source.executed_gtid_set;
  promoted.mariadb_gtid_slave_pos = source.mariadb_gtid_slave_pos;
  promoted.mariadb_gtid_binlog_pos = source.mariadb_gtid_binlog_pos;
  promoted.gtid_errant = source.gtid_errant;
  return promoted;
}

/// Moves `target` under `source` and waits until it holds all `source` has; both critical,
/// pointing `target` back at the failed master if the plan is abandoned.
void add_catch_up(RecoveryPlan& p, const InstanceKey& target, const InstanceKey& source,
                  const InstanceKey& failed) {
  PlannedAction move;
  move.action = point_at(target, source);
  move.undo = point_at(target, failed);
  p.actions.push_back(move);
  PlannedAction wait;
  wait.action = action(ServerAction::Kind::CatchUp, target, source);
  p.actions.push_back(wait);
}

/// The second phase: a better candidate catches up from the chosen one and takes its place.
void plan_hand_over(RecoveryPlan& p, const MasterRecoveryInput& in, const Instance& promoted) {
  std::vector<Instance> others;  // the followers as they will be: replicas of the promoted one
  for (const auto& k : p.followers)
    if (const auto* f = find(in.drained, k)) {
      others.push_back(*f);
      others.back().master_key = promoted.key;
    }
  auto suggestion = suggest_replacement(in.failed_master, promoted, others, in.replacement);
  if (!suggestion.replacement) return;
  const InstanceKey better = *suggestion.replacement;
  p.reasons.push_back("replacing " + promoted.key.str() + " with " + better.str() + ": " +
                      suggestion.reason);
  add_catch_up(p, better, promoted.key, in.failed_master.key);
  p.followers.erase(std::remove(p.followers.begin(), p.followers.end(), better), p.followers.end());
  p.followers.push_back(promoted.key);
  p.replaced = promoted.key;
  p.new_master = better;
}

void plan_promotion(RecoveryPlan& p, const MasterRecoveryInput& in) {
  const InstanceKey& master = *p.new_master;
  const InstanceKey& failed = in.failed_master.key;
  if (in.apply_promotion || in.graceful) {
    PlannedAction promote;
    promote.action = action(ServerAction::Kind::Promote, master);
    promote.undo = point_at(master, failed);  // a promotion stopped half-way
    promote.settles = {master, failed};
    promote.commits = true;
    p.actions.push_back(promote);
  }
  if (!(in.apply_promotion || in.graceful) && in.detach_new_master) {
    PlannedAction detach;
    detach.action = action(ServerAction::Kind::Detach, master);
    detach.critical = false;
    p.actions.push_back(detach);
  }
  // Lagging followers last (PostponeReplicaRecoveryOnLagMinutes): the others get their master
  // back without waiting for them.
  auto lagging = [&](const InstanceKey& k) {
    const auto* f = find(in.drained, k);
    return in.postpone_lag_minutes > 0 && f && f->replication_lag_seconds &&
           *f->replication_lag_seconds >= int64_t{in.postpone_lag_minutes} * 60;
  };
  for (int pass = 1; pass <= 2; ++pass)
    for (const auto& f : p.followers) {
      if (lagging(f) != (pass == 2)) continue;
      PlannedAction move;
      move.action = point_at(f, master);
      move.settles = {f};
      move.critical = false;
      move.parallel_group = pass;
      move.commits = !(in.apply_promotion || in.graceful);
      p.actions.push_back(move);
    }
  if (in.graceful) {
    PlannedAction old;
    old.action = point_at(failed, master, !in.start_old_master);
    old.settles = {failed};
    old.critical = false;
    p.actions.push_back(old);
  }
  if (in.detach_lost)
    for (const auto& l : p.lost) {
      if (std::find(in.undrained.begin(), in.undrained.end(), l) != in.undrained.end()) continue;
      PlannedAction detach;
      detach.action = action(ServerAction::Kind::Detach, l);
      detach.settles = {l};
      detach.critical = false;
      p.actions.push_back(detach);
    }
}

}  // namespace

RecoveryPlan plan_master_recovery(const MasterRecoveryInput& in) {
  RecoveryPlan p;
  auto choice = in.designated ? designated_candidate(*in.designated, in.drained, in.candidate)
                              : choose_candidate(in.failed_master, in.drained, in.candidate);
  p.reasons = choice.reasons;
  if (!choice.promoted) {
    p.error = choice.error;
    return p;
  }
  p.new_master = choice.promoted;
  p.followers = choice.followers;
  p.lost = choice.lost;
  p.lost.insert(p.lost.end(), in.undrained.begin(), in.undrained.end());
  p.reasons.push_back("chose " + choice.promoted->str() + " to replace " +
                      in.failed_master.key.str());

  Instance promoted = *find(in.drained, *choice.promoted);
  if (choice.catch_up_from) {
    p.catch_up_from = choice.catch_up_from;
    add_catch_up(p, promoted.key, *choice.catch_up_from, in.failed_master.key);
    promoted = with_position_of(promoted, *find(in.drained, *choice.catch_up_from));
  }
  if (!in.designated && in.second_phase) plan_hand_over(p, in, promoted);
  plan_promotion(p, in);
  return p;
}

// ---- PlanRun ----

PlanRun::PlanRun(std::vector<PlannedAction> actions, std::vector<ServerAction> prior_undos)
    : actions_(std::move(actions)) {
  for (const auto& u : prior_undos) set_undo(u);
}

PlanRun::Step PlanRun::next() const {
  Step s;
  if (undoing_) {
    if (undos_.empty()) return s;
    s.phase = Phase::Undo;
    s.actions.push_back(undos_.back());
    return s;
  }
  if (aborted_ || cursor_ >= actions_.size()) return s;
  s.phase = Phase::Forward;
  const int group = actions_[cursor_].parallel_group;
  std::size_t end = cursor_ + 1;
  while (group != 0 && end < actions_.size() && actions_[end].parallel_group == group) ++end;
  for (std::size_t i = cursor_; i < end; ++i) s.actions.push_back(actions_[i].action);
  return s;
}

void PlanRun::report(const std::vector<std::string>& errors) {
  if (undoing_) {
    if (undos_.empty()) return;
    if (!errors.empty() && !errors[0].empty())
      errors_.push_back("way back failed: " + undos_.back().describe() + ": " + errors[0]);
    undos_.pop_back();
    return;
  }
  auto step = next();
  if (step.phase != Phase::Forward) return;
  bool abort = false;
  for (std::size_t i = 0; i < step.actions.size(); ++i) {
    const PlannedAction& pa = actions_[cursor_ + i];
    if (pa.undo) set_undo(*pa.undo);  // taken as soon as the action may have started
    const std::string error = i < errors.size() ? errors[i] : "no result reported";
    if (error.empty()) {
      for (const auto& k : pa.settles) settle(k);
      if (pa.commits) committed_ = true;
      continue;
    }
    errors_.push_back(pa.action.describe() + ": " + error);
    if (pa.critical) {
      abort = true;
      if (!failed_) failed_ = pa.action;
    } else {
      lost_.push_back(pa.action.target);
    }
  }
  cursor_ += step.actions.size();
  if (abort) {
    aborted_ = true;
    start_undoing();
  }
}

void PlanRun::abandon(const std::string& why) {
  if (undoing_) return;
  errors_.push_back("abandoned: " + why);
  aborted_ = true;
  start_undoing();
}

void PlanRun::set_undo(const ServerAction& undo) {
  settle(undo.target);
  undos_.push_back(undo);
}

void PlanRun::settle(const InstanceKey& key) {
  undos_.erase(std::remove_if(undos_.begin(), undos_.end(),
                              [&](const ServerAction& u) { return u.target == key; }),
               undos_.end());
}

void PlanRun::start_undoing() {
  undoing_ = true;
}

}  // namespace orc::model
