// Inputs found by tests/fuzz/fuzz_probe_parse (tools/run-fuzz), kept as plain unit tests so that
// the normal test run guards them too. The same inputs are in tests/fuzz/corpus/.

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "model/version.hpp"
#include "storage/mysql_dialect.hpp"
#include "storage/probe_parse.hpp"

using namespace orc::storage;

TEST_CASE("fuzz regression: a lag beyond int64 is unparsable, not undefined behaviour") {
  CHECK_FALSE(parse_lag_seconds(std::string("1e39")));
  CHECK_FALSE(parse_lag_seconds(std::string("-1e39")));
  CHECK_FALSE(parse_lag_seconds(std::string("9223372036854775808")));
  CHECK(parse_lag_seconds(std::string("-9223372036854775808")) == INT64_MIN);
  CHECK(parse_lag_seconds(std::string("12.9")) == 12);
}

TEST_CASE("fuzz regression: a 64-bit replica port does not wrap into a valid one") {
  // 4294970602 = 2^32 + 3306: a plain int cast turned it into port 3306.
  Rows hosts = {{{"Host", "db2"}, {"Port", "4294970602"}}, {{"Host", "db3"}, {"Port", "3307"}}};
  auto keys = parse_replica_hosts(hosts);
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].hostname == "db3");
  CHECK(keys[0].port == 3307);
}

TEST_CASE("fuzz regression: a 64-bit master port does not wrap into a valid one") {
  Dialect mariadb(*orc::model::parse_server_version("10.11.19-MariaDB"));
  orc::model::Instance inst;
  apply_replica_status(inst, Row{{"Master_Host", "db1"}, {"Master_Port", "4294970602"}}, mariadb);
  CHECK(inst.master_key.hostname == "db1");
  CHECK(inst.master_key.port == 0);
  CHECK_FALSE(inst.is_replica());
  apply_replica_status(inst, Row{{"Master_Host", "db1"}, {"Master_Port", "3306"}}, mariadb);
  CHECK(inst.master_key.port == 3306);
}
