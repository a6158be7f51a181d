#pragma once
// Choice of the replica to promote when a master dies (upstream's GetCandidateReplica /
// chooseCandidateReplica plus the overrideMasterPromotion guards), as pure logic so that
// every data-loss rule can be unit-tested without servers.
//
// Unlike upstream, which orders replicas by exec file:pos, replicas are ordered by GTID
// position, which is only a partial order: the choice never treats two positions that
// diverged as if one were behind the other.

#include <optional>
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "model/instance_key.hpp"

namespace orc::model {

/// The configuration keys that shape the choice (names are upstream's config keys).
struct CandidateSettings {
  /// PromotionIgnoreHostnameFilters: regexes searched in the hostname; a match is never
  /// promoted. An invalid regex matches nothing, as Go's regexp.MatchString.
  std::vector<std::string> promotion_ignore_hostname_filters;
  /// PreventCrossDataCenterMasterFailover / PreventCrossRegionMasterFailover: the promoted
  /// replica must have the failed master's data_center / region (compared as strings).
  bool prevent_cross_data_center = false;
  bool prevent_cross_region = false;
  /// FailMasterPromotionOnLagMinutes: when > 0, a replica whose replication_lag_seconds is
  /// >= this many minutes is not promoted. An unknown (NULL) lag does not exclude, as
  /// upstream: after the master died the IO thread is down and SBM is NULL everywhere, so
  /// only a heartbeat ReplicationLagQuery gives this guard a value.
  int fail_on_lag_minutes = 0;
  /// ReasonableMaintenanceReplicationLagSeconds, passed to can_replicate_from.
  int reasonable_maintenance_lag_seconds = 20;
  /// When a non-promotable replica is ahead of the chosen one, have the chosen one catch up
  /// from it first (CandidateChoice::catch_up_from) instead of losing or blocking. Off only
  /// for the fallback after a catch-up that did not complete.
  bool catch_up_from_ahead = true;
};

enum class ReplicaFate { Promote, Follow, Lost };

/// The outcome of choose_candidate.
struct CandidateChoice {
  /// The replica to promote; nullopt when nobody can be promoted safely (see `error`).
  std::optional<InstanceKey> promoted;
  /// Replicas to move under the promoted one, and replicas that cannot be (ahead of it,
  /// diverged from it, unknown position, or refused by can_replicate_from). Both are empty
  /// when nobody is promoted.
  std::vector<InstanceKey> followers, lost;
  /// "host:port: not promotable: why" / "host:port: lost: why" lines, for the audit log.
  std::vector<std::string> reasons;
  /// Why nobody can be promoted; empty when `promoted` is set.
  std::string error;
  /// A replica ahead of `promoted` (non-promotable, e.g. must_not or lagging by rule) whose
  /// position contains every other one's: `promoted` must first replicate from it until it
  /// holds all it has, and only then be promoted. Followers and lost were decided against
  /// that position; this replica is a follower. nullopt when `promoted` is the most advanced.
  std::optional<InstanceKey> catch_up_from;

  /// Promote for the promoted key, Follow for followers, Lost otherwise.
  ReplicaFate fate_of(const InstanceKey& key) const;
};

/// Chooses the replica to promote when `failed_master` died, among `replicas` (its direct
/// replicas, last known state).
///
/// Position: MariaDB replicas use gtid_slave_pos (what they applied from the master stream,
/// without their own local writes), or executed_gtid_set (gtid_current_pos) when the slave
/// position is unknown; MySQL replicas use executed_gtid_set minus gtid_errant, and need
/// gtid_mode=ON (otherwise their position is unknown). A replica whose position is unknown
/// or unparseable is never promoted and ends Lost.
///
/// Excluded from promotion: invalid last check, no log_bin, binlog server, promotion rule
/// must_not, PromotionIgnoreHostnameFilters, geo rules, lag limit. Among the eligible
/// replicas the most advanced ones (no eligible replica strictly ahead of them) compete;
/// their ties are broken as upstream's InstancesSorterByExec: log_slave_updates, lower major
/// version, smaller binlog format, same data center as the failed master, no errant GTID,
/// better promotion rule (must < prefer < neutral < prefer_not), then key for determinism.
/// Several maxima that diverged (incomparable) compete the same way; the losers are Lost.
///
/// Data-loss rule: if excluded replicas are strictly ahead of the chosen one, the chosen one
/// catches up from the most advanced of them first (`catch_up_from`), provided that one holds
/// every other's position, serves its binary logs (log_bin, log_slave_updates, valid check)
/// and can be replicated from: nothing is lost and the promotion rules still hold. Otherwise
/// nobody is promoted and `error` says why, unless those replicas are must_not or match an
/// ignore filter (the operator declared them unfit to be master, so their extra transactions
/// are knowingly given up; they end Lost with a reason). Excluded replicas that diverged from
/// the chosen one are Lost with a reason but do not block.
CandidateChoice choose_candidate(const Instance& failed_master,
                                 const std::vector<Instance>& replicas,
                                 const CandidateSettings& settings);

/// For an operator's explicit candidate (recover/I/C, force-master-takeover): promotes
/// `designated` whatever its rules, after it caught up from a replica ahead of it when one
/// can serve (see choose_candidate); replicas it cannot hold are Lost with a reason.
/// `error` when `designated` is not among `replicas`.
CandidateChoice designated_candidate(const InstanceKey& designated,
                                     const std::vector<Instance>& replicas,
                                     const CandidateSettings& settings);

}  // namespace orc::model
