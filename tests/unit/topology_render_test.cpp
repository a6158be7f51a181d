#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "model/topology_render.hpp"

using orc::model::Instance;
using orc::model::instance_status_line;
using orc::model::InstanceKey;
using orc::model::render_topology;
using orc::model::RenderOptions;
using orc::model::ThreadState;

namespace {

/// A healthy, recently checked server with binary logging on; not a replica.
Instance server(const std::string& host, int port, const std::string& version) {
  Instance i;
  i.key = InstanceKey{host, port};
  i.version = version;
  i.binlog_format = "ROW";
  i.log_bin_enabled = true;
  i.is_last_check_valid = true;
  i.is_recently_checked = true;
  return i;
}

/// A read-only replica of `master` with both threads running and no lag.
Instance replica(const std::string& host, int port, const Instance& master) {
  Instance i = server(host, port, master.version);
  i.master_key = master.key;
  i.read_only = true;
  i.sql_thread_state = ThreadState::Running;
  i.io_thread_state = ThreadState::Running;
  i.seconds_behind_master = 0;
  i.replication_lag_seconds = 0;
  i.read_binlog_coordinates = {"mysql-bin.000002", 1234, 0};
  i.exec_binlog_coordinates = {"mysql-bin.000002", 1234, 0};
  return i;
}

constexpr const char* kMariaDB = "10.11.19-MariaDB-log";

/// Master + 3 replicas: one lagging (with an alias), one whose last check failed, one with its
/// SQL thread stopped and downtimed. Given out of key order on purpose.
std::vector<Instance> one_plus_three() {
  Instance m = server("db-master", 3306, kMariaDB);
  m.log_slave_updates_enabled = true;
  m.semi_sync.master_status = true;

  Instance lagging = replica("db-r1", 3306, m);
  lagging.instance_alias = "east";
  lagging.seconds_behind_master = 42;
  lagging.replication_lag_seconds = 42;
  lagging.using_mariadb_gtid = true;
  lagging.log_slave_updates_enabled = true;
  lagging.semi_sync.replica_status = true;

  Instance invalid = replica("db-r2", 3306, m);
  invalid.is_last_check_valid = false;
  invalid.using_mariadb_gtid = true;

  Instance stopped = replica("db-r3", 3307, m);
  stopped.sql_thread_state = ThreadState::Stopped;
  stopped.seconds_behind_master.reset();
  stopped.replication_lag_seconds.reset();
  stopped.using_mariadb_gtid = true;
  stopped.is_downtimed = true;

  return {stopped, lagging, m, invalid};
}

/// c0 -> c1 -> {c2, c3}: c2 has errant GTIDs and no binlog, c3 is detached and not checked lately.
std::vector<Instance> chain() {
  Instance c0 = server("c0", 3306, "8.0.36");
  Instance c1 = replica("c1", 3306, c0);
  c1.log_slave_updates_enabled = true;
  c1.using_pseudo_gtid = true;
  Instance c2 = replica("c2", 3306, c1);
  c2.log_bin_enabled = false;
  c2.log_slave_updates_enabled = true;  // no ">>" without a binlog
  c2.using_oracle_gtid = true;
  c2.gtid_errant = "00000000-0000-0000-0000-000000000001:7";
  c2.seconds_behind_master = 3;
  c2.replication_lag_seconds = 3;
  Instance c3 = replica("c3", 3306, c1);
  c3.exec_binlog_coordinates = {"//", 0, 0};
  c3.is_recently_checked = false;
  c3.sql_thread_state = ThreadState::Stopped;
  c3.io_thread_state = ThreadState::Stopped;
  return {c3, c2, c1, c0};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

/// The key on a topology line: after the indentation and "+ "/"- ", up to the next space.
std::string key_of(const std::string& line) {
  size_t start = line.find_first_not_of(" +-");
  return line.substr(start, line.find(' ', start) - start);
}

}  // namespace

TEST_CASE("topology of a master and three replicas shows lag, invalid, stopped and downtimed") {
  const std::string expected =
      "db-master:3306      [0s,ok,10.11.19-MariaDB-log,rw,ROW,>>,semi:master]\n"
      "+ db-r1:3306 (east) [42s,lag,10.11.19-MariaDB-log,ro,ROW,>>,GTID,semi:replica]\n"
      "- db-r2:3306        [unknown,invalid,10.11.19-MariaDB-log,ro,ROW,GTID]\n"
      "- db-r3:3307        [null,nonreplicating,10.11.19-MariaDB-log,ro,ROW,GTID,downtimed]";
  CHECK(render_topology(one_plus_three(), RenderOptions{}) == expected);
}

TEST_CASE("topology of a chain indents each level and shows detached, unchecked and errant") {
  const std::string expected =
      "c0:3306     [0s,ok,8.0.36,rw,ROW]\n"
      "+ c1:3306   [0s,ok,8.0.36,ro,ROW,>>,P-GTID]\n"
      "  + c2:3306 [3s,ok,8.0.36,ro,nobinlog,GTID:errant]\n"
      "  - c3:3306 [detached,unchecked,8.0.36,ro,ROW]";
  CHECK(render_topology(chain(), RenderOptions{}) == expected);
}

TEST_CASE("tabulated topology pads every column and right-aligns the lag column") {
  RenderOptions o;
  o.tabulated = true;
  const std::string expected =
      "c0:3306    |      0s|ok       |8.0.36|rw|ROW     |           \n"
      "+ c1:3306  |      0s|ok       |8.0.36|ro|ROW     |>>,P-GTID  \n"
      "  + c2:3306|      3s|ok       |8.0.36|ro|nobinlog|GTID:errant\n"
      "  - c3:3306|detached|unchecked|8.0.36|ro|ROW     |           ";
  CHECK(render_topology(chain(), o) == expected);
}

TEST_CASE("topology with tags appends the tag list to each line, empty brackets when none") {
  RenderOptions o;
  o.with_tags = true;
  o.tags["db-master:3306"] = {"pinned", "role=primary"};
  o.tags["db-r3:3307"] = {"backup"};
  auto lines = lines_of(render_topology(one_plus_three(), o));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] ==
        "db-master:3306      [0s,ok,10.11.19-MariaDB-log,rw,ROW,>>,semi:master] "
        "[pinned,role=primary]");
  CHECK(lines[1] ==
        "+ db-r1:3306 (east) [42s,lag,10.11.19-MariaDB-log,ro,ROW,>>,GTID,semi:replica] []");
  CHECK(lines[3] ==
        "- db-r3:3307        [null,nonreplicating,10.11.19-MariaDB-log,ro,ROW,GTID,downtimed] "
        "[backup]");
}

TEST_CASE("co-masters are each shown at depth one with their own replicas") {
  Instance a = server("cm-a", 3306, "8.0.36");
  Instance b = server("cm-b", 3306, "8.0.36");
  Instance a_as_replica = replica("cm-a", 3306, b);
  Instance b_as_replica = replica("cm-b", 3306, a);
  a_as_replica.read_only = false;
  a_as_replica.is_co_master = true;
  b_as_replica.is_co_master = true;
  b_as_replica.io_thread_state = ThreadState::Other;  // connecting: not healthy
  Instance r = replica("cm-r", 3306, a);
  const std::string expected =
      "+ cm-a:3306   [0s,ok,8.0.36,rw,ROW]\n"
      "  + cm-r:3306 [0s,ok,8.0.36,ro,ROW]\n"
      "- cm-b:3306   [null,nonreplicating,8.0.36,ro,ROW]";
  CHECK(render_topology({r, b_as_replica, a_as_replica}, RenderOptions{}) == expected);
}

TEST_CASE("every instance is shown exactly once, even with several roots or a master cycle") {
  Instance root1 = server("z-root", 3306, "8.0.36");
  Instance root2 = server("a-root", 3306, "8.0.36");
  Instance child = replica("m-child", 3306, root1);
  Instance x = server("x", 1, "8.0.36");
  Instance y = replica("y", 1, x);
  x.master_key = y.key;  // x <-> y without the co-master flag
  Instance under_y = replica("b-under-y", 1, y);
  auto lines = lines_of(render_topology({root1, root2, child, x, y, under_y}, RenderOptions{}));
  REQUIRE(lines.size() == 6);
  CHECK(lines[0].rfind("a-root:3306 ", 0) == 0);
  CHECK(lines[1].rfind("z-root:3306 ", 0) == 0);
  CHECK(lines[2].rfind("+ m-child:3306 ", 0) == 0);
  std::vector<std::string> keys;
  for (const auto& l : lines) keys.push_back(key_of(l));
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::string>{"a-root:3306", "b-under-y:1", "m-child:3306", "x:1", "y:1",
                                         "z-root:3306"});
}

TEST_CASE("instance status line measures lag against the maintenance threshold and SQL delay") {
  Instance m = server("m", 3306, "8.0.36");
  Instance r = replica("r", 3306, m);
  r.seconds_behind_master = 15;
  r.replication_lag_seconds = 15;
  RenderOptions strict;
  strict.reasonable_maintenance_replication_lag_seconds = 10;
  CHECK(instance_status_line(r, RenderOptions{}) == "[15s,ok,8.0.36,ro,ROW]");
  CHECK(instance_status_line(r, strict) == "[15s,lag,8.0.36,ro,ROW]");

  r.sql_delay = 3600;
  r.seconds_behind_master = 3610;
  r.replication_lag_seconds = 3610;
  CHECK(instance_status_line(r, RenderOptions{}) == "[3610s,ok,8.0.36,ro,ROW]");
  r.seconds_behind_master = 100;
  r.replication_lag_seconds = 100;
  CHECK(instance_status_line(r, RenderOptions{}) == "[100s,lag,8.0.36,ro,ROW]");
}

TEST_CASE("instance status line drops empty tokens and reports null lag when SBM is unknown") {
  Instance m = server("m", 3306, "");
  m.log_bin_enabled = false;
  CHECK(instance_status_line(m, RenderOptions{}) == "[0s,ok,rw,nobinlog]");

  Instance r = replica("r", 3306, server("m", 3306, "8.0.36"));
  r.seconds_behind_master.reset();
  CHECK(instance_status_line(r, RenderOptions{}) == "[null,ok,8.0.36,ro,ROW]");
}
