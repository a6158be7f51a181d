#include "model/promotion.hpp"

#include <algorithm>
#include <functional>
#include <regex>
#include <tuple>

#include "model/replica_position.hpp"
#include "model/replication_rules.hpp"
#include "model/text.hpp"

namespace orc::model {

namespace {

bool is_candidate_rule(const std::string& rule) {
  return rule == "must" || rule == "prefer";
}
bool is_reluctant_rule(const std::string& rule) {
  return rule == "prefer_not" || rule == "must_not";
}
/// must before prefer before neutral.
int rule_rank(const std::string& rule) {
  return rule == "must" ? 0 : rule == "prefer" ? 1 : 2;
}

bool same_dc_env(const Instance& a, const Instance& b) {
  return a.data_center == b.data_center && a.physical_environment == b.physical_environment;
}

std::string where(const Instance& i) {
  return "data center '" + i.data_center + "' and environment '" + i.physical_environment + "'";
}

/// Why `i` may not be master in place of `dead` under the geographic settings ("" = it may).
std::string geo_violation(const Instance& dead, const Instance& i, const ReplacementSettings& s) {
  if (s.prevent_cross_data_center && i.data_center != dead.data_center)
    return "PreventCrossDataCenterMasterFailover: " + i.key.str() + " is in data center '" +
           i.data_center + "', the failed master was in '" + dead.data_center + "'";
  if (s.prevent_cross_region && i.region != dead.region)
    return "PreventCrossRegionMasterFailover: " + i.key.str() + " is in region '" + i.region +
           "', the failed master was in '" + dead.region + "'";
  return "";
}

/// An instance fit to take the master role over from the promoted one.
struct Contender {
  const Instance* inst = nullptr;
  ReplicaPosition pos;
};

/// Why `c` cannot take over from `promoted` ("" = it can); fills `pos` when it can.
std::string unfit_to_take_over(const Instance& dead, const Instance& promoted,
                               const std::optional<ReplicaPosition>& promoted_pos,
                               const std::string& promoted_pos_error, const Instance& c,
                               const ReplacementSettings& s, ReplicaPosition* pos) {
  if (!c.is_replica() || c.master_key != promoted.key)
    return "does not replicate from " + promoted.key.str();
  if (!c.is_last_check_valid) return "last check is not valid";
  if (!c.log_bin_enabled) return "binary logs are disabled";
  if (!c.log_slave_updates_enabled) return "log_slave_updates is disabled";
  if (c.binlog_server) return "is a binlog server";
  if (is_reluctant_rule(c.promotion_rule)) return "promotion rule is " + c.promotion_rule;
  if (hostname_matches_any(c.key.hostname, s.promotion_ignore_hostname_filters))
    return "hostname matches PromotionIgnoreHostnameFilters";
  if (auto geo = geo_violation(dead, c, s); !geo.empty()) return geo;
  auto verdict = can_replicate_from(promoted, c, s.reasonable_maintenance_lag_seconds);
  if (!verdict.ok) return promoted.key.str() + " could not replicate from it: " + verdict.reason;
  std::string err;
  auto p = replica_position(c, &err);
  if (!p) return err;
  if (!promoted_pos)
    return "cannot be compared with " + promoted.key.str() + ": " + promoted_pos_error;
  if (compare_positions(*p, *promoted_pos) == GtidOrder::Incomparable)
    return "GTID position " + p->to_string() + " diverged from " + promoted.key.str() + "'s " +
           promoted_pos->to_string();
  *pos = *p;
  return "";
}

/// The best contender matching `pred`: must before prefer before neutral, then the most
/// advanced position (no other match strictly ahead), then the smallest key.
const Contender* pick(const std::vector<Contender>& pool,
                      const std::function<bool(const Instance&)>& pred) {
  std::vector<const Contender*> matches;
  int best_rank = 3;
  for (const auto& c : pool) {
    if (!pred(*c.inst)) continue;
    matches.push_back(&c);
    best_rank = std::min(best_rank, rule_rank(c.inst->promotion_rule));
  }
  matches.erase(std::remove_if(matches.begin(), matches.end(),
                               [&](const Contender* m) {
                                 return rule_rank(m->inst->promotion_rule) != best_rank;
                               }),
                matches.end());
  const Contender* best = nullptr;
  for (const auto* m : matches) {
    bool behind = std::any_of(matches.begin(), matches.end(), [&](const Contender* o) {
      return compare_positions(m->pos, o->pos) == GtidOrder::Behind;
    });
    if (!behind && (!best || m->inst->key < best->inst->key)) best = m;
  }
  return best;
}

}  // namespace

ReplacementSuggestion suggest_replacement(const Instance& dead_master, const Instance& promoted,
                                          const std::vector<Instance>& candidates,
                                          const ReplacementSettings& settings) {
  const std::string p = promoted.key.str();
  std::string promoted_pos_error;
  const auto promoted_pos = replica_position(promoted, &promoted_pos_error);

  std::vector<Contender> fit;
  std::string skipped;
  for (const auto& c : candidates) {
    if (c.key == promoted.key || c.key == dead_master.key) continue;
    Contender k{&c, {}};
    auto why = unfit_to_take_over(dead_master, promoted, promoted_pos, promoted_pos_error, c,
                                  settings, &k.pos);
    if (why.empty())
      fit.push_back(std::move(k));
    else
      skipped += (skipped.empty() ? "" : ", ") + c.key.str() + " (" + why + ")";
  }
  auto keep = [&](const std::string& why) { return ReplacementSuggestion{std::nullopt, why}; };
  auto replace = [&](const Contender& c, const std::string& why) {
    std::string reason = "replacing " + p + " with " + c.inst->key.str() + ": " + why;
    if (promoted_pos && compare_positions(c.pos, *promoted_pos) == GtidOrder::Behind)
      reason += "; it is behind " + p + " and must catch up before the swap";
    return ReplacementSuggestion{c.inst->key, reason};
  };
  auto candidate_in = [](const Instance& ref) {
    return [&ref](const Instance& i) {
      return is_candidate_rule(i.promotion_rule) && same_dc_env(i, ref);
    };
  };
  auto neutral_in = [](const Instance* ref) {
    return [ref](const Instance& i) {
      return !is_candidate_rule(i.promotion_rule) && (!ref || same_dc_env(i, *ref));
    };
  };
  const std::string promoted_geo = geo_violation(dead_master, promoted, settings);
  const bool promoted_is_candidate = is_candidate_rule(promoted.promotion_rule);

  if (promoted_is_candidate && same_dc_env(promoted, dead_master))
    return keep("keeping " + p + ": it is a " + promoted.promotion_rule +
                " candidate in the failed master's " + where(dead_master));
  if (auto* c = pick(fit, candidate_in(dead_master)))
    return replace(*c, "a " + c->inst->promotion_rule + " candidate in the failed master's " +
                           where(dead_master));
  if (promoted_is_candidate && promoted_geo.empty())
    return keep("keeping " + p + ": it is a " + promoted.promotion_rule +
                " candidate within the geographic constraints");
  if (auto* c = pick(fit, candidate_in(promoted)))
    return replace(*c,
                   "a " + c->inst->promotion_rule + " candidate in " + p + "'s " + where(promoted));
  if (auto* c = pick(fit, [](const Instance& i) { return is_candidate_rule(i.promotion_rule); }))
    return replace(*c, "a " + c->inst->promotion_rule + " candidate");

  std::string unwanted = promoted_geo;
  if (unwanted.empty() && is_reluctant_rule(promoted.promotion_rule))
    unwanted = p + " has promotion rule " + promoted.promotion_rule;
  if (!unwanted.empty()) {
    if (auto* c = pick(fit, neutral_in(&dead_master)))
      return replace(*c, unwanted + ", and this neutral instance is in the failed master's " +
                             where(dead_master));
    if (auto* c = pick(fit, neutral_in(&promoted)))
      return replace(*c,
                     unwanted + ", and this neutral instance is in " + p + "'s " + where(promoted));
    if (auto* c = pick(fit, neutral_in(nullptr)))
      return replace(*c, unwanted + ", and this neutral instance is within the constraints");
  }
  std::string why = "keeping " + p + ": no replica of it is a better master";
  if (!unwanted.empty()) why += " although " + unwanted;
  if (!skipped.empty()) why += "; skipped: " + skipped;
  return keep(why);
}

namespace {

/// An orphan of the dead intermediate master with its position (nullopt = unknown).
struct Orphan {
  const Instance* inst = nullptr;
  std::optional<ReplicaPosition> pos;
  std::string pos_error;
};

/// Which orphans with a known position can go under `target`, and why the others cannot.
struct Take {
  std::vector<const Instance*> movable;
  std::vector<std::pair<const Instance*, std::string>> refused;
};

Take evaluate_target(const std::vector<Orphan>& orphans, const Instance& target, int lag_seconds) {
  Take t;
  std::string err;
  const auto target_pos = source_position(target, &err);
  const std::string tk = target.key.str();
  for (const auto& o : orphans) {
    if (!o.pos) continue;
    if (!target_pos) {
      t.refused.emplace_back(o.inst, "GTID position of " + tk + " is unknown: " + err);
      continue;
    }
    GtidOrder order = compare_positions(*o.pos, *target_pos);
    if (order == GtidOrder::Ahead || order == GtidOrder::Incomparable) {
      t.refused.emplace_back(
          o.inst, "GTID position " + o.pos->to_string() +
                      (order == GtidOrder::Ahead ? " is ahead of " : " diverged from ") + tk +
                      "'s " + target_pos->to_string());
      continue;
    }
    auto verdict = can_replicate_from(*o.inst, target, lag_seconds);
    if (verdict.ok)
      t.movable.push_back(o.inst);
    else
      t.refused.emplace_back(o.inst, verdict.reason);
  }
  return t;
}

/// Why `s` cannot replace the dead intermediate master ("" = it can), as upstream's
/// isValidAsCandidateSiblingOfIntermediateMaster plus "is replicating".
std::string unfit_sibling(const Instance& dead_im, const Instance& s,
                          const IntermediateRecoverySettings& settings) {
  if (s.master_key != dead_im.master_key)
    return "does not replicate from " + dead_im.master_key.str();
  if (!s.is_last_check_valid) return "last check is not valid";
  if (!s.log_bin_enabled) return "binary logs are disabled";
  if (!s.log_slave_updates_enabled) return "log_slave_updates is disabled";
  if (!s.is_replicating()) return "is not replicating";
  if (s.binlog_server) return "is a binlog server";
  if (s.promotion_rule == "must_not") return "promotion rule is must_not";
  if (hostname_matches_any(s.key.hostname, settings.promotion_ignore_hostname_filters))
    return "hostname matches PromotionIgnoreHostnameFilters";
  if (s.has_replication_filters != dead_im.has_replication_filters)
    return "replication filters differ from " + dead_im.key.str() + "'s";
  if (s.binlog_server != dead_im.binlog_server)
    return "binlog server flag differs from " + dead_im.key.str() + "'s";
  return "";
}

std::string join_refusals(const Take& t) {
  std::string out;
  for (const auto& [inst, why] : t.refused)
    out += (out.empty() ? "" : "; ") + inst->key.str() + ": " + why;
  return out;
}

}  // namespace

IntermediateRecoveryPlan plan_intermediate_recovery(const Instance& dead_im,
                                                    const std::vector<Instance>& orphans,
                                                    const std::vector<Instance>& siblings,
                                                    const std::optional<Instance>& master,
                                                    const IntermediateRecoverySettings& settings) {
  IntermediateRecoveryPlan plan;
  const std::string im = dead_im.key.str();
  std::vector<Orphan> assessed;
  for (const auto& o : orphans) {
    Orphan a{&o, std::nullopt, ""};
    a.pos = replica_position(o, &a.pos_error);
    assessed.push_back(std::move(a));
  }
  auto finish = [&](const Instance* target, const Take* take, const std::string& headline) {
    plan.reasons.insert(plan.reasons.begin(), headline);
    if (target) plan.target = target->key;
    for (const auto& o : assessed) {
      if (take && std::count(take->movable.begin(), take->movable.end(), o.inst)) {
        plan.movable.push_back(o.inst->key);
        continue;
      }
      plan.lost.push_back(o.inst->key);
      std::string why = o.pos_error;
      if (o.pos && take)
        for (const auto& [inst, r] : take->refused)
          if (inst == o.inst) why = r;
      if (o.pos && !take) why = "no sibling nor master can take it";
      plan.reasons.push_back(o.inst->key.str() + ": lost: " + why);
    }
    return plan;
  };

  if (orphans.empty()) return finish(nullptr, nullptr, im + " has no replicas: nothing to move");
  if (std::none_of(assessed.begin(), assessed.end(), [](const Orphan& o) { return bool(o.pos); }))
    return finish(nullptr, nullptr, "no replica of " + im + " has a known GTID position");

  // GetCandidateSiblingOfIntermediateMaster's order: candidates before the others, the dead
  // IM's DC+env first, most replicas first.
  std::vector<const Instance*> order;
  for (const auto& s : siblings) {
    if (s.key == dead_im.key) continue;
    auto why = unfit_sibling(dead_im, s, settings);
    if (why.empty())
      order.push_back(&s);
    else
      plan.reasons.push_back(s.key.str() + ": sibling skipped: " + why);
  }
  auto rank = [&](const Instance* s) {
    return std::make_tuple(is_candidate_rule(s->promotion_rule) ? 0 : 1,
                           same_dc_env(*s, dead_im) ? 0 : 1,
                           -static_cast<long>(s->replicas.size()));
  };
  std::sort(order.begin(), order.end(), [&](const Instance* a, const Instance* b) {
    return std::make_pair(rank(a), a->key) < std::make_pair(rank(b), b->key);
  });

  auto sibling_plan = [&](const Instance* s, const Take& take) {
    plan.kind = IntermediateRecoveryPlan::Kind::RelocateUnderSibling;
    bool same = same_dc_env(*s, dead_im);
    return finish(s, &take,
                  std::string(same ? "plan A" : "plan C") + ": relocating " +
                      std::to_string(take.movable.size()) + " replica(s) of " + im +
                      " under its sibling " + s->key.str() + " in " + where(*s));
  };
  std::vector<std::pair<const Instance*, Take>> partial;
  for (const auto* s : order) {
    Take take = evaluate_target(assessed, *s, settings.reasonable_maintenance_lag_seconds);
    if (take.refused.empty()) return sibling_plan(s, take);
    plan.reasons.push_back(s->key.str() +
                           ": sibling cannot take every replica: " + join_refusals(take));
    if (!take.movable.empty()) partial.emplace_back(s, std::move(take));
  }

  if (!master) {
    plan.reasons.push_back("the master of " + im + " is unknown");
  } else if (master->key != dead_im.master_key) {
    plan.reasons.push_back(master->key.str() + " is not the master of " + im);
  } else if (!master->is_last_check_valid) {
    plan.reasons.push_back(master->key.str() + ": master skipped: last check is not valid");
  } else {
    Take take = evaluate_target(assessed, *master, settings.reasonable_maintenance_lag_seconds);
    if (!take.movable.empty()) {
      plan.kind = IntermediateRecoveryPlan::Kind::RelocateUnderMaster;
      return finish(&*master, &take,
                    "plan D: relocating " + std::to_string(take.movable.size()) +
                        " replica(s) of " + im + " under its master " + master->key.str());
    }
    plan.reasons.push_back(master->key.str() + ": master skipped: " + join_refusals(take));
  }
  if (!partial.empty()) return sibling_plan(partial.front().first, partial.front().second);
  return finish(nullptr, nullptr, "no sibling nor master of " + im + " can take its replicas");
}

}  // namespace orc::model
