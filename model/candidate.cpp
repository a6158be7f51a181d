#include "model/candidate.hpp"

#include <algorithm>
#include <regex>

#include "model/replica_position.hpp"
#include "model/replication_rules.hpp"
#include "model/text.hpp"

namespace orc::model {

namespace {

/// must < prefer < neutral < prefer_not < must_not; anything else ranks as neutral.
int promotion_rule_rank(const std::string& rule) {
  if (rule == "must") return 0;
  if (rule == "prefer") return 1;
  if (rule == "prefer_not") return 3;
  if (rule == "must_not") return 4;
  return 2;
}

/// What was decided about one replica before the choice.
struct Assessed {
  const Instance* inst = nullptr;
  std::optional<ReplicaPosition> pos;  ///< nullopt = unknown, see pos_error
  std::string pos_error;
  std::vector<std::string> exclusions;  ///< empty = may be promoted
  bool declared_unfit = false;          ///< must_not or ignore filter: may be given up
};

Assessed assess(const Instance& failed_master, const Instance& r, const CandidateSettings& s) {
  Assessed a;
  a.inst = &r;
  a.pos = replica_position(r, &a.pos_error);
  auto& ex = a.exclusions;
  if (!a.pos) ex.push_back(a.pos_error);
  if (!r.is_last_check_valid) ex.emplace_back("last check is not valid");
  if (!r.log_bin_enabled) ex.emplace_back("binary logs are disabled");
  if (r.binlog_server) ex.emplace_back("is a binlog server");
  if (r.promotion_rule == "must_not") {
    ex.emplace_back("promotion rule is must_not");
    a.declared_unfit = true;
  }
  if (hostname_matches_any(r.key.hostname, s.promotion_ignore_hostname_filters)) {
    ex.emplace_back("hostname matches PromotionIgnoreHostnameFilters");
    a.declared_unfit = true;
  }
  if (s.prevent_cross_data_center && r.data_center != failed_master.data_center)
    ex.push_back("data center '" + r.data_center + "' differs from the failed master's '" +
                 failed_master.data_center + "'");
  if (s.prevent_cross_region && r.region != failed_master.region)
    ex.push_back("region '" + r.region + "' differs from the failed master's '" +
                 failed_master.region + "'");
  if (s.fail_on_lag_minutes > 0 && r.replication_lag_seconds &&
      *r.replication_lag_seconds >= int64_t{s.fail_on_lag_minutes} * 60)
    ex.push_back(
        "replication lag " + std::to_string(*r.replication_lag_seconds) +
        "s reaches FailMasterPromotionOnLagMinutes=" + std::to_string(s.fail_on_lag_minutes));
  return a;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

/// Upstream's InstancesSorterByExec tie-breakers: true when `a` should be promoted before `b`.
bool better_tie_break(const Instance& a, const Instance& b, const Instance& failed_master) {
  if (a.log_slave_updates_enabled != b.log_slave_updates_enabled)
    return a.log_slave_updates_enabled;
  if (int v = compare_major_versions(a.major_version, b.major_version); v != 0) return v < 0;
  if (int fa = binlog_format_rank(a.binlog_format), fb = binlog_format_rank(b.binlog_format);
      fa != fb)
    return fa < fb;
  bool a_same_dc = a.data_center == failed_master.data_center;
  if (a_same_dc != (b.data_center == failed_master.data_center)) return a_same_dc;
  if (a.gtid_errant.empty() != b.gtid_errant.empty()) return a.gtid_errant.empty();
  if (int ra = promotion_rule_rank(a.promotion_rule), rb = promotion_rule_rank(b.promotion_rule);
      ra != rb)
    return ra < rb;
  return a.key < b.key;
}

/// The replica `chosen` should catch up from before its promotion: one of `ahead` whose
/// position contains every other's, that serves its binary logs and that `chosen` can
/// replicate from. Null (and `why` set) when there is none.
const Assessed* catch_up_source(const Assessed& chosen, const std::vector<const Assessed*>& ahead,
                                const CandidateSettings& settings, std::string& why) {
  const Assessed* best = nullptr;
  for (const auto* s : ahead) {
    bool holds_all = std::all_of(ahead.begin(), ahead.end(), [&](const Assessed* o) {
      auto order = compare_positions(*o->pos, *s->pos);
      return order == GtidOrder::Behind || order == GtidOrder::Equal;
    });
    if (!holds_all) continue;
    const Instance& i = *s->inst;
    std::string problem;
    if (!i.is_last_check_valid)
      problem = "last check is not valid";
    else if (!i.log_bin_enabled || !i.log_slave_updates_enabled)
      problem = "does not write what it replicates to its binary logs";
    else if (i.binlog_server)
      problem = "is a binlog server";
    else if (auto v =
                 can_replicate_from(*chosen.inst, i, settings.reasonable_maintenance_lag_seconds);
             !v.ok)
      problem = v.reason;
    if (!problem.empty()) {
      why += (why.empty() ? "" : "; ") + i.key.str() + " " + problem;
      continue;
    }
    if (!best || i.key < best->inst->key) best = s;
  }
  if (!best && why.empty()) why = "the replicas ahead of it diverged from each other";
  return best;
}

}  // namespace

ReplicaFate CandidateChoice::fate_of(const InstanceKey& key) const {
  if (promoted && *promoted == key) return ReplicaFate::Promote;
  if (std::find(followers.begin(), followers.end(), key) != followers.end())
    return ReplicaFate::Follow;
  return ReplicaFate::Lost;
}

CandidateChoice choose_candidate(const Instance& failed_master,
                                 const std::vector<Instance>& replicas,
                                 const CandidateSettings& settings) {
  CandidateChoice out;
  std::vector<Assessed> all;
  all.reserve(replicas.size());
  for (const auto& r : replicas) all.push_back(assess(failed_master, r, settings));

  std::vector<const Assessed*> eligible;
  for (const auto& a : all) {
    if (a.exclusions.empty())
      eligible.push_back(&a);
    else
      out.reasons.push_back(a.inst->key.str() + ": not promotable: " + join(a.exclusions));
  }
  if (eligible.empty()) {
    out.error = replicas.empty() ? "failed master " + failed_master.key.str() + " has no replicas"
                                 : "no replica of " + failed_master.key.str() +
                                       " can be promoted (" + join(out.reasons) + ")";
    return out;
  }

  // The most advanced eligible replicas: no eligible replica is strictly ahead of them.
  std::vector<const Assessed*> maxima;
  for (const auto* a : eligible) {
    bool behind = std::any_of(eligible.begin(), eligible.end(), [&](const Assessed* b) {
      return compare_positions(*a->pos, *b->pos) == GtidOrder::Behind;
    });
    if (!behind) maxima.push_back(a);
  }
  const Assessed* chosen =
      *std::min_element(maxima.begin(), maxima.end(), [&](const Assessed* a, const Assessed* b) {
        return better_tie_break(*a->inst, *b->inst, failed_master);
      });
  const Instance& promoted = *chosen->inst;

  // Never silently lose data: the chosen one first catches up from a replica ahead of it; if
  // none can serve, an ahead replica blocks unless the operator declared it unfit.
  std::vector<const Assessed*> ahead;
  for (const auto& a : all)
    if (a.pos && compare_positions(*a.pos, *chosen->pos) == GtidOrder::Ahead) ahead.push_back(&a);
  const Assessed* source = nullptr;
  if (settings.catch_up_from_ahead && !ahead.empty()) {
    std::string why;
    source = catch_up_source(*chosen, ahead, settings, why);
    if (!source) out.reasons.push_back(promoted.key.str() + ": cannot catch up: " + why);
  }
  if (!source) {
    std::vector<std::string> blockers;
    for (const auto* a : ahead)
      if (!a->declared_unfit) blockers.push_back(a->inst->key.str());
    if (!blockers.empty()) {
      std::string list;
      for (const auto& b : blockers) list += (list.empty() ? "" : ", ") + b;
      out.error = "refusing to promote " + promoted.key.str() + ": non-promotable replica(s) " +
                  list + " are ahead of it and their transactions would be lost";
      return out;
    }
  } else {
    out.catch_up_from = source->inst->key;
    out.reasons.push_back(promoted.key.str() + ": catches up from " + source->inst->key.str() +
                          " (ahead of it) before its promotion");
  }
  const ReplicaPosition& target = source ? *source->pos : *chosen->pos;

  out.promoted = promoted.key;
  for (const auto& a : all) {
    if (a.inst == &promoted) continue;
    const std::string who = a.inst->key.str() + ": lost: ";
    if (!a.pos) {
      out.lost.push_back(a.inst->key);
      out.reasons.push_back(who + a.pos_error);
      continue;
    }
    GtidOrder o = compare_positions(*a.pos, target);
    if (o == GtidOrder::Ahead || o == GtidOrder::Incomparable) {
      out.lost.push_back(a.inst->key);
      out.reasons.push_back(who +
                            (o == GtidOrder::Ahead ? "GTID position is ahead of "
                                                   : "GTID position diverged from (incomparable "
                                                     "with) ") +
                            promoted.key.str());
      continue;
    }
    auto verdict =
        can_replicate_from(*a.inst, promoted, settings.reasonable_maintenance_lag_seconds);
    if (verdict.ok) {
      out.followers.push_back(a.inst->key);
    } else {
      out.lost.push_back(a.inst->key);
      out.reasons.push_back(who + verdict.reason);
    }
  }
  return out;
}

CandidateChoice designated_candidate(const InstanceKey& designated,
                                     const std::vector<Instance>& replicas,
                                     const CandidateSettings& settings) {
  CandidateChoice out;
  std::vector<Assessed> all;
  for (const auto& r : replicas) {
    Assessed a;
    a.inst = &r;
    a.pos = replica_position(r, &a.pos_error);
    all.push_back(std::move(a));
  }
  auto chosen = std::find_if(all.begin(), all.end(),
                             [&](const Assessed& a) { return a.inst->key == designated; });
  if (chosen == all.end()) {
    out.error = "designated replica " + designated.str() +
                " is not a reachable replica of the failed master";
    return out;
  }
  out.promoted = designated;
  const Assessed* source = nullptr;
  if (chosen->pos && settings.catch_up_from_ahead) {
    std::vector<const Assessed*> ahead;
    for (const auto& a : all)
      if (a.pos && compare_positions(*a.pos, *chosen->pos) == GtidOrder::Ahead) ahead.push_back(&a);
    std::string why;
    if (!ahead.empty()) source = catch_up_source(*chosen, ahead, settings, why);
    if (source) {
      out.catch_up_from = source->inst->key;
      out.reasons.push_back(designated.str() + ": catches up from " + source->inst->key.str() +
                            " (ahead of it) before its promotion");
    } else if (!ahead.empty()) {
      out.reasons.push_back(designated.str() + ": cannot catch up: " + why);
    }
  }
  for (const auto& a : all) {
    if (a.inst->key == designated) continue;
    auto order = chosen->pos && a.pos
                     ? compare_positions(*a.pos, source ? *source->pos : *chosen->pos)
                     : GtidOrder::Incomparable;
    if (order == GtidOrder::Behind || order == GtidOrder::Equal) {
      out.followers.push_back(a.inst->key);
    } else {
      out.lost.push_back(a.inst->key);
      out.reasons.push_back(a.inst->key.str() + ": lost: " +
                            (a.pos ? std::string("position ") + gtid_order_name(order) +
                                         " relative to the designated replica"
                                   : std::string("position unknown")));
    }
  }
  return out;
}

}  // namespace orc::model
