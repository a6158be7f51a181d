#include <doctest/doctest.h>

#include "model/replica_position.hpp"

using orc::model::compare_positions;
using orc::model::Flavor;
using orc::model::GtidOrder;
using orc::model::Instance;
using orc::model::replica_position;
using orc::model::ReplicaPosition;
using orc::model::source_position;

namespace {

const std::string kUuidA = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
const std::string kUuidB = "4e11fa47-71ca-11e1-9e33-c80aa9429562";

Instance maria(const std::string& slave_pos, const std::string& current_pos = "",
               const std::string& binlog_pos = "") {
  Instance i;
  i.flavor = Flavor::MariaDB;
  i.mariadb_gtid_slave_pos = slave_pos;
  i.executed_gtid_set = current_pos;
  i.mariadb_gtid_binlog_pos = binlog_pos;
  return i;
}

Instance oracle(const std::string& executed, const std::string& errant = "") {
  Instance i;
  i.flavor = Flavor::MySQL;
  i.gtid_mode = "ON";
  i.executed_gtid_set = executed;
  i.gtid_errant = errant;
  return i;
}

ReplicaPosition must_position(const Instance& i) {
  std::string err;
  auto p = replica_position(i, &err);
  INFO(err);
  REQUIRE(p);
  return *p;
}

}  // namespace

TEST_CASE("a MariaDB replica is positioned by gtid_slave_pos, without its local writes") {
  auto p = must_position(maria("0-3306-12", "0-3306-12,1-7-4"));
  CHECK(p.kind == ReplicaPosition::Kind::MariaDB);
  CHECK(p.to_string() == "0-3306-12");
}

TEST_CASE("a MariaDB replica without gtid_slave_pos falls back to gtid_current_pos") {
  CHECK(must_position(maria("", "0-3306-30")).to_string() == "0-3306-30");
}

TEST_CASE("an unparseable MariaDB position is unknown and says why") {
  std::string err;
  CHECK_FALSE(replica_position(maria("0-3306-x"), &err));
  CHECK(err.find("unparseable GTID position") != std::string::npos);
  CHECK_FALSE(source_position(maria("", "", "garbage"), &err));
}

TEST_CASE("a MySQL replica is positioned by its executed set without errant transactions") {
  auto p = must_position(oracle(kUuidA + ":1-15," + kUuidB + ":1-3", kUuidB + ":1-3"));
  CHECK(p.kind == ReplicaPosition::Kind::MySQL);
  CHECK(p.to_string() == kUuidA + ":1-15");
}

TEST_CASE("a MySQL server without gtid_mode ON or with a malformed set has no position") {
  std::string err;
  auto off = oracle(kUuidA + ":1-15");
  off.gtid_mode = "OFF";
  CHECK_FALSE(replica_position(off, &err));
  CHECK(err.find("gtid_mode") != std::string::npos);
  CHECK_FALSE(source_position(off, &err));
  CHECK_FALSE(replica_position(oracle(kUuidA + ":1-15", "not-a-uuid:1"), &err));
  CHECK(err.find("unparseable GTID set") != std::string::npos);
}

TEST_CASE("the source position of a MariaDB server is its binary log, not a stale slave position") {
  // A master that was a replica long ago: gtid_slave_pos stopped at 10, its binlog went on.
  auto m = maria("0-3306-10", "0-3306-40", "0-3306-42");
  std::string err;
  auto src = source_position(m, &err);
  REQUIRE(src);
  CHECK(src->to_string() == "0-3306-42");
  m.mariadb_gtid_binlog_pos.clear();
  CHECK(source_position(m)->to_string() == "0-3306-40");
  CHECK(must_position(m).to_string() == "0-3306-10");
}

TEST_CASE("the source position of a MySQL server keeps its errant transactions") {
  auto s = oracle(kUuidA + ":1-15," + kUuidB + ":1-3", kUuidB + ":1-3");
  auto src = source_position(s);
  REQUIRE(src);
  CHECK(src->to_string() == kUuidA + ":1-15," + kUuidB + ":1-3");
}

TEST_CASE("positions compare by flavour and are never ordered across flavours") {
  struct Row {
    Instance a, b;
    GtidOrder expected;
  };
  const Row rows[] = {
      {maria("0-1-12"), maria("0-2-12"), GtidOrder::Equal},
      {maria("0-1-13"), maria("0-1-12"), GtidOrder::Ahead},
      {maria("0-1-12"), maria("0-1-12,1-1-1"), GtidOrder::Behind},
      {maria("0-1-13,1-1-1"), maria("0-1-12,1-1-2"), GtidOrder::Incomparable},
      {oracle(kUuidA + ":1-5"), oracle(kUuidA + ":1-5"), GtidOrder::Equal},
      {oracle(kUuidA + ":1-9"), oracle(kUuidA + ":1-5"), GtidOrder::Ahead},
      {oracle(kUuidA + ":1-5"), oracle(kUuidA + ":1-5," + kUuidB + ":1"), GtidOrder::Behind},
      {oracle(kUuidA + ":1-5"), oracle(kUuidB + ":1-5"), GtidOrder::Incomparable},
      {maria(""), oracle(""), GtidOrder::Incomparable},
  };
  for (const auto& r : rows) {
    auto a = must_position(r.a), b = must_position(r.b);
    INFO((a.to_string() + " vs " + b.to_string()));
    CHECK(compare_positions(a, b) == r.expected);
  }
}
