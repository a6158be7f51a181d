#include <doctest/doctest.h>

#include "model/cli_args.hpp"

using orc::model::parse_cli_args;

TEST_CASE("cli flags accept single and double dashes, inline and separate values") {
  auto r = parse_cli_args(
      {"-c", "topology", "--i=db1:3306", "-alias", "main", "--config", "/etc/o.json", "--debug"});
  REQUIRE(r.ok);
  CHECK(r.args.get("c") == "topology");
  CHECK(r.args.get("i") == "db1:3306");
  CHECK(r.args.get("alias") == "main");
  CHECK(r.args.get("config") == "/etc/o.json");
  CHECK(r.args.has("debug"));
  CHECK_FALSE(r.args.has("noop"));
}

TEST_CASE("cli positional words are kept in order") {
  auto r = parse_cli_args({"--config", "x.json", "http"});
  REQUIRE(r.ok);
  REQUIRE(r.args.positional.size() == 1);
  CHECK(r.args.positional[0] == "http");
}

TEST_CASE("cli rejects unknown flags and missing values with the flag named") {
  auto unknown = parse_cli_args({"-c", "clusters", "--bogus"});
  CHECK_FALSE(unknown.ok);
  CHECK(unknown.error.find("--bogus") != std::string::npos);
  auto missing = parse_cli_args({"-i"});
  CHECK_FALSE(missing.ok);
  CHECK(missing.error.find("-i") != std::string::npos);
  auto switch_value = parse_cli_args({"--noop=yes"});
  CHECK_FALSE(switch_value.ok);
}

TEST_CASE("cli tag values may contain equals signs and tildes") {
  auto r = parse_cli_args({"-c", "tagged", "-tag", "~role=backup,dc=east"});
  REQUIRE(r.ok);
  CHECK(r.args.get("tag") == "~role=backup,dc=east");
}
