// Replication control commands through a real node's API and the CLI, on a real MariaDB
// topology, and the per-instance operation lock they share with begin-maintenance: whoever holds
// it, the other side refuses and leaves the server untouched.

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;

namespace {

std::string key_path(int port) {
  return "127.0.0.1/" + std::to_string(port);
}
std::string key_text(int port) {
  return "127.0.0.1:" + std::to_string(port);
}

/// A backend, a master with two replicas, and one node that has discovered them.
struct Fixture {
  Sandbox backend = Sandbox::backend();
  Sandbox topo = Sandbox::topology("replicas", 2);
  int http_port = free_port();
  OrchestratorNode node{node_config_json(backend.port(), http_port, {{"InstancePollSeconds", "1"}}),
                        http_port};
  Fixture() {
    REQUIRE_MESSAGE(wait_leader(node), node.log());  // only the leader discovers and probes
    REQUIRE(node.get("/api/discover/" + key_path(topo.port(0))).status == 200);
    REQUIRE_MESSAGE(wait_until(
                        [&] {
                          rapidjson::Document d;
                          d.Parse(node.get("/api/cluster/" + key_text(topo.port(0))).body.c_str());
                          return d.IsArray() && static_cast<int>(d.Size()) == topo.size();
                        },
                        std::chrono::seconds(30)),
                    node.log());
  }

  /// The envelope of GET /api/<command>/<instance I>.
  rapidjson::Document call(const std::string& command, int i) {
    rapidjson::Document d;
    auto reply = node.get("/api/" + command + "/" + key_path(topo.port(i)));
    d.Parse(reply.body.c_str());
    REQUIRE_MESSAGE(d.IsObject(), reply.body);
    return d;
  }

  /// "Yes"/"No"/... of a SHOW SLAVE STATUS field on instance I.
  std::string replica_field(int i, const std::string& field) {
    auto text = topo.sql(i, "SHOW SLAVE STATUS\\G");
    auto at = text.find(" " + field + ": ");
    if (at == std::string::npos) return "";
    at += field.size() + 3;
    return text.substr(at, text.find('\n', at) - at);
  }

  int active_locks() {
    return std::stoi(backend.sql(0,
                                 "SELECT COUNT(*) FROM orchestrator.database_instance_maintenance "
                                 "WHERE maintenance_active = 1"));
  }

  /// Runs the CLI with the node's config; returns stderr, stores the exit code.
  std::string cli_stderr(const std::string& args, int* exit_code, std::string* out = nullptr) {
    auto err_file = std::string(ORC_BINARY) + ".operations_test.err";
    auto stdout_text =
        run_command(std::string(ORC_BINARY) + " --config " + shell_quote(node.config_path()) + " " +
                        args + " 2>" + shell_quote(err_file),
                    exit_code);
    if (out) *out = stdout_text;
    auto err = run_command("cat " + shell_quote(err_file) + "; rm -f " + shell_quote(err_file));
    return err;
  }
};

bool wait_for(const std::function<bool()>& condition) {
  return wait_until(condition, std::chrono::seconds(10));
}

}  // namespace

TEST_CASE("stop-replica and start-replica through the API stop and start a replica's threads") {
  Fixture f;
  REQUIRE(f.replica_field(1, "Slave_SQL_Running") == "Yes");

  auto stopped = f.call("stop-replica", 1);
  REQUIRE_MESSAGE(std::string(stopped["Code"].GetString()) == "OK", stopped["Message"].GetString());
  CHECK(std::string(stopped["Message"].GetString()) ==
        "Replica stopped: " + key_text(f.topo.port(1)));
  CHECK(f.replica_field(1, "Slave_SQL_Running") == "No");
  CHECK(f.replica_field(1, "Slave_IO_Running") == "No");
  CHECK(stopped["Details"]["Slave_SQL_Running"].GetBool() == false);
  CHECK(f.replica_field(2, "Slave_SQL_Running") == "Yes");  // only the one asked for

  auto started = f.call("start-slave", 1);  // the slave synonym
  REQUIRE_MESSAGE(std::string(started["Code"].GetString()) == "OK", started["Message"].GetString());
  CHECK(f.replica_field(1, "Slave_SQL_Running") == "Yes");
  CHECK(wait_for([&] { return f.replica_field(1, "Slave_IO_Running") == "Yes"; }));

  auto restarted = f.call("restart-replica", 1);
  CHECK(std::string(restarted["Code"].GetString()) == "OK");

  // Each command took the lock (history rows with the command as reason) and released it.
  CHECK(f.active_locks() == 0);
  CHECK(f.backend.sql(0,
                      "SELECT GROUP_CONCAT(reason ORDER BY database_instance_maintenance_id) "
                      "FROM orchestrator.database_instance_maintenance WHERE owner = "
                      "'orchestrator'") == "stop-replica,start-replica,restart-replica");

  // A master is not a replica: refused, nothing left locked.
  auto on_master = f.call("stop-replica", 0);
  CHECK(std::string(on_master["Code"].GetString()) == "ERROR");
  CHECK(std::string(on_master["Message"].GetString()).find("not a replica") != std::string::npos);
  CHECK(f.active_locks() == 0);
}

TEST_CASE("set-writeable and set-read-only toggle read_only, and detach/reattach move the host") {
  Fixture f;
  REQUIRE(f.topo.sql(1, "SELECT @@global.read_only") == "1");
  auto writeable = f.call("set-writeable", 1);
  REQUIRE_MESSAGE(std::string(writeable["Code"].GetString()) == "OK",
                  writeable["Message"].GetString());
  CHECK(f.topo.sql(1, "SELECT @@global.read_only") == "0");
  CHECK(writeable["Details"]["ReadOnly"].GetBool() == false);
  auto read_only = f.call("set-read-only", 1);
  REQUIRE(std::string(read_only["Code"].GetString()) == "OK");
  CHECK(f.topo.sql(1, "SELECT @@global.read_only") == "1");
  CHECK(read_only["Details"]["ReadOnly"].GetBool() == true);

  auto detached = f.call("detach-replica-master-host", 2);
  REQUIRE_MESSAGE(std::string(detached["Code"].GetString()) == "OK",
                  detached["Message"].GetString());
  CHECK(f.replica_field(2, "Master_Host") == "//127.0.0.1");
  CHECK(f.replica_field(2, "Master_Port") == std::to_string(f.topo.port(0)));
  CHECK(f.replica_field(2, "Slave_SQL_Running") == "No");
  auto again = f.call("detach-replica", 2);
  CHECK(std::string(again["Code"].GetString()) == "ERROR");
  CHECK(std::string(again["Message"].GetString()).find("already detached") != std::string::npos);

  // Rows written on the master meanwhile arrive after reattaching (position kept).
  f.topo.sql(0,
             "CREATE DATABASE IF NOT EXISTS optest; CREATE TABLE optest.t (i INT); "
             "INSERT INTO optest.t VALUES (7)");
  auto reattached = f.call("reattach-replica-master-host", 2);
  REQUIRE_MESSAGE(std::string(reattached["Code"].GetString()) == "OK",
                  reattached["Message"].GetString());
  CHECK(f.replica_field(2, "Master_Host") == "127.0.0.1");
  CHECK(wait_for([&] {
    return f.topo.sql(
               2, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'optest'") ==
               "1" &&
           f.topo.sql(2, "SELECT COALESCE(SUM(i), 0) FROM optest.t") == "7";
  }));

  const auto binlog = f.topo.sql(0, "SHOW MASTER STATUS");
  auto flushed = f.call("flush-binary-logs", 0);
  CHECK(std::string(flushed["Code"].GetString()) == "OK");
  CHECK(f.topo.sql(0, "SHOW MASTER STATUS") != binlog);

  auto reset = f.call("reset-slave", 2);
  REQUIRE_MESSAGE(std::string(reset["Code"].GetString()) == "OK", reset["Message"].GetString());
  CHECK(f.topo.sql(2, "SHOW SLAVE STATUS").empty());
  CHECK(std::string(f.call("reset-replica", 2)["Code"].GetString()) == "ERROR");
  CHECK(f.active_locks() == 0);
}

TEST_CASE("a node refuses a command while the CLI holds the instance's maintenance lock") {
  Fixture f;
  const int port = f.topo.port(1);
  int code = -1;
  std::string out;
  auto err = f.cli_stderr(
      "-c begin-maintenance -i " + key_text(port) + " --owner cli --reason test --duration 1m",
      &code, &out);
  REQUIRE_MESSAGE(code == 0, err);
  CHECK(out == key_text(port) + "\n");
  const auto since = f.backend.sql(0,
                                   "SELECT begin_timestamp FROM "
                                   "orchestrator.database_instance_maintenance WHERE "
                                   "maintenance_active = 1 AND port = " +
                                       std::to_string(port));
  REQUIRE(!since.empty());

  for (const char* command : {"stop-replica", "set-writeable", "detach-replica-master-host"}) {
    auto refused = f.call(command, 1);
    CHECK(std::string(refused["Code"].GetString()) == "ERROR");
    std::string message = refused["Message"].GetString();
    CHECK_MESSAGE(message.find("held by cli") != std::string::npos, message);
    CHECK_MESSAGE(message.find("since " + since) != std::string::npos, message);
    CHECK_MESSAGE(message.find(": test") != std::string::npos, message);
  }
  // Nothing was done on the server, and the CLI's lock is the only one.
  CHECK(f.replica_field(1, "Slave_SQL_Running") == "Yes");
  CHECK(f.replica_field(1, "Slave_IO_Running") == "Yes");
  CHECK(f.replica_field(1, "Master_Host") == "127.0.0.1");
  CHECK(f.topo.sql(1, "SELECT @@global.read_only") == "1");
  CHECK(f.backend.sql(
            0, "SELECT GROUP_CONCAT(owner) FROM orchestrator.database_instance_maintenance") ==
        "cli");

  // Once the CLI releases it, the same command goes through.
  f.cli_stderr("-c end-maintenance -i " + key_text(port), &code);
  REQUIRE(code == 0);
  auto stopped = f.call("stop-replica", 1);
  CHECK(std::string(stopped["Code"].GetString()) == "OK");
  CHECK(f.replica_field(1, "Slave_SQL_Running") == "No");
}

TEST_CASE("the CLI refuses a command while the API's begin-maintenance holds the lock") {
  Fixture f;
  const int port = f.topo.port(2);
  auto begun = f.node.get("/api/begin-maintenance/" + key_path(port) + "/api-owner/long-job");
  REQUIRE_MESSAGE(begun.body.find("\"OK\"") != std::string::npos, begun.body);

  int code = 0;
  std::string out;
  auto err = f.cli_stderr("-c stop-replica -i " + key_text(port), &code, &out);
  CHECK(code != 0);
  CHECK(out.empty());
  CHECK_MESSAGE(err.find("held by api-owner") != std::string::npos, err);
  CHECK_MESSAGE(err.find("long-job") != std::string::npos, err);
  CHECK(err.find("orc_pass") == std::string::npos);
  CHECK(f.replica_field(2, "Slave_SQL_Running") == "Yes");
  CHECK(f.active_locks() == 1);

  // The CLI's own commands work on an unlocked instance and release their lock.
  err = f.cli_stderr("-c stop-slave -i " + key_text(f.topo.port(1)), &code, &out);
  REQUIRE_MESSAGE(code == 0, err);
  CHECK(out == key_text(f.topo.port(1)) + "\n");
  CHECK(f.replica_field(1, "Slave_SQL_Running") == "No");
  err = f.cli_stderr("-c start-replica -i " + key_text(f.topo.port(1)), &code, &out);
  REQUIRE_MESSAGE(code == 0, err);
  CHECK(f.replica_field(1, "Slave_SQL_Running") == "Yes");
  CHECK(f.active_locks() == 1);  // only the API's
}
