// database_instance writes and reads, and the cluster queries, against a real MariaDB backend
// with the deployed schema. Statement budgets are checked with the session's Com_* counters.

#include <doctest/doctest.h>
#include <soci/soci.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "sandbox.hpp"
#include "storage/backend.hpp"
#include "storage/cluster_dao.hpp"
#include "storage/instance_dao.hpp"
#include "storage/schema_deploy.hpp"
#include "tests/integration/deployed_backend.hpp"

using orc::model::Instance;
using orc::model::InstanceKey;
using orc::model::ThreadState;
using namespace orc::storage;

namespace {

/// The shared session, with every table these tests touch emptied.
soci::session& clean_backend() {
  static orc::test::DeployedBackend backend("instance-dao-test");
  auto& s = *backend.session;
  for (const char* t :
       {"database_instance", "candidate_database_instance", "database_instance_downtime",
        "cluster_alias", "cluster_alias_override", "cluster_domain_name"})
    s << std::string("DELETE FROM ") + t;
  return s;
}

/// The session's count of executed statements of one kind (Com_insert, Com_update, ...).
long long statements(soci::session& s, const std::string& counter) {
  std::string name, value;
  s << "SHOW SESSION STATUS LIKE '" + counter + "'", soci::into(name), soci::into(value);
  return std::stoll(value);
}

long long count_rows(soci::session& s, const std::string& where = "1") {
  long long n = 0;
  s << "SELECT COUNT(*) FROM database_instance WHERE " + where, soci::into(n);
  return n;
}

/// Moves an instance's check timestamps into the past, as if its last probe was long ago.
void age(soci::session& s, const InstanceKey& k, int seen_ago, int checked_ago, int attempted_ago) {
  s << "UPDATE database_instance SET last_seen = NOW() - INTERVAL :a SECOND,"
       " last_checked = NOW() - INTERVAL :b SECOND,"
       " last_attempted_check = NOW() - INTERVAL :c SECOND WHERE hostname = :h AND port = :p",
      soci::use(seen_ago), soci::use(checked_ago), soci::use(attempted_ago), soci::use(k.hostname),
      soci::use(k.port);
}

Instance member(const std::string& host, const InstanceKey& master, const std::string& cluster) {
  Instance i;
  i.key = {host, 3306};
  i.uptime = 5000;
  i.server_id = static_cast<uint32_t>(host.size() * 7);
  i.server_uuid = "uuid-" + host;
  i.version = "10.11.19-MariaDB-0+deb12u1-log";
  i.version_comment = "Debian 12";
  i.major_version = "10.11";
  i.binlog_format = "ROW";
  i.binlog_row_image = "FULL";
  i.log_bin_enabled = true;
  i.log_slave_updates_enabled = true;
  i.self_binlog_coordinates = {"mysql-bin.000002", 4567, 0};
  i.executed_gtid_set = "0-1-100";
  i.cluster_name = cluster;
  i.last_discovery_latency_ns = 1234567;
  if (master.valid()) {
    i.master_key = master;
    i.read_only = true;
    i.replication_depth = 1;
    i.sql_thread_state = ThreadState::Running;
    i.io_thread_state = ThreadState::Running;
    i.using_mariadb_gtid = true;
    i.read_binlog_coordinates = {"mysql-bin.000009", 800, 0};
    i.exec_binlog_coordinates = {"mysql-bin.000009", 700, 0};
    i.relaylog_coordinates = {"relay.000003", 900, 1};
    i.seconds_behind_master = 0;
    i.replication_lag_seconds = 0;
    i.has_replication_credentials = true;
    i.master_user = "repl";
  }
  return i;
}

/// A master, a healthy replica, a replica failing to connect (quoted error, null lag) and a
/// stopped, delayed replica whose hostname holds a quote and a backslash.
std::vector<Instance> sample_cluster() {
  const InstanceKey m{"dao-m.test", 3306};
  const std::string cluster = "dao-m.test:3306";
  Instance master = member("dao-m.test", {}, cluster);
  master.suggested_cluster_alias = "main";
  master.data_center = "dc1";
  master.semi_sync.available = true;
  master.semi_sync.master_enabled = true;
  master.semi_sync.master_timeout = 10000;
  master.semi_sync.master_clients = 1;
  master.semi_sync.master_status = true;
  master.replicas = {{"odd'host\\x", 3306}, {"dao-r2.test", 3306}, {"dao-r1.test", 3306}};

  Instance r1 = member("dao-r1.test", m, cluster);
  r1.semi_sync.replica_enabled = true;
  r1.replicas = {};

  Instance r2 = member("dao-r2.test", m, cluster);
  r2.io_thread_state = ThreadState::Other;
  r2.last_io_error = "error connecting to master 'repl@127.0.0.1:3306' - \"x\"\\y\nz";
  r2.last_io_errno = 2003;
  r2.seconds_behind_master.reset();
  r2.replication_lag_seconds.reset();

  Instance r3 = member("odd'host\\x", m, cluster);
  r3.sql_thread_state = ThreadState::Stopped;
  r3.io_thread_state = ThreadState::Stopped;
  r3.last_sql_error = "Error 'Duplicate entry '1' for key 'PRIMARY'' on query: caf\xc3\xa9";
  r3.sql_delay = 3600;
  r3.seconds_behind_master = 3605;
  r3.replication_lag_seconds = 3605;
  return {r3, master, r2, r1};  // unsorted on purpose
}

}  // namespace

TEST_CASE("four instances written in one statement read back field by field") {
  auto& s = clean_backend();
  auto written = sample_cluster();
  auto before = statements(s, "Com_insert");
  write_instances(s, written);
  CHECK(statements(s, "Com_insert") - before == 1);
  REQUIRE(count_rows(s) == 4);

  for (const auto& w : written) {
    CAPTURE(w.key.str());
    auto r = read_instance(s, w.key);
    REQUIRE(r);
    // Every persisted column survived the round trip.
    CHECK(persisted_state_equal(w, *r));
    CHECK(r->key.hostname == w.key.hostname);
    CHECK(r->master_key == w.master_key);
    CHECK(r->sql_thread_state == w.sql_thread_state);
    CHECK(r->io_thread_state == w.io_thread_state);
    CHECK(r->last_sql_error == w.last_sql_error);
    CHECK(r->last_io_error == w.last_io_error);
    CHECK(r->seconds_behind_master == w.seconds_behind_master);
    CHECK(r->replication_lag_seconds == w.replication_lag_seconds);
    CHECK(r->flavor == orc::model::Flavor::MariaDB);
    CHECK(r->is_last_check_valid);
    CHECK(r->is_up_to_date);
    CHECK(r->is_recently_checked);
    CHECK(r->last_check_partial_success);
    CHECK(r->seconds_since_last_seen <= 1);
    CHECK(
        std::regex_match(r->last_seen_timestamp, std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")));
    CHECK(r->last_checked_timestamp == r->last_seen_timestamp);
    CHECK_FALSE(r->is_candidate);
    CHECK(r->promotion_rule == "neutral");
    CHECK_FALSE(r->is_downtimed);
  }
  auto master = read_instance(s, {"dao-m.test", 3306});
  REQUIRE(master);
  CHECK(master->sql_thread_state == ThreadState::None);
  CHECK(master->semi_sync.master_timeout == 10000);
  REQUIRE(master->replicas.size() == 3);
  CHECK(master->replicas[0] == InstanceKey{"dao-r1.test", 3306});
  CHECK(master->replicas[2] == InstanceKey{"odd'host\\x", 3306});
  CHECK(master->problems.empty());
  CHECK(read_instance(s, {"dao-r2.test", 3306})->problems ==
        std::vector<std::string>{"not_replicating"});
  CHECK(read_instance(s, {"DAO-R1.test", 3306}));  // hostnames compare case-insensitively
  CHECK_FALSE(read_instance(s, {"dao-r1.test", 3307}));
}

TEST_CASE("persisted rows use the upstream encodings for lists, errors and thread states") {
  auto& s = clean_backend();
  write_instances(s, sample_cluster());
  std::string hosts, master_host, io_error;
  long long num_hosts = 0, master_port = -1, sql_state = 0, io_state = 0, io_running = 0;
  long long same_times = 0, partial = 0;
  s << "SELECT slave_hosts, num_slave_hosts, master_host, master_port,"
       " replication_sql_thread_state, last_check_partial_success,"
       " last_checked = last_seen AND last_attempted_check = last_seen"
       " FROM database_instance WHERE hostname = 'dao-m.test'",
      soci::into(hosts), soci::into(num_hosts), soci::into(master_host), soci::into(master_port),
      soci::into(sql_state), soci::into(partial), soci::into(same_times);
  CHECK(hosts ==
        R"([{"Hostname":"dao-r1.test","Port":3306},{"Hostname":"dao-r2.test","Port":3306},)"
        R"({"Hostname":"odd'host\\x","Port":3306}])");
  CHECK(num_hosts == 3);
  CHECK(master_host == "");
  CHECK(master_port == 0);
  CHECK(sql_state == -1);
  CHECK(partial == 1);
  CHECK(same_times == 1);

  s << "SELECT last_io_error, replication_io_thread_state, slave_io_running, slave_hosts"
       " FROM database_instance WHERE hostname = 'dao-r2.test'",
      soci::into(io_error), soci::into(io_state), soci::into(io_running), soci::into(hosts);
  CHECK(io_error == R"("error connecting to master 'repl@127.0.0.1:3306' - \"x\"\\y\nz")");
  CHECK(io_state == 2);
  CHECK(io_running == 0);
  CHECK(hosts == "[]");

  std::string sql_error;
  soci::indicator lag_ind = soci::i_ok;
  long long lag = 0;
  s << "SELECT last_sql_error, slave_lag_seconds FROM database_instance"
       " WHERE hostname = 'dao-r1.test'",
      soci::into(sql_error), soci::into(lag, lag_ind);
  CHECK(sql_error == "");  // no error: '' rather than a quoted empty string
  CHECK(lag_ind == soci::i_ok);
  s << "SELECT slave_lag_seconds FROM database_instance WHERE hostname = 'dao-r2.test'",
      soci::into(lag, lag_ind);
  CHECK(lag_ind == soci::i_null);
}

TEST_CASE("a touch keeps the check valid and advances last_seen and uptime in one statement") {
  auto& s = clean_backend();
  auto written = sample_cluster();
  write_instances(s, written);
  const InstanceKey r1{"dao-r1.test", 3306}, r2{"dao-r2.test", 3306};
  age(s, r1, 30, 30, 30);
  age(s, r2, 30, 30, 30);
  CHECK_FALSE(read_instance(s, r1)->is_up_to_date);

  auto before = statements(s, "Com_update");
  touch_instances(s, {r1, r2, {"never-written.test", 3306}});
  CHECK(statements(s, "Com_update") - before == 1);

  auto r = read_instance(s, r1);
  REQUIRE(r);
  CHECK(r->is_last_check_valid);
  CHECK(r->is_up_to_date);
  CHECK(r->seconds_since_last_seen <= 1);
  CHECK(r->uptime >= 5000 + 30);
  CHECK(r->uptime <= 5000 + 32);
  CHECK(count_rows(s) == 4);  // touching an unknown key creates nothing
}

TEST_CASE("a failed probe invalidates the check but keeps the row and last_seen") {
  auto& s = clean_backend();
  write_instances(s, sample_cluster());
  const InstanceKey r1{"dao-r1.test", 3306}, r2{"dao-r2.test", 3306};
  age(s, r1, 10, 10, 10);
  age(s, r2, 10, 10, 10);

  auto before = statements(s, "Com_update");
  mark_instances_failed(s, {{r1, true}, {r2, false}, {{"ghost.test", 3306}, true}});
  CHECK(statements(s, "Com_update") - before <= 2);

  auto a = read_instance(s, r1), b = read_instance(s, r2);
  REQUIRE(a);
  REQUIRE(b);
  CHECK_FALSE(a->is_last_check_valid);
  CHECK_FALSE(b->is_last_check_valid);
  CHECK(a->last_check_partial_success);
  CHECK_FALSE(b->last_check_partial_success);
  CHECK(a->seconds_since_last_seen >= 10);
  CHECK(a->is_up_to_date);  // it was checked just now, unsuccessfully
  CHECK(a->problems == std::vector<std::string>{"last_check_invalid"});
  CHECK(count_rows(s, "hostname = 'ghost.test'") == 0);
}

TEST_CASE("outdated keys follow the poll interval, doubled while a probe is pending") {
  auto& s = clean_backend();
  write_instances(s, sample_cluster());
  CHECK(read_outdated_keys(s, 5).empty());
  const InstanceKey m{"dao-m.test", 3306}, r1{"dao-r1.test", 3306}, r2{"dao-r2.test", 3306};
  age(s, m, 7, 7, 7);     // plain: due after 5 s
  age(s, r1, 7, 7, 7);    // attempt pending: due after 10 s only
  age(s, r2, 12, 12, 7);  // attempt pending, but 12 s old
  auto before = statements(s, "Com_update");
  mark_attempted(s, {r1});
  CHECK(statements(s, "Com_update") - before == 1);
  auto r = read_instance(s, r1);
  REQUIRE(r);
  CHECK(r->seconds_since_last_seen >= 7);  // only last_attempted_check moved
  CHECK(r->is_last_check_valid);

  auto due = read_outdated_keys(s, 5);
  REQUIRE(due.size() == 2);
  CHECK(due[0] == m);
  CHECK(due[1] == r2);
}

TEST_CASE("large batches cost one upsert per 200 rows and duplicate keys keep the last row") {
  auto& s = clean_backend();
  std::vector<Instance> many;
  for (int i = 0; i < 450; ++i) many.push_back(member("bulk" + std::to_string(i), {}, "c:1"));
  auto before = statements(s, "Com_insert");
  write_instances(s, many);
  CHECK(statements(s, "Com_insert") - before == 3);
  CHECK(count_rows(s) == 450);

  many[7].uptime = 1;
  auto dup = many[7];
  dup.uptime = 99;
  many.push_back(dup);
  write_instances(s, many);
  CHECK(count_rows(s) == 450);
  CHECK(read_instance(s, many[7].key)->uptime == 99);
  auto all = read_all_instances(s);
  REQUIRE(all.size() == 450);
  CHECK(all.front().key.hostname == "bulk0");
  CHECK(all.back().key.hostname == "bulk99");
}

TEST_CASE("cluster, replica and search reads select the right instances") {
  auto& s = clean_backend();
  auto cluster = sample_cluster();
  Instance other = member("dao-other.test", {}, "dao-other.test:3306");
  other.key.port = 3307;
  other.cluster_name = "dao-other.test:3307";
  other.version = "8.0.36";
  other.version_comment = "MySQL Community Server - GPL";
  cluster.push_back(other);
  write_instances(s, cluster);

  auto members = read_cluster_instances(s, "dao-m.test:3306");
  REQUIRE(members.size() == 4);
  CHECK(members[0].key.hostname == "dao-m.test");
  auto replicas = read_replicas_of(s, {"dao-m.test", 3306});
  REQUIRE(replicas.size() == 3);
  CHECK(replicas[0].key.hostname == "dao-r1.test");

  auto found = search_instances(s, " R2 ");
  REQUIRE(found.size() == 1);
  CHECK(found[0].key.hostname == "dao-r2.test");
  CHECK(search_instances(s, "3307").size() == 1);  // port
  auto mysql = search_instances(s, "Community");
  REQUIRE(mysql.size() == 1);
  CHECK(mysql[0].flavor == orc::model::Flavor::MySQL);
  // depth first: the master leads the cluster's results
  auto by_cluster = search_instances(s, "dao-m.test:3306");
  REQUIRE(by_cluster.size() == 4);
  CHECK(by_cluster[0].key.hostname == "dao-m.test");
  CHECK(search_instances(s, "odd'host").size() == 1);
  CHECK(search_instances(s, "caf\xc3\xa9").empty());

  CHECK(forget_instance(s, {"dao-r2.test", 3306}));
  CHECK_FALSE(forget_instance(s, {"dao-r2.test", 3306}));
  CHECK(count_rows(s) == 4);
}

TEST_CASE("reads join the promotion rule and an active downtime") {
  auto& s = clean_backend();
  write_instances(s, sample_cluster());
  s << "INSERT INTO candidate_database_instance (hostname, port, promotion_rule)"
       " VALUES ('dao-r1.test', 3306, 'prefer'), ('dao-r2.test', 3306, 'must_not')";
  s << "INSERT INTO database_instance_downtime"
       " (hostname, port, downtime_active, begin_timestamp, end_timestamp, owner, reason) VALUES"
       " ('dao-r1.test', 3306, 1, NOW() - INTERVAL 60 SECOND, NOW() + INTERVAL 1 HOUR,"
       "  'ops', 'upgrade'),"
       " ('dao-r2.test', 3306, 1, NOW() - INTERVAL 2 HOUR, NOW() - INTERVAL 1 HOUR, 'ops', 'old')";
  auto r1 = read_instance(s, {"dao-r1.test", 3306});
  auto r2 = read_instance(s, {"dao-r2.test", 3306});
  REQUIRE(r1);
  REQUIRE(r2);
  CHECK(r1->is_candidate);
  CHECK(r1->promotion_rule == "prefer");
  CHECK(r1->is_downtimed);
  CHECK(r1->downtime_owner == "ops");
  CHECK(r1->downtime_reason == "upgrade");
  CHECK(r1->downtime_end_timestamp.size() == 19);
  CHECK(r1->elapsed_downtime_seconds >= 60);
  CHECK_FALSE(r2->is_candidate);
  CHECK(r2->promotion_rule == "must_not");
  CHECK_FALSE(r2->is_downtimed);  // its downtime ended an hour ago
}

TEST_CASE("clusters resolve by name, alias and member key and report alias, domain and lag") {
  auto& s = clean_backend();
  auto a = sample_cluster();  // cluster dao-m.test:3306, suggests alias "main"
  Instance b = member("dao-b.test", {}, "dao-b.test:3306");
  b.suggested_cluster_alias = "bee";
  Instance c = member("dao-c.test", {}, "dao-c.test:3306");
  Instance lost = member("dao-lost.test", {}, "dao-lost.test:3306");
  lost.suggested_cluster_alias = "main";  // would steal "main" if it were not excluded
  a.insert(a.end(), {b, c, lost});
  write_instances(s, a);
  s << "INSERT INTO database_instance_downtime"
       " (hostname, port, downtime_active, end_timestamp, owner, reason)"
       " VALUES ('dao-lost.test', 3306, 1, NOW() + INTERVAL 1 HOUR, 'orc', 'lost-in-recovery')";
  s << "INSERT INTO cluster_domain_name (cluster_name, domain_name)"
       " VALUES ('dao-m.test:3306', 'main.vip')";
  // r2 (lag NULL) and r3 (lag 3605, check made invalid) do not count; r1 lags 7 s.
  s << "UPDATE database_instance SET slave_lag_seconds = 7 WHERE hostname = 'dao-r1.test'";
  age(s, {"odd'host\\x", 3306}, 30, 5, 5);

  refresh_cluster_aliases(s);
  s << "INSERT INTO cluster_alias_override (cluster_name, alias) VALUES ('dao-b.test:3306', 'bz')";

  auto infos = read_clusters_info(s);
  REQUIRE(infos.size() == 4);
  CHECK(infos[0].cluster_name == "dao-b.test:3306");
  CHECK(infos[0].cluster_alias == "bz");
  CHECK(infos[1].cluster_alias == "dao-c.test:3306");     // self-row: nobody suggests an alias
  CHECK(infos[2].cluster_alias == "dao-lost.test:3306");  // lost-in-recovery is excluded
  CHECK(infos[3].cluster_name == "dao-m.test:3306");
  CHECK(infos[3].cluster_alias == "main");
  CHECK(infos[3].cluster_domain == "main.vip");
  CHECK(infos[3].count_instances == 4);
  CHECK(infos[3].heuristic_lag == 7);
  CHECK(cluster_heuristic_lag(s, "dao-m.test:3306") == 7);
  CHECK(cluster_heuristic_lag(s, "unknown:1") == 0);

  CHECK(read_cluster_names(s) == std::vector<std::string>{"dao-b.test:3306", "dao-c.test:3306",
                                                          "dao-lost.test:3306", "dao-m.test:3306"});
  auto masters = read_cluster_masters(s);
  REQUIRE(masters.size() == 4);
  CHECK(masters[3] == InstanceKey{"dao-m.test", 3306});

  CHECK(resolve_cluster(s, "dao-m.test:3306", 3306) == "dao-m.test:3306");
  CHECK(resolve_cluster(s, "main", 3306) == "dao-m.test:3306");
  CHECK(resolve_cluster(s, "bz", 3306) == "dao-b.test:3306");   // override
  CHECK(resolve_cluster(s, "bee", 3306) == "dao-b.test:3306");  // cluster_alias
  CHECK(resolve_cluster(s, "dao-r2.test:3306", 3306) == "dao-m.test:3306");
  CHECK(resolve_cluster(s, "dao-r2.test", 3306) == "dao-m.test:3306");
  CHECK_FALSE(resolve_cluster(s, "dao-r2.test", 3307));
  CHECK_FALSE(resolve_cluster(s, "nothing", 3306));
  CHECK_FALSE(resolve_cluster(s, "caf\xc3\xa9", 3306));

  CHECK(read_cluster_alias(s, "dao-m.test:3306") == "main");
  CHECK(read_cluster_alias(s, "dao-b.test:3306") == "bz");
  CHECK(read_cluster_alias(s, "dao-c.test:3306") == "dao-c.test:3306");
  CHECK_FALSE(read_cluster_alias(s, "unknown:1"));
}
