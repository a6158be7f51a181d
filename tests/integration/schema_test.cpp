// Backend schema deployment and backend connections, against a real MariaDB started by the
// sandbox tool (orc::test::Sandbox). Every deployment test gets a freshly created database of its
// own.

#include <doctest/doctest.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sandbox.hpp"
#include "storage/backend.hpp"
#include "storage/schema_ddl.hpp"
#include "storage/schema_deploy.hpp"

using orc::storage::MysqlEndpoint;

namespace {

/// One backend server for this file, shared by its tests and stopped at exit.
orc::test::Sandbox& backend_server() {
  static orc::test::Sandbox server = orc::test::Sandbox::backend();
  return server;
}

constexpr const char* kTestDb = "orc_schema_test";

MysqlEndpoint backend_endpoint(const std::string& database) {
  MysqlEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = backend_server().port();
  ep.user = "orc_backend";
  ep.password = "orc_backend_pass";
  ep.database = database;
  ep.read_timeout_s = 60;
  return ep;
}

/// Drops and re-creates the test database, so each test starts from an empty backend.
MysqlEndpoint fresh_database() {
  const std::string db = kTestDb;
  backend_server().sql(0, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db +
                              "; GRANT ALL ON " + db + ".* TO 'orc_backend'@'127.0.0.1'" +
                              "; GRANT ALL ON " + db + ".* TO 'orc_backend'@'localhost'");
  return backend_endpoint(db);
}

std::vector<std::string> strings_of(soci::session& s, const std::string& sql,
                                    const std::string& param) {
  soci::rowset<std::string> rows = (s.prepare << sql, soci::use(param));
  return {rows.begin(), rows.end()};
}

std::vector<std::string> table_names(soci::session& s) {
  return strings_of(s,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = :db "
                    "ORDER BY table_name",
                    kTestDb);
}

std::vector<std::string> column_names(soci::session& s, const std::string& table) {
  return strings_of(s,
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "DATABASE() AND table_name = :t ORDER BY ordinal_position",
                    table);
}

/// "name:col1,col2" per key of `table`, with "(n)" for prefix parts and "!" for unique keys.
std::set<std::string> key_signatures(soci::session& s, const std::string& table) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT index_name, non_unique, column_name, IFNULL(sub_part, 0) "
                    "FROM information_schema.statistics WHERE table_schema = DATABASE() "
                    "AND table_name = :t ORDER BY index_name, seq_in_index",
       soci::use(table));
  std::vector<std::pair<std::string, std::string>> parts;
  for (const auto& r : rows) {
    std::string name = r.get<std::string>(0);
    if (r.get<long long>(1) == 0) name += "!";
    std::string col = r.get<std::string>(2);
    const long long sub = r.get<long long>(3);
    if (sub > 0) col += "(" + std::to_string(sub) + ")";
    if (!parts.empty() && parts.back().first == name) {
      parts.back().second += "," + col;
    } else {
      parts.emplace_back(name, col);
    }
  }
  std::set<std::string> out;
  for (const auto& [name, cols] : parts) out.insert(name + ":" + cols);
  return out;
}

std::string column_fact(soci::session& s, const std::string& table, const std::string& column,
                        const std::string& expr) {
  std::string value;
  soci::indicator ind = soci::i_ok;
  s << "SELECT " + expr +
           " FROM information_schema.columns WHERE table_schema = DATABASE() "
           "AND table_name = :t AND column_name = :c",
      soci::into(value, ind), soci::use(table), soci::use(column);
  REQUIRE(s.got_data());
  return ind == soci::i_null ? "<null>" : value;
}

long long count_of(soci::session& s, const std::string& sql) {
  long long n = -1;
  s << sql, soci::into(n);
  return n;
}

// The 24 upstream tables of spec/schema.md.
// clang-format off
const std::vector<std::string> kUpstreamTables = {
    "active_node", "audit", "blocked_topology_recovery", "candidate_database_instance",
    "cluster_alias", "cluster_alias_override", "cluster_domain_name", "database_instance",
    "database_instance_analysis_changelog", "database_instance_downtime",
    "database_instance_last_analysis", "database_instance_maintenance",
    "database_instance_stale_binlog_coordinates", "database_instance_tags",
    "global_recovery_disable", "hostname_resolve", "kv_store", "node_health", "node_health_history",
    "orchestrator_db_deployments", "orchestrator_metadata", "topology_failure_detection",
    "topology_recovery", "topology_recovery_steps"};
// clang-format on

// database_instance columns 1..78 of spec/schema.md, in order.
// clang-format off
const std::vector<std::string> kDatabaseInstanceColumns = {
    "hostname", "port", "last_checked", "last_attempted_check", "last_check_partial_success",
    "last_seen", "uptime", "server_id", "server_uuid", "version", "binlog_server", "read_only",
    "binlog_format", "log_bin", "log_slave_updates", "binary_log_file", "binary_log_pos",
    "master_host", "master_port", "slave_sql_running", "slave_io_running",
    "replication_sql_thread_state", "replication_io_thread_state", "has_replication_filters",
    "oracle_gtid", "master_uuid", "ancestry_uuid", "executed_gtid_set", "gtid_purged",
    "gtid_errant", "supports_oracle_gtid", "mariadb_gtid", "pseudo_gtid", "master_log_file",
    "read_master_log_pos", "relay_master_log_file", "exec_master_log_pos", "relay_log_file",
    "relay_log_pos", "last_sql_error", "last_io_error", "seconds_behind_master",
    "slave_lag_seconds", "sql_delay", "allow_tls", "num_slave_hosts", "slave_hosts", "cluster_name",
    "suggested_cluster_alias", "data_center", "region", "physical_environment", "instance_alias",
    "semi_sync_enforced", "semi_sync_available", "replication_depth", "is_co_master",
    "replication_credentials_available", "has_replication_credentials", "version_comment",
    "major_version", "binlog_row_image", "last_discovery_latency", "semi_sync_master_enabled",
    "semi_sync_master_timeout", "semi_sync_master_wait_for_slave_count", "semi_sync_master_status",
    "semi_sync_master_clients", "semi_sync_replica_status", "semi_sync_replica_enabled",
    "gtid_mode", "replication_group_name", "replication_group_is_single_primary_mode",
    "replication_group_member_state", "replication_group_member_role", "replication_group_members",
    "replication_group_primary_host", "replication_group_primary_port"};
// clang-format on

}  // namespace

TEST_CASE("a fresh deploy creates all 24 upstream tables and records the version") {
  auto s = orc::storage::open_session(fresh_database());
  REQUIRE(table_names(*s).empty());

  const auto report = orc::storage::deploy_schema(*s, "1.2.3-test", false);
  CHECK(report.deployed);
  CHECK(report.version == "1.2.3-test");
  // 24 CREATEs, the active_node placeholder and the version record.
  CHECK(report.statements_run == 26);
  CHECK(table_names(*s) == kUpstreamTables);

  std::string version;
  s->once << "SELECT deployed_version FROM orchestrator_db_deployments "
             "WHERE deployed_timestamp > NOW() - INTERVAL 1 MINUTE",
      soci::into(version);
  CHECK(version == "1.2.3-test");
  CHECK(count_of(*s, "SELECT COUNT(*) FROM orchestrator_db_deployments") == 1);
  // The deploy lock is released although the session stays open.
  CHECK(count_of(*s, "SELECT IS_FREE_LOCK('orchestrator_schema_deploy')") == 1);
}

TEST_CASE("database_instance has upstream's 78 columns in upstream's order") {
  auto s = orc::storage::open_session(fresh_database());
  orc::storage::deploy_schema(*s, "v-columns", false);
  CHECK(kDatabaseInstanceColumns.size() == 78);
  CHECK(column_names(*s, "database_instance") == kDatabaseInstanceColumns);
}

TEST_CASE("columns carry upstream's types, charsets, nullability and defaults") {
  auto s = orc::storage::open_session(fresh_database());
  orc::storage::deploy_schema(*s, "v-types", false);
  auto& db = *s;
  CHECK(column_fact(db, "database_instance", "port", "column_type") == "smallint(5) unsigned");
  CHECK(column_fact(db, "database_instance", "hostname", "collation_name") == "ascii_general_ci");
  CHECK(column_fact(db, "database_instance", "version_comment", "character_set_name") == "ascii");
  CHECK(column_fact(db, "database_instance", "replication_sql_thread_state", "column_type") ==
        "tinyint(4)");
  CHECK(column_fact(db, "database_instance", "last_seen", "is_nullable") == "YES");
  CHECK(column_fact(db, "database_instance", "last_attempted_check", "column_default") ==
        "'1971-01-01 00:00:00'");
  CHECK(column_fact(db, "database_instance", "last_check_partial_success", "column_default") ==
        "<null>");
  CHECK(column_fact(db, "database_instance_maintenance", "owner", "collation_name") ==
        "utf8mb3_general_ci");
  CHECK(column_fact(db, "database_instance_downtime", "begin_timestamp", "is_nullable") == "YES");
  CHECK(column_fact(db, "candidate_database_instance", "promotion_rule", "column_type") ==
        "enum('must','prefer','neutral','prefer_not','must_not')");
  CHECK(column_fact(db, "candidate_database_instance", "priority", "column_comment") ==
        "positive promote, nagative unpromotes");
  CHECK(column_fact(db, "global_recovery_disable", "disable_recovery", "column_comment") ==
        "Insert 1 to disable recovery globally");
  CHECK(column_fact(db, "topology_recovery", "end_active_period_unixtime", "is_nullable") == "YES");
  CHECK(column_fact(db, "topology_failure_detection", "end_active_period_unixtime",
                    "is_nullable") == "NO");
  CHECK(column_fact(db, "audit", "message", "character_set_name") == "utf8mb3");
  CHECK(column_fact(db, "audit", "audit_type", "character_set_name") == "ascii");
  CHECK(column_fact(db, "node_health_history", "first_seen_active", "column_default") == "<null>");

  std::string audit_collation, instance_collation;
  db << "SELECT table_collation FROM information_schema.tables WHERE table_schema = DATABASE() "
        "AND table_name = 'audit'",
      soci::into(audit_collation);
  db << "SELECT table_collation FROM information_schema.tables WHERE table_schema = DATABASE() "
        "AND table_name = 'database_instance'",
      soci::into(instance_collation);
  CHECK(audit_collation == "latin1_swedish_ci");
  CHECK(instance_collation == "ascii_general_ci");
}

TEST_CASE("upstream's key names exist with their columns") {
  auto s = orc::storage::open_session(fresh_database());
  orc::storage::deploy_schema(*s, "v-keys", false);
  CHECK(key_signatures(*s, "database_instance_maintenance") ==
        std::set<std::string>{
            "PRIMARY!:database_instance_maintenance_id",
            "maintenance_uidx_database_instance_maintenance!:maintenance_active,hostname,port",
            "active_timestamp_idx:maintenance_active,begin_timestamp",
            "active_end_timestamp_idx:maintenance_active,end_timestamp"});
  const auto recovery_keys = key_signatures(*s, "topology_recovery");
  CHECK(recovery_keys.count("hostname_port_active_period_uidx_topology_recovery!:hostname,port,"
                            "in_active_period,end_active_period_unixtime") == 1);
  CHECK(recovery_keys.size() == 9);
  CHECK(key_signatures(*s, "topology_failure_detection")
            .count("host_port_active_recoverable_uidx_topology_failure_detection!:hostname,port,"
                   "in_active_period,end_active_period_unixtime,is_actionable") == 1);
  CHECK(key_signatures(*s, "cluster_domain_name")
            .count("domain_name_idx_cluster_domain_name:domain_name(32)") == 1);
  CHECK(key_signatures(*s, "database_instance") ==
        std::set<std::string>{
            "PRIMARY!:hostname,port", "cluster_name_idx_database_instance:cluster_name",
            "last_checked_idx_database_instance:last_checked",
            "last_seen_idx_database_instance:last_seen",
            "master_host_port_idx_database_instance:master_host,master_port",
            "suggested_cluster_alias_idx_database_instance:suggested_cluster_alias"});
  CHECK(key_signatures(*s, "cluster_alias").count("alias_uidx!:alias") == 1);
}

TEST_CASE("the maintenance and recovery unique keys act as locks") {
  auto s = orc::storage::open_session(fresh_database());
  orc::storage::deploy_schema(*s, "v-locks", false);
  auto& db = *s;
  const std::string begin_maintenance =
      "INSERT IGNORE INTO database_instance_maintenance (hostname, port, maintenance_active, "
      "begin_timestamp, end_timestamp, owner, reason, processing_node_hostname, "
      "processing_node_token, explicitly_bounded) VALUES ('db1', 3306, 1, NOW(), NOW() + "
      "INTERVAL 600 SECOND, 'me', 'test', 'node', 'token', 1)";
  soci::statement first = (db.prepare << begin_maintenance);
  first.execute(true);
  CHECK(first.get_affected_rows() == 1);
  soci::statement second = (db.prepare << begin_maintenance);
  second.execute(true);
  CHECK(second.get_affected_rows() == 0);
  // Ended rows (maintenance_active = NULL) never collide, so history accumulates.
  db << "UPDATE database_instance_maintenance SET maintenance_active = NULL";
  soci::statement third = (db.prepare << begin_maintenance);
  third.execute(true);
  CHECK(third.get_affected_rows() == 1);

  const std::string register_recovery =
      "INSERT IGNORE INTO topology_recovery (hostname, port, in_active_period, "
      "end_active_period_unixtime, start_active_period, processing_node_hostname, "
      "processcing_node_token, analysis, cluster_name, cluster_alias, count_affected_slaves, "
      "slave_hosts, last_detection_id, uid) VALUES ('db1', 3306, 1, 0, NOW(), 'node', 'token', "
      "'DeadMaster', 'db1:3306', 'c', 2, 'db2:3306,db3:3306', 0, 'uid')";
  soci::statement r1 = (db.prepare << register_recovery);
  r1.execute(true);
  CHECK(r1.get_affected_rows() == 1);
  soci::statement r2 = (db.prepare << register_recovery);
  r2.execute(true);
  CHECK(r2.get_affected_rows() == 0);
}

TEST_CASE("a second deploy of the same version does nothing") {
  auto s = orc::storage::open_session(fresh_database());
  REQUIRE(orc::storage::deploy_schema(*s, "v-twice", false).deployed);
  *s << "DROP TABLE kv_store";
  const auto again = orc::storage::deploy_schema(*s, "v-twice", false);
  CHECK_FALSE(again.deployed);
  CHECK(again.statements_run == 0);
  // Nothing ran, so the dropped table stays dropped.
  CHECK(table_names(*s).size() == kUpstreamTables.size() - 1);
}

TEST_CASE("a forced redeploy restores dropped tables, columns and keys of an existing schema") {
  auto s = orc::storage::open_session(fresh_database());
  orc::storage::deploy_schema(*s, "v-force", false);
  auto& db = *s;
  db << "INSERT INTO kv_store (store_key, store_value) VALUES ('k', 'v')";
  db << "DROP TABLE cluster_domain_name";
  db << "ALTER TABLE database_instance DROP COLUMN gtid_errant, "
        "DROP KEY last_seen_idx_database_instance";
  db << "ALTER TABLE topology_recovery DROP KEY hostname_port_active_period_uidx_topology_recovery";

  const auto report = orc::storage::deploy_schema(db, "v-force", true);
  CHECK(report.deployed);
  // 1 CREATE, 1 column, 2 keys, the active_node seed and the version record.
  CHECK(report.statements_run == 6);
  CHECK(table_names(db) == kUpstreamTables);
  CHECK(column_names(db, "database_instance") == kDatabaseInstanceColumns);
  CHECK(
      key_signatures(db, "database_instance").count("last_seen_idx_database_instance:last_seen") ==
      1);
  CHECK(key_signatures(db, "topology_recovery").size() == 9);
  CHECK(count_of(db, "SELECT COUNT(*) FROM kv_store WHERE store_value = 'v'") == 1);
}

TEST_CASE("an upstream-shaped active_node gains the epoch and lease columns and keeps its row") {
  auto s = orc::storage::open_session(fresh_database());
  orc::storage::deploy_schema(*s, "upstream-3.2.6", false);
  auto& db = *s;
  db << "ALTER TABLE active_node DROP COLUMN epoch, DROP COLUMN lease_expires_at";
  db << "UPDATE active_node SET hostname = 'leader1', token = 'abc' WHERE anchor = 1";

  const auto report = orc::storage::deploy_schema(db, "ours-1", false);
  CHECK(report.deployed);
  // 2 columns, the seed (a no-op INSERT IGNORE) and the version record.
  CHECK(report.statements_run == 4);
  CHECK(column_names(db, "active_node") ==
        std::vector<std::string>{"anchor", "hostname", "token", "last_seen_active",
                                 "first_seen_active", "epoch", "lease_expires_at"});
  std::string leader;
  long long epoch = -1;
  soci::indicator lease_ind = soci::i_ok;
  std::tm lease{};
  db << "SELECT hostname, epoch, lease_expires_at FROM active_node WHERE anchor = 1",
      soci::into(leader), soci::into(epoch), soci::into(lease, lease_ind);
  CHECK(leader == "leader1");
  CHECK(epoch == 0);
  CHECK(lease_ind == soci::i_null);
  CHECK(column_fact(db, "active_node", "lease_expires_at", "datetime_precision") == "3");
  CHECK(count_of(db, "SELECT COUNT(*) FROM orchestrator_db_deployments") == 2);
}

TEST_CASE("the active_node placeholder is upstream's and a re-election row is re-seeded") {
  auto s = orc::storage::open_session(fresh_database());
  orc::storage::deploy_schema(*s, "v-seed", false);
  auto& db = *s;
  CHECK(count_of(db,
                 "SELECT COUNT(*) FROM active_node WHERE anchor = 1 AND hostname = '' AND "
                 "token = '' AND first_seen_active = '1971-01-01 00:00:00' AND "
                 "last_seen_active > NOW() - INTERVAL 1 MINUTE") == 1);
  db << "DELETE FROM active_node";
  orc::storage::deploy_schema(db, "v-seed", true);
  CHECK(count_of(db, "SELECT COUNT(*) FROM active_node WHERE anchor = 1") == 1);
}

TEST_CASE("two nodes deploying at once both succeed and only one does the work") {
  const MysqlEndpoint ep = fresh_database();
  std::vector<orc::storage::SchemaDeployReport> reports(3);
  std::vector<std::string> errors(3);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        auto s = orc::storage::open_session(ep);
        reports[i] = orc::storage::deploy_schema(*s, "v-race", false);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  int deployed = 0;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    CHECK(errors[i].empty());
    if (reports[i].deployed) ++deployed;
  }
  CHECK(deployed == 1);
  auto s = orc::storage::open_session(ep);
  CHECK(table_names(*s) == kUpstreamTables);
  CHECK(count_of(*s, "SELECT COUNT(*) FROM active_node") == 1);
}

TEST_CASE("deploy relaxes sql_mode only while it runs") {
  auto s = orc::storage::open_session(fresh_database());
  const std::string strict =
      "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
      "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";
  *s << "SET SESSION sql_mode = :m", soci::use(strict);
  REQUIRE(orc::storage::deploy_schema(*s, "v-mode", false).deployed);
  std::string after;
  *s << "SELECT @@SESSION.sql_mode", soci::into(after);
  CHECK(after == strict);
}

TEST_CASE("deploy refuses a session without a default database") {
  auto s = orc::storage::open_session(backend_endpoint(""));
  CHECK_THROWS_AS(orc::storage::deploy_schema(*s, "v-nodb", false), std::runtime_error);
}

TEST_CASE("the generated DDL covers every spec table once") {
  const auto& tables = orc::storage::schema_tables();
  std::set<std::string> names;
  for (const auto& t : tables) {
    names.insert(t.name);
    CHECK(orc::storage::find_table_spec(t.name) == &t);
    CHECK(orc::storage::create_table_sql(t).rfind("CREATE TABLE IF NOT EXISTS `" + t.name + "`",
                                                  0) == 0);
  }
  CHECK(names == std::set<std::string>(kUpstreamTables.begin(), kUpstreamTables.end()));
  CHECK(orc::storage::find_table_spec("no_such_table") == nullptr);
  const auto* active = orc::storage::find_table_spec("active_node");
  REQUIRE(active != nullptr);
  CHECK(orc::storage::add_column_sql(*active, 5) ==
        "ALTER TABLE `active_node` ADD COLUMN `epoch` bigint(20) unsigned NOT NULL DEFAULT 0 "
        "AFTER `first_seen_active`");
  CHECK(orc::storage::add_column_sql(*active, 0).find(" FIRST") != std::string::npos);
}

TEST_CASE("connection strings quote values with spaces, quotes and backslashes") {
  MysqlEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = 3307;
  ep.user = "orc";
  ep.password = "p a's\\w";
  ep.database = "orchestrator";
  ep.connect_timeout_s = 1;
  ep.read_timeout_s = 5;
  ep.write_timeout_s = 6;
  CHECK(orc::storage::soci_connection_string(ep) ==
        "host=127.0.0.1 port=3307 user=orc password='p a\\'s\\\\w' dbname=orchestrator "
        "connect_timeout=1 read_timeout=5 write_timeout=6");
  ep.password.clear();
  ep.database.clear();
  CHECK(orc::storage::soci_connection_string(ep) ==
        "host=127.0.0.1 port=3307 user=orc connect_timeout=1 read_timeout=5 write_timeout=6");
}

TEST_CASE("a password with spaces, quotes and backslashes reaches the server intact") {
  const std::string password = "s p'a\"c\\e";
  MysqlEndpoint ep = backend_endpoint("");
  ep.user = "orc weird";
  ep.password = password;
  std::string escaped;
  for (char c : password) {
    if (c == '\'' || c == '\\') escaped += '\\';
    escaped += c;
  }
  backend_server().sql(0,
                       "DROP USER IF EXISTS 'orc weird'@'127.0.0.1', 'orc "
                       "weird'@'localhost'; CREATE USER 'orc weird'@'127.0.0.1' "
                       "IDENTIFIED BY '" +
                           escaped + "'; CREATE USER 'orc weird'@'localhost' IDENTIFIED BY '" +
                           escaped + "'");
  auto s = orc::storage::open_session(ep);
  std::string user;
  *s << "SELECT SUBSTRING_INDEX(CURRENT_USER(), '@', 1)", soci::into(user);
  CHECK(user == "orc weird");
}

TEST_CASE("describe_endpoint names the endpoint without the password") {
  MysqlEndpoint ep;
  ep.host = "db.example";
  ep.port = 3306;
  ep.user = "orc";
  ep.password = "hunter2";
  ep.database = "orchestrator";
  CHECK(orc::storage::describe_endpoint(ep) == "orc@db.example:3306/orchestrator");
  ep.database.clear();
  CHECK(orc::storage::describe_endpoint(ep) == "orc@db.example:3306");
}

TEST_CASE("a wrong password fails with an authentication error that does not contain it") {
  MysqlEndpoint ep = backend_endpoint("orchestrator");
  ep.password = "Wr0ng-Secret-Pa55";
  try {
    orc::storage::open_session(ep);
    FAIL("connecting with a wrong password succeeded");
  } catch (const soci::soci_error& e) {
    const std::string what = e.what();
    CHECK(what.find(ep.password) == std::string::npos);
    CHECK(what.find("orc_backend@127.0.0.1") != std::string::npos);
    CHECK(orc::storage::mysql_error_code(e) == 1045);
    CHECK_FALSE(orc::storage::is_connection_error(e));
  }
}

TEST_CASE("an unreachable server fails with a connection error that does not leak the password") {
  MysqlEndpoint ep = backend_endpoint("orchestrator");
  ep.port = std::stoi(orc::test::run_command(std::string(ORC_SANDBOX) + " free-port 1"));
  ep.password = "Unreachable-Secret";
  try {
    orc::storage::open_session(ep);
    FAIL("connecting to a free port succeeded");
  } catch (const soci::soci_error& e) {
    CHECK(std::string(e.what()).find(ep.password) == std::string::npos);
    CHECK(orc::storage::is_connection_error(e));
    CHECK_FALSE(orc::storage::is_retryable_conflict(e));
  }
}

TEST_CASE("SQL errors are neither connection errors nor retryable conflicts") {
  auto s = orc::storage::open_session(backend_endpoint("orchestrator"));
  try {
    *s << "SELECT * FROM no_such_table_here";
    FAIL("query on a missing table succeeded");
  } catch (const soci::soci_error& e) {
    CHECK(orc::storage::mysql_error_code(e) == 1146);
    CHECK_FALSE(orc::storage::is_connection_error(e));
    CHECK_FALSE(orc::storage::is_retryable_conflict(e));
  }
}

TEST_CASE("error classification follows the MySQL error number") {
  using soci::mysql_soci_error;
  CHECK(orc::storage::is_connection_error(mysql_soci_error("gone", 2006)));
  CHECK(orc::storage::is_connection_error(mysql_soci_error("lost", 2013)));
  CHECK(orc::storage::is_connection_error(mysql_soci_error("killed", 1927)));
  CHECK_FALSE(orc::storage::is_connection_error(mysql_soci_error("denied", 1045)));
  CHECK_FALSE(orc::storage::is_connection_error(soci::soci_error("Null value not allowed")));
  CHECK(orc::storage::is_retryable_conflict(mysql_soci_error("deadlock", 1213)));
  CHECK(orc::storage::is_retryable_conflict(mysql_soci_error("lock wait", 1205)));
  CHECK(orc::storage::is_retryable_conflict(mysql_soci_error("Got error 6 during COMMIT", 1180)));
  CHECK(orc::storage::is_retryable_conflict(
      mysql_soci_error("WSREP has not yet prepared node for application use", 1047)));
  CHECK_FALSE(orc::storage::is_retryable_conflict(mysql_soci_error("Unknown command", 1047)));
  CHECK_FALSE(orc::storage::is_retryable_conflict(mysql_soci_error("dup", 1062)));
  CHECK(orc::storage::mysql_error_code(soci::soci_error("plain")) == 0);
}
