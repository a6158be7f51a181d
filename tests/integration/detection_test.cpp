// Detection on the leader: registration in topology_failure_detection (deduplicated) and
// OnFailureDetectionProcesses hooks with placeholders and ORC_* variables.

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int count_lines_with(const std::string& text, const std::string& needle) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

}  // namespace

TEST_CASE("a dead master is registered once and its detection hooks run once with its facts") {
  auto backend = Sandbox::backend();
  auto topo = Sandbox::topology("replicas", 2);
  std::string dir = backend.dir();
  std::string placeholders = dir + "/hook-placeholders.txt";
  std::string environment = dir + "/hook-env.txt";
  int http_port = free_port();
  OrchestratorNode node(
      node_config_json(
          backend.port(), http_port,
          {{"InstancePollSeconds", "1"},
           {"OnFailureDetectionProcesses",
            "[\"echo {failureType} {failedHost}:{failedPort} {countReplicas} >> " + placeholders +
                "\", \"echo $ORC_FAILURE_TYPE $ORC_FAILED_PORT >> " + environment + "\"]"}}),
      http_port);
  REQUIRE_MESSAGE(wait_leader(node), node.log());  // only the leader discovers and detects
  REQUIRE(node.get("/api/discover/127.0.0.1/" + std::to_string(topo.port(0))).status == 200);
  // Healthy: nothing detected. Evidence that detection had its chance: the leader watches the
  // whole topology and then probed (and analysed after each probe) it for two more rounds.
  REQUIRE_MESSAGE(
      wait_until([&] { return metric(node, "orchestrator_watched_instances") == topo.size(); },
                 std::chrono::seconds(30)),
      node.log());
  REQUIRE_MESSAGE(wait_more_probes(node, 2 * topo.size()), node.log());
  CHECK(read_file(placeholders).empty());

  topo.kill(0);
  std::string expected = "DeadMaster 127.0.0.1:" + std::to_string(topo.port(0)) + " 2";
  wait_until([&] { return read_file(placeholders).find(expected) != std::string::npos; },
             std::chrono::seconds(10));
  CHECK(read_file(placeholders).find(expected) != std::string::npos);
  // No second hook run: the leader went on probing the two live replicas (each probe is
  // followed by an analysis that still finds the DeadMaster) for three more rounds.
  REQUIRE_MESSAGE(wait_more_probes(node, 3 * 2), node.log());
  CHECK(count_lines_with(read_file(placeholders), "DeadMaster") == 1);
  CHECK(read_file(environment).find("DeadMaster " + std::to_string(topo.port(0))) !=
        std::string::npos);

  rapidjson::Document d;
  d.Parse(node.get("/api/audit-failure-detection").body.c_str());
  REQUIRE(d.IsArray());
  int dead_master_rows = 0;
  for (const auto& row : d.GetArray())
    if (std::string(row["AnalysisEntry"]["Analysis"].GetString()) == "DeadMaster" &&
        row["AnalysisEntry"]["AnalyzedInstanceKey"]["Port"].GetInt() == topo.port(0)) {
      ++dead_master_rows;
      CHECK(row["IsActive"].GetBool());
      CHECK(row["AnalysisEntry"]["IsActionableRecovery"].GetBool());
    }
  CHECK(dead_master_rows == 1);
}
