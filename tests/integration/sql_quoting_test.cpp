// Statements sent to managed servers stay correct when the server's sql_mode has
// NO_BACKSLASH_ESCAPES: there "\'" does not escape a quote but ends the string.

#include <doctest/doctest.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <chrono>
#include <memory>
#include <string>

#include "storage/instance_operations.hpp"
#include "storage/instance_probe.hpp"
#include "storage/mysql_dialect.hpp"
#include "storage/topology_actions.hpp"
#include "tests/integration/recovery_fixture.hpp"
#include "tests/integration/sandbox.hpp"

using namespace std::chrono_literals;
using orc::test::Sandbox;
using orc::test::wait_until;

namespace {

std::unique_ptr<soci::session> open_orc(int port) {
  return std::make_unique<soci::session>(
      soci::mysql, "host=127.0.0.1 port=" + std::to_string(port) +
                       " user=orc password=orc_pass connect_timeout=1 read_timeout=5");
}

/// Field `name` of the replica's own SHOW SLAVE STATUS (vertical output).
std::string slave_field(Sandbox& sb, int i, const std::string& name) {
  auto text = sb.sql(i, "SHOW SLAVE STATUS\\G");
  auto at = text.find(" " + name + ": ");
  if (at == std::string::npos) return "";
  at += name.size() + 3;
  return text.substr(at, text.find('\n', at) - at);
}

}  // namespace

TEST_CASE(
    "CHANGE MASTER with a password holding quotes and backslashes works with "
    "NO_BACKSLASH_ESCAPES") {
  auto sb = Sandbox::topology("replicas", 1);
  // Quote, backslash-quote (which ends a string under NO_BACKSLASH_ESCAPES when escaped the
  // usual way), a ':name' (a SOCI placeholder outside quotes) and a trailing backslash.
  const std::string password = "q'\\'x\\:y\"\\";
  const std::string user = "odd'repl";
  // Created in the default mode (the mysql client's session): backslashes doubled there.
  sb.sql(0, "CREATE USER 'odd''repl'@'127.0.0.1' IDENTIFIED BY " +
                orc::storage::quote_sql_string(password, false) +
                "; GRANT REPLICATION SLAVE ON *.* TO 'odd''repl'@'127.0.0.1'");
  sb.sql(1, "SET GLOBAL sql_mode = 'NO_BACKSLASH_ESCAPES'");

  auto session = open_orc(sb.port(1));  // opened after: its session inherits the mode
  REQUIRE(orc::storage::session_no_backslash_escapes(*session));
  orc::storage::Dialect dialect(orc::storage::read_server_version(*session));

  orc::storage::RepointRequest request;
  request.master = {"127.0.0.1", sb.port(0)};
  request.user = user;
  request.password = password;
  request.connect_retry = 1;
  orc::storage::repoint_replica(*session, dialect, request);

  bool connected = wait_until(
      [&] {
        return slave_field(sb, 1, "Slave_IO_Running") == "Yes" &&
               slave_field(sb, 1, "Slave_SQL_Running") == "Yes";
      },
      10s);
  CHECK_MESSAGE(connected, slave_field(sb, 1, "Last_IO_Error"));
  CHECK(slave_field(sb, 1, "Master_User") == user);
  CHECK(slave_field(sb, 1, "Last_IO_Errno") == "0");

  // A write on the master arrives, and the GTID wait (a bound parameter) works in this mode.
  sb.sql(0,
         "CREATE DATABASE IF NOT EXISTS quoting; CREATE TABLE quoting.t (v VARCHAR(20)); "
         "INSERT INTO quoting.t VALUES ('it''s')");
  auto master = open_orc(sb.port(0));
  orc::storage::Dialect master_dialect(orc::storage::read_server_version(*master));
  auto position = orc::storage::read_executed_gtid(*master, master_dialect);
  REQUIRE_FALSE(position.empty());
  CHECK(orc::storage::wait_for_executed_gtid(*session, dialect, position, 5s));
  CHECK(sb.sql(1, "SELECT v FROM quoting.t") == "it's");
}

TEST_CASE(
    "the same password is refused in CHANGE MASTER text when the session's mode is "
    "unknown, and the quoting differs only in backslashes") {
  orc::storage::Dialect d(orc::model::ServerVersion{10, 11, 0, orc::model::Flavor::MariaDB, ""});
  orc::storage::ChangeMasterOptions o;
  o.host = "127.0.0.1";
  o.port = 3306;
  o.password = "q'\\'x";
  std::string why;
  CHECK_FALSE(d.change_master_to(o, &why));
  o.no_backslash_escapes = true;
  CHECK(d.change_master_to(o)->find("MASTER_PASSWORD='q''\\''x'") != std::string::npos);
  o.no_backslash_escapes = false;
  CHECK(d.change_master_to(o)->find("MASTER_PASSWORD='q''\\\\''x'") != std::string::npos);
}
