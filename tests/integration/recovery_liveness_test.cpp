// The liveness of running recoveries in the backend: a recovery row carries its own heartbeat
// (last_heartbeat, refreshed by whoever runs it), and the leader's crash detection judges a row
// by that heartbeat, falling back to node_health only for rows without one (upstream binaries).

#include <doctest/doctest.h>
#include <soci/soci.h>

#include <string>

#include "storage/recovery_dao.hpp"
#include "storage/schema_deploy.hpp"
#include "tests/integration/deployed_backend.hpp"

using orc::model::InstanceKey;
using orc::model::NodeIdentity;
using namespace orc::storage;

namespace {

soci::session& clean_backend() {
  static orc::test::DeployedBackend backend("recovery-liveness-test");
  auto& s = *backend.session;
  for (const char* table : {"topology_recovery", "topology_recovery_steps", "node_health"})
    s << std::string("DELETE FROM ") + table;
  return s;
}

const NodeIdentity cli_node{"orc-cli", std::string(64, 'c')};
const NodeIdentity http_node{"orc-http", std::string(64, 'h')};
const InstanceKey db1{"db-1.test", 3306}, db2{"db-2.test", 3306};

/// A recovery of `key` by `node`, with a heartbeat (as execute_recovery registers it) or not.
int64_t running(soci::session& s, const InstanceKey& key, const NodeIdentity& node,
                bool heartbeat = true) {
  RecoveryRegistration r;
  r.failed = key;
  r.analysis = "DeadMaster";
  r.cluster_name = key.str();
  r.cluster_alias = key.str();
  r.node = node;
  r.uid = "uid-" + key.str();
  r.heartbeat = heartbeat;
  auto id = register_recovery(s, r);
  REQUIRE(id);
  return *id;
}

void age_heartbeat(soci::session& s, int64_t id, int seconds) {
  const long long rid = id;
  s << "UPDATE topology_recovery SET last_heartbeat = NOW(3) - INTERVAL " +
           std::to_string(seconds) + " SECOND WHERE recovery_id = :id",
      soci::use(rid);
}

void node_seen(soci::session& s, const NodeIdentity& n, int seconds_ago) {
  s << "REPLACE INTO node_health (hostname, token, last_seen_active, extra_info, command) "
       "VALUES (:h, :t, NOW() - INTERVAL " +
           std::to_string(seconds_ago) + " SECOND, 'HttpMode', '')",
      soci::use(n.hostname), soci::use(n.token);
}

TopologyRecoveryRow row(soci::session& s, int64_t id) {
  RecoveryScope scope;
  scope.id = id;
  auto rows = read_recoveries(s, scope, false, 1, 0);
  REQUIRE(rows.size() == 1);
  return rows[0];
}

std::string column_type(soci::session& s, const std::string& column) {
  std::string type;
  soci::indicator ind = soci::i_null;
  s << "SELECT CONCAT(column_type, ' ', is_nullable) FROM information_schema.columns WHERE "
       "table_schema = DATABASE() AND table_name = 'topology_recovery' AND column_name = :c",
      soci::into(type, ind), soci::use(column);
  return s.got_data() && ind == soci::i_ok ? type : "";
}

}  // namespace

TEST_CASE("a recovery with a fresh heartbeat is alive though its process reports no health") {
  auto& s = clean_backend();
  // A CLI process (or a node whose node_health lags) runs a long hook: only the row beats.
  auto id = running(s, db1, cli_node);
  CHECK(acknowledge_crashed_recoveries(s, 10) == 0);
  CHECK_FALSE(row(s, id).acknowledged);
  CHECK(row(s, id).end_recovery.empty());
}

TEST_CASE("a recovery whose heartbeat stopped is acknowledged as crashed, its node alive or not") {
  auto& s = clean_backend();
  node_seen(s, http_node, 0);  // the node still reports health: its recovery thread died
  auto stopped = running(s, db1, http_node);
  auto beating = running(s, db2, cli_node);
  age_heartbeat(s, stopped, 30);
  age_heartbeat(s, beating, 3);  // a beat a little late is not a crash

  CHECK(acknowledge_crashed_recoveries(s, 10) == 1);
  auto crashed = row(s, stopped);
  CHECK(crashed.acknowledged);
  CHECK_FALSE(crashed.in_active_period);
  CHECK(crashed.acknowledged_by == "orchestrator");
  CHECK(crashed.acknowledge_comment == "detected crashed recovery");
  CHECK_FALSE(crashed.end_recovery.empty());
  CHECK_FALSE(row(s, beating).acknowledged);
  // The lock is free again: the failure can be recovered anew.
  CHECK(register_recovery(s, [&] {
    RecoveryRegistration r;
    r.failed = db1;
    r.analysis = "DeadMaster";
    r.node = http_node;
    r.uid = "uid-again";
    r.heartbeat = true;
    return r;
  }()));
}

TEST_CASE("a beat revives a late recovery, and never touches a resolved one") {
  auto& s = clean_backend();
  auto late = running(s, db1, cli_node);
  age_heartbeat(s, late, 30);
  heartbeat_recovery(s, late);
  CHECK(acknowledge_crashed_recoveries(s, 10) == 0);

  auto done = running(s, db2, cli_node);
  RecoveryResolution res;
  res.recovery_id = done;
  resolve_recovery(s, res);
  age_heartbeat(s, done, 30);
  heartbeat_recovery(s, done);
  long long age = -1;
  const long long id = done;
  s << "SELECT TIMESTAMPDIFF(SECOND, last_heartbeat, NOW(3)) FROM topology_recovery WHERE "
       "recovery_id = :id",
      soci::into(age), soci::use(id);
  CHECK(age >= 29);
  CHECK(acknowledge_crashed_recoveries(s, 10) == 0);  // ended normally: never a crash
}

TEST_CASE("rows without a heartbeat are judged by their node's health, as upstream's") {
  auto& s = clean_backend();
  node_seen(s, http_node, 0);
  auto alive = running(s, db1, http_node, false);
  auto orphan = running(s, db2, cli_node, false);  // no node_health row at all
  CHECK(acknowledge_crashed_recoveries(s, 10) == 1);
  CHECK_FALSE(row(s, alive).acknowledged);
  CHECK(row(s, orphan).acknowledged);
}

TEST_CASE("topology_recovery has the heartbeat column after a fresh deploy and an upgrade") {
  auto& s = clean_backend();
  CHECK(column_type(s, "last_heartbeat") == "timestamp(3) YES");
  s << "ALTER TABLE topology_recovery DROP COLUMN last_heartbeat";
  CHECK(column_type(s, "last_heartbeat").empty());
  deploy_schema(s, "recovery-liveness-upgrade", false);
  CHECK(column_type(s, "last_heartbeat") == "timestamp(3) YES");
}
