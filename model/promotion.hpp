#pragma once
// Promotion decisions after the emergency part of a recovery, as pure logic: whether a better
// master should take over from the replica promoted when a master died (upstream's
// SuggestReplacementForPromotedReplica), and where the orphans of a dead intermediate master
// go (RecoverDeadIntermediateMaster with GetCandidateSiblingOfIntermediateMaster).
//
// Both add GTID safety beyond upstream, which compares exec file:pos: a server whose position
// diverged from (is incomparable with) the one it would serve or follow is never chosen.

#include <optional>
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "model/instance_key.hpp"

namespace orc::model {

/// The configuration keys the replacement depends on (names are upstream's config keys).
struct ReplacementSettings {
  /// PreventCrossDataCenterMasterFailover / PreventCrossRegionMasterFailover.
  bool prevent_cross_data_center = false;
  bool prevent_cross_region = false;
  /// PromotionIgnoreHostnameFilters: regexes searched in the hostname; an invalid regex
  /// matches nothing.
  std::vector<std::string> promotion_ignore_hostname_filters;
  /// ReasonableMaintenanceReplicationLagSeconds, passed to can_replicate_from.
  int reasonable_maintenance_lag_seconds = 20;
};

/// The outcome of suggest_replacement.
struct ReplacementSuggestion {
  /// The instance to hand the master role to; nullopt keeps the promoted one.
  std::optional<InstanceKey> replacement;
  /// One sentence for the audit log: why this one, or why the promoted one stays (followed
  /// by the candidates that were skipped and why).
  std::string reason;
};

/// After `promoted` was made master in place of `dead_master`, looks for a better master
/// among `candidates`, the other instances now replicating from `promoted` (fresh state).
///
/// The search follows upstream's order; each step either keeps `promoted` or names a
/// replacement, and the first that decides wins:
///   1. keep `promoted` if it is a candidate (rule must/prefer) in the dead master's DC+env;
///   2. a candidate in the dead master's DC+env;
///   3. keep `promoted` if it is a candidate within the geographic constraints;
///   4. a candidate in the promoted one's DC+env;
///   5. any candidate;
///   then, only if `promoted` violates the geographic constraints or is prefer_not (or
///   must_not, which upstream does not check because it never promotes one):
///   6. a neutral instance in the dead master's DC+env; 7. in the promoted one's DC+env;
///   8. any neutral instance;
///   otherwise `promoted` stays.
/// Within one step, where upstream takes whichever matching row it read last, the choice is
/// must before prefer, then the most advanced GTID position, then the smallest key.
///
/// A replacement must: replicate from `promoted`, have a valid last check, log_bin and
/// log_slave_updates, not be a binlog server, not be must_not or prefer_not, not match
/// PromotionIgnoreHostnameFilters, be one `promoted` can replicate from (can_replicate_from),
/// and have a GTID position comparable with the promoted one's (a diverged server never
/// becomes master). Unlike upstream, it must also satisfy the geographic constraints in
/// every step: swapping to a server that violates them would only have the promotion
/// cancelled afterwards (overrideMasterPromotion).
///
/// The replacement may be behind `promoted` (it is still catching up from it): the caller
/// must wait until it has applied everything `promoted` has before swapping roles, or the
/// difference is lost.
ReplacementSuggestion suggest_replacement(const Instance& dead_master, const Instance& promoted,
                                          const std::vector<Instance>& candidates,
                                          const ReplacementSettings& settings);

/// Where the orphans of a dead intermediate master go.
struct IntermediateRecoveryPlan {
  enum class Kind { None, RelocateUnderSibling, RelocateUnderMaster };
  Kind kind = Kind::None;
  /// The sibling, or the dead intermediate master's own master; nullopt for Kind::None.
  std::optional<InstanceKey> target;
  /// Orphans to repoint under `target`, in the order given.
  std::vector<InstanceKey> movable;
  /// Orphans that cannot go under `target` (all of them for Kind::None); `reasons` says why.
  std::vector<InstanceKey> lost;
  /// Audit lines: the plan, skipped siblings, lost orphans.
  std::vector<std::string> reasons;
};

/// The configuration keys the intermediate master recovery depends on.
struct IntermediateRecoverySettings {
  /// PromotionIgnoreHostnameFilters: a matching sibling is banned as upstream's
  /// IsBannedFromBeingCandidateReplica.
  std::vector<std::string> promotion_ignore_hostname_filters;
  /// ReasonableMaintenanceReplicationLagSeconds, passed to can_replicate_from.
  int reasonable_maintenance_lag_seconds = 20;
};

/// Plans the recovery of `dead_im` for GTID topologies. `orphans` are its direct replicas,
/// `siblings` the other replicas of its master, `master` its master when known (all fresh).
///
/// Siblings are tried as upstream's GetCandidateSiblingOfIntermediateMaster orders them
/// (candidates in the dead IM's DC+env, candidates anywhere, others in its DC+env, any;
/// within each, most replicas first, then key). A sibling qualifies if it is not the dead IM,
/// has a valid last check, log_bin and log_slave_updates, is replicating, is not a binlog
/// server, is not must_not nor matching PromotionIgnoreHostnameFilters, and has the dead IM's
/// replication-filter and binlog-server flags.
///
/// GTID safety beyond upstream (which only requires the sibling not to be behind the dead IM's
/// exec coordinates): a sibling is used only if its position (source_position) contains every
/// orphan's position (replica_position) and every orphan can replicate from it; otherwise it
/// is skipped with a reason, since an orphan ahead of its new master is an error under
/// MariaDB gtid_strict_mode and means transactions lost elsewhere. Plan A names a sibling in
/// the dead IM's DC+env, plan C one elsewhere. With no such sibling, plan D relocates under
/// `master` whatever it can take (orphans ahead of it, diverged, or refused by
/// can_replicate_from are lost). If the master is unknown, invalid or takes nobody, the first
/// sibling that takes some orphans is used and the rest are lost. Orphans whose position is
/// unknown are always lost: nothing proves that a target has what they applied.
IntermediateRecoveryPlan plan_intermediate_recovery(
    const Instance& dead_im, const std::vector<Instance>& orphans,
    const std::vector<Instance>& siblings, const std::optional<Instance>& master,
    const IntermediateRecoverySettings& settings = {});

}  // namespace orc::model
