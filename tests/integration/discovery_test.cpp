// Discovery of real MariaDB topologies by a real orchestrator node, seen through the API and CLI.

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <thread>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;

namespace {

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return d;
}

/// Seconds until `fn` holds (polled every 10 ms), or -1 after `timeout`.
double wait_for(const std::function<bool()>& fn, std::chrono::milliseconds timeout) {
  return seconds_until(fn, timeout, std::chrono::milliseconds(10));
}

std::string key_path(int port) {
  return "127.0.0.1/" + std::to_string(port);
}
std::string key_text(int port) {
  return "127.0.0.1:" + std::to_string(port);
}

/// Number of cluster members the API lists for the cluster of `port`.
int cluster_size(const OrchestratorNode& node, int port) {
  auto reply = node.get("/api/cluster/" + key_text(port));
  if (reply.status != 200) return 0;
  auto d = parse(reply.body);
  return d.IsArray() ? static_cast<int>(d.Size()) : 0;
}

}  // namespace

TEST_CASE("discovering one replica finds the whole 1+3 topology with derived cluster attributes") {
  auto backend = Sandbox::backend();
  auto topo = Sandbox::topology("replicas", 3);
  int http_port = free_port();
  OrchestratorNode node(node_config_json(backend.port(), http_port, {{"InstancePollSeconds", "1"}}),
                        http_port);
  auto reply = node.get("/api/discover/" + key_path(topo.port(1)));
  REQUIRE(reply.status == 200);
  auto d = parse(reply.body);
  CHECK(std::string(d["Code"].GetString()) == "OK");
  CHECK(d["Details"]["MasterKey"]["Port"].GetInt() == topo.port(0));

  double elapsed =
      wait_for([&] { return cluster_size(node, topo.port(0)) == 4; }, std::chrono::seconds(5));
  MESSAGE("all 4 instances listed " << elapsed << " s after discover");
  REQUIRE(elapsed >= 0);

  auto cluster = parse(node.get("/api/cluster/" + key_text(topo.port(0))).body);
  for (const auto& inst : cluster.GetArray()) {
    int port = inst["Key"]["Port"].GetInt();
    CHECK(std::string(inst["ClusterName"].GetString()) == key_text(topo.port(0)));
    CHECK(inst["ReplicationDepth"].GetInt() == (port == topo.port(0) ? 0 : 1));
    CHECK(inst["IsLastCheckValid"].GetBool());
    if (port != topo.port(0)) {
      CHECK(inst["MasterKey"]["Port"].GetInt() == topo.port(0));
      CHECK(inst["ReplicationSQLThreadRuning"].GetBool());
      CHECK(inst["ReplicationIOThreadRuning"].GetBool());
      CHECK(inst["UsingMariaDBGTID"].GetBool());
      CHECK(inst["ReadOnly"].GetBool());
    } else {
      CHECK_FALSE(inst["ReadOnly"].GetBool());
      CHECK(inst["SlaveHosts"].Size() == 3);
    }
  }

  SUBCASE("the CLI shows the same topology from the backend") {
    auto out = run_cli(node.config_path(), "-c topology -i " + key_text(topo.port(2)));
    for (int i = 0; i < 4; ++i) CHECK(out.find(key_text(topo.port(i))) != std::string::npos);
    CHECK(run_cli(node.config_path(), "-c which-cluster-master -i " + key_text(topo.port(3))) ==
          key_text(topo.port(0)) + "\n");
    auto replicas = run_cli(node.config_path(), "-c which-replicas -i " + key_text(topo.port(0)));
    CHECK(replicas == key_text(topo.port(1)) + "\n" + key_text(topo.port(2)) + "\n" +
                          key_text(topo.port(3)) + "\n");
  }

  SUBCASE("a killed replica turns invalid and stays listed") {
    topo.kill(3);
    auto path = "/api/instance/" + key_path(topo.port(3));
    double elapsed = wait_for(
        [&] {
          auto r = node.get(path);
          auto i = parse(r.body);
          return r.status == 200 && i.IsObject() && !i["IsLastCheckValid"].GetBool();
        },
        std::chrono::seconds(20));
    MESSAGE("killed replica invalid after " << elapsed << " s (two polls: 2 s)");
    CHECK(elapsed >= 0);
    CHECK(cluster_size(node, topo.port(0)) == 4);
  }

  SUBCASE("a replica with stopped replication is shown as stopped") {
    topo.sql(2, "STOP SLAVE");
    auto path = "/api/instance/" + key_path(topo.port(2));
    double elapsed = wait_for(
        [&] {
          auto i = parse(node.get(path).body);
          return i.IsObject() && i["ReplicationSQLThreadState"].GetInt() == 0 &&
                 i["ReplicationIOThreadState"].GetInt() == 0;
        },
        std::chrono::seconds(3));
    CHECK(elapsed >= 0);
    CHECK(run_cli(node.config_path(), "-c is-replication-stopped -i " + key_text(topo.port(2))) ==
          key_text(topo.port(2)) + "\n");
    CHECK(run_cli(node.config_path(), "-c is-replicating -i " + key_text(topo.port(2))).empty());
  }
}

TEST_CASE("discovering a leaf of a chain finds master, intermediate and leaves with depths") {
  auto backend = Sandbox::backend();
  auto topo = Sandbox::topology("chain", 2);
  int http_port = free_port();
  OrchestratorNode node(node_config_json(backend.port(), http_port, {{"InstancePollSeconds", "1"}}),
                        http_port);
  REQUIRE(node.get("/api/discover/" + key_path(topo.port(3))).status == 200);
  REQUIRE(wait_for([&] { return cluster_size(node, topo.port(0)) == 4; },
                   std::chrono::seconds(5)) >= 0);
  auto cluster = parse(node.get("/api/cluster/" + key_text(topo.port(0))).body);
  for (const auto& inst : cluster.GetArray()) {
    int port = inst["Key"]["Port"].GetInt();
    int expected = port == topo.port(0) ? 0 : port == topo.port(1) ? 1 : 2;
    CHECK(inst["ReplicationDepth"].GetInt() == expected);
  }
  auto topology = parse(node.get("/api/topology/" + key_text(topo.port(2))).body);
  std::string text = topology["Details"].GetString();
  CHECK(text.find("\n  + " + key_text(topo.port(2))) != std::string::npos);
}

TEST_CASE("DiscoverySeeds are discovered at start without any discover call") {
  auto backend = Sandbox::backend();
  auto topo = Sandbox::topology("replicas", 2);
  int http_port = free_port();
  OrchestratorNode node(
      node_config_json(backend.port(), http_port,
                       {{"InstancePollSeconds", "1"},
                        {"DiscoverySeeds", "[\"" + key_text(topo.port(2)) + "\"]"}}),
      http_port);
  double elapsed =
      wait_for([&] { return cluster_size(node, topo.port(0)) == 3; }, std::chrono::seconds(5));
  MESSAGE("seeded topology fully listed " << elapsed << " s after the node answered");
  CHECK(elapsed >= 0);
}
