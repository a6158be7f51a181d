#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "model/version.hpp"
#include "storage/mysql_dialect.hpp"

using orc::model::BinlogCoordinates;
using orc::model::parse_server_version;
using orc::storage::ChangeMasterOptions;
using orc::storage::Dialect;
using orc::storage::quote_sql_string;
using orc::storage::SemiSyncFamily;

namespace {
Dialect dialect(const char* version, const char* comment = "") {
  auto v = parse_server_version(version, comment);
  REQUIRE(v);
  return Dialect(*v);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("MySQL 5.7 and 8.0.21 get the master/slave statements") {
  for (const char* version : {"5.7.44-log", "8.0.21"}) {
    CAPTURE(version);
    Dialect d = dialect(version);
    CHECK(d.show_replica_status() == "SHOW SLAVE STATUS");
    CHECK(d.show_master_status() == "SHOW MASTER STATUS");
    CHECK(d.show_replica_hosts() == "SHOW SLAVE HOSTS");
    CHECK(d.stop_replica() == "STOP SLAVE");
    CHECK(d.start_replica_io_thread() == "START SLAVE IO_THREAD");
    CHECK(d.reset_replica_all() == "RESET SLAVE ALL");
    CHECK(d.log_replica_updates_variable() == "log_slave_updates");
    CHECK(std::string(d.replica_status_columns().io_running) == "Slave_IO_Running");
    CHECK(std::string(d.replica_hosts_columns().master_id) == "Master_id");
  }
}

TEST_CASE("MySQL 8.0.22 switches statements and column names but not CHANGE options") {
  Dialect d = dialect("8.0.22");
  CHECK(d.show_replica_status() == "SHOW REPLICA STATUS");
  CHECK(d.show_replica_hosts() == "SHOW REPLICAS");
  CHECK(d.start_replica() == "START REPLICA");
  CHECK(d.stop_replica_sql_thread() == "STOP REPLICA SQL_THREAD");
  CHECK(d.reset_replica_all() == "RESET REPLICA ALL");
  CHECK(d.show_master_status() == "SHOW MASTER STATUS");
  CHECK(std::string(d.replica_status_columns().master_host) == "Source_Host");
  CHECK(std::string(d.replica_status_columns().seconds_behind) == "Seconds_Behind_Source");
  CHECK(std::string(d.replica_hosts_columns().master_id) == "Source_Id");
  ChangeMasterOptions o;
  o.host = "db2";
  o.port = 3306;
  auto sql = d.change_master_to(o);
  REQUIRE(sql);
  CHECK(*sql == "CHANGE MASTER TO MASTER_HOST='db2', MASTER_PORT=3306, MASTER_AUTO_POSITION=1");
}

TEST_CASE("MySQL 8.0.23 uses CHANGE REPLICATION SOURCE with SOURCE_ options") {
  Dialect d = dialect("8.0.23");
  ChangeMasterOptions o;
  o.host = "db2";
  o.port = 3307;
  o.user = "repl";
  o.password = "pw";
  o.connect_retry = 1;
  o.heartbeat_period = 0.5;
  auto sql = d.change_master_to(o);
  REQUIRE(sql);
  CHECK(*sql ==
        "CHANGE REPLICATION SOURCE TO SOURCE_HOST='db2', SOURCE_PORT=3307, SOURCE_USER='repl', "
        "SOURCE_PASSWORD='pw', SOURCE_AUTO_POSITION=1, SOURCE_CONNECT_RETRY=1, "
        "SOURCE_HEARTBEAT_PERIOD=0.500");
  CHECK_FALSE(contains(*sql, "MASTER_"));
  CHECK(d.log_replica_updates_variable() == "log_slave_updates");
}

TEST_CASE("MySQL 8.0.26 reads log_replica_updates and prefers the new semi-sync plugin") {
  CHECK(dialect("8.0.25").log_replica_updates_variable() == "log_slave_updates");
  CHECK(dialect("8.0.25").preferred_semi_sync_family() == SemiSyncFamily::MasterSlave);
  CHECK(dialect("8.0.26").log_replica_updates_variable() == "log_replica_updates");
  CHECK(dialect("8.0.26").preferred_semi_sync_family() == SemiSyncFamily::SourceReplica);
}

TEST_CASE("MySQL 8.4 and Percona 8.4 read their binlog position with SHOW BINARY LOG STATUS") {
  CHECK(dialect("8.3.0").show_master_status() == "SHOW MASTER STATUS");
  CHECK(dialect("8.4.0").show_master_status() == "SHOW BINARY LOG STATUS");
  CHECK(dialect("9.1.0").show_master_status() == "SHOW BINARY LOG STATUS");
  Dialect percona = dialect("8.4.2-2", "Percona Server (GPL), Release 2");
  CHECK(percona.show_master_status() == "SHOW BINARY LOG STATUS");
  CHECK(percona.show_replica_status() == "SHOW REPLICA STATUS");
}

TEST_CASE("MariaDB keeps the master/slave forms whatever its version number") {
  for (const char* version :
       {"10.5.23-MariaDB", "10.11.19-MariaDB-0+deb12u1-log", "11.4.2-MariaDB"}) {
    CAPTURE(version);
    Dialect d = dialect(version);
    CHECK(d.is_mariadb());
    CHECK_FALSE(d.uses_replica_statements());
    CHECK(d.show_replica_status() == "SHOW SLAVE STATUS");
    CHECK(d.show_master_status() == "SHOW MASTER STATUS");
    CHECK(d.show_replica_hosts() == "SHOW SLAVE HOSTS");
    CHECK(d.reset_replica_all() == "RESET SLAVE ALL");
    CHECK(d.log_replica_updates_variable() == "log_slave_updates");
    CHECK(d.preferred_semi_sync_family() == SemiSyncFamily::MasterSlave);
  }
}

TEST_CASE("MariaDB CHANGE MASTER uses MASTER_USE_GTID and quotes string literals") {
  Dialect d = dialect("10.11.19-MariaDB-log");
  ChangeMasterOptions o;
  o.host = "127.0.0.1";
  o.port = 23001;
  o.user = "re'pl";
  o.password = "a\\b'c\nd";
  o.connect_retry = 1;
  o.no_backslash_escapes = false;  // the password has a backslash: the mode must be known
  auto sql = d.change_master_to(o);
  REQUIRE(sql);
  CHECK(*sql ==
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=23001, MASTER_USER='re''pl', "
        "MASTER_PASSWORD='a\\\\b''c\nd', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1");
}

TEST_CASE("a demoted master joins with MariaDB current_pos, MySQL keeps auto-position") {
  ChangeMasterOptions o;
  o.host = "10.0.0.2";
  o.port = 3306;
  o.user = "repl";
  o.password = "pw";
  o.mariadb_current_pos = true;
  auto maria = dialect("10.11.19-MariaDB-0+deb12u1-log").change_master_to(o);
  REQUIRE(maria);
  CHECK(*maria ==
        "CHANGE MASTER TO MASTER_HOST='10.0.0.2', MASTER_PORT=3306, MASTER_USER='repl', "
        "MASTER_PASSWORD='pw', MASTER_USE_GTID=current_pos");
  auto mysql57 = dialect("5.7.44-log").change_master_to(o);
  REQUIRE(mysql57);
  CHECK(*mysql57 ==
        "CHANGE MASTER TO MASTER_HOST='10.0.0.2', MASTER_PORT=3306, MASTER_USER='repl', "
        "MASTER_PASSWORD='pw', MASTER_AUTO_POSITION=1");
  auto mysql8023 = dialect("8.0.23").change_master_to(o);
  REQUIRE(mysql8023);
  CHECK(*mysql8023 ==
        "CHANGE REPLICATION SOURCE TO SOURCE_HOST='10.0.0.2', SOURCE_PORT=3306, "
        "SOURCE_USER='repl', SOURCE_PASSWORD='pw', SOURCE_AUTO_POSITION=1");
  auto mysql84 = dialect("8.4.0").change_master_to(o);
  REQUIRE(mysql84);
  CHECK(*mysql84 == *mysql8023);

  o.mariadb_current_pos = false;  // replicas without local writes keep slave_pos
  CHECK(contains(*dialect("10.11.19-MariaDB").change_master_to(o), "MASTER_USE_GTID=slave_pos"));
}

TEST_CASE("current_pos without GTID positioning is refused") {
  ChangeMasterOptions o;
  o.host = "db1";
  o.port = 3306;
  o.use_gtid = false;
  o.coordinates = BinlogCoordinates{"mysql-bin.000002", 4, 0};
  o.mariadb_current_pos = true;
  std::string why;
  CHECK_FALSE(dialect("10.11.19-MariaDB").change_master_to(o, &why));
  CHECK(contains(why, "current_pos"));
}

TEST_CASE("the executed GTID position is gtid_binlog_pos on MariaDB and gtid_executed on MySQL") {
  CHECK(dialect("10.11.19-MariaDB").executed_gtid_query() == "SELECT @@global.gtid_binlog_pos");
  for (const char* version : {"5.7.44-log", "8.0.36", "8.4.0"}) {
    CAPTURE(version);
    CHECK(dialect(version).executed_gtid_query() == "SELECT @@global.gtid_executed");
  }
}

TEST_CASE("MariaDB waits for a GTID position with MASTER_GTID_WAIT and fractional seconds") {
  Dialect d = dialect("10.11.19-MariaDB");
  using std::chrono::milliseconds;
  // The position is a bound parameter: SOCI escapes it for the session's sql_mode.
  CHECK(d.wait_for_gtid(milliseconds(200)) == "SELECT MASTER_GTID_WAIT(:pos, 0.200)");
  CHECK(d.wait_for_gtid(milliseconds(12345)) == "SELECT MASTER_GTID_WAIT(:pos, 12.345)");
  CHECK(d.wait_for_gtid(milliseconds(-5)) == "SELECT MASTER_GTID_WAIT(:pos, 0.000)");
  CHECK(d.gtid_wait_reached(0) == std::optional<bool>(true));
  CHECK(d.gtid_wait_reached(-1) == std::optional<bool>(false));
  CHECK_FALSE(d.gtid_wait_reached(1).has_value());
}

TEST_CASE("MySQL waits with WAIT_FOR_EXECUTED_GTID_SET in whole seconds, never 0 (forever)") {
  using std::chrono::milliseconds;
  for (const char* version : {"5.7.44-log", "8.0.36", "8.4.0"}) {
    CAPTURE(version);
    Dialect d = dialect(version);
    CHECK(d.wait_for_gtid(milliseconds(200)) == "SELECT WAIT_FOR_EXECUTED_GTID_SET(:pos, 1)");
    CHECK(d.wait_for_gtid(milliseconds(0)) == "SELECT WAIT_FOR_EXECUTED_GTID_SET(:pos, 1)");
    CHECK(d.wait_for_gtid(milliseconds(2001)) == "SELECT WAIT_FOR_EXECUTED_GTID_SET(:pos, 3)");
    CHECK(d.gtid_wait_reached(0) == std::optional<bool>(true));
    CHECK(d.gtid_wait_reached(1) == std::optional<bool>(false));
    CHECK_FALSE(d.gtid_wait_reached(-1).has_value());
  }
}

TEST_CASE("file/pos positioning turns GTID positioning off explicitly") {
  ChangeMasterOptions o;
  o.host = "db1";
  o.port = 3306;
  o.use_gtid = false;
  o.coordinates = BinlogCoordinates{"mysql-bin.000007", 1234, 0};
  auto maria = dialect("10.11.19-MariaDB").change_master_to(o);
  REQUIRE(maria);
  CHECK(contains(*maria, "MASTER_LOG_FILE='mysql-bin.000007', MASTER_LOG_POS=1234"));
  CHECK(contains(*maria, "MASTER_USE_GTID=no"));
  auto mysql = dialect("8.4.0").change_master_to(o);
  REQUIRE(mysql);
  CHECK(contains(*mysql, "SOURCE_LOG_FILE='mysql-bin.000007', SOURCE_LOG_POS=1234"));
  CHECK(contains(*mysql, "SOURCE_AUTO_POSITION=0"));
}

TEST_CASE("invalid CHANGE MASTER options are refused with a reason") {
  Dialect d = dialect("10.11.19-MariaDB");
  std::string why;
  ChangeMasterOptions o;
  o.port = 3306;
  CHECK_FALSE(d.change_master_to(o, &why));
  CHECK(contains(why, "empty host"));
  o.host = "db1";
  o.port = 0;
  CHECK_FALSE(d.change_master_to(o, &why));
  CHECK(contains(why, "port"));
  o.port = 3306;
  o.use_gtid = false;
  CHECK_FALSE(d.change_master_to(o, &why));
  CHECK(contains(why, "coordinates"));
  o.use_gtid = true;
  o.coordinates = BinlogCoordinates{"mysql-bin.000001", 4, 0};
  CHECK_FALSE(d.change_master_to(o, &why));
  CHECK(contains(why, "GTID"));
  o.coordinates.reset();
  o.heartbeat_period = -1;
  CHECK_FALSE(d.change_master_to(o, &why));
  CHECK(contains(why, "heartbeat"));
}

TEST_CASE("string literals double quotes, which reads back the same in every sql_mode") {
  CHECK(quote_sql_string("plain") == "'plain'");
  CHECK(quote_sql_string("plain", true) == "'plain'");
  // No backslash escape is ever used for a quote: "\'" would end the string under
  // NO_BACKSLASH_ESCAPES, leaving the rest of the value as SQL.
  for (bool nbe : {false, true}) {
    CAPTURE(nbe);
    CHECK(quote_sql_string("it's", nbe) == "'it''s'");
    CHECK(quote_sql_string("'; DROP TABLE t; --", nbe) == "'''; DROP TABLE t; --'");
    CHECK(quote_sql_string("x\r\n\x1a\"`", nbe) == "'x\r\n\x1a\"`'");  // plain bytes in '...'
  }
}

TEST_CASE("backslashes and NUL are the only bytes whose literal depends on the sql_mode") {
  CHECK(quote_sql_string("a\\b") == "'a\\\\b'");
  CHECK(quote_sql_string("a\\b", true) == "'a\\b'");
  CHECK(quote_sql_string("\\'", false) == "'\\\\'''");
  CHECK(quote_sql_string("\\'", true) == "'\\'''");
  CHECK(quote_sql_string(std::string("a\0b", 3)) == "'a\\0b'");
  CHECK(quote_sql_string(std::string("a\0b", 3), true) == std::string("'a\0b'", 5));
  CHECK(orc::storage::needs_sql_mode("x\\y"));
  CHECK(orc::storage::needs_sql_mode(std::string("x\0y", 3)));
  CHECK_FALSE(orc::storage::needs_sql_mode("it's \"plain\"\n"));
}

TEST_CASE("NO_BACKSLASH_ESCAPES is found as a whole item of sql_mode, in any case") {
  using orc::storage::sql_mode_has_no_backslash_escapes;
  CHECK(sql_mode_has_no_backslash_escapes("NO_BACKSLASH_ESCAPES"));
  CHECK(sql_mode_has_no_backslash_escapes("STRICT_TRANS_TABLES,no_backslash_escapes,ANSI"));
  CHECK_FALSE(sql_mode_has_no_backslash_escapes(""));
  CHECK_FALSE(sql_mode_has_no_backslash_escapes("STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"));
  CHECK_FALSE(sql_mode_has_no_backslash_escapes("NO_BACKSLASH_ESCAPESX"));
}

TEST_CASE("CHANGE MASTER quotes every value for the session's mode and refuses to guess it") {
  Dialect d = dialect("10.11.19-MariaDB");
  ChangeMasterOptions o;
  o.host = "db2";
  o.port = 3306;
  o.user = "re'pl";
  o.password = "p'w\\d";
  std::string why;
  CHECK_FALSE(d.change_master_to(o, &why));  // backslash, mode unknown
  CHECK(contains(why, "sql_mode"));
  CHECK(!contains(why, "p'w"));  // never the password
  o.no_backslash_escapes = true;
  auto nbe = d.change_master_to(o);
  REQUIRE(nbe);
  CHECK(contains(*nbe, "MASTER_USER='re''pl', MASTER_PASSWORD='p''w\\d'"));
  o.no_backslash_escapes = false;
  auto escapes = d.change_master_to(o);
  REQUIRE(escapes);
  CHECK(contains(*escapes, "MASTER_USER='re''pl', MASTER_PASSWORD='p''w\\\\d'"));
  o.password = "it's";  // no backslash: the mode does not matter
  o.no_backslash_escapes.reset();
  auto any = d.change_master_to(o);
  REQUIRE(any);
  CHECK(contains(*any, "MASTER_PASSWORD='it''s'"));
  o.use_gtid = false;
  o.coordinates = BinlogCoordinates{"bin\\log.000001", 4, 0};
  CHECK_FALSE(d.change_master_to(o, &why));
  o.no_backslash_escapes = true;
  auto file = d.change_master_to(o);
  REQUIRE(file);
  CHECK(contains(*file, "MASTER_LOG_FILE='bin\\log.000001'"));
}

TEST_CASE("semi-sync names exist for both plugin generations") {
  const auto& old_names = orc::storage::semi_sync_names(SemiSyncFamily::MasterSlave);
  const auto& new_names = orc::storage::semi_sync_names(SemiSyncFamily::SourceReplica);
  CHECK(std::string(old_names.master_enabled) == "rpl_semi_sync_master_enabled");
  CHECK(std::string(old_names.master_wait_for_replica_count) ==
        "rpl_semi_sync_master_wait_for_slave_count");
  CHECK(std::string(new_names.replica_enabled) == "rpl_semi_sync_replica_enabled");
  CHECK(std::string(new_names.master_clients) == "Rpl_semi_sync_source_clients");
}

TEST_CASE("SHOW GLOBAL ... WHERE combines exact names and LIKE patterns") {
  CHECK(orc::storage::show_global_where(false, {"server_id", "read_only"}, {"rpl_semi_sync_%"}) ==
        "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('server_id', 'read_only') OR "
        "Variable_name LIKE 'rpl_semi_sync_%'");
  CHECK(orc::storage::show_global_where(true, {"Uptime"}, {}) ==
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('Uptime')");
  CHECK(orc::storage::show_global_where(true, {}, {"Rpl_%"}) ==
        "SHOW GLOBAL STATUS WHERE Variable_name LIKE 'Rpl_%'");
}

TEST_CASE("replica discovery from the processlist looks for binlog dump threads") {
  auto sql = dialect("10.11.19-MariaDB").processlist_replica_hosts();
  CHECK(contains(sql, "information_schema.PROCESSLIST"));
  CHECK(contains(sql, "'Binlog Dump'"));
  CHECK(contains(sql, "'Binlog Dump GTID'"));
}

TEST_CASE("SELECT of global variables aliases each column to the variable name") {
  CHECK(orc::storage::select_global_variables({"read_only", "gtid_mode"}) ==
        "SELECT @@global.read_only AS `read_only`, @@global.gtid_mode AS `gtid_mode`");
}
