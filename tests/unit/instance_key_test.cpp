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

TEST_CASE("host grammar: DNS names and IPv4/IPv6 addresses pass") {
  using orc::model::valid_hostname;
  for (const char* ok : {"db1", "db-1.example.com", "10.0.0.7", "::1", "fe80::1%eth0",
                         "2001:db8::a:1", "my_host.internal", "A-Z.09"}) {
    CAPTURE(ok);
    CHECK(valid_hostname(ok));
  }
  CHECK(valid_hostname(std::string(255, 'a')));
}

TEST_CASE("host grammar: shell and SQL metacharacters, whitespace and oddities are refused") {
  using orc::model::valid_hostname;
  for (const char* bad : {"x;touch /tmp/f",
                          "$(touch /tmp/f)",
                          "`id`",
                          "a'b",
                          "a\"b",
                          "a\\b",
                          "a b",
                          "a\tb",
                          "a\nb",
                          "a|b",
                          "a&b",
                          "a>b",
                          "a<b",
                          "a*b",
                          "a?b",
                          "a[b]",
                          "a{b}",
                          "~root",
                          "a!b",
                          "a#b",
                          "a=b",
                          "a,b",
                          "a/b",
                          "-rf",
                          "%eth0",
                          "db%1",
                          "caf\xc3\xa9"}) {
    CAPTURE(bad);
    std::string why;
    CHECK_FALSE(valid_hostname(bad, &why));
    CHECK(why.find("hostname") != std::string::npos);
    CHECK(why.find('\n') == std::string::npos);  // safe to log
  }
  CHECK_FALSE(valid_hostname(""));
  CHECK_FALSE(valid_hostname(std::string(256, 'a')));
  CHECK_FALSE(valid_hostname(std::string("a\0b", 3)));
}

TEST_CASE("alias grammar is a bit wider but refuses shell metacharacters") {
  using orc::model::valid_alias;
  for (const char* ok : {"", "shop", "shop-eu/primary", "team@db:1", "a+b=c,d", "50%"}) {
    CAPTURE(ok);
    CHECK(valid_alias(ok));
  }
  for (const char* bad : {"a;b", "a b", "$(x)", "`x`", "a'b", "a\"b", "a\\b", "a\nb", "-x", "a|b",
                          "a&b", "a(b)", "a~b", "a*b", "a#b", "a!b"}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_alias(bad));
  }
  CHECK_FALSE(valid_alias(std::string(256, 'a')));
}

TEST_CASE("instance keys with an invalid host are refused with a reason") {
  std::string why;
  CHECK_FALSE(parse_instance_key("x;touch /tmp/f:3306", 3306, &why));
  CHECK(why.find("hostname") != std::string::npos);
  CHECK_FALSE(parse_instance_key("$(id)", 3306));
  CHECK_FALSE(parse_instance_key("[a;b]:3306", 3306));
  CHECK(parse_instance_key("[fe80::1%eth0]:3306", 3306));
  // A refused value in a stored list is skipped, not kept.
  auto keys = orc::model::parse_key_list("db1:3306,x;y:3306,db2:3307");
  REQUIRE(keys.size() == 2);
  CHECK(keys[1].hostname == "db2");
}

TEST_CASE("printable() escapes what could forge or garble a log line") {
  CHECK(orc::model::printable("a\nb\\c") == "a\\x0ab\\x5cc");
  CHECK(orc::model::printable(std::string(100, 'x'), 10) == std::string(10, 'x') + "...");
}
