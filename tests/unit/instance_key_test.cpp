#include <doctest/doctest.h>

#include "model/instance_key.hpp"

using orc::model::InstanceKey;
using orc::model::parse_instance_key;

TEST_CASE("instance key parses host and port and applies the default port") {
  auto k = parse_instance_key("db1:3307", 3306);
  REQUIRE(k);
  CHECK(k->hostname == "db1");
  CHECK(k->port == 3307);
  auto d = parse_instance_key("db2", 3306);
  REQUIRE(d);
  CHECK(d->port == 3306);
  CHECK(d->str() == "db2:3306");
}

TEST_CASE("instance key rejects empty hosts and bad ports with a reason") {
  std::string why;
  CHECK_FALSE(parse_instance_key("", 3306, &why));
  CHECK(why.find("empty") != std::string::npos);
  CHECK_FALSE(parse_instance_key("db1:abc", 3306, &why));
  CHECK(why.find("invalid port") != std::string::npos);
  CHECK_FALSE(parse_instance_key("db1:70000", 3306));
  CHECK_FALSE(parse_instance_key("db1:0", 3306));
  CHECK_FALSE(parse_instance_key(":3306", 3306));
}

TEST_CASE("instance key accepts bracketed IPv6 addresses") {
  auto k = parse_instance_key("[::1]:3310", 3306);
  REQUIRE(k);
  CHECK(k->hostname == "::1");
  CHECK(k->port == 3310);
}

TEST_CASE("instance keys compare hostnames case-insensitively like the backend collation") {
  CHECK(InstanceKey{"HostA", 3306} == InstanceKey{"hosta", 3306});
  CHECK(InstanceKey{"hosta", 3306} != InstanceKey{"hosta", 3307});
  CHECK(InstanceKey{"a", 3307} < InstanceKey{"b", 3306});
  CHECK(orc::model::InstanceKeyHash()(InstanceKey{"HostA", 1}) ==
        orc::model::InstanceKeyHash()(InstanceKey{"hosta", 1}));
}
