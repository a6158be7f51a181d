// persisted_state_equal decides between a full upsert and a cheap touch; the key-list JSON is
// the S5 form of slave_hosts and replication_group_members.

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "model/instance.hpp"
#include "storage/instance_dao.hpp"

using orc::model::Instance;
using orc::model::InstanceKey;
using orc::model::ThreadState;
using orc::storage::instance_keys_json;
using orc::storage::parse_instance_keys_json;
using orc::storage::persisted_state_equal;

namespace {

Instance replica() {
  Instance i;
  i.key = {"db2", 3306};
  i.uptime = 1000;
  i.server_id = 2;
  i.version = "10.11.19-MariaDB-log";
  i.major_version = "10.11";
  i.read_only = true;
  i.binlog_format = "ROW";
  i.log_bin_enabled = true;
  i.self_binlog_coordinates = {"mysql-bin.000003", 1234, 0};
  i.master_key = {"db1", 3306};
  i.sql_thread_state = ThreadState::Running;
  i.io_thread_state = ThreadState::Running;
  i.using_mariadb_gtid = true;
  i.exec_binlog_coordinates = {"mysql-bin.000007", 999, 0};
  i.seconds_behind_master = 0;
  i.replication_lag_seconds = 0;
  i.replicas = {{"db3", 3306}, {"db4", 3306}};
  i.cluster_name = "db1:3306";
  i.replication_depth = 1;
  i.last_discovery_latency_ns = 1500000;
  return i;
}

}  // namespace

TEST_CASE("an instance probed again with only uptime and latency changed needs no full write") {
  Instance a = replica();
  Instance b = a;
  b.uptime += 5;
  b.last_discovery_latency_ns = 9000000;
  CHECK(persisted_state_equal(a, b));
}

TEST_CASE("check bookkeeping and unpersisted fields do not count as a state change") {
  Instance a = replica();
  Instance b = a;
  b.last_seen_timestamp = "2026-01-01 00:00:00";
  b.last_checked_timestamp = "2026-01-01 00:00:00";
  b.is_last_check_valid = !a.is_last_check_valid;
  b.is_up_to_date = !a.is_up_to_date;
  b.seconds_since_last_seen = 42;
  b.is_downtimed = true;
  b.promotion_rule = "prefer";
  b.problems = {"replication_lag"};
  b.mariadb_gtid_binlog_pos = "0-1-42";
  b.mariadb_gtid_slave_pos = "0-1-41";
  CHECK(persisted_state_equal(a, b));
}

TEST_CASE("an uptime that went backwards is a restart and needs a full write") {
  Instance a = replica();
  Instance b = a;
  b.uptime = 3;
  CHECK_FALSE(persisted_state_equal(a, b));
}

TEST_CASE("a change to any persisted column needs a full write") {
  const std::vector<std::pair<const char*, std::function<void(Instance&)>>> changes = {
      {"binlog position", [](Instance& i) { i.self_binlog_coordinates.log_pos++; }},
      {"exec position", [](Instance& i) { i.exec_binlog_coordinates.log_pos++; }},
      {"read_only", [](Instance& i) { i.read_only = false; }},
      {"sql thread", [](Instance& i) { i.sql_thread_state = ThreadState::Stopped; }},
      {"io thread", [](Instance& i) { i.io_thread_state = ThreadState::Other; }},
      {"master",
       [](Instance& i) {
         i.master_key = {"db9", 3306};
       }},
      {"lag value", [](Instance& i) { i.replication_lag_seconds = 7; }},
      {"lag null", [](Instance& i) { i.seconds_behind_master.reset(); }},
      {"sql error", [](Instance& i) { i.last_sql_error = "Error 'x'"; }},
      {"replica added",
       [](Instance& i) {
         i.replicas.push_back({"db5", 3306});
       }},
      {"cluster name", [](Instance& i) { i.cluster_name = "db9:3306"; }},
      {"depth", [](Instance& i) { i.replication_depth = 2; }},
      {"semi-sync", [](Instance& i) { i.semi_sync.master_clients = 1; }},
      {"group member state", [](Instance& i) { i.replication_group_member_state = "ONLINE"; }},
      {"hostname", [](Instance& i) { i.key.hostname = "db2b"; }},
  };
  for (const auto& [what, change] : changes) {
    CAPTURE(what);
    Instance a = replica();
    Instance b = a;
    change(b);
    CHECK_FALSE(persisted_state_equal(a, b));
  }
}

TEST_CASE("master keys that are both stored as empty compare equal") {
  Instance a = replica();
  a.master_key = {};
  Instance b = a;
  b.master_key = {"", 3306};  // not valid: stored as '' / 0 like an empty key
  CHECK(persisted_state_equal(a, b));
}

TEST_CASE("replica lists are stored as sorted JSON without duplicates") {
  std::vector<InstanceKey> keys = {{"h2", 3306}, {"h1", 3307}, {"h1", 3306}, {"h2", 3306}};
  CHECK(instance_keys_json(keys) ==
        R"([{"Hostname":"h1","Port":3306},{"Hostname":"h1","Port":3307},)"
        R"({"Hostname":"h2","Port":3306}])");
  CHECK(instance_keys_json({}) == "[]");
}

TEST_CASE("replica lists in a different order are the same persisted state") {
  Instance a = replica();
  Instance b = a;
  std::swap(b.replicas[0], b.replicas[1]);
  CHECK(persisted_state_equal(a, b));
}

TEST_CASE("hostnames with quotes and backslashes survive the JSON round trip") {
  std::vector<InstanceKey> keys = {{"we\"ird\\host", 3306}, {"plain", 1}};
  auto parsed = parse_instance_keys_json(instance_keys_json(keys));
  REQUIRE(parsed.size() == 2);
  CHECK(parsed[0] == InstanceKey{"plain", 1});
  CHECK(parsed[1].hostname == "we\"ird\\host");
}

TEST_CASE("key list parsing tolerates empty, malformed and partly wrong text") {
  CHECK(parse_instance_keys_json("").empty());
  CHECK(parse_instance_keys_json("[{\"Hostname\":").empty());
  CHECK(parse_instance_keys_json("{}").empty());
  auto some = parse_instance_keys_json(
      R"([{"Hostname":"a","Port":1},{"Hostname":"b"},7,{"Hostname":"c","Port":"x"},)"
      R"({"Hostname":"d","Port":4}])");
  REQUIRE(some.size() == 2);
  CHECK(some[0] == InstanceKey{"a", 1});
  CHECK(some[1] == InstanceKey{"d", 4});
}
