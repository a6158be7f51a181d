// Recovery bookkeeping against a real MariaDB backend: the per-instance recovery lock,
// anti-flapping, blocked-recovery audit, fenced steps, resolution, acknowledgements, period
// expiry, crashed recoveries, the global switch and candidate registrations.

#include <doctest/doctest.h>
#include <soci/soci.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "storage/candidate_dao.hpp"
#include "storage/failure_detection_dao.hpp"
#include "storage/instance_dao.hpp"
#include "storage/recovery_dao.hpp"
#include "tests/integration/deployed_backend.hpp"

using orc::model::InstanceKey;
using orc::model::NodeIdentity;
using namespace orc::storage;

namespace {

soci::session& clean_backend() {
  static orc::test::DeployedBackend backend("recovery-dao-test");
  auto& s = *backend.session;
  for (const char* table :
       {"topology_recovery", "topology_recovery_steps", "blocked_topology_recovery",
        "global_recovery_disable", "candidate_database_instance", "topology_failure_detection",
        "node_health", "database_instance", "cluster_alias"})
    s << std::string("DELETE FROM ") + table;
  return s;
}

const NodeIdentity node_a{"orc-a", std::string(64, 'a')};
const NodeIdentity node_b{"orc-b", std::string(64, 'b')};
const InstanceKey db1{"db-1.test", 3306}, db2{"db-2.test", 3306}, db3{"db-3.test", 3307};

long long count(soci::session& s, const std::string& sql) {
  long long n = -1;
  s << sql, soci::into(n);
  return n;
}

std::string text(soci::session& s, const std::string& sql) {
  std::string v;
  soci::indicator ind = soci::i_ok;
  s << sql, soci::into(v, ind);
  return ind == soci::i_null ? "NULL" : v;
}

/// A registration of `key` failing in `cluster` (alias "alias-<cluster>"), by node_a.
RecoveryRegistration registration(const InstanceKey& key, const std::string& cluster,
                                  const std::string& uid) {
  RecoveryRegistration r;
  r.failed = key;
  r.analysis = "DeadMaster";
  r.cluster_name = cluster;
  r.cluster_alias = "alias-" + cluster;
  r.count_replicas = 2;
  r.replicas = {{"r1.test", 3306}, {"r2.test", 3307}};
  r.node = node_a;
  r.uid = uid;
  return r;
}

int64_t registered(soci::session& s, const InstanceKey& key, const std::string& cluster,
                   const std::string& uid) {
  auto id = register_recovery(s, registration(key, cluster, uid));
  REQUIRE(id);
  return *id;
}

TopologyRecoveryRow read_one(soci::session& s, int64_t id) {
  RecoveryScope scope;
  scope.id = id;
  auto rows = read_recoveries(s, scope, false, 10, 0);
  REQUIRE(rows.size() == 1);
  return rows[0];
}

RecoveryScope scope_of(const InstanceKey& key) {
  RecoveryScope scope;
  scope.key = key;
  return scope;
}

void register_node(soci::session& s, const NodeIdentity& n, int seconds_ago) {
  s << "REPLACE INTO node_health (hostname, token, last_seen_active, extra_info, command) "
       "VALUES (:h, :t, NOW() - INTERVAL " +
           std::to_string(seconds_ago) + " SECOND, 'HttpMode', '')",
      soci::use(n.hostname), soci::use(n.token);
}

/// active_node held by `n` at `epoch`, its lease ending `lease_ms` from now (negative: past).
void set_leader(soci::session& s, const NodeIdentity& n, long long epoch, int lease_ms) {
  s << "UPDATE active_node SET hostname = :h, token = :t, epoch = :e, lease_expires_at = NOW(3) "
       "+ INTERVAL " +
           std::to_string(lease_ms * 1000) + " MICROSECOND WHERE anchor = 1",
      soci::use(n.hostname), soci::use(n.token), soci::use(epoch);
}

}  // namespace

// ------------------------------------------------------------------------------ the lock

TEST_CASE("one active recovery per instance: the second registration is refused until acked") {
  auto& s = clean_backend();
  DetectionRecord d;
  d.key = db1;
  d.analysis = "DeadMaster";
  d.cluster_name = "c1";
  d.node = node_a;
  auto detection = register_failure_detection(s, d);
  REQUIRE(detection);

  auto first = registered(s, db1, "c1", "uid-1");
  CHECK_FALSE(register_recovery(s, registration(db1, "c1", "uid-2")));
  auto other = registered(s, db2, "c1", "uid-3");  // a different instance is not locked
  CHECK(other != first);

  auto row = read_one(s, first);
  CHECK(row.key == db1);
  CHECK(row.in_active_period);
  CHECK(row.end_active_period_unixtime == 0);
  CHECK(row.end_recovery.empty());
  CHECK(row.analysis == "DeadMaster");
  CHECK(row.cluster_alias == "alias-c1");
  CHECK(row.count_affected_slaves == 2);
  CHECK(row.slave_hosts == std::vector<InstanceKey>{{"r1.test", 3306}, {"r2.test", 3307}});
  CHECK(row.processing_node_hostname == "orc-a");
  CHECK(row.processing_node_token == node_a.token);
  CHECK(row.uid == "uid-1");
  CHECK(row.last_detection_id == *detection);  // computed from topology_failure_detection
  CHECK_FALSE(row.acknowledged);
  CHECK_FALSE(row.successor);
  // Stored as S5/S8 say: comma list, 0 (not NULL), '' for the columns filled at resolution.
  const auto where = " FROM topology_recovery WHERE recovery_id = " + std::to_string(first);
  CHECK(text(s, "SELECT slave_hosts" + where) == "r1.test:3306,r2.test:3307");
  CHECK(text(s, "SELECT end_active_period_unixtime" + where) == "0");
  CHECK(text(s, "SELECT CONCAT(lost_slaves, participating_instances, all_errors)" + where) == "");

  CHECK(acknowledge_recoveries(s, scope_of(db1), "alice", "seen") == 1);
  auto again = registered(s, db1, "c1", "uid-4");
  CHECK(again > first);
  auto explicit_detection = registration(db3, "c3", "uid-5");
  explicit_detection.last_detection_id = 42;
  auto third = register_recovery(s, explicit_detection);
  REQUIRE(third);
  CHECK(read_one(s, *third).last_detection_id == 42);
}

// ------------------------------------------------------------------------------ anti-flapping

TEST_CASE("an active recovery blocks its cluster and its successor, and the block is audited") {
  auto& s = clean_backend();
  auto id = registered(s, db1, "c1", "uid-1");
  CHECK(find_blocking_recovery(s, db3, "c1") == id);  // same cluster
  CHECK_FALSE(find_blocking_recovery(s, db3, "c2"));

  RecoveryResolution res;
  res.recovery_id = id;
  res.is_successful = true;
  res.successor = db2;
  resolve_recovery(s, res);
  CHECK(find_blocking_recovery(s, db2, "db-2.test:3306") == id);  // the promoted master
  CHECK_FALSE(find_blocking_recovery(s, db3, "db-3.test:3307"));

  record_blocked_recovery(s, db2, "db-2.test:3306", "DeadMaster", id);
  record_blocked_recovery(s, db3, "c1", "UnreachableMaster", id);
  record_blocked_recovery(s, db3, "c1", "DeadMaster", id);  // upsert: one row per instance
  auto blocked = read_blocked_recoveries(s, std::nullopt);
  REQUIRE(blocked.size() == 2);
  auto in_c1 = read_blocked_recoveries(s, std::string("c1"));
  REQUIRE(in_c1.size() == 1);
  CHECK(in_c1[0].key == db3);
  CHECK(in_c1[0].analysis == "DeadMaster");
  CHECK(in_c1[0].blocking_recovery_id == id);
  CHECK(in_c1[0].last_blocked_timestamp.size() == 19);

  CHECK(expire_blocked_recoveries(s, 30) == 0);  // blocker active and unacknowledged, fresh
  s << "UPDATE blocked_topology_recovery SET last_blocked_timestamp = NOW() - INTERVAL 31 SECOND "
       "WHERE hostname = 'db-2.test'";
  CHECK(expire_blocked_recoveries(s, 30) == 1);  // not blocked again for too long
  REQUIRE(read_blocked_recoveries(s, std::nullopt).size() == 1);

  CHECK(acknowledge_recoveries(s, scope_of(db1), "alice", "done") == 1);
  CHECK_FALSE(find_blocking_recovery(s, db2, "c1"));
  CHECK(expire_blocked_recoveries(s, 30) == 1);  // blocker acknowledged
  CHECK(read_blocked_recoveries(s, std::nullopt).empty());
}

TEST_CASE("a recovery stops blocking once its period expires, and the instance can recover again") {
  auto& s = clean_backend();
  auto id = registered(s, db1, "c1", "uid-1");
  CHECK(clear_expired_recovery_periods(s, 3600) == 0);
  s << "UPDATE topology_recovery SET start_active_period = NOW() - INTERVAL 3601 SECOND";
  CHECK(clear_expired_recovery_periods(s, 3600) == 1);
  auto row = read_one(s, id);
  CHECK_FALSE(row.in_active_period);
  CHECK(row.end_active_period_unixtime > 0);
  CHECK_FALSE(row.acknowledged);  // expiry is not an acknowledgement
  CHECK_FALSE(find_blocking_recovery(s, db2, "c1"));

  // Two expiries of the same instance in one second do not collide on the unique key.
  auto second = registered(s, db1, "c1", "uid-2");
  s << "UPDATE topology_recovery SET start_active_period = NOW() - INTERVAL 3601 SECOND";
  CHECK(clear_expired_recovery_periods(s, 3600) == 1);
  CHECK(read_one(s, second).end_active_period_unixtime > row.end_active_period_unixtime);
  registered(s, db1, "c1", "uid-3");
}

// ------------------------------------------------------------------------------ steps

TEST_CASE("fenced steps are written only by the leader of the recovery's epoch") {
  auto& s = clean_backend();
  set_leader(s, node_a, 7, 5000);
  const LeaderFence fence{node_a.hostname, node_a.token, 7};
  CHECK(add_recovery_step(s, "uid-1", "step one", fence));
  add_recovery_step(s, "uid-1", "unfenced step: caf\xc3\xa9");

  set_leader(s, node_a, 8, 5000);  // a new term, even of the same node
  CHECK_FALSE(add_recovery_step(s, "uid-1", "after the epoch changed", fence));
  set_leader(s, node_b, 7, 5000);  // another holder
  CHECK_FALSE(add_recovery_step(s, "uid-1", "other holder", fence));
  set_leader(s, node_a, 7, -10);  // the lease ran out
  CHECK_FALSE(add_recovery_step(s, "uid-1", "expired lease", fence));
  set_leader(s, node_a, 7, 5000);
  CHECK(add_recovery_step(s, "uid-1", "step two", fence));
  add_recovery_step(s, "uid-2", "another recovery");

  auto steps = read_recovery_steps(s, "uid-1");
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].message == "step one");
  CHECK(steps[1].message == "unfenced step: caf\xc3\xa9");
  CHECK(steps[2].message == "step two");
  CHECK(steps[0].uid == "uid-1");
  CHECK(steps[0].id < steps[1].id);
  CHECK(steps[2].audit_at.size() == 19);
}

// ------------------------------------------------------------------------------ resolution

TEST_CASE("a resolution round-trips successor, lost and participating replicas and errors") {
  auto& s = clean_backend();
  auto id = registered(s, db1, "c1", "uid-1");
  RecoveryResolution res;
  res.recovery_id = id;
  res.is_successful = true;
  res.successor = db2;
  res.successor_alias = "db2-alias";
  res.lost_replicas = {db3};
  res.participating = {db1, db2, db3};
  res.errors = {"first error", "second: caf\xc3\xa9"};
  resolve_recovery(s, res);
  auto row = read_one(s, id);
  CHECK(row.is_successful);
  REQUIRE(row.successor);
  CHECK(*row.successor == db2);
  CHECK(row.successor_alias == "db2-alias");
  CHECK(row.lost_slaves == std::vector<InstanceKey>{db3});
  CHECK(row.participating_instances == std::vector<InstanceKey>{db1, db2, db3});
  CHECK(row.all_errors == std::vector<std::string>{"first error", "second: caf??"});
  CHECK(row.end_recovery.size() == 19);
  CHECK(row.in_active_period);  // still blocks until expired or acknowledged

  auto failed = registered(s, db3, "c3", "uid-2");
  RecoveryResolution none;
  none.recovery_id = failed;
  resolve_recovery(s, none);
  auto unsuccessful = read_one(s, failed);
  CHECK_FALSE(unsuccessful.is_successful);
  CHECK_FALSE(unsuccessful.successor);
  CHECK(unsuccessful.all_errors.empty());
  CHECK(text(s,
             "SELECT CONCAT(successor_hostname, '/', successor_port) FROM topology_recovery "
             "WHERE recovery_id = " +
                 std::to_string(failed)) == "/0");
}

// ------------------------------------------------------------------------------ acks

TEST_CASE("acknowledgements by id, uid, instance, cluster, alias and all") {
  auto& s = clean_backend();
  auto by_id = registered(s, db1, "c1", "uid-1");
  registered(s, db2, "c2", "uid-2");
  registered(s, db3, "c3", "uid-3");

  RecoveryScope id_scope;
  id_scope.id = by_id;
  CHECK(acknowledge_recoveries(s, id_scope, "alice", "by id, caf\xc3\xa9") == 1);
  CHECK(acknowledge_recoveries(s, id_scope, "bob", "again") == 0);  // only unacknowledged
  auto row = read_one(s, by_id);
  CHECK(row.acknowledged);
  CHECK_FALSE(row.in_active_period);
  CHECK(row.end_active_period_unixtime > 0);
  CHECK(row.acknowledged_by == "alice");
  CHECK(row.acknowledge_comment == "by id, caf\xc3\xa9");
  CHECK(row.acknowledged_at.size() == 19);

  RecoveryScope uid_scope;
  uid_scope.uid = "uid-2";
  CHECK(acknowledge_recoveries(s, uid_scope, "alice", "by uid") == 1);
  CHECK(read_recoveries(s, scope_of(db2), false, 10, 0)[0].acknowledged);

  RecoveryScope cluster_scope;
  cluster_scope.cluster_name = "c3";
  CHECK(acknowledge_recoveries(s, cluster_scope, "alice", "by cluster") == 1);

  // After a failover the cluster is renamed; its alias still reaches the old recovery.
  auto renamed = registered(s, db1, "old-name", "uid-4");
  s << "INSERT INTO cluster_alias (cluster_name, alias, last_registered) VALUES "
       "('new-name', 'alias-old-name', NOW())";
  auto whole = cluster_recovery_scope(s, "new-name");
  CHECK(whole.cluster_alias == std::string("alias-old-name"));
  CHECK(acknowledge_recoveries(s, whole, "alice", "by alias") == 1);
  CHECK(read_one(s, renamed).acknowledged);

  registered(s, db1, "c1", "uid-5");
  registered(s, db2, "c2", "uid-6");
  CHECK(acknowledge_recoveries(s, RecoveryScope{}, "alice", "all") == 2);
  CHECK(count(s, "SELECT COUNT(*) FROM topology_recovery WHERE acknowledged = 0") == 0);
  CHECK(count(s, "SELECT COUNT(*) FROM topology_recovery WHERE in_active_period = 1") == 0);
  // Every closing got its own end_active_period_unixtime per instance (no key collision).
  CHECK(count(s, "SELECT COUNT(*) FROM topology_recovery") == 6);
}

TEST_CASE("acknowledging also ends the failure detections of what it acknowledges") {
  auto& s = clean_backend();
  auto detect = [&s](const InstanceKey& key, const std::string& cluster) {
    DetectionRecord d;
    d.key = key;
    d.analysis = "DeadMaster";
    d.cluster_name = cluster;
    d.is_actionable = true;
    d.node = node_a;
    REQUIRE(register_failure_detection(s, d));
  };
  auto active_detections = [&s] {
    return count(s, "SELECT COUNT(*) FROM topology_failure_detection WHERE in_active_period = 1");
  };
  detect(db1, "c1");
  detect(db2, "c2");
  detect(db3, "c3");
  auto id = registered(s, db1, "c1", "uid-1");
  RecoveryScope by_id;
  by_id.id = id;
  CHECK(acknowledge_recoveries(s, by_id, "alice", "x") == 1);
  CHECK(active_detections() == 2);  // db1's detection ended
  CHECK(acknowledge_recoveries(s, scope_of(db2), "alice", "no recovery, still clears") == 0);
  CHECK(active_detections() == 1);
  CHECK(acknowledge_recoveries(s, RecoveryScope{}, "alice", "all") == 0);
  CHECK(active_detections() == 0);
}

TEST_CASE("a manual recovery acknowledges only the finished recoveries of its instance") {
  auto& s = clean_backend();
  auto running = registered(s, db1, "c1", "uid-1");
  CHECK(acknowledge_finished_recoveries(s, db1, "orchestrator", "implicit") == 0);
  RecoveryResolution res;
  res.recovery_id = running;
  resolve_recovery(s, res);
  auto other = registered(s, db2, "c1", "uid-2");
  CHECK(acknowledge_finished_recoveries(s, db1, "orchestrator", "implicit") == 1);
  CHECK(read_one(s, running).acknowledged);
  CHECK_FALSE(read_one(s, other).acknowledged);
  registered(s, db1, "c1", "uid-3");  // the lock is free again
}

TEST_CASE("recoveries of a node that stopped reporting health are acknowledged as crashed") {
  auto& s = clean_backend();
  register_node(s, node_a, 0);  // alive
  auto alive = registered(s, db1, "c1", "uid-1");
  auto stale_reg = registration(db2, "c2", "uid-2");
  stale_reg.node = node_b;
  register_node(s, node_b, 30);  // last seen 30 s ago
  auto stale = register_recovery(s, stale_reg);
  auto gone_reg = registration(db3, "c3", "uid-3");
  gone_reg.node = {"orc-gone", std::string(64, 'c')};  // no node_health row at all
  auto gone = register_recovery(s, gone_reg);
  REQUIRE((stale && gone));
  auto finished_reg = registration({"db-4.test", 3306}, "c4", "uid-4");
  finished_reg.node = node_b;
  auto finished = register_recovery(s, finished_reg);
  REQUIRE(finished);
  RecoveryResolution res;
  res.recovery_id = *finished;
  resolve_recovery(s, res);  // ended normally: not a crash

  CHECK(acknowledge_crashed_recoveries(s, 10) == 2);
  CHECK_FALSE(read_one(s, alive).acknowledged);
  CHECK_FALSE(read_one(s, *finished).acknowledged);
  for (auto id : {*stale, *gone}) {
    auto row = read_one(s, id);
    CHECK(row.acknowledged);
    CHECK_FALSE(row.in_active_period);
    CHECK(row.acknowledged_by == "orchestrator");
    CHECK(row.acknowledge_comment == "detected crashed recovery");
    CHECK_FALSE(row.end_recovery.empty());
  }
  CHECK(acknowledge_crashed_recoveries(s, 10) == 0);
  CHECK(acknowledge_crashed_recoveries(s, 60) == 0);  // node_b within 60 s, but nothing left
}

// ------------------------------------------------------------------------------ reads

TEST_CASE("recoveries read newest first, paged, by activity, cluster, alias and recency") {
  auto& s = clean_backend();
  auto r1 = registered(s, db1, "c1", "uid-1");
  auto r2 = registered(s, db2, "c1", "uid-2");
  auto r3 = registered(s, db3, "c3", "uid-3");
  auto all = read_recoveries(s, RecoveryScope{}, false, 50, 0);
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == r3);
  CHECK(all[2].id == r1);
  auto page = read_recoveries(s, RecoveryScope{}, false, 1, 1);
  REQUIRE(page.size() == 1);
  CHECK(page[0].id == r2);

  RecoveryScope c1;
  c1.cluster_name = "c1";
  CHECK(read_recoveries(s, c1, false, 50, 0).size() == 2);
  RecoveryScope alias;
  alias.cluster_alias = "alias-c3";
  auto by_alias = read_recoveries(s, alias, false, 50, 0);
  REQUIRE(by_alias.size() == 1);
  CHECK(by_alias[0].id == r3);
  RecoveryScope empty_alias;
  empty_alias.cluster_alias = "";
  CHECK(read_recoveries(s, empty_alias, false, 50, 0).empty());

  RecoveryScope one;
  one.id = r1;
  CHECK(acknowledge_recoveries(s, one, "alice", "x") == 1);
  CHECK(read_recoveries(s, RecoveryScope{}, true, 50, 0).size() == 2);
  RecoveryScope unacked;
  unacked.unacknowledged_only = true;
  CHECK(read_recoveries(s, unacked, false, 50, 0).size() == 2);

  CHECK(read_active_cluster_recoveries(s, "c1").size() == 1);  // r2 (r1 acknowledged)
  RecoveryResolution res;
  res.recovery_id = r2;
  res.successor = db1;
  res.is_successful = true;
  resolve_recovery(s, res);
  CHECK(read_active_cluster_recoveries(s, "c1").empty());  // ended
  auto recent = read_recently_active_cluster_recoveries(s, "c1");
  REQUIRE(recent.size() == 1);
  CHECK(recent[0].id == r2);
  REQUIRE(read_recently_active_instance_recoveries(s, db1).size() == 1);
  CHECK(read_recently_active_instance_recoveries(s, db2).empty());
  s << "UPDATE topology_recovery SET end_recovery = NOW() - INTERVAL 6 MINUTE";
  CHECK(read_recently_active_cluster_recoveries(s, "c1").empty());
  CHECK(read_recently_active_instance_recoveries(s, db1).empty());
}

// ------------------------------------------------------------------------------ switch

TEST_CASE("global recoveries can be disabled and enabled, idempotently") {
  auto& s = clean_backend();
  CHECK_FALSE(is_global_recovery_disabled(s));
  set_global_recovery_disabled(s, true);
  set_global_recovery_disabled(s, true);
  CHECK(is_global_recovery_disabled(s));
  CHECK(count(s, "SELECT COUNT(*) FROM global_recovery_disable") == 1);
  set_global_recovery_disabled(s, false);
  set_global_recovery_disabled(s, false);
  CHECK_FALSE(is_global_recovery_disabled(s));
}

// ------------------------------------------------------------------------------ candidates

TEST_CASE("candidates register with a valid rule, refuse others and expire") {
  auto& s = clean_backend();
  s << "INSERT IGNORE INTO database_instance (hostname, port, cluster_name, last_seen, "
       "last_checked) VALUES ('db-1.test', 3306, 'db-1.test:3306', NOW(), NOW())";
  register_candidate(s, db1, "prefer_not");
  register_candidate(s, db1, "prefer");  // replaces
  register_candidate(s, db2, "must_not");
  CHECK(count(s, "SELECT COUNT(*) FROM candidate_database_instance") == 2);
  CHECK(text(s,
             "SELECT promotion_rule FROM candidate_database_instance WHERE hostname = "
             "'db-1.test'") == "prefer");
  auto inst = read_instance(s, db1);
  REQUIRE(inst);
  CHECK(inst->promotion_rule == "prefer");
  CHECK(inst->is_candidate);

  try {
    register_candidate(s, db3, "must");
    FAIL("must was accepted");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("not supported yet") != std::string::npos);
  }
  try {
    register_candidate(s, db3, "Prefer");
    FAIL("Prefer was accepted");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("prefer, neutral, prefer_not, must_not") != std::string::npos);
  }
  CHECK(count(s,
              "SELECT COUNT(*) FROM candidate_database_instance WHERE hostname = "
              "'db-3.test'") == 0);

  CHECK(expire_candidates(s, 60) == 0);
  s << "UPDATE candidate_database_instance SET last_suggested = NOW() - INTERVAL 61 MINUTE "
       "WHERE hostname = 'db-2.test'";
  CHECK(expire_candidates(s, 60) == 1);
  CHECK(count(s, "SELECT COUNT(*) FROM candidate_database_instance") == 1);
}
