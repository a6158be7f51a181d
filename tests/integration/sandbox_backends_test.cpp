// Proves that the sandbox's highly available backends (a replicated pair and a 3-node Galera
// cluster) really share orchestrator's data, and that a Galera cluster survives losing a node
// and takes it back, as the tests of several orchestrator nodes on one backend need.

#include <doctest/doctest.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

#include "orchestrator_node.hpp"
#include "sandbox.hpp"

using orc::test::Sandbox;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

/// Polls PRED every 50 ms until it holds or TIMEOUT has passed; a throwing PRED counts as "not
/// yet". Returns the seconds it took, or -1 on timeout.
double seconds_until(std::chrono::milliseconds timeout, const std::function<bool()>& pred) {
  return orc::test::seconds_until(
      [&] {
        try {
          return pred();
        } catch (const std::runtime_error&) {
          return false;
        }
      },
      timeout, 50ms);
}

std::string unique_marker() {
  return std::to_string(Clock::now().time_since_epoch().count());
}

/// A session on the backend database as orchestrator would open it: over TCP as orc_backend.
soci::session backend_session(int port) {
  return soci::session(soci::mysql, "host=127.0.0.1 port=" + std::to_string(port) +
                                        " user=orc_backend password=orc_backend_pass"
                                        " dbname=orchestrator connect_timeout=2 read_timeout=10");
}

void insert(int port, const std::string& value) {
  auto s = backend_session(port);
  s << "INSERT INTO probe (v) VALUES (:v)", soci::use(value);
}

/// Rows of orchestrator.probe holding VALUE, read as orc_backend over TCP on PORT.
int count_rows(int port, const std::string& value) {
  auto s = backend_session(port);
  int n = 0;
  s << "SELECT COUNT(*) FROM probe WHERE v = :v", soci::use(value), soci::into(n);
  return n;
}

std::string wsrep_status(Sandbox& sb, int i, const std::string& name) {
  const std::string row = sb.sql(i, "SHOW GLOBAL STATUS LIKE '" + name + "'");
  const auto tab = row.find('\t');
  return tab == std::string::npos ? "" : row.substr(tab + 1);
}

}  // namespace

TEST_CASE("a write on the replicated backend's master reaches its read-only replica") {
  auto sb = Sandbox::backend_replicated();
  REQUIRE(sb.size() == 2);
  CHECK(sb.sql(0, "SELECT @@read_only") == "0");
  CHECK(sb.sql(1, "SELECT @@read_only") == "1");
  CHECK(sb.sql(1, "SELECT @@server_id") == std::to_string(sb.port(1)));

  backend_session(sb.port(0)) << "CREATE TABLE probe (v VARCHAR(40))";
  const std::string marker = unique_marker();
  insert(sb.port(0), marker);
  // orc_backend exists on the replica only because it was replicated, like the table.
  CHECK(seconds_until(5s, [&] { return count_rows(sb.port(1), marker) == 1; }) >= 0);
  // read_only stops orc_backend (no SUPER) from writing to the replica.
  CHECK_THROWS_AS(insert(sb.port(1), "on-replica"), soci::soci_error);

  SUBCASE("the replica catches up with writes made while it was killed") {
    sb.kill(1);
    const std::string later = unique_marker();
    insert(sb.port(0), later);
    sb.start(1);
    CHECK(seconds_until(5s, [&] { return count_rows(sb.port(1), later) == 1; }) >= 0);
  }
}

TEST_CASE("a Galera backend shares writes, survives a killed node and takes it back") {
  const auto setup_started = Clock::now();
  auto sb = Sandbox::backend_galera();
  MESSAGE(
      "galera setup took " << std::chrono::duration<double>(Clock::now() - setup_started).count()
                           << " s");
  REQUIRE(sb.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(wsrep_status(sb, i, "wsrep_ready") == "ON");
    CHECK(wsrep_status(sb, i, "wsrep_cluster_size") == "3");
    CHECK(sb.sql(i, "SELECT @@read_only") == "0");
  }

  backend_session(sb.port(0)) << "CREATE TABLE probe (id INT AUTO_INCREMENT PRIMARY KEY, "
                                 "v VARCHAR(40))";
  const std::string marker = unique_marker();
  insert(sb.port(0), marker);
  // Galera replicates synchronously: a later read on another node sees the commit at once
  // (with wsrep_sync_wait), but plain reads may lag by the apply time; poll briefly.
  for (int i = 1; i < 3; ++i) {
    CAPTURE(i);
    CHECK(seconds_until(5s, [&] { return count_rows(sb.port(i), marker) == 1; }) >= 0);
  }

  const auto killed_at = Clock::now();
  sb.kill(2);
  const double shrunk = seconds_until(20s, [&] {
    return wsrep_status(sb, 0, "wsrep_cluster_size") == "2" &&
           wsrep_status(sb, 1, "wsrep_cluster_size") == "2";
  });
  MESSAGE("nodes 0 and 1 saw a cluster of 2 after " << shrunk << " s");
  REQUIRE(shrunk >= 0);
  CHECK(shrunk < 10);  // evs.suspect_timeout=PT3S; the default settings take longer
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    CHECK(wsrep_status(sb, i, "wsrep_ready") == "ON");
    CHECK(wsrep_status(sb, i, "wsrep_cluster_status") == "Primary");
  }
  const std::string while_down = unique_marker();
  insert(sb.port(0), while_down + "-0");
  insert(sb.port(1), while_down + "-1");
  // Certified at once, applied on the other node a moment later: poll, as above.
  CHECK(seconds_until(5s, [&] { return count_rows(sb.port(1), while_down + "-0") == 1; }) >= 0);
  CHECK(seconds_until(5s, [&] { return count_rows(sb.port(0), while_down + "-1") == 1; }) >= 0);
  MESSAGE("writes accepted on both survivors "
          << std::chrono::duration<double>(Clock::now() - killed_at).count()
          << " s after the kill");

  const auto restart = Clock::now();
  sb.start(2);
  MESSAGE("node 2 rejoined in " << std::chrono::duration<double>(Clock::now() - restart).count()
                                << " s");
  CHECK(wsrep_status(sb, 2, "wsrep_cluster_size") == "3");
  CHECK(wsrep_status(sb, 2, "wsrep_local_state_comment") == "Synced");
  CHECK(count_rows(sb.port(2), while_down + "-0") == 1);
  CHECK(count_rows(sb.port(2), while_down + "-1") == 1);
  insert(sb.port(2), marker + "-2");
  CHECK(seconds_until(5s, [&] { return count_rows(sb.port(0), marker + "-2") == 1; }) >= 0);
}

TEST_CASE("a Galera backend killed entirely comes back when its nodes are started again") {
  auto sb = Sandbox::backend_galera();
  backend_session(sb.port(1)) << "CREATE TABLE probe (id INT AUTO_INCREMENT PRIMARY KEY, "
                                 "v VARCHAR(40))";
  const std::string marker = unique_marker();
  insert(sb.port(1), marker);
  REQUIRE(seconds_until(5s, [&] { return count_rows(sb.port(0), marker) == 1; }) >= 0);
  for (int i = 0; i < 3; ++i) sb.kill(i);
  // The first node started finds no running peer and bootstraps; the others join it.
  for (int i = 0; i < 3; ++i) sb.start(i);
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(wsrep_status(sb, i, "wsrep_cluster_size") == "3");
    CHECK(count_rows(sb.port(i), marker) == 1);
  }
}
