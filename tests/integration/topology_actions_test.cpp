// The server-side failover steps (storage/topology_actions.hpp) on real MariaDB topologies:
// draining a replica's relay log after its master crashed, promoting a replica, repointing the
// other replica and the restarted old master under it, waiting for GTID positions.
// MySQL is not covered here: this machine has no MySQL server (Debian ships MariaDB only).

#include <doctest/doctest.h>
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "storage/backend.hpp"
#include "storage/instance_operations.hpp"
#include "storage/topology_actions.hpp"
#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/sandbox.hpp"

using orc::model::InstanceKey;
using orc::storage::Dialect;
using orc::storage::GtidStart;
using orc::storage::MysqlEndpoint;
using orc::storage::OperationError;
using orc::storage::RepointRequest;
using orc::test::Sandbox;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

InstanceKey key_of(const Sandbox& sb, int i) {
  return InstanceKey{"127.0.0.1", sb.port(i)};
}

/// orchestrator's topology user, as the config would give it.
MysqlEndpoint topology_user() {
  MysqlEndpoint ep;
  ep.user = "orc";
  ep.password = "orc_pass";
  ep.connect_timeout_s = 2;
  ep.read_timeout_s = 15;
  return ep;
}

/// A session to instance I as the topology user, with the dialect of its version.
struct Server {
  std::unique_ptr<soci::session> session;
  Dialect dialect;
  soci::session& s() { return *session; }
};

Server connect(const Sandbox& sb, int i) {
  auto session = orc::storage::open_instance_session(topology_user(), key_of(sb, i));
  Dialect dialect(orc::storage::read_server_version(*session));
  return Server{std::move(session), std::move(dialect)};
}

/// A session as the application user on database `app` of instance I.
std::unique_ptr<soci::session> app_session(const Sandbox& sb, int i) {
  MysqlEndpoint ep{"127.0.0.1", sb.port(i), "app", "app_pass", "app", 2, 15, 15};
  return orc::storage::open_session(ep);
}

/// A field of SHOW SLAVE STATUS on instance I, read as root through the sandbox ("" if none).
std::string replica_field(Sandbox& sb, int i, const std::string& field) {
  auto text = sb.sql(i, "SHOW SLAVE STATUS\\G");
  auto at = text.find(" " + field + ": ");
  if (at == std::string::npos) return "";
  at += field.size() + 3;
  return text.substr(at, text.find('\n', at) - at);
}

/// Waits (as root, independently of the code under test) until replica R has applied
/// everything master M has binlogged.
void sync_replica(Sandbox& sb, int m, int r) {
  auto pos = sb.sql(m, "SELECT @@gtid_binlog_pos");
  REQUIRE(sb.sql(r, "SELECT MASTER_GTID_WAIT('" + pos + "', 10)") == "0");
}

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
  return orc::test::seconds_until(condition, timeout) >= 0;
}

long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

/// The sequence number of domain 0 in a MariaDB GTID position like "0-23001-17".
long long domain0_seq(const std::string& position) {
  REQUIRE_MESSAGE(position.rfind("0-", 0) == 0, position);
  return std::stoll(position.substr(position.rfind('-') + 1));
}

/// COUNT rows on instance I as root.
int row_count(Sandbox& sb, int i) {
  return std::stoi(sb.sql(i, "SELECT COUNT(*) FROM app.t"));
}

void insert_rows(soci::session& app, int n) {
  int v = 0;
  soci::statement st = (app.prepare << "INSERT INTO t (v) VALUES (:v)", soci::use(v));
  for (v = 0; v < n; ++v) st.execute(true);
}

}  // namespace

TEST_CASE(
    "replica progress, binlog position and executed GTID are read from a master and a "
    "replica") {
  Sandbox sb = Sandbox::topology("replicas", 1);
  Server master = connect(sb, 0);
  Server replica = connect(sb, 1);
  sync_replica(sb, 0, 1);

  CHECK_FALSE(orc::storage::read_replica_progress(master.s(), master.dialect).is_replica);

  auto binlog = orc::storage::read_binlog_position(master.s(), master.dialect);
  REQUIRE(binlog);
  const std::string status = sb.sql(0, "SHOW MASTER STATUS");
  CHECK(status.rfind(binlog->log_file + "\t" + std::to_string(binlog->log_pos) + "\t", 0) == 0);
  CHECK(orc::storage::read_executed_gtid(master.s(), master.dialect) ==
        sb.sql(0, "SELECT @@gtid_binlog_pos"));

  // Heartbeats can move the read position of an idle replica: compare once it matches.
  orc::storage::ReplicaProgress p;
  CHECK(wait_for([&] {
    p = orc::storage::read_replica_progress(replica.s(), replica.dialect);
    return p.read == *binlog;
  }));
  CHECK(p.is_replica);
  CHECK(p.io_running);
  CHECK(p.sql_running);
  CHECK(p.exec == p.read);
  CHECK(p.master_user == "repl");
  CHECK(p.last_sql_error.empty());
  CHECK(p.gtid_io_pos == sb.sql(0, "SELECT @@gtid_binlog_pos"));

  // MariaDB keeps replication credentials in master.info only.
  CHECK_FALSE(orc::storage::read_replication_credentials(replica.s(), replica.dialect));

  // A refused login names the server, not the password.
  MysqlEndpoint wrong = topology_user();
  wrong.password = "Wrong-Secret-4711";
  try {
    orc::storage::open_instance_session(wrong, key_of(sb, 1));
    FAIL("a wrong password was accepted");
  } catch (const OperationError& e) {
    const std::string what = e.what();
    CHECK(what.find("cannot connect to 127.0.0.1:" + std::to_string(sb.port(1))) == 0);
    CHECK(what.find("Wrong-Secret-4711") == std::string::npos);
  }
}

TEST_CASE(
    "wait_relay_log_applied is true on an idle replica and refuses a stopped or failed SQL "
    "thread") {
  Sandbox sb = Sandbox::topology("replicas", 2);
  sb.sql(0, "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
  sync_replica(sb, 0, 1);
  sync_replica(sb, 0, 2);
  Server master = connect(sb, 0);
  Server r1 = connect(sb, 1);
  Server r2 = connect(sb, 2);

  auto start = Clock::now();
  CHECK(orc::storage::wait_relay_log_applied(r1.s(), r1.dialect, 5s));
  CHECK(elapsed_ms(start) < 1000);

  CHECK_THROWS_WITH_AS(orc::storage::wait_relay_log_applied(master.s(), master.dialect, 1s),
                       doctest::Contains("not a replica"), OperationError);

  // An operator stopped replica 1's SQL thread and its IO thread received more since.
  sb.sql(1, "STOP SLAVE SQL_THREAD");
  sb.sql(0, "INSERT INTO app.t (v) VALUES (1)");
  REQUIRE(wait_for([&] {
    auto p = orc::storage::read_replica_progress(r1.s(), r1.dialect);
    return !(p.exec == p.read);
  }));
  CHECK_THROWS_WITH_AS(orc::storage::wait_relay_log_applied(r1.s(), r1.dialect, 1s),
                       doctest::Contains("stopped with relay log left to apply"), OperationError);
  CHECK(replica_field(sb, 1, "Slave_SQL_Running") == "No");  // not restarted behind its back

  // Replica 2 holds a row the master does not know of; the master's insert of that id fails.
  sb.sql(2, "SET sql_log_bin = 0; INSERT INTO app.t (id, v) VALUES (100, 0)");
  sb.sql(0, "INSERT INTO app.t (id, v) VALUES (100, 1)");
  REQUIRE(wait_for([&] { return replica_field(sb, 2, "Slave_SQL_Running") == "No"; }));
  CHECK_THROWS_WITH_AS(orc::storage::wait_relay_log_applied(r2.s(), r2.dialect, 1s),
                       doctest::Contains("Duplicate entry"), OperationError);
}

TEST_CASE(
    "after a burst of writes and a master crash the replica applies everything its IO "
    "thread received") {
  Sandbox sb = Sandbox::topology("replicas", 1);
  sb.sql(0, "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
  sync_replica(sb, 0, 1);
  const long long base_seq = domain0_seq(sb.sql(0, "SELECT @@gtid_binlog_pos"));
  Server replica = connect(sb, 1);

  {
    auto app = app_session(sb, 0);
    insert_rows(*app, 2000);
  }
  sb.kill(0);
  const auto after_kill = orc::storage::read_replica_progress(replica.s(), replica.dialect);
  MESSAGE("right after the kill: exec " << after_kill.exec.str() << ", read "
                                        << after_kill.read.str());

  CHECK(orc::storage::wait_relay_log_applied(replica.s(), replica.dialect, 10s));
  const auto p = orc::storage::read_replica_progress(replica.s(), replica.dialect);
  CHECK(p.exec == p.read);
  // Every transaction the IO thread received (one row each) is applied, whatever the kill cut.
  const long long received = domain0_seq(p.gtid_io_pos) - base_seq;
  CHECK(received > 0);
  CHECK(row_count(sb, 1) == received);
  CHECK(sb.sql(1, "SELECT @@gtid_slave_pos") == p.gtid_io_pos);
  MESSAGE("the replica received " << received << " of 2000 transactions before the kill");
}

TEST_CASE(
    "wait_relay_log_applied waits for a SQL thread held behind after the master is "
    "killed") {
  Sandbox sb = Sandbox::topology("replicas", 1);
  sb.sql(0, "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
  sync_replica(sb, 0, 1);
  Server master = connect(sb, 0);
  Server replica = connect(sb, 1);

  // A global read lock on the replica holds its SQL thread (running, "Waiting for backup
  // lock") while the IO thread keeps receiving: a relay log that is not applied yet.
  Server lock_holder = connect(sb, 1);
  lock_holder.s() << "FLUSH TABLES WITH READ LOCK";
  {
    auto app = app_session(sb, 0);
    insert_rows(*app, 500);
  }
  const auto binlog = orc::storage::read_binlog_position(master.s(), master.dialect);
  REQUIRE(binlog);
  REQUIRE(wait_for([&] {
    return orc::storage::read_replica_progress(replica.s(), replica.dialect).read == *binlog;
  }));
  sb.kill(0);

  auto p = orc::storage::read_replica_progress(replica.s(), replica.dialect);
  CHECK(p.sql_running);
  CHECK(p.exec.smaller_than(p.read));

  auto start = Clock::now();
  CHECK_FALSE(orc::storage::wait_relay_log_applied(replica.s(), replica.dialect, 200ms));
  CHECK(elapsed_ms(start) >= 200);

  // The lock is released only once the wait is seen polling the replica (its SHOW SLAVE STATUS
  // statements, counted by the server) while the relay log is still held unapplied; the wait
  // must not return before the release began.
  auto replica_status_queries = [&]() -> long long {
    try {  // also runs on the release thread, where an exception would terminate
      auto text = sb.sql(1, "SHOW GLOBAL STATUS LIKE 'Com_show_slave_status'");
      return std::stoll(text.substr(text.find('\t') + 1));
    } catch (const std::exception&) {
      return -1;
    }
  };
  const long long queries_before = replica_status_queries();
  REQUIRE(queries_before >= 0);
  std::atomic<bool> waiting{false};
  std::atomic<bool> unlocking{false};
  std::thread release([&] {
    wait_for([&] { return waiting && replica_status_queries() >= queries_before + 5; }, 60s);
    unlocking = true;
    lock_holder.s() << "UNLOCK TABLES";
  });
  waiting = true;
  const bool applied = orc::storage::wait_relay_log_applied(replica.s(), replica.dialect, 120s);
  const bool returned_after_release = unlocking;
  release.join();
  CHECK(applied);
  CHECK(returned_after_release);
  CHECK(row_count(sb, 1) == 500);
  p = orc::storage::read_replica_progress(replica.s(), replica.dialect);
  CHECK(p.exec == *binlog);
}

TEST_CASE("promote_to_master makes a replica a writable master and keeps its GTID positions") {
  Sandbox sb = Sandbox::topology("replicas", 2);
  sb.sql(0, "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
  sb.sql(0, "INSERT INTO app.t (v) VALUES (1), (2)");
  sync_replica(sb, 0, 1);
  sync_replica(sb, 0, 2);
  Server r1 = connect(sb, 1);
  Server r2 = connect(sb, 2);
  REQUIRE(sb.sql(1, "SELECT @@global.read_only") == "1");
  const std::string gtids = "SELECT @@gtid_binlog_pos, @@gtid_slave_pos, @@gtid_current_pos";
  const std::string before = sb.sql(1, gtids);

  auto start = Clock::now();
  orc::storage::promote_to_master(r1.s(), r1.dialect, true, false);
  MESSAGE("promote_to_master took " << elapsed_ms(start) << " ms");
  CHECK(sb.sql(1, "SHOW SLAVE STATUS") == "");
  CHECK(sb.sql(1, "SELECT @@global.read_only") == "0");
  CHECK(sb.sql(1, gtids) == before);
  CHECK_FALSE(orc::storage::read_replica_progress(r1.s(), r1.dialect).is_replica);

  // Again on what is now a writable master: nothing to reset, still writable.
  orc::storage::promote_to_master(r1.s(), r1.dialect, true, false);
  CHECK(sb.sql(1, "SELECT @@global.read_only") == "0");
  CHECK(sb.sql(1, gtids) == before);

  // ApplyMySQLPromotionAfterMasterFailover=false: writable, but replication is kept.
  orc::storage::promote_to_master(r2.s(), r2.dialect, false, false);
  CHECK(sb.sql(2, "SELECT @@global.read_only") == "0");
  CHECK(replica_field(sb, 2, "Slave_SQL_Running") == "Yes");
  CHECK(replica_field(sb, 2, "Master_Port") == std::to_string(sb.port(0)));
}

TEST_CASE(
    "after the master dies a promoted replica takes over the other replica and the "
    "restarted old master") {
  Sandbox sb = Sandbox::topology("replicas", 2);
  sb.sql(0, "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
  sb.sql(0, "INSERT INTO app.t (v) VALUES (1), (2), (3)");
  sync_replica(sb, 0, 1);
  sync_replica(sb, 0, 2);
  sb.kill(0);

  Server r1 = connect(sb, 1);
  Server r2 = connect(sb, 2);
  REQUIRE(orc::storage::wait_relay_log_applied(r1.s(), r1.dialect, 5s));
  orc::storage::promote_to_master(r1.s(), r1.dialect, true, false);

  RepointRequest to_r1;
  to_r1.master = key_of(sb, 1);
  auto start = Clock::now();
  orc::storage::repoint_replica(r2.s(), r2.dialect, to_r1);  // stored repl credentials kept
  MESSAGE("repoint_replica took " << elapsed_ms(start) << " ms");
  CHECK(replica_field(sb, 2, "Master_Port") == std::to_string(sb.port(1)));
  CHECK(replica_field(sb, 2, "Using_Gtid") == "Slave_Pos");
  CHECK(replica_field(sb, 2, "Master_User") == "repl");

  {
    auto app = app_session(sb, 1);
    *app << "INSERT INTO t (v) VALUES (4)";
  }
  const std::string pos = orc::storage::read_executed_gtid(r1.s(), r1.dialect);
  CHECK(orc::storage::wait_for_executed_gtid(r2.s(), r2.dialect, pos, 5s));
  CHECK(row_count(sb, 2) == 4);
  CHECK(replica_field(sb, 2, "Last_SQL_Error") == "");

  // The old master comes back with its own transactions in its binlog only (never a replica,
  // no stored credentials): current_pos makes it continue after them.
  sb.start(0);
  Server old_master = connect(sb, 0);
  CHECK(sb.sql(0, "SHOW SLAVE STATUS") == "");
  RepointRequest rejoin;
  rejoin.master = key_of(sb, 1);
  rejoin.start = GtidStart::CurrentPosition;
  rejoin.user = "repl";
  rejoin.password = "repl_pass";
  orc::storage::repoint_replica(old_master.s(), old_master.dialect, rejoin);
  CHECK(replica_field(sb, 0, "Using_Gtid") == "Current_Pos");

  {
    auto app = app_session(sb, 1);
    *app << "INSERT INTO t (v) VALUES (5)";
  }
  const std::string pos2 = orc::storage::read_executed_gtid(r1.s(), r1.dialect);
  CHECK(orc::storage::wait_for_executed_gtid(old_master.s(), old_master.dialect, pos2, 5s));
  CHECK(row_count(sb, 0) == 5);
  CHECK(sb.sql(0, "SELECT @@gtid_binlog_pos") == pos2);
  auto p = orc::storage::read_replica_progress(old_master.s(), old_master.dialect);
  CHECK(p.io_running);
  CHECK(p.sql_running);
  CHECK(p.last_sql_error == "");
  CHECK(p.last_io_error == "");
}

TEST_CASE(
    "repoint_replica refuses a server that never replicated when no credentials are "
    "given") {
  Sandbox sb = Sandbox::topology("replicas", 1);
  Server master = connect(sb, 0);
  REQUIRE(sb.sql(0, "SHOW SLAVE STATUS") == "");

  RepointRequest request;
  request.master = key_of(sb, 1);
  CHECK_THROWS_WITH_AS(orc::storage::repoint_replica(master.s(), master.dialect, request),
                       doctest::Contains("no replication credentials"), OperationError);
  CHECK(sb.sql(0, "SHOW SLAVE STATUS") == "");
  CHECK(sb.sql(0, "SELECT @@global.read_only") == "0");

  request.user = "repl";
  request.master.port = 0;
  CHECK_THROWS_WITH_AS(orc::storage::repoint_replica(master.s(), master.dialect, request),
                       doctest::Contains("port"), OperationError);
  CHECK(sb.sql(0, "SHOW SLAVE STATUS") == "");
}

TEST_CASE(
    "wait_for_executed_gtid sees writes replicate and times out while the IO thread is "
    "stopped") {
  Sandbox sb = Sandbox::topology("replicas", 1);
  sb.sql(0, "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
  Server master = connect(sb, 0);
  Server replica = connect(sb, 1);

  sb.sql(0, "INSERT INTO app.t (v) VALUES (1)");
  const std::string pos = orc::storage::read_executed_gtid(master.s(), master.dialect);
  CHECK(orc::storage::wait_for_executed_gtid(replica.s(), replica.dialect, pos, 5s));
  CHECK(row_count(sb, 1) == 1);

  orc::storage::stop_io_thread(master.s(), master.dialect);  // no-op on a non-replica
  orc::storage::stop_io_thread(replica.s(), replica.dialect);
  auto p = orc::storage::read_replica_progress(replica.s(), replica.dialect);
  CHECK_FALSE(p.io_running);
  CHECK(p.sql_running);
  CHECK(replica_field(sb, 1, "Slave_IO_Running") == "No");

  sb.sql(0, "INSERT INTO app.t (v) VALUES (2)");
  const std::string pos2 = orc::storage::read_executed_gtid(master.s(), master.dialect);
  auto start = Clock::now();
  CHECK_FALSE(orc::storage::wait_for_executed_gtid(replica.s(), replica.dialect, pos2, 200ms));
  const auto waited = elapsed_ms(start);
  CHECK(waited >= 190);
  CHECK(waited < 1500);

  sb.sql(1, "START SLAVE IO_THREAD");
  CHECK(orc::storage::wait_for_executed_gtid(replica.s(), replica.dialect, pos2, 5s));
  CHECK(row_count(sb, 1) == 2);
}
