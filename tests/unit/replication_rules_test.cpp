#include <doctest/doctest.h>

#include "model/replication_rules.hpp"

using orc::model::can_replicate_from;
using orc::model::Instance;

namespace {
Instance server(int port, const std::string& major = "10.11") {
  Instance i;
  i.key = {"127.0.0.1", port};
  i.server_id = static_cast<uint32_t>(port);
  i.log_bin_enabled = true;
  i.log_slave_updates_enabled = true;
  i.binlog_format = "ROW";
  i.major_version = major;
  i.version = major + ".1";
  return i;
}
}  // namespace

TEST_CASE("a replica can replicate from a binlogging server of the same version") {
  auto v = can_replicate_from(server(1), server(2), 20);
  CHECK(v.ok);
  CHECK(v.reason.empty());
}

TEST_CASE("replication is refused from itself, from a server without binlogs, or with equal ids") {
  CHECK_FALSE(can_replicate_from(server(1), server(1), 20).ok);
  auto nobin = server(2);
  nobin.log_bin_enabled = false;
  auto v = can_replicate_from(server(1), nobin, 20);
  CHECK_FALSE(v.ok);
  CHECK(v.reason.find("binary logs") != std::string::npos);
  auto same_id = server(2);
  same_id.server_id = 1;
  CHECK(can_replicate_from(server(1), same_id, 20).reason.find("Identical server id") == 0);
}

TEST_CASE("an older replica cannot replicate from a newer major version but the reverse works") {
  CHECK_FALSE(can_replicate_from(server(1, "10.6"), server(2, "10.11"), 20).ok);
  CHECK(can_replicate_from(server(1, "10.11"), server(2, "10.6"), 20).ok);
}

TEST_CASE("a logging replica cannot take a bigger binlog format from its source") {
  auto replica = server(1);
  replica.binlog_format = "STATEMENT";
  CHECK_FALSE(can_replicate_from(replica, server(2), 20).ok);
  replica.log_slave_updates_enabled = false;
  CHECK(can_replicate_from(replica, server(2), 20).ok);
}

TEST_CASE("an intermediate source needs log_slave_updates") {
  auto source = server(2);
  source.master_key = {"127.0.0.1", 3};
  source.log_slave_updates_enabled = false;
  CHECK_FALSE(can_replicate_from(server(1), source, 20).ok);
}

TEST_CASE("a much more delayed source is refused") {
  auto source = server(2);
  source.sql_delay = 3600;
  CHECK_FALSE(can_replicate_from(server(1), source, 20).ok);
  source.sql_delay = 10;
  CHECK(can_replicate_from(server(1), source, 20).ok);
}
