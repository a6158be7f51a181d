// Proves that tools/sandbox/sandbox and its C++ fixture give real, replicating MariaDB servers
// that can be crashed, stopped, frozen and brought back, as the failure-detection tests need.

#include <doctest/doctest.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "orchestrator_node.hpp"
#include "sandbox.hpp"

using orc::test::Sandbox;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

/// Polls PRED every 50 ms until it holds or TIMEOUT has passed. A throwing PRED (a table that
/// has not replicated yet, a server still starting) counts as "not yet".
bool eventually(std::chrono::milliseconds timeout, const std::function<bool()>& pred) {
  return orc::test::seconds_until(
             [&] {
               try {
                 return pred();
               } catch (const std::runtime_error&) {
                 return false;
               }
             },
             timeout, 50ms) >= 0;
}

/// One field of SHOW SLAVE STATUS on instance I, read from the labelled vertical output.
std::string slave_field(Sandbox& sb, int i, const std::string& field) {
  std::istringstream in(sb.sql(i, "SHOW SLAVE STATUS\\G"));
  const std::string label = field + ": ";
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find(label);
    if (at != std::string::npos && line.find_first_not_of(' ') == at) {
      return line.substr(at + label.size());
    }
  }
  return "";
}

std::string unique_marker() {
  return std::to_string(Clock::now().time_since_epoch().count());
}

std::string connection_string(int port, const std::string& user, const std::string& password) {
  return "host=127.0.0.1 port=" + std::to_string(port) + " user=" + user + " password=" + password +
         " connect_timeout=1 read_timeout=2";
}

/// Opens and closes one connection; throws soci::soci_error when that fails.
void connect(const std::string& cs) {
  soci::session s(soci::mysql, cs);
}

}  // namespace

TEST_CASE("a write on the master of a replicas topology arrives on all three replicas") {
  auto sb = Sandbox::topology("replicas", 3);
  REQUIRE(sb.size() == 4);
  const std::string marker = unique_marker();
  sb.sql(0,
         "CREATE TABLE app.probe (v VARCHAR(40)); INSERT INTO app.probe VALUES ('" + marker + "')");
  CHECK(sb.sql(0, "SELECT @@read_only") == "0");
  CHECK(sb.sql(0, "SELECT @@server_id") == std::to_string(sb.port(0)));
  for (int i = 1; i <= 3; ++i) {
    CAPTURE(i);
    CHECK(eventually(5s, [&] { return sb.sql(i, "SELECT v FROM app.probe") == marker; }));
    CHECK(slave_field(sb, i, "Master_Port") == std::to_string(sb.port(0)));
    CHECK(slave_field(sb, i, "Using_Gtid") == "Slave_Pos");
    CHECK(sb.sql(i, "SELECT @@read_only") == "1");
  }
}

TEST_CASE("after the master is killed a replica shows its IO thread connecting within 2 s") {
  auto sb = Sandbox::topology("replicas", 2);
  REQUIRE(slave_field(sb, 1, "Slave_IO_Running") == "Yes");
  sb.kill(0);
  CHECK(eventually(2s, [&] { return slave_field(sb, 1, "Slave_IO_Running") == "Connecting"; }));
  CHECK(slave_field(sb, 1, "Slave_SQL_Running") == "Yes");
  sb.start(0);
  CHECK(eventually(5s, [&] { return slave_field(sb, 1, "Slave_IO_Running") == "Yes"; }));
}

TEST_CASE("the leaves of a chain replicate from the intermediate master") {
  auto sb = Sandbox::topology("chain", 2);
  REQUIRE(sb.size() == 4);
  CHECK(slave_field(sb, 1, "Master_Port") == std::to_string(sb.port(0)));
  const std::string marker = unique_marker();
  sb.sql(0,
         "CREATE TABLE app.probe (v VARCHAR(40)); INSERT INTO app.probe VALUES ('" + marker + "')");
  for (int leaf = 2; leaf <= 3; ++leaf) {
    CAPTURE(leaf);
    CHECK(slave_field(sb, leaf, "Master_Port") == std::to_string(sb.port(1)));
    CHECK(eventually(5s, [&] { return sb.sql(leaf, "SELECT v FROM app.probe") == marker; }));
  }
}

TEST_CASE("co-masters replicate from each other and only the first one is writable") {
  auto sb = Sandbox::topology("comasters", 1);
  REQUIRE(sb.size() == 3);
  CHECK(slave_field(sb, 0, "Master_Port") == std::to_string(sb.port(1)));
  CHECK(slave_field(sb, 1, "Master_Port") == std::to_string(sb.port(0)));
  CHECK(slave_field(sb, 2, "Master_Port") == std::to_string(sb.port(0)));
  CHECK(sb.sql(0, "SELECT @@read_only") == "0");
  CHECK(sb.sql(1, "SELECT @@read_only") == "1");
  sb.sql(0, "CREATE TABLE app.probe (v VARCHAR(40))");
  sb.sql(1, "INSERT INTO app.probe VALUES ('from-1')");  // root may write through read_only
  CHECK(eventually(5s, [&] { return sb.sql(0, "SELECT v FROM app.probe") == "from-1"; }));
  CHECK(eventually(5s, [&] { return sb.sql(2, "SELECT v FROM app.probe") == "from-1"; }));
}

TEST_CASE("stopping and starting servers keeps their data and their replication") {
  auto sb = Sandbox::topology("replicas", 1);
  sb.sql(0, "CREATE TABLE app.probe (v INT); INSERT INTO app.probe VALUES (1)");
  REQUIRE(eventually(5s, [&] { return sb.sql(1, "SELECT COUNT(*) FROM app.probe") == "1"; }));

  sb.stop(0);
  CHECK_THROWS_WITH_AS(sb.sql(0, "SELECT 1"), doctest::Contains("not running"), std::runtime_error);
  sb.start(0);
  CHECK(sb.sql(0, "SELECT COUNT(*) FROM app.probe") == "1");
  CHECK(sb.sql(0, "SELECT @@read_only") == "0");

  sb.stop(1);
  sb.start(1);
  CHECK(sb.sql(1, "SELECT @@read_only") == "1");
  sb.sql(0, "INSERT INTO app.probe VALUES (2)");
  CHECK(eventually(5s, [&] { return sb.sql(1, "SELECT COUNT(*) FROM app.probe") == "2"; }));
  CHECK(slave_field(sb, 1, "Slave_IO_Running") == "Yes");
}

TEST_CASE("a frozen server times out new connections and answers again after thaw") {
  auto sb = Sandbox::backend();
  const std::string cs = connection_string(sb.port(), "orc_backend", "orc_backend_pass");
  CHECK_NOTHROW(connect(cs));

  sb.freeze(0);
  const auto started = Clock::now();
  CHECK_THROWS_AS(connect(cs), soci::soci_error);
  const auto waited = Clock::now() - started;
  CHECK(waited >= 900ms);  // it waited for connect_timeout=1 instead of being refused
  CHECK(waited < 5s);

  sb.thaw(0);
  soci::session s(soci::mysql, cs);
  int one = 0;
  s << "SELECT 1", soci::into(one);
  CHECK(one == 1);
}

TEST_CASE("a backend sandbox serves orc_backend and is gone with its servers when destroyed") {
  std::string dir;
  int port = 0;
  {
    auto first = Sandbox::backend();
    Sandbox sb = std::move(first);
    CHECK(first.dir().empty());
    dir = sb.dir();
    port = sb.port();
    REQUIRE(std::filesystem::exists(dir));

    soci::session s(soci::mysql, connection_string(port, "orc_backend", "orc_backend_pass") +
                                     " dbname=orchestrator");
    s << "CREATE TABLE t (v INT)";
    s << "INSERT INTO t VALUES (42)";
    int v = 0;
    s << "SELECT v FROM t", soci::into(v);
    CHECK(v == 42);
    CHECK_THROWS_AS(connect(connection_string(port, "orc_backend", "wrong")), soci::soci_error);
    CHECK_THROWS_AS(connect(connection_string(port, "root", "")), soci::soci_error);
    CHECK_THROWS_WITH_AS(sb.sql(0, "SELEC 1"), doctest::Contains("1064"), std::runtime_error);
    CHECK_THROWS_AS(sb.port(1), std::out_of_range);
  }
  CHECK_FALSE(std::filesystem::exists(dir));
  CHECK_THROWS_AS(connect(connection_string(port, "orc_backend", "x")), soci::soci_error);
}

TEST_CASE("move-assigning a sandbox destroys the one it replaces") {
  auto a = Sandbox::backend();
  const std::string old_dir = a.dir();
  a = Sandbox::backend();
  CHECK(a.dir() != old_dir);
  CHECK_FALSE(std::filesystem::exists(old_dir));
  CHECK(a.sql(0,
              "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = "
              "'orchestrator'") == "1");
}

TEST_CASE("a failed sandbox setup throws the script's own error message") {
  CHECK_THROWS_WITH_AS(Sandbox::topology("ring", 1), doctest::Contains("unknown topology kind"),
                       std::runtime_error);
  CHECK_THROWS_AS(Sandbox::topology("replicas", -1), std::invalid_argument);
}
