#include <doctest/doctest.h>

#include "model/version.hpp"

using orc::model::Flavor;
using orc::model::parse_server_version;
using orc::model::ServerVersion;

TEST_CASE("a Debian MariaDB version string parses to numbers, flavour and build suffix") {
  auto v = parse_server_version("10.11.19-MariaDB-0+deb12u1-log", "Debian 12");
  REQUIRE(v);
  CHECK(v->major == 10);
  CHECK(v->minor == 11);
  CHECK(v->patch == 19);
  CHECK(v->flavor == Flavor::MariaDB);
  CHECK(v->suffix == "MariaDB-0+deb12u1-log");
  CHECK(v->major_version_string() == "10.11");
  CHECK(v->number_string() == "10.11.19");
}

TEST_CASE("the 5.5.5- handshake prefix of MariaDB 10.x is dropped") {
  auto v = parse_server_version("5.5.5-10.11.19-MariaDB-0+deb12u1-log");
  REQUIRE(v);
  CHECK(v->number_string() == "10.11.19");
  CHECK(v->flavor == Flavor::MariaDB);
  // Without MariaDB in the text a 5.5.5 version is a genuine old MySQL.
  auto old = parse_server_version("5.5.5-log");
  REQUIRE(old);
  CHECK(old->number_string() == "5.5.5");
  CHECK(old->flavor == Flavor::MySQL);
}

TEST_CASE("Percona is recognised from the version comment and MySQL is the default") {
  auto p = parse_server_version("8.0.36-28", "Percona Server (GPL), Release 28, Revision 47601f19");
  REQUIRE(p);
  CHECK(p->flavor == Flavor::Percona);
  CHECK(p->suffix == "28");
  CHECK(p->is_mysql_family());
  auto m = parse_server_version("5.7.44-log", "MySQL Community Server (GPL)");
  REQUIRE(m);
  CHECK(m->flavor == Flavor::MySQL);
  CHECK(m->suffix == "log");
  CHECK(m->number_string() == "5.7.44");
  // MariaDB wins over a comment that happens to mention Percona (Galera builds do).
  auto g = parse_server_version("10.6.16-MariaDB", "Percona XtraDB-compatible build");
  REQUIRE(g);
  CHECK(g->flavor == Flavor::MariaDB);
}

TEST_CASE("versions compare numerically, never as strings") {
  auto v8_10 = *parse_server_version("8.10.0");
  auto v8_9 = *parse_server_version("8.9.1");
  CHECK(v8_9 < v8_10);
  CHECK_FALSE(v8_10 < v8_9);
  auto v8_0_22 = *parse_server_version("8.0.22");
  CHECK(v8_0_22.at_least(8, 0, 22));
  CHECK_FALSE(v8_0_22.at_least(8, 0, 23));
  CHECK(v8_0_22.at_least(8));
  CHECK_FALSE(parse_server_version("8.0.21")->at_least(8, 0, 22));
  CHECK(parse_server_version("11.4.2-MariaDB")->at_least(10, 10));
}

TEST_CASE("short and odd version strings still parse what is there") {
  auto two = parse_server_version("8.0");
  REQUIRE(two);
  CHECK(two->number_string() == "8.0.0");
  CHECK(two->suffix.empty());
  auto one = parse_server_version("9-beta");
  REQUIRE(one);
  CHECK(one->major == 9);
  CHECK(one->minor == 0);
  CHECK(one->suffix == "beta");
}

TEST_CASE("text that does not start with a number is not a version") {
  CHECK_FALSE(parse_server_version(""));
  CHECK_FALSE(parse_server_version("MariaDB"));
  CHECK_FALSE(parse_server_version("v8.0.1"));
}

TEST_CASE("equality includes the flavour but ignores the build suffix") {
  auto a = *parse_server_version("10.11.19-MariaDB-log");
  auto b = *parse_server_version("10.11.19-MariaDB");
  CHECK(a == b);
  auto mysql = ServerVersion{10, 11, 19, Flavor::MySQL, ""};
  CHECK(a != mysql);
}
