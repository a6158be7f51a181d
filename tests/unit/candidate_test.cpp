#include <doctest/doctest.h>

#include <algorithm>

#include "model/candidate.hpp"

using orc::model::CandidateChoice;
using orc::model::CandidateSettings;
using orc::model::choose_candidate;
using orc::model::Flavor;
using orc::model::Instance;
using orc::model::InstanceKey;
using orc::model::ReplicaFate;

namespace {

const char* const kUuidA = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
const char* const kUuidB = "4e11fa47-71ca-11e1-9e33-c80aa9429562";

Instance server(int port, Flavor flavor = Flavor::MariaDB) {
  Instance i;
  i.key = {"db" + std::to_string(port) + ".example", port};
  i.server_id = static_cast<uint32_t>(port);
  i.flavor = flavor;
  i.major_version = flavor == Flavor::MariaDB ? "10.11" : "8.0";
  i.version = i.major_version + ".5";
  i.log_bin_enabled = true;
  i.log_slave_updates_enabled = true;
  i.binlog_format = "ROW";
  i.is_last_check_valid = true;
  i.data_center = "dc1";
  i.region = "eu";
  return i;
}

Instance master() {
  return server(3306);
}

/// A MariaDB replica of master() that applied `slave_pos`.
Instance maria(int port, const std::string& slave_pos) {
  Instance i = server(port);
  i.master_key = master().key;
  i.using_mariadb_gtid = true;
  i.mariadb_gtid_slave_pos = slave_pos;
  return i;
}

/// A MySQL replica with gtid_mode=ON and the given executed set.
Instance oracle(int port, const std::string& executed) {
  Instance i = server(port, Flavor::MySQL);
  i.master_key = {"db3306.example", 3306};
  i.gtid_mode = "ON";
  i.using_oracle_gtid = true;
  i.executed_gtid_set = executed;
  return i;
}

InstanceKey key(int port) {
  return {"db" + std::to_string(port) + ".example", port};
}

bool has_reason(const CandidateChoice& c, int port, const std::string& fragment) {
  const std::string prefix = key(port).str() + ":";
  return std::any_of(c.reasons.begin(), c.reasons.end(), [&](const std::string& r) {
    return r.rfind(prefix, 0) == 0 && r.find(fragment) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("the most advanced replica is promoted even over a replica with a better rule") {
  auto behind = maria(1, "0-3306-10");
  behind.promotion_rule = "prefer";
  auto ahead = maria(2, "0-3306-12");
  auto c = choose_candidate(master(), {behind, ahead}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(2));
  CHECK(c.fate_of(key(1)) == ReplicaFate::Follow);
  CHECK(c.error.empty());
}

TEST_CASE("a prefer promotion rule breaks a tie between equally advanced replicas") {
  auto plain = maria(1, "0-3306-12");
  auto preferred = maria(2, "0-3306-12");
  preferred.promotion_rule = "prefer";
  auto c = choose_candidate(master(), {plain, preferred}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(2));
  CHECK(c.fate_of(key(2)) == ReplicaFate::Promote);
  CHECK(c.followers == std::vector<InstanceKey>{key(1)});
}

TEST_CASE("upstream tie breakers order log_slave_updates, version, binlog format, DC, errant") {
  auto base = maria(1, "0-3306-12");
  auto other = maria(2, "0-3306-12");
  other.promotion_rule = "prefer";  // loses to each earlier criterion below
  SUBCASE("log_slave_updates") {
    other.log_slave_updates_enabled = false;
  }
  SUBCASE("lower major version") {
    other.major_version = "11.4";
  }
  SUBCASE("smaller binlog format") {
    base.binlog_format = "MIXED";
  }
  SUBCASE("same data center as the failed master") {
    other.data_center = "dc2";
  }
  SUBCASE("no errant GTID") {
    other.gtid_errant = "0-99-1";
  }
  auto c = choose_candidate(master(), {other, base}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(1));
}

TEST_CASE("a must_not replica is never promoted, even when it is the only one") {
  auto banned = maria(1, "0-3306-12");
  banned.promotion_rule = "must_not";
  auto c = choose_candidate(master(), {banned}, {});
  CHECK_FALSE(c.promoted);
  CHECK_FALSE(c.error.empty());
  CHECK(has_reason(c, 1, "must_not"));
}

TEST_CASE("a prefer_not replica is still promoted when it is the only eligible one") {
  auto reluctant = maria(1, "0-3306-12");
  reluctant.promotion_rule = "prefer_not";
  auto c = choose_candidate(master(), {reluctant}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(1));
}

TEST_CASE("the chosen replica catches up from a must_not replica ahead of it - nothing is lost") {
  auto banned = maria(1, "0-3306-15");
  banned.promotion_rule = "must_not";
  auto c = choose_candidate(master(), {banned, maria(2, "0-3306-12"), maria(3, "0-3306-10")}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(2));
  REQUIRE(c.catch_up_from);
  CHECK(*c.catch_up_from == key(1));
  CHECK(c.fate_of(key(1)) == ReplicaFate::Follow);
  CHECK(c.fate_of(key(3)) == ReplicaFate::Follow);
  CHECK(c.lost.empty());
  CHECK(has_reason(c, 2, "catches up from " + key(1).str()));
}

TEST_CASE("without catch-up a must_not replica ahead of the chosen one is knowingly lost") {
  auto banned = maria(1, "0-3306-15");
  banned.promotion_rule = "must_not";
  CandidateSettings s;
  s.catch_up_from_ahead = false;
  auto c = choose_candidate(master(), {banned, maria(2, "0-3306-12")}, s);
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(2));
  CHECK_FALSE(c.catch_up_from);
  CHECK(c.lost == std::vector<InstanceKey>{key(1)});
  CHECK(has_reason(c, 1, "ahead of"));
}

TEST_CASE("catch-up goes to the replica holding every ahead one's position") {
  auto a = maria(1, "0-3306-15");
  a.promotion_rule = "must_not";
  auto b = maria(2, "0-3306-14");
  b.promotion_rule = "must_not";
  auto c = choose_candidate(master(), {a, b, maria(3, "0-3306-12")}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(3));
  REQUIRE(c.catch_up_from);
  CHECK(*c.catch_up_from == key(1));
  CHECK(c.fate_of(key(2)) == ReplicaFate::Follow);
}

TEST_CASE("a replica ahead that cannot serve its binary logs is no catch-up source") {
  auto banned = maria(1, "0-3306-15");
  banned.promotion_rule = "must_not";
  banned.log_slave_updates_enabled = false;
  auto c = choose_candidate(master(), {banned, maria(2, "0-3306-12")}, {});
  REQUIRE(c.promoted);  // must_not: knowingly lost, as without catch-up
  CHECK_FALSE(c.catch_up_from);
  CHECK(c.lost == std::vector<InstanceKey>{key(1)});
  CHECK(has_reason(c, 2, "cannot catch up"));

  auto lagging = maria(1, "0-3306-15");
  lagging.log_slave_updates_enabled = false;
  CandidateSettings s;
  s.fail_on_lag_minutes = 1;
  lagging.replication_lag_seconds = 90;
  auto blocked = choose_candidate(master(), {lagging, maria(2, "0-3306-12")}, s);
  CHECK_FALSE(blocked.promoted);
  CHECK(blocked.error.find("refusing") != std::string::npos);
}

TEST_CASE("replicas ahead that diverged from each other give no catch-up source") {
  auto a = maria(1, "0-3306-15,1-3306-2");
  a.promotion_rule = "must_not";
  auto b = maria(2, "0-3306-14,1-3306-3");
  b.promotion_rule = "must_not";
  auto c = choose_candidate(master(), {a, b, maria(3, "0-3306-12,1-3306-1")}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(3));
  CHECK_FALSE(c.catch_up_from);
  CHECK(c.lost.size() == 2);
  CHECK(has_reason(c, 3, "diverged"));
}

TEST_CASE("a hostname matching PromotionIgnoreHostnameFilters is not promoted") {
  CandidateSettings s;
  s.promotion_ignore_hostname_filters = {"^db1\\."};
  auto c = choose_candidate(master(), {maria(1, "0-3306-12"), maria(2, "0-3306-12")}, s);
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(2));
  CHECK(c.fate_of(key(1)) == ReplicaFate::Follow);
  CHECK(has_reason(c, 1, "PromotionIgnoreHostnameFilters"));
}

TEST_CASE("an ignore filter that does not match, or is not a valid regex, excludes nobody") {
  CandidateSettings s;
  s.promotion_ignore_hostname_filters = {"^db9\\.", "(["};
  auto c = choose_candidate(master(), {maria(1, "0-3306-12"), maria(2, "0-3306-12")}, s);
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(1));
  CHECK(c.reasons.empty());
}

TEST_CASE("cross data center promotion is refused only when prevented") {
  auto far = maria(1, "0-3306-12");
  far.data_center = "dc2";
  CandidateSettings s;
  SUBCASE("prevented") {
    s.prevent_cross_data_center = true;
    auto c = choose_candidate(master(), {far}, s);
    CHECK_FALSE(c.promoted);
    CHECK(has_reason(c, 1, "data center 'dc2'"));
  }
  SUBCASE("allowed") {
    auto c = choose_candidate(master(), {far}, s);
    REQUIRE(c.promoted);
    CHECK(*c.promoted == key(1));
  }
  SUBCASE("prevented but same data center") {
    s.prevent_cross_data_center = true;
    far.data_center = "dc1";
    CHECK(choose_candidate(master(), {far}, s).promoted);
  }
}

TEST_CASE("cross region promotion is refused when prevented and allowed within the region") {
  auto r = maria(1, "0-3306-12");
  CandidateSettings s;
  s.prevent_cross_region = true;
  CHECK(choose_candidate(master(), {r}, s).promoted);
  r.region = "us";
  auto c = choose_candidate(master(), {r}, s);
  CHECK_FALSE(c.promoted);
  CHECK(has_reason(c, 1, "region 'us'"));
}

TEST_CASE("a replica lagging FailMasterPromotionOnLagMinutes or more is not promoted") {
  auto r = maria(1, "0-3306-12");
  CandidateSettings s;
  s.fail_on_lag_minutes = 2;
  r.replication_lag_seconds = 120;
  auto c = choose_candidate(master(), {r}, s);
  CHECK_FALSE(c.promoted);
  CHECK(has_reason(c, 1, "lag 120s"));
  r.replication_lag_seconds = 119;
  CHECK(choose_candidate(master(), {r}, s).promoted);
  r.replication_lag_seconds.reset();
  CHECK(choose_candidate(master(), {r}, s).promoted);
  r.replication_lag_seconds = 100000;
  s.fail_on_lag_minutes = 0;
  CHECK(choose_candidate(master(), {r}, s).promoted);
}

TEST_CASE("an excluded replica ahead of every candidate blocks the failover") {
  auto lagging_ahead = maria(1, "0-3306-20");
  lagging_ahead.is_last_check_valid = false;
  auto c = choose_candidate(master(), {lagging_ahead, maria(2, "0-3306-12")}, {});
  CHECK_FALSE(c.promoted);
  CHECK(c.error.find(key(1).str()) != std::string::npos);
  CHECK(c.followers.empty());
  CHECK(c.lost.empty());
}

TEST_CASE("an excluded replica equal to the chosen one does not block and follows") {
  auto stale = maria(1, "0-3306-12");
  stale.is_last_check_valid = false;
  auto c = choose_candidate(master(), {stale, maria(2, "0-3306-12")}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(2));
  CHECK(c.fate_of(key(1)) == ReplicaFate::Follow);
  CHECK(has_reason(c, 1, "last check is not valid"));
}

TEST_CASE("diverged MariaDB positions are not ordered and the loser is lost with a reason") {
  // Replica 1 is ahead in domain 0, replica 2 in domain 1: neither contains the other.
  auto a = maria(1, "0-3306-20,1-3306-5");
  auto b = maria(2, "0-3306-18,1-3306-9");
  b.promotion_rule = "prefer";
  auto behind_both = maria(3, "0-3306-10,1-3306-4");
  auto c = choose_candidate(master(), {a, b, behind_both}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(2));
  CHECK(c.fate_of(key(1)) == ReplicaFate::Lost);
  CHECK(has_reason(c, 1, "incomparable"));
  CHECK(c.fate_of(key(3)) == ReplicaFate::Follow);
}

TEST_CASE("MariaDB falls back to gtid_current_pos when gtid_slave_pos is unknown") {
  auto a = maria(1, "");
  a.executed_gtid_set = "0-3306-30";
  auto c = choose_candidate(master(), {a, maria(2, "0-3306-12")}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(1));
}

TEST_CASE("MySQL replicas are ordered by executed GTID set containment") {
  std::string upto10 = std::string(kUuidA) + ":1-10";
  std::string upto15 = std::string(kUuidA) + ":1-15";
  auto c = choose_candidate(master(), {oracle(1, upto10), oracle(2, upto15)}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(2));
  CHECK(c.followers == std::vector<InstanceKey>{key(1)});
}

TEST_CASE("MySQL errant transactions do not make a replica look more advanced") {
  std::string base = std::string(kUuidA) + ":1-15";
  auto errant = oracle(1, base + "," + kUuidB + ":1-3");
  errant.gtid_errant = std::string(kUuidB) + ":1-3";
  auto c = choose_candidate(master(), {errant, oracle(2, base)}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(2));  // equal positions; no-errant wins the tie
  CHECK(c.fate_of(key(1)) == ReplicaFate::Follow);
}

TEST_CASE("a MySQL replica without gtid_mode ON has an unknown position and is lost") {
  auto nogtid = oracle(1, "");
  nogtid.gtid_mode = "OFF";
  auto c = choose_candidate(master(), {nogtid, oracle(2, std::string(kUuidA) + ":1-3")}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(2));
  CHECK(c.fate_of(key(1)) == ReplicaFate::Lost);
  CHECK(has_reason(c, 1, "gtid_mode"));
}

TEST_CASE("when every replica has an invalid last check nobody is promoted") {
  auto a = maria(1, "0-3306-12");
  auto b = maria(2, "0-3306-12");
  a.is_last_check_valid = b.is_last_check_valid = false;
  auto c = choose_candidate(master(), {a, b}, {});
  CHECK_FALSE(c.promoted);
  CHECK_FALSE(c.error.empty());
  CHECK(has_reason(c, 1, "last check"));
  CHECK(has_reason(c, 2, "last check"));
  CHECK(choose_candidate(master(), {}, {}).error.find("no replicas") != std::string::npos);
}

TEST_CASE("a replica without binary logs or a binlog server is not promoted") {
  auto nobin = maria(1, "0-3306-20");
  nobin.log_bin_enabled = false;
  auto c = choose_candidate(master(), {nobin}, {});
  CHECK_FALSE(c.promoted);
  CHECK(has_reason(c, 1, "binary logs"));
  nobin.log_bin_enabled = true;
  nobin.binlog_server = true;
  CHECK_FALSE(choose_candidate(master(), {nobin}, {}).promoted);
}

TEST_CASE("a replica that cannot replicate from the promoted one is lost with the reason") {
  auto newer = maria(1, "0-3306-20");
  auto older = maria(2, "0-3306-12");
  older.major_version = "10.6";
  older.version = "10.6.1";
  auto c = choose_candidate(master(), {newer, older}, {});
  REQUIRE(c.promoted);
  CHECK(*c.promoted == key(1));
  CHECK(c.lost == std::vector<InstanceKey>{key(2)});
  CHECK(has_reason(c, 2, "lower than"));
}
