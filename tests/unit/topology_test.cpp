#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "model/topology.hpp"

using orc::model::cluster_master;
using orc::model::compute_gtid_errant;
using orc::model::derive_cluster_attributes;
using orc::model::inherit_cluster_attributes;
using orc::model::Instance;
using orc::model::InstanceKey;
using orc::model::replicas_of;

namespace {

/// An instance "host:port" replicating from "master_host:master_port" ("" = none), with a
/// server_uuid derived from the host so ancestry strings are readable.
Instance inst(const std::string& host, int port, const std::string& master_host = "",
              int master_port = 0) {
  Instance i;
  i.key = {host, port};
  i.master_key = {master_host, master_port};
  i.server_uuid = "uuid-" + host;
  return i;
}

const Instance& find(const std::vector<Instance>& all, const std::string& host, int port) {
  for (const auto& i : all) {
    if (i.key == InstanceKey{host, port}) return i;
  }
  FAIL("no instance ", host, ":", port);
  return all.front();
}

struct Expect {
  std::string host;
  int port;
  std::string cluster;
  int depth;
  bool co_master;
};

void check_all(const std::vector<Instance>& all, const std::vector<Expect>& expected) {
  for (const auto& e : expected) {
    CAPTURE(e.host);
    CAPTURE(e.port);
    const auto& i = find(all, e.host, e.port);
    CHECK(i.cluster_name == e.cluster);
    CHECK(i.replication_depth == e.depth);
    CHECK(i.is_co_master == e.co_master);
  }
}

}  // namespace

TEST_CASE("a master with three replicas forms one cluster named after the master") {
  std::vector<Instance> all = {inst("r2", 3306, "m", 3306), inst("m", 3306),
                               inst("r1", 3306, "m", 3306), inst("r3", 3306, "m", 3306)};
  derive_cluster_attributes(all);
  check_all(all, {{"m", 3306, "m:3306", 0, false},
                  {"r1", 3306, "m:3306", 1, false},
                  {"r2", 3306, "m:3306", 1, false},
                  {"r3", 3306, "m:3306", 1, false}});
  CHECK(find(all, "m", 3306).ancestry_uuid == "uuid-m");
  CHECK(find(all, "r2", 3306).ancestry_uuid == "uuid-m,uuid-r2");
  CHECK(replicas_of(all, {"m", 3306}) ==
        std::vector<InstanceKey>{{"r1", 3306}, {"r2", 3306}, {"r3", 3306}});
  CHECK(replicas_of(all, {"r1", 3306}).empty());
  REQUIRE(cluster_master(all, "m:3306"));
  CHECK(cluster_master(all, "m:3306")->key == InstanceKey{"m", 3306});
}

TEST_CASE("a chain master, intermediate, leaves gives depths 0, 1, 2 in one cluster") {
  // Leaves first, so the derivation cannot rely on input order.
  std::vector<Instance> all = {inst("l1", 2, "i", 1), inst("l2", 3, "i", 1), inst("i", 1, "m", 10),
                               inst("m", 10)};
  derive_cluster_attributes(all);
  check_all(all, {{"m", 10, "m:10", 0, false},
                  {"i", 1, "m:10", 1, false},
                  {"l1", 2, "m:10", 2, false},
                  {"l2", 3, "m:10", 2, false}});
  CHECK(find(all, "l1", 2).ancestry_uuid == "uuid-m,uuid-i,uuid-l1");
  CHECK(replicas_of(all, {"i", 1}) == std::vector<InstanceKey>{{"l1", 2}, {"l2", 3}});
}

TEST_CASE("co-masters are both flagged and the smaller key names the cluster") {
  std::vector<Instance> all = {inst("b", 3306, "a", 3306), inst("a", 3306, "b", 3306)};
  derive_cluster_attributes(all);
  check_all(all, {{"a", 3306, "a:3306", 0, true}, {"b", 3306, "a:3306", 1, true}});
  CHECK(find(all, "a", 3306).ancestry_uuid == "uuid-a");
  CHECK(find(all, "b", 3306).ancestry_uuid == "uuid-a,uuid-b");
  CHECK(cluster_master(all, "a:3306")->key == InstanceKey{"a", 3306});

  // Same pair, keys the other way round: the name follows the key order, not the input.
  std::vector<Instance> swapped = {inst("a", 3307, "a", 3306), inst("a", 3306, "a", 3307)};
  derive_cluster_attributes(swapped);
  check_all(swapped, {{"a", 3306, "a:3306", 0, true}, {"a", 3307, "a:3306", 1, true}});
}

TEST_CASE("replicas of co-masters inherit the cluster and are not co-masters themselves") {
  std::vector<Instance> all = {inst("d", 1, "b", 1), inst("c", 1, "a", 1), inst("b", 1, "a", 1),
                               inst("a", 1, "b", 1), inst("e", 1, "d", 1)};
  derive_cluster_attributes(all);
  check_all(all, {{"a", 1, "a:1", 0, true},
                  {"b", 1, "a:1", 1, true},
                  {"c", 1, "a:1", 1, false},
                  {"d", 1, "a:1", 2, false},
                  {"e", 1, "a:1", 3, false}});
  CHECK(find(all, "e", 1).ancestry_uuid == "uuid-a,uuid-b,uuid-d,uuid-e");
  CHECK(replicas_of(all, {"a", 1}) == std::vector<InstanceKey>{{"b", 1}, {"c", 1}});
}

TEST_CASE("a replication ring of three terminates and is named after its smallest key") {
  // x -> y -> z -> x (each replicates from the next), plus w hanging off z.
  std::vector<Instance> all = {inst("y", 1, "z", 1), inst("z", 1, "x", 1), inst("x", 1, "y", 1),
                               inst("w", 1, "z", 1)};
  derive_cluster_attributes(all);
  // x is the root; z replicates from x (depth 1), y from z (depth 2), w from z (depth 2).
  check_all(all, {{"x", 1, "x:1", 0, true},
                  {"z", 1, "x:1", 1, true},
                  {"y", 1, "x:1", 2, true},
                  {"w", 1, "x:1", 2, false}});
  CHECK(find(all, "y", 1).ancestry_uuid == "uuid-x,uuid-z,uuid-y");
}

TEST_CASE("a replica of a master that has not been probed is named after itself") {
  std::vector<Instance> all = {inst("r", 1, "ghost", 1), inst("s", 1, "r", 1)};
  derive_cluster_attributes(all);
  check_all(all, {{"r", 1, "r:1", 0, false}, {"s", 1, "r:1", 1, false}});
  CHECK(find(all, "r", 1).ancestry_uuid == "uuid-r");
  CHECK(replicas_of(all, {"ghost", 1}) == std::vector<InstanceKey>{{"r", 1}});
}

TEST_CASE("a detached master counts as having no master") {
  std::vector<Instance> all = {inst("m", 1), inst("r", 1, "m", 1), inst("s", 1, "r", 1)};
  all[1].is_detached_master = true;
  derive_cluster_attributes(all);
  check_all(all, {{"m", 1, "m:1", 0, false}, {"r", 1, "r:1", 0, false}, {"s", 1, "r:1", 1, false}});
  CHECK(replicas_of(all, {"m", 1}).empty());
}

TEST_CASE("hosts are matched case-insensitively, like the backend collation") {
  std::vector<Instance> all = {inst("DB1.example", 1), inst("db2", 1, "db1.EXAMPLE", 1)};
  derive_cluster_attributes(all);
  CHECK(find(all, "db2", 1).cluster_name == "DB1.example:1");
  CHECK(find(all, "db2", 1).replication_depth == 1);
  CHECK(replicas_of(all, {"Db1.Example", 1}) == std::vector<InstanceKey>{{"db2", 1}});
  REQUIRE(cluster_master(all, "db1.example:1"));
  CHECK(cluster_master(all, "db1.example:1")->key.hostname == "DB1.example");
}

TEST_CASE("the suggested cluster alias flows down from the master - roots keep their own") {
  std::vector<Instance> all = {inst("m", 1), inst("r", 1, "m", 1), inst("s", 1, "r", 1),
                               inst("other", 1)};
  all[0].suggested_cluster_alias = "prod";
  all[2].suggested_cluster_alias = "stale";
  all[3].suggested_cluster_alias = "staging";
  derive_cluster_attributes(all);
  CHECK(find(all, "r", 1).suggested_cluster_alias == "prod");
  CHECK(find(all, "s", 1).suggested_cluster_alias == "prod");
  CHECK(find(all, "m", 1).suggested_cluster_alias == "prod");
  CHECK(find(all, "other", 1).suggested_cluster_alias == "staging");
}

TEST_CASE("derivation overwrites stale cluster attributes") {
  std::vector<Instance> all = {inst("m", 1), inst("r", 1, "m", 1)};
  for (auto& i : all) {
    i.cluster_name = "old:1";
    i.replication_depth = 7;
    i.is_co_master = true;
    i.ancestry_uuid = "junk";
  }
  derive_cluster_attributes(all);
  check_all(all, {{"m", 1, "m:1", 0, false}, {"r", 1, "m:1", 1, false}});
  CHECK(find(all, "r", 1).ancestry_uuid == "uuid-m,uuid-r");
}

TEST_CASE("an instance replicating from itself is treated as a plain master") {
  std::vector<Instance> all = {inst("m", 1, "m", 1), inst("r", 1, "m", 1)};
  derive_cluster_attributes(all);
  check_all(all, {{"m", 1, "m:1", 0, false}, {"r", 1, "m:1", 1, false}});
}

TEST_CASE("a group replication secondary takes its attributes from the group primary") {
  std::vector<Instance> all = {inst("p", 1), inst("s", 1)};
  for (auto& i : all) i.replication_group_name = "group-uuid";
  all[0].replication_group_member_role = "PRIMARY";
  all[1].replication_group_member_role = "SECONDARY";
  all[1].replication_group_primary = {"p", 1};
  derive_cluster_attributes(all);
  check_all(all, {{"p", 1, "p:1", 0, false}, {"s", 1, "p:1", 1, false}});
  CHECK(find(all, "p", 1).ancestry_uuid == "uuid-p,group-uuid");
  CHECK(find(all, "s", 1).ancestry_uuid == "uuid-p,group-uuid,uuid-s,group-uuid");
}

TEST_CASE("the cluster master is the named instance, else the shallowest member") {
  std::vector<Instance> all = {inst("b", 1), inst("a", 1), inst("c", 1)};
  for (auto& i : all) i.cluster_name = "gone:1";
  all[0].replication_depth = 2;
  all[1].replication_depth = 1;
  all[2].replication_depth = 1;
  REQUIRE(cluster_master(all, "gone:1"));
  CHECK(cluster_master(all, "gone:1")->key == InstanceKey{"a", 1});
  CHECK(cluster_master(all, "GONE:1")->key == InstanceKey{"a", 1});
  CHECK(cluster_master(all, "nowhere:1") == nullptr);
  CHECK(cluster_master({}, "gone:1") == nullptr);
}

TEST_CASE("inheriting from a missing master row makes the instance its own cluster") {
  auto r = inst("r", 1, "m", 1);
  r.suggested_cluster_alias = "detected";
  inherit_cluster_attributes(r, nullptr);
  CHECK(r.cluster_name == "r:1");
  CHECK(r.replication_depth == 0);
  CHECK(r.suggested_cluster_alias == "detected");
  CHECK(r.ancestry_uuid == "uuid-r");
  CHECK_FALSE(r.is_co_master);
}

TEST_CASE("inheriting from a master row copies its name, alias, depth and ancestry") {
  auto m = inst("m", 1, "top", 1);
  m.cluster_name = "top:1";
  m.replication_depth = 1;
  m.suggested_cluster_alias = "prod";
  m.ancestry_uuid = "uuid-top,uuid-m";
  auto r = inst("r", 1, "m", 1);
  inherit_cluster_attributes(r, &m);
  CHECK(r.cluster_name == "top:1");
  CHECK(r.replication_depth == 2);
  CHECK(r.suggested_cluster_alias == "prod");
  CHECK(r.ancestry_uuid == "uuid-top,uuid-m,uuid-r");
  CHECK_FALSE(r.is_co_master);

  SUBCASE("a master row without a cluster name gives the replica its own name at depth 0") {
    m.cluster_name.clear();
    inherit_cluster_attributes(r, &m);
    CHECK(r.cluster_name == "r:1");
    CHECK(r.replication_depth == 0);
    CHECK(r.suggested_cluster_alias == "prod");
  }
}

TEST_CASE("co-masters from stored rows keep an existing cluster name") {
  // b was the master of cluster b:1 with replica a; then b was made to replicate from a.
  auto a_row = inst("a", 1, "b", 1);
  a_row.cluster_name = "b:1";
  a_row.replication_depth = 1;
  a_row.ancestry_uuid = "uuid-b,uuid-a";
  auto b = inst("b", 1, "a", 1);
  inherit_cluster_attributes(b, &a_row);
  CHECK(b.is_co_master);
  CHECK(b.cluster_name == "b:1");
  CHECK(b.replication_depth == 0);
  CHECK(b.ancestry_uuid == "uuid-b");

  auto a = inst("a", 1, "b", 1);
  inherit_cluster_attributes(a, &b);
  CHECK(a.is_co_master);
  CHECK(a.cluster_name == "b:1");
  CHECK(a.replication_depth == 1);
  CHECK(a.ancestry_uuid == "uuid-b,uuid-a");
}

TEST_CASE("co-masters from stored rows named after neither side take the smaller key") {
  auto b_row = inst("b", 1, "a", 1);
  b_row.cluster_name = "old:1";
  b_row.replication_depth = 3;
  auto a = inst("a", 1, "b", 1);
  inherit_cluster_attributes(a, &b_row);
  CHECK(a.is_co_master);
  CHECK(a.cluster_name == "a:1");
  CHECK(a.replication_depth == 0);

  auto a_row = inst("a", 1, "b", 1);
  a_row.cluster_name = "old:1";
  auto b = inst("b", 1, "a", 1);
  inherit_cluster_attributes(b, &a_row);
  CHECK(b.is_co_master);
  CHECK(b.cluster_name == "a:1");
  CHECK(b.replication_depth == a_row.replication_depth + 1);
}

TEST_CASE("errant GTIDs are the replica's own transactions its master lacks") {
  const std::string M = "aaaaaaaa-0000-0000-0000-000000000001";
  const std::string R = "bbbbbbbb-0000-0000-0000-000000000002";
  const std::string T = "cccccccc-0000-0000-0000-000000000003";
  auto r = inst("r", 1, "m", 1);
  r.server_uuid = R;
  r.master_uuid = M;
  r.ancestry_uuid = T + "," + M + "," + R;

  // In sync apart from the master's newer writes: nothing errant.
  r.executed_gtid_set = T + ":1-5,\n" + M + ":1-90";
  CHECK(compute_gtid_errant(r, T + ":1-5,\n" + M + ":1-100") == std::string());
  // Replica is ahead of a stale master row on the master's and the top's uuid: not errant.
  r.executed_gtid_set = T + ":1-9,\n" + M + ":1-120";
  CHECK(compute_gtid_errant(r, T + ":1-5,\n" + M + ":1-100") == std::string());
  // Local writes on the replica are errant.
  r.executed_gtid_set = T + ":1-5,\n" + M + ":1-100,\n" + R + ":1-3";
  CHECK(compute_gtid_errant(r, T + ":1-5,\n" + M + ":1-100") == R + ":1-3");
  // ...unless the master already has them (e.g. a former master's writes).
  CHECK(compute_gtid_errant(r, M + ":1-100,\n" + R + ":1-2") == R + ":3");
  // A co-master's own writes are not errant: its peer may not have applied them yet.
  r.is_co_master = true;
  CHECK(compute_gtid_errant(r, T + ":1-5,\n" + M + ":1-100") == std::string());
  r.is_co_master = false;
  // Foreign uuids outside the ancestry are errant too, printed as GTID_SUBTRACT does.
  const std::string X = "dddddddd-0000-0000-0000-000000000004";
  r.executed_gtid_set = M + ":1-100,\n" + R + ":1,\n" + X + ":7";
  CHECK(compute_gtid_errant(r, M + ":1-100") == R + ":1,\n" + X + ":7");
  // Nothing to compare without both sets.
  CHECK(compute_gtid_errant(r, "") == std::string());
  r.executed_gtid_set.clear();
  CHECK(compute_gtid_errant(r, M + ":1-100") == std::string());
  // Malformed sets are reported, not thrown.
  std::string why;
  r.executed_gtid_set = "not a gtid set";
  CHECK_FALSE(compute_gtid_errant(r, M + ":1", &why).has_value());
  CHECK(why.find("invalid UUID") != std::string::npos);
}
