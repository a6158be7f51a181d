// Maintenance locks, downtime and failure-detection registration against a real MariaDB
// backend, including racing sessions, plus the HTTP routes served from a real storage actor.

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <soci/soci.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "actors/storage_actor.hpp"
#include "http/routes_maintenance.hpp"
#include "orchestrator_node.hpp"
#include "sandbox.hpp"
#include "storage/backend.hpp"
#include "storage/downtime_dao.hpp"
#include "storage/failure_detection_dao.hpp"
#include "storage/maintenance_dao.hpp"
#include "storage/schema_deploy.hpp"

using orc::model::InstanceKey;
using orc::model::NodeIdentity;
using namespace orc::storage;

namespace {

struct Backend {
  orc::test::Sandbox sandbox = orc::test::Sandbox::backend();
  MysqlEndpoint endpoint;
  std::unique_ptr<soci::session> session;
  Backend() {
    endpoint.host = "127.0.0.1";
    endpoint.port = sandbox.port();
    endpoint.user = "orc_backend";
    endpoint.password = "orc_backend_pass";
    endpoint.database = "orchestrator";
    session = open_session(endpoint);
    deploy_schema(*session, "maintenance-test", false);
  }
};

Backend& backend() {
  static Backend b;
  return b;
}

/// The shared session with every table this file touches emptied.
soci::session& clean_backend() {
  auto& s = *backend().session;
  for (const char* table :
       {"database_instance_maintenance", "database_instance_downtime", "topology_failure_detection",
        "topology_recovery", "node_health", "database_instance"})
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

void register_node(soci::session& s, const NodeIdentity& n, int seconds_ago) {
  s << "REPLACE INTO node_health (hostname, token, last_seen_active, extra_info, command) "
       "VALUES (:h, :t, NOW() - INTERVAL " +
           std::to_string(seconds_ago) + " SECOND, 'HttpMode', '')",
      soci::use(n.hostname), soci::use(n.token);
}

/// A minimal database_instance row (INSERT IGNORE fills the other NOT NULL columns, S12).
void add_instance(soci::session& s, const InstanceKey& k, const std::string& cluster) {
  s << "INSERT IGNORE INTO database_instance (hostname, port, cluster_name, last_seen, "
       "last_checked) VALUES (:h, :p, :c, NOW(), NOW())",
      soci::use(k.hostname), soci::use(k.port), soci::use(cluster);
}

DetectionRecord detection(const InstanceKey& k, bool actionable = true) {
  DetectionRecord d;
  d.key = k;
  d.analysis = "DeadMaster";
  d.cluster_name = k.str();
  d.cluster_alias = "alias-" + k.hostname;
  d.count_replicas = 2;
  d.replicas = {{"r1.test", 3306}, {"r2.test", 3307}};
  d.is_actionable = actionable;
  d.node = node_a;
  return d;
}

}  // namespace

// ---------------------------------------------------------------------------- maintenance

TEST_CASE("a maintenance lock is acquired once and a second attempt learns who holds it") {
  auto& s = clean_backend();
  auto first = begin_maintenance(s, db1, "alice", "disk swap", 600, node_a, true);
  REQUIRE(first.acquired);
  CHECK(first.token > 0);
  CHECK(first.refusal_message(db1).empty());

  auto second = begin_maintenance(s, db1, "bob", "upgrade", 600, node_b, true);
  CHECK_FALSE(second.acquired);
  REQUIRE(second.holder);
  CHECK(second.holder->id == first.token);
  CHECK(second.holder->owner == "alice");
  CHECK(second.holder->reason == "disk swap");
  CHECK(second.holder->processing_node_hostname == "orc-a");
  CHECK(second.holder->explicitly_bounded);
  auto message = second.refusal_message(db1);
  CHECK(message.find("held by alice (node orc-a) since ") != std::string::npos);
  CHECK(message.find(second.holder->begin_timestamp + " until " + second.holder->end_timestamp +
                     ": disk swap") != std::string::npos);

  // Another instance is not affected, and the lock is visible as in force.
  CHECK(begin_maintenance(s, db2, "bob", "upgrade", 600, node_b, true).acquired);
  auto active = active_maintenance(s, db1);
  REQUIRE(active);
  CHECK(active->owner == "alice");
  CHECK(count(s,
              "SELECT TIMESTAMPDIFF(SECOND, begin_timestamp, end_timestamp) FROM "
              "database_instance_maintenance WHERE database_instance_maintenance_id = " +
                  std::to_string(first.token)) == 600);
}

TEST_CASE("ending maintenance by key or by token releases the lock and keeps history") {
  auto& s = clean_backend();
  auto lock = begin_maintenance(s, db1, "alice", "first", 60, node_a, true);
  REQUIRE(lock.acquired);
  CHECK(end_maintenance(s, db1));
  CHECK_FALSE(end_maintenance(s, db1));  // nothing active any more
  CHECK_FALSE(active_maintenance(s, db1));

  auto again = begin_maintenance(s, db1, "bob", "second", 60, node_b, true);
  REQUIRE(again.acquired);
  CHECK(again.token != lock.token);
  CHECK(end_maintenance_by_id(s, again.token));
  CHECK_FALSE(end_maintenance_by_id(s, again.token));
  CHECK_FALSE(end_maintenance_by_id(s, 999999));
  CHECK(count(s,
              "SELECT COUNT(*) FROM database_instance_maintenance WHERE maintenance_active IS "
              "NULL") == 2);
  CHECK(read_active_maintenance(s).empty());
}

TEST_CASE("an expired maintenance lock does not block a new one") {
  auto& s = clean_backend();
  auto old = begin_maintenance(s, db1, "alice", "forgotten", 60, node_a, true);
  REQUIRE(old.acquired);
  s << "UPDATE database_instance_maintenance SET end_timestamp = NOW() - INTERVAL 1 SECOND";
  CHECK_FALSE(active_maintenance(s, db1));  // expired: no longer "in maintenance"

  auto fresh = begin_maintenance(s, db1, "bob", "new work", 60, node_b, true);
  REQUIRE(fresh.acquired);
  auto active = read_active_maintenance(s);
  REQUIRE(active.size() == 1);
  CHECK(active[0].owner == "bob");
  CHECK(active[0].active);
}

TEST_CASE("racing sessions on one instance: exactly one takes the lock each round") {
  clean_backend();
  constexpr int kThreads = 8, kRounds = 60;
  std::vector<std::unique_ptr<soci::session>> sessions;
  for (int i = 0; i < kThreads; ++i) sessions.push_back(open_session(backend().endpoint));
  auto& s = *backend().session;
  for (int round = 0; round < kRounds; ++round) {
    // Every other round starts from an expired lock, so the racers also race on removing it:
    // there InnoDB picks deadlock victims among them, which begin_maintenance must retry.
    if (round % 2 == 1) {
      REQUIRE(begin_maintenance(s, db3, "old", "expired", 60, node_a, true).acquired);
      s << "UPDATE database_instance_maintenance SET end_timestamp = NOW() - INTERVAL 5 SECOND "
           "WHERE maintenance_active = 1";
    }
    std::atomic<int> winners{0}, errors{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        while (!go) std::this_thread::yield();
        try {
          NodeIdentity me{"racer-" + std::to_string(i), std::string(64, 'c')};
          auto r = begin_maintenance(*sessions[i], db3, me.hostname, "race", 60, me, true);
          if (r.acquired)
            ++winners;
          else if (!r.holder)
            ++errors;  // a refusal must name the holder
        } catch (const std::exception&) {
          ++errors;
        }
      });
    }
    go = true;
    for (auto& t : threads) t.join();
    CHECK(winners == 1);
    CHECK(errors == 0);
    CHECK(count(s,
                "SELECT COUNT(*) FROM database_instance_maintenance WHERE "
                "maintenance_active = 1") == 1);
    REQUIRE(end_maintenance(s, db3));
  }
}

TEST_CASE("maintenance expiry removes overdue locks, old history and locks of dead nodes") {
  auto& s = clean_backend();
  register_node(s, node_a, 0);
  // db1: unbounded lock of a live node; db2: unbounded lock of a node never seen.
  REQUIRE(begin_maintenance(s, db1, "op", "relocate", 600, node_a, false).acquired);
  REQUIRE(begin_maintenance(s, db2, "op", "relocate", 600, node_b, false).acquired);
  // db3: bounded lock of the unseen node stays until its end.
  REQUIRE(begin_maintenance(s, db3, "alice", "bounded", 600, node_b, true).acquired);
  CHECK(expire_maintenance(s) == 1);
  CHECK(active_maintenance(s, db1));
  CHECK_FALSE(active_maintenance(s, db2));
  CHECK(active_maintenance(s, db3));

  // Node A stops reporting: its unbounded lock goes too.
  register_node(s, node_a, 10);
  CHECK(expire_maintenance(s) == 1);
  CHECK_FALSE(active_maintenance(s, db1));

  // Overdue bounded lock, plus history rows 8 and 6 days old.
  s << "UPDATE database_instance_maintenance SET end_timestamp = NOW() - INTERVAL 1 SECOND "
       "WHERE maintenance_active = 1";
  REQUIRE(begin_maintenance(s, db1, "h", "old", 60, node_a, true).acquired);
  REQUIRE(end_maintenance(s, db1));
  REQUIRE(begin_maintenance(s, db2, "h", "recent", 60, node_a, true).acquired);
  REQUIRE(end_maintenance(s, db2));
  s << "UPDATE database_instance_maintenance SET end_timestamp = NOW() - INTERVAL 8 DAY WHERE "
       "reason = 'old'";
  s << "UPDATE database_instance_maintenance SET end_timestamp = NOW() - INTERVAL 6 DAY WHERE "
       "reason = 'recent'";
  CHECK(expire_maintenance(s) == 2);
  CHECK(count(s, "SELECT COUNT(*) FROM database_instance_maintenance WHERE reason = 'recent'") ==
        1);
  CHECK(count(s,
              "SELECT COUNT(*) FROM database_instance_maintenance WHERE maintenance_active = "
              "1") == 0);
}

TEST_CASE("a default duration applies when none is given and huge ones are clamped to 2038") {
  auto& s = clean_backend();
  REQUIRE(begin_maintenance(s, db1, "a", "default", 0, node_a, true).acquired);
  CHECK(count(s,
              "SELECT TIMESTAMPDIFF(SECOND, begin_timestamp, end_timestamp) FROM "
              "database_instance_maintenance") == kDefaultMaintenanceSeconds);
  REQUIRE(begin_maintenance(s, db2, "a", "forever", 60 * 365 * 86400, node_a, true).acquired);
  auto lock = active_maintenance(s, db2);
  REQUIRE(lock);
  CHECK(count(s,
              "SELECT UNIX_TIMESTAMP(end_timestamp) FROM database_instance_maintenance WHERE "
              "hostname = 'db-2.test'") == 2147483647LL);
}

// ---------------------------------------------------------------------------- downtime

TEST_CASE("downtime begins, is replaced by a new begin and ends") {
  auto& s = clean_backend();
  CHECK_FALSE(is_downtimed(s, db1));
  begin_downtime(s, db1, "alice", "kernel upgrade", 3600);
  CHECK(is_downtimed(s, db1));
  CHECK_FALSE(is_downtimed(s, db2));
  auto rows = read_downtimed(s);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].key == db1);
  CHECK(rows[0].owner == "alice");
  CHECK(rows[0].reason == "kernel upgrade");
  CHECK(rows[0].seconds_remaining > 3590);
  CHECK(rows[0].seconds_remaining <= 3600);

  begin_downtime(s, db1, "bob", "longer", 7200);
  rows = read_downtimed(s);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].owner == "bob");
  CHECK(rows[0].seconds_remaining > 7190);

  CHECK(end_downtime(s, db1));
  CHECK_FALSE(end_downtime(s, db1));
  CHECK_FALSE(is_downtimed(s, db1));
  CHECK(read_downtimed(s).empty());
}

TEST_CASE("an overdue downtime stops counting at once and expiry deletes it") {
  auto& s = clean_backend();
  begin_downtime(s, db1, "alice", "short", 60);
  begin_downtime(s, db2, "alice", "long", 600);
  s << "UPDATE database_instance_downtime SET end_timestamp = NOW() - INTERVAL 1 SECOND WHERE "
       "hostname = 'db-1.test'";
  CHECK_FALSE(is_downtimed(s, db1));
  CHECK(read_downtimed(s).size() == 1);
  CHECK(expire_downtime(s) == 1);
  CHECK(expire_downtime(s) == 0);
  CHECK(is_downtimed(s, db2));
  begin_downtime(s, db3, "alice", "default", 0);
  CHECK(count(s,
              "SELECT TIMESTAMPDIFF(SECOND, begin_timestamp, end_timestamp) FROM "
              "database_instance_downtime WHERE hostname = 'db-3.test'") ==
        kDefaultDowntimeSeconds);
}

TEST_CASE("downtimed instances can be filtered by cluster") {
  auto& s = clean_backend();
  add_instance(s, db1, "db-1.test:3306");
  add_instance(s, db2, "db-1.test:3306");
  add_instance(s, db3, "db-3.test:3307");
  begin_downtime(s, db2, "a", "r", 600);
  begin_downtime(s, db3, "a", "r", 600);
  begin_downtime(s, {"unknown.test", 3306}, "a", "r", 600);
  auto in_cluster = read_downtimed(s, std::string("db-1.test:3306"));
  REQUIRE(in_cluster.size() == 1);
  CHECK(in_cluster[0].key == db2);
  CHECK(read_downtimed(s, std::string("db-3.test:3307")).size() == 1);
  CHECK(read_downtimed(s, std::string("nope:1")).empty());
  CHECK(read_downtimed(s).size() == 3);
}

// ---------------------------------------------------------------------------- detection

TEST_CASE("a failure detection registers once per active period") {
  auto& s = clean_backend();
  auto first = register_failure_detection(s, detection(db1));
  REQUIRE(first);
  CHECK_FALSE(register_failure_detection(s, detection(db1)));         // deduped
  auto other = register_failure_detection(s, detection(db1, false));  // not actionable: own key
  REQUIRE(other);
  CHECK(*other != *first);
  CHECK(register_failure_detection(s, detection(db2)));

  auto row = read_failure_detection(s, *first);
  REQUIRE(row);
  CHECK(row->key == db1);
  CHECK(row->in_active_period);
  CHECK(row->end_active_period_unixtime == 0);
  CHECK(row->analysis == "DeadMaster");
  CHECK(row->cluster_alias == "alias-db-1.test");
  CHECK(row->count_affected_slaves == 2);
  CHECK(row->slave_hosts == std::vector<InstanceKey>{{"r1.test", 3306}, {"r2.test", 3307}});
  CHECK(row->processing_node_hostname == "orc-a");
  CHECK(row->processing_node_token == node_a.token);
  CHECK(row->is_actionable);
  CHECK(count(s,
              "SELECT slave_hosts = 'r1.test:3306,r2.test:3307' FROM "
              "topology_failure_detection WHERE detection_id = " +
                  std::to_string(*first)) == 1);
}

TEST_CASE("after its active period is cleared an instance can be detected again") {
  auto& s = clean_backend();
  auto first = register_failure_detection(s, detection(db1));
  REQUIRE(first);
  CHECK(clear_expired_failure_detections(s, 60) == 0);  // too recent
  s << "UPDATE topology_failure_detection SET start_active_period = NOW() - INTERVAL 61 MINUTE";
  CHECK(clear_expired_failure_detections(s, 60) == 1);
  auto cleared = read_failure_detection(s, *first);
  REQUIRE(cleared);
  CHECK_FALSE(cleared->in_active_period);
  CHECK(cleared->end_active_period_unixtime > 0);
  auto second = register_failure_detection(s, detection(db1));
  REQUIRE(second);
  CHECK(*second > *first);
}

TEST_CASE("acknowledging detections clears them by instance, cluster or all, repeatedly") {
  auto& s = clean_backend();
  // Two detect/acknowledge cycles of one instance within a second must not collide on the
  // unique key (upstream's constant end_active_period_unixtime does).
  for (int i = 0; i < 3; ++i) {
    REQUIRE(register_failure_detection(s, detection(db1)));
    CHECK(acknowledge_failure_detections(s, DetectionScope::instance(db1)) == 1);
  }
  CHECK(count(s,
              "SELECT COUNT(DISTINCT end_active_period_unixtime) FROM "
              "topology_failure_detection") == 3);

  REQUIRE(register_failure_detection(s, detection(db1)));
  REQUIRE(register_failure_detection(s, detection(db2)));
  REQUIRE(register_failure_detection(s, detection(db3)));
  CHECK(acknowledge_failure_detections(s, DetectionScope::cluster(db2.str())) == 1);
  CHECK(acknowledge_failure_detections(s, DetectionScope::instance(db2)) == 0);
  CHECK(acknowledge_failure_detections(s, DetectionScope::all()) == 2);
  CHECK(count(s, "SELECT COUNT(*) FROM topology_failure_detection WHERE in_active_period = 1") ==
        0);
}

TEST_CASE("failure detections read newest first, paged and filtered by cluster") {
  auto& s = clean_backend();
  auto d1 = register_failure_detection(s, detection(db1));
  auto d2 = register_failure_detection(s, detection(db2));
  auto d3 = register_failure_detection(s, detection(db3));
  REQUIRE((d1 && d2 && d3));
  s << "INSERT IGNORE INTO topology_recovery (hostname, port, last_detection_id, uid, analysis, "
       "cluster_name, cluster_alias, count_affected_slaves, slave_hosts, processing_node_hostname, "
       "processcing_node_token) VALUES ('db-2.test', 3306, :d, 'uid-1', 'DeadMaster', "
       "'db-2.test:3306', '', 0, '', 'orc-a', 't')",
      soci::use(static_cast<long long>(*d2));
  auto all = read_failure_detections(s, 10, 0);
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == *d3);
  CHECK(all[2].id == *d1);
  CHECK(all[1].related_recovery_id > 0);
  CHECK(all[0].related_recovery_id == 0);
  auto page = read_failure_detections(s, 1, 1);
  REQUIRE(page.size() == 1);
  CHECK(page[0].id == *d2);
  auto by_name = read_failure_detections(s, 10, 0, db3.str());
  REQUIRE(by_name.size() == 1);
  CHECK(by_name[0].key == db3);
  auto by_alias = read_failure_detections(s, 10, 0, std::string("alias-db-1.test"));
  REQUIRE(by_alias.size() == 1);
  CHECK(by_alias[0].key == db1);
  CHECK_FALSE(read_failure_detection(s, 999999));
}

// ---------------------------------------------------------------------------- HTTP routes

namespace {

/// register_maintenance_routes served by a real storage actor and httplib server.
struct RoutesFixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  orc::http::ApiContext ctx;
  httplib::Server server;
  std::thread thread;
  int port = 0;

  RoutesFixture() {
    cfg.set("scheduler.max-threads", 2);
    cfg.set("logger.console", caf::atom("none"));
    system = std::make_unique<caf::actor_system>(cfg);
    orc::actors::StorageSettings settings;
    settings.endpoint = backend().endpoint;
    settings.snapshots = std::make_shared<orc::actors::SnapshotStore>();
    ctx.system = system.get();
    ctx.storage = orc::actors::spawn_storage(*system, settings);
    ctx.snapshots = settings.snapshots;
    ctx.config = std::make_shared<const orc::model::Config>();
    orc::http::Router router(&server, "");
    orc::http::register_maintenance_routes(router, ctx, "/api", node_a);
    port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~RoutesFixture() {
    server.stop();
    thread.join();
    caf::anon_send_exit(ctx.storage, caf::exit_reason::user_shutdown);
  }

  rapidjson::Document get(const std::string& path, int* status = nullptr) {
    auto reply = orc::test::http_get(port, path, 5000);
    if (status) *status = reply.status;
    rapidjson::Document doc;
    doc.Parse(reply.body.c_str());
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
  }
};

std::string code(const rapidjson::Document& d) {
  return d["Code"].GetString();
}
std::string message(const rapidjson::Document& d) {
  return d["Message"].GetString();
}

}  // namespace

TEST_CASE("the maintenance API takes, reports, refuses and releases the lock") {
  auto& s = clean_backend();
  RoutesFixture api;
  int status = 0;
  auto begun = api.get("/api/begin-maintenance/db-1.test/3306/alice/disk%20swap", &status);
  CHECK(status == 200);
  CHECK(code(begun) == "OK");
  CHECK(std::string(begun["Details"]["Hostname"].GetString()) == "db-1.test");
  CHECK(begun["Details"]["Port"].GetInt() == 3306);
  auto lock = active_maintenance(s, db1);
  REQUIRE(lock);
  CHECK(lock->reason == "disk swap");
  CHECK(lock->processing_node_token == node_a.token);

  auto refused = api.get("/api/begin-maintenance/db-1.test/3306/bob/other", &status);
  CHECK(status == 500);
  CHECK(code(refused) == "ERROR");
  CHECK(message(refused).find("held by alice (node orc-a) since") != std::string::npos);

  auto in = api.get("/api/in-maintenance/db-1.test/3306");
  CHECK(code(in) == "OK");
  CHECK(in["Details"].GetBool());
  CHECK(message(in) == "db-1.test:3306");
  auto out = api.get("/api/in-maintenance/db-2.test/3306");
  CHECK_FALSE(out["Details"].GetBool());

  auto list = api.get("/api/maintenance");
  REQUIRE(list.IsArray());
  REQUIRE(list.Size() == 1);
  CHECK(list[0]["MaintenanceId"].GetInt64() == lock->id);
  CHECK(std::string(list[0]["Key"]["Hostname"].GetString()) == "db-1.test");
  CHECK(list[0]["IsActive"].GetBool());
  CHECK(std::string(list[0]["Owner"].GetString()) == "alice");
  CHECK(std::string(list[0]["Reason"].GetString()) == "disk swap");
  CHECK(list[0]["SecondsElapsed"].GetInt64() >= 0);
  CHECK(std::string(list[0]["BeginTimestamp"].GetString()) == lock->begin_timestamp);

  CHECK(code(api.get("/api/end-maintenance/db-1.test/3306")) == "OK");
  CHECK_FALSE(active_maintenance(s, db1));

  REQUIRE(code(api.get("/api/begin-maintenance/db-2.test/3306/carol/x")) == "OK");
  auto id = active_maintenance(s, db2)->id;
  auto ended = api.get("/api/end-maintenance/" + std::to_string(id));
  CHECK(code(ended) == "OK");
  CHECK(ended["Details"].GetInt64() == id);
  CHECK_FALSE(active_maintenance(s, db2));
  CHECK(code(api.get("/api/end-maintenance/abc")) == "ERROR");
  CHECK(code(api.get("/api/begin-maintenance/db-1.test/notaport/a/b")) == "ERROR");
}

TEST_CASE("the downtime API begins with a duration, lists downtimed instances and ends") {
  auto& s = clean_backend();
  add_instance(s, db1, "db-1.test:3306");
  add_instance(s, db2, "db-1.test:3306");
  add_instance(s, db3, "db-3.test:3307");
  RoutesFixture api;
  auto begun = api.get("/api/begin-downtime/db-1.test/3306/alice/reboot/1h");
  CHECK(code(begun) == "OK");
  CHECK(count(s,
              "SELECT TIMESTAMPDIFF(SECOND, begin_timestamp, end_timestamp) FROM "
              "database_instance_downtime WHERE hostname = 'db-1.test'") == 3600);
  CHECK(code(api.get("/api/begin-downtime/db-3.test/3307/alice/reboot")) == "OK");
  CHECK(count(s,
              "SELECT TIMESTAMPDIFF(SECOND, begin_timestamp, end_timestamp) FROM "
              "database_instance_downtime WHERE hostname = 'db-3.test'") == 600);
  auto bad = api.get("/api/begin-downtime/db-2.test/3306/alice/reboot/5 parsecs");
  CHECK(code(bad) == "ERROR");
  CHECK(message(bad).find("Invalid duration") != std::string::npos);
  CHECK_FALSE(is_downtimed(s, db2));

  auto all = api.get("/api/downtimed");
  REQUIRE(all.IsArray());
  CHECK(all.Size() == 2);
  auto one = api.get("/api/downtimed/db-2.test:3306");  // any member names the cluster
  REQUIRE(one.IsArray());
  REQUIRE(one.Size() == 1);
  CHECK(std::string(one[0]["Key"]["Hostname"].GetString()) == "db-1.test");
  CHECK(one[0]["IsDowntimed"].GetBool());
  CHECK(std::string(one[0]["DowntimeOwner"].GetString()) == "alice");

  CHECK(code(api.get("/api/end-downtime/db-1.test/3306")) == "OK");
  CHECK_FALSE(is_downtimed(s, db1));
  auto after = api.get("/api/downtimed/db-1.test:3306");
  REQUIRE(after.IsArray());
  CHECK(after.Size() == 0);
}
